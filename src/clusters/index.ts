// Picks an end-to-end backend by name. Each backend lives in its own folder and
// is loaded only when asked for.
import type { ClusterBackend } from './types.js';

export * from './types.js';

const BACKENDS: Record<string, () => Promise<ClusterBackend>> = {
  local: async () => (await import('./local/index.js')).localBackend,
  kind: async () => (await import('./kind/index.js')).kindBackend,
  containers: async () => (await import('./containers/index.js')).containersBackend,
  existing: async () => (await import('./existing/index.js')).existingBackend,
};

export function clusterBackendNames(): string[] {
  return Object.keys(BACKENDS);
}

export class UnknownBackendError extends Error {
  override name = 'UnknownBackendError';
}

export async function clusterBackend(name: string): Promise<ClusterBackend> {
  const load = BACKENDS[name];
  if (!load) {
    throw new UnknownBackendError(`unknown cluster backend "${name}" (available: ${clusterBackendNames().join(', ')})`);
  }
  return load();
}
