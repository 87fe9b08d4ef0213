// kube-apiserver's verdict on a policy file (or a module directory, composed as
// `auditspec build` does) before a backend installs it, for the
// backends that cannot run kube-apiserver on the user's own file first (kind,
// containers): auditspec's loader decides exactly as kube-apiserver 1.36's, and
// the message is worded as kube-apiserver's (LoadPolicyFromFile, then
// AuditOptions.ApplyTo's "loading audit policy file").
import { loadPolicy } from '../../audit/policy/load.js';
import { PolicyLoadError } from '../../audit/policy/loadError.js';
import { ClusterError } from '../types.js';

export function policyVerdict(file: string): ClusterError | undefined {
  try {
    loadPolicy({ file });
    return undefined;
  } catch (err) {
    if (!(err instanceof PolicyLoadError)) throw err;
    // kube-apiserver's own wording, as the local backend reports it from kube-apiserver itself.
    // For a module directory, the module file at fault.
    const fromFile = err.unreadable === undefined ? `: from file ${err.file}` : '';
    return new ClusterError(`loading audit policy file: ${err.reason}${fromFile}`, [], true);
  }
}
