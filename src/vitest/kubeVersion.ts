// Which kube-apiserver version a suite's policies are judged as. The project
// default is set once in the config (auditspecTestConfig({ kubeVersion }) or
// `auditspec test --kube-version`) and reaches every worker through Vitest's
// provide; a describePolicy/usePolicy option overrides it for one block.
import { inject } from 'vitest';
import { DEFAULT_KUBE_VERSION, parseKubeVersion, type KubeVersion } from '../audit/kubeVersions.js';

import { KUBE_VERSION_KEY } from './kubeVersionKey.js';

export { KUBE_VERSION_KEY };

/**
 * The project's version: what the config provided, else the default. Outside
 * a Vitest worker (nothing was provided) it is the default as well.
 */
export function projectKubeVersion(): KubeVersion {
  let provided: KubeVersion | undefined;
  try {
    provided = inject(KUBE_VERSION_KEY);
  } catch {
    // Not inside a Vitest worker: nothing was provided.
  }
  return provided ?? DEFAULT_KUBE_VERSION;
}

/**
 * A suite's version: the one it names (validated here, since a spec file is
 * plain JavaScript to whoever writes it) or the project's.
 */
export function suiteKubeVersion(named: string | undefined): KubeVersion {
  return named === undefined ? projectKubeVersion() : parseKubeVersion(named, 'kubeVersion');
}
