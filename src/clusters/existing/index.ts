import type { ClusterBackend } from '../types.js';
import { ExistingCluster, type ExistingClusterOptions } from './backend.js';

export { ExistingCluster, parseListen } from './backend.js';
export type { ExistingClusterOptions } from './backend.js';
export { AuditWebhookReceiver } from './webhook/receiver.js';
export type { WebhookReceiverOptions, ReceiverStats } from './webhook/receiver.js';
export { parseAuditLogSpec } from './auditSources.js';

export const existingBackend: ClusterBackend = {
  name: 'existing',
  start: (policy, options?: ExistingClusterOptions) => ExistingCluster.start(policy, options),
};
