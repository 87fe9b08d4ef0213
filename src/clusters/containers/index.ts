import type { ClusterBackend } from '../types.js';
import { ContainersCluster, type ContainersClusterOptions } from './backend.js';

export { ContainersCluster } from './backend.js';
export type { ContainersClusterOptions } from './backend.js';
export { DEFAULT_APISERVER_IMAGE, DEFAULT_ETCD_IMAGE } from './definition.js';

export const containersBackend: ClusterBackend = {
  name: 'containers',
  start: (policy, options?: ContainersClusterOptions) => ContainersCluster.start(policy, options),
};
