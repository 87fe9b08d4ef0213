import type { ClusterBackend } from '../types.js';
import { KindCluster, type KindClusterOptions } from './backend.js';

export { KindCluster, planKindStart } from './backend.js';
export type { KindClusterOptions } from './backend.js';
export { DEFAULT_NODE_IMAGE, DEFAULT_CLUSTER_NAME, renderKindConfig } from './config.js';

export const kindBackend: ClusterBackend = {
  name: 'kind',
  start: (policy, options?: KindClusterOptions) => KindCluster.start(policy, options),
};
