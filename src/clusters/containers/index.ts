import type { ClusterBackend } from '../types.js';
import { ContainersCluster, type ContainersClusterOptions } from './backend.js';

export { ContainersCluster } from './backend.js';
export type { ContainersClusterOptions } from './backend.js';
export { localImages, prepareImages, releaseImages } from './images.js';

export const containersBackend: ClusterBackend = {
  name: 'containers',
  start: (policy, options?: ContainersClusterOptions) => ContainersCluster.start(policy, options),
};
