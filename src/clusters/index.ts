// Picks an end-to-end backend by name. Each backend lives in its own folder and
// is loaded only when asked for; the map's keys are the BackendName type, as
// Vitest keys its reporters (keyof typeof ReportersMap).
import { BACKEND_NAMES, type BackendName, isBackendName } from './names.js';
import type { ClusterBackend } from './types.js';

export * from './types.js';
export { BACKEND_NAMES, type BackendName, isBackendName } from './names.js';
export { BACKEND_ENVIRONMENT, backendOptionsFromEnv } from './environment.js';

const BACKENDS: Record<BackendName, () => Promise<ClusterBackend>> = {
  local: async () => (await import('./local/index.js')).localBackend,
  containers: async () => (await import('./containers/index.js')).containersBackend,
  kind: async () => (await import('./kind/index.js')).kindBackend,
  existing: async () => (await import('./existing/index.js')).existingBackend,
};

export function clusterBackendNames(): BackendName[] {
  return [...BACKEND_NAMES];
}

export class UnknownBackendError extends Error {
  override name = 'UnknownBackendError';
}

/** The backend's name, or an error listing the names there are. */
export function backendName(name: string): BackendName {
  if (!isBackendName(name)) {
    throw new UnknownBackendError(`unknown cluster backend "${name}" (available: ${BACKEND_NAMES.join(', ')})`);
  }
  return name;
}

export async function clusterBackend(name: string): Promise<ClusterBackend> {
  return BACKENDS[backendName(name)]();
}
