// The provide key under which the config hands the project's kube version to
// the workers. Apart from kubeVersion.ts because the config imports it, and a
// Vitest config must not load 'vitest' itself (Vitest 3 refuses: "failed to
// access its internal state"); this file only augments its types.
import type { KubeVersion } from '../audit/kubeVersions.js';

/** Set by auditspecTestConfig, read in the workers. */
export const KUBE_VERSION_KEY = 'auditspec:kubeVersion';

declare module 'vitest' {
  export interface ProvidedContext {
    [KUBE_VERSION_KEY]: KubeVersion;
  }
}
