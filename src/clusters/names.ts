// The backends' names, as a type: `--cluster`, the environment table and the
// registry all speak BackendName, so an unknown name is caught where it enters.
export const BACKEND_NAMES = ['local', 'containers', 'kind', 'existing'] as const;

export type BackendName = (typeof BACKEND_NAMES)[number];

export function isBackendName(name: string): name is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(name);
}
