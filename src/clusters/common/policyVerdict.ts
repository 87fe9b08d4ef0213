// kube-apiserver's verdict on a policy file before a backend installs it, for the
// backends that cannot run kube-apiserver on the user's own file first (kind,
// containers): auditspec's loader decides exactly as kube-apiserver 1.36's, and
// the message is worded as kube-apiserver's (LoadPolicyFromFile, then
// AuditOptions.ApplyTo's "loading audit policy file").
import { readPolicyFile } from '../../audit/policy/reader.js';
import { ClusterError } from '../types.js';

export function policyVerdict(file: string): ClusterError | undefined {
  let result;
  try {
    result = readPolicyFile(file);
  } catch (err) {
    return new ClusterError(`loading audit policy file: ${(err as Error).message}`, [], true);
  }
  if (result.ok) return undefined;
  return new ClusterError(`loading audit policy file: ${result.error.message}: from file ${file}`, [], true);
}
