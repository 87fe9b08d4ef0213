// kube-apiserver's verdict on a policy file (or a module directory, composed as
// `auditspec build` does) before a backend installs it, for the backends that
// cannot run kube-apiserver on the user's own file first (kind, containers):
// auditspec's loader decides exactly as that version's kube-apiserver, and the
// message is worded as kube-apiserver's (LoadPolicyFromFile, then
// AuditOptions.ApplyTo's "loading audit policy file"). Every backend's refusal
// then says where in the file to look (policyRefusal), which kube-apiserver's
// own words never do.
import type { KubeVersion } from '../../audit/kubeVersions.js';
import { loadPolicy } from '../../audit/policy/load.js';
import { PolicyLoadError } from '../../audit/policy/loadError.js';
import { ClusterError } from '../types.js';

/** Why `file` does not load for `kubeVersion`, or undefined when it does. */
function loadFailure(file: string, kubeVersion: KubeVersion | undefined): PolicyLoadError | undefined {
  try {
    loadPolicy({ file }, { kubeVersion });
    return undefined;
  } catch (err) {
    if (!(err instanceof PolicyLoadError)) throw err;
    return err;
  }
}

export function policyVerdict(file: string, kubeVersion?: KubeVersion): ClusterError | undefined {
  const failure = loadFailure(file, kubeVersion);
  if (failure === undefined) return undefined;
  // For a module directory, the module file at fault.
  const fromFile = failure.unreadable === undefined ? `: from file ${failure.file}` : '';
  return refusal(`loading audit policy file: ${failure.reason}${fromFile}`, failure);
}

/**
 * A refusal in kube-apiserver's own words (`kubeApiserverSays`, e.g. the local
 * backend's policy check), followed by where the offline loader, deciding as
 * the same version, finds the fault in `file`.
 */
export function policyRefusal(kubeApiserverSays: string, file: string, kubeVersion?: KubeVersion): ClusterError {
  return refusal(kubeApiserverSays, loadFailure(file, kubeVersion));
}

function refusal(message: string, failure: PolicyLoadError | undefined): ClusterError {
  const where = failure?.whereLines() ?? [];
  return new ClusterError([message, ...where.map((line) => `  ${line}`)].join('\n'), [], true);
}
