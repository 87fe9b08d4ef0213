// kube-apiserver's verdict on a policy file (or module directory, composed as
// `auditspec build` does) before a backend installs it, for the
// backends that cannot run kube-apiserver on the user's own file first (kind,
// containers): auditspec's loader decides exactly as kube-apiserver 1.36's, and
// the message is worded as kube-apiserver's (LoadPolicyFromFile, then
// AuditOptions.ApplyTo's "loading audit policy file").
import { readPolicyPath } from '../../audit/modules/readPolicyPath.js';
import { ClusterError } from '../types.js';

export function policyVerdict(file: string): ClusterError | undefined {
  let result;
  try {
    result = readPolicyPath(file);
  } catch (err) {
    return new ClusterError(`loading audit policy file: ${(err as Error).message}`, [], true);
  }
  if (result.ok) return undefined;
  // For a module directory, the module file at fault.
  return new ClusterError(`loading audit policy file: ${result.error.message}: from file ${result.error.file}`, [], true);
}
