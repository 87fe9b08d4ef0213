// Identities that kube-apiserver 1.36 clusters no longer (or only rarely) use, so
// a rule naming them no longer matches the traffic it was written for. Each entry
// says why; the list is short on purpose — only names with evidence in upstream
// source.
import type { PolicyRule } from '../../audit/types.js';
import type { LintFinding, LintRule } from '../types.js';
import { fieldPosition, quote } from '../describe.js';

const CODE = 'stale-identity';

interface StaleUser {
  user: string;
  /** No finding when the rule also names one of these (the modern identity is covered too). */
  unlessAlso?: { users?: readonly string[]; userGroups?: readonly string[] };
  why: string;
}

export const STALE_USERS: readonly StaleUser[] = [
  {
    // k8s.io/apiserver pkg/server/deprecated_insecure_serving.go: InsecureSuperuser
    // is no longer wired into kube-apiserver (the insecure port is gone since 1.20).
    user: 'system:unsecured',
    why: 'it was the user of kube-apiserver\'s insecure port, which no longer exists; no request is authenticated as system:unsecured',
  },
  {
    // Node authorization (system:node:<name> in system:nodes) replaced the shared
    // kube-up "kubelet" token; the Node authorizer and NodeRestriction only know the former.
    user: 'kubelet',
    unlessAlso: { userGroups: ['system:nodes'] },
    why: 'kubelets authenticate as system:node:<node-name> in the group system:nodes; "kubelet" was the shared token of old kube-up clusters. Use userGroups: ["system:nodes"]',
  },
  {
    // Still bound by RBAC's bootstrap policy (system:node-proxier), so it exists
    // where kube-proxy has a client certificate for it (kube-up, "the hard way"),
    // but kubeadm (cmd/kubeadm: constants.KubeProxy) and most distributions run
    // kube-proxy with the kube-system/kube-proxy service account.
    user: 'system:kube-proxy',
    unlessAlso: { users: ['system:serviceaccount:kube-system:kube-proxy'] },
    why: 'kubeadm and most distributions run kube-proxy as the service account system:serviceaccount:kube-system:kube-proxy; system:kube-proxy only exists where kube-proxy has a client certificate for that user. Add the service account to users',
  },
];

function staleFindings(rule: PolicyRule, ruleIndex: number): LintFinding[] {
  const findings: LintFinding[] = [];
  for (const stale of STALE_USERS) {
    if (!rule.users.includes(stale.user)) continue;
    const alsoUsers = stale.unlessAlso?.users ?? [];
    const alsoGroups = stale.unlessAlso?.userGroups ?? [];
    if (alsoUsers.some((u) => rule.users.includes(u)) || alsoGroups.some((g) => rule.userGroups.includes(g))) continue;
    findings.push({
      code: CODE,
      severity: 'warning',
      message: `user ${quote(stale.user)} probably matches nothing on a current cluster: ${stale.why}.`,
      pos: fieldPosition(rule, 'users'),
      ruleIndex,
    });
  }
  return findings;
}

export const staleIdentity: LintRule = {
  code: CODE,
  summary: 'a user name current clusters no longer authenticate (system:unsecured, kubelet, system:kube-proxy)',
  check({ policy }) {
    return policy.rules.flatMap((rule, index) => staleFindings(rule, index));
  },
};
