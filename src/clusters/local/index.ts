import type { ClusterBackend } from '../types.js';
import { LocalControlPlane, type LocalStartOptions } from './controlPlane.js';

export { LocalControlPlane } from './controlPlane.js';
export type { LocalStartOptions, LocalTimings } from './controlPlane.js';

export const localBackend: ClusterBackend = {
  name: 'local',
  start: (policy, options?: LocalStartOptions) => LocalControlPlane.start(policy, options),
};
