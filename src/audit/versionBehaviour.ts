// What kube-apiserver does differently from one supported version to the next,
// as data: one row per version, read as behaviourOf(version).<field> by the
// code that reproduces it (validation, field error messages, the decoder), so
// no version number is compared anywhere else.
//
// Every entry is an observed difference: found by `npm run differential`
// (every version's own k8s.io/apiserver asked the same generated questions)
// and traced to the upstream change named beside it. README "What changes
// between versions" is the same table in prose.
import type { KubeVersion } from './kubeVersions.js';

export interface VersionBehaviour {
  /**
   * `group: "*"` in a rule's resources is "any group": validation accepts it and
   * the checker matches it. Before 1.36 it is validated as a DNS subdomain
   * and refused (k8s.io/apiserver pkg/apis/audit/validation/validation.go
   * and pkg/audit/policy/checker.go, v0.36.0).
   */
  wildcardGroup: boolean;
  /**
   * How a field error prints a bad value that is not a plain Go string (the
   * []string of resourceNames / nonResourceURLs, the audit.Level of an
   * unsupported level): Go syntax (`%#v`, e.g. `[]string{"a", "b"}`) until
   * apimachinery v0.33, JSON (`["a","b"]`) from v0.34
   * (pkg/util/validation/field/errors.go, ErrorBody).
   */
  fieldErrorValues: 'go-syntax' | 'json';
  /**
   * The scheme named in "no kind … is registered" errors: apimachinery names a
   * scheme after the line of pkg/runtime/scheme.go that creates it, and that
   * line moved in v0.35.
   */
  schemeName: string;
}

const BEHAVIOURS: Record<KubeVersion, VersionBehaviour> = {
  '1.33': { wildcardGroup: false, fieldErrorValues: 'go-syntax', schemeName: 'pkg/runtime/scheme.go:110' },
  '1.34': { wildcardGroup: false, fieldErrorValues: 'json', schemeName: 'pkg/runtime/scheme.go:110' },
  '1.35': { wildcardGroup: false, fieldErrorValues: 'json', schemeName: 'pkg/runtime/scheme.go:111' },
  '1.36': { wildcardGroup: true, fieldErrorValues: 'json', schemeName: 'pkg/runtime/scheme.go:111' },
  '1.37': { wildcardGroup: true, fieldErrorValues: 'json', schemeName: 'pkg/runtime/scheme.go:111' },
};

export function behaviourOf(version: KubeVersion): VersionBehaviour {
  const behaviour = BEHAVIOURS[version];
  if (!behaviour) throw new Error(`invalid Kubernetes version ${JSON.stringify(version)}: supported are ${Object.keys(BEHAVIOURS).join(', ')}`);
  return behaviour;
}
