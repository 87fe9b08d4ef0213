// users compares the user's name and userGroups its groups. The well-known names
// (k8s.io/apiserver pkg/authentication/user, serviceaccount and bootstrap token
// authenticators) tell users and groups apart, so a group name in users (or a user
// name in userGroups) can only be a mix-up and never matches.
import type { LintFinding, LintRule } from '../types.js';
import { fieldPosition, quote } from '../describe.js';

const CODE = 'user-group-mixup';

const GROUP_NAMES = new Set([
  'system:masters',
  'system:nodes',
  'system:monitoring',
  'system:authenticated',
  'system:unauthenticated',
  'system:serviceaccounts',
  'system:bootstrappers',
]);
const GROUP_PREFIXES = ['system:serviceaccounts:', 'system:bootstrappers:'];

const USER_NAMES = new Set([
  'system:anonymous',
  'system:apiserver',
  'system:kube-proxy',
  'system:kube-controller-manager',
  'system:kube-scheduler',
]);
const USER_PREFIXES = ['system:serviceaccount:', 'system:node:'];

export const isGroupName = (name: string) => GROUP_NAMES.has(name) || GROUP_PREFIXES.some((p) => name.startsWith(p));
export const isUserName = (name: string) => USER_NAMES.has(name) || USER_PREFIXES.some((p) => name.startsWith(p));

export const userGroupMixup: LintRule = {
  code: CODE,
  summary: 'a well-known group name in users, or a well-known user name in userGroups',
  check({ policy }) {
    const findings: LintFinding[] = [];
    policy.rules.forEach((rule, ruleIndex) => {
      for (const name of new Set(rule.users.filter(isGroupName))) {
        findings.push({
          code: CODE,
          severity: 'warning',
          message: `${quote(name)} is a group, but users compares the user's name, so it never matches. Put it in userGroups (in a separate rule if this one must also restrict users).`,
          pos: fieldPosition(rule, 'users'),
          ruleIndex,
        });
      }
      for (const name of new Set(rule.userGroups.filter(isUserName))) {
        const hint = name === 'system:anonymous' ? ' (anonymous requests are in the group system:unauthenticated)' : '';
        findings.push({
          code: CODE,
          severity: 'warning',
          message: `${quote(name)} is a user name, but userGroups compares the user's groups, so it never matches${hint}. Put it in users (in a separate rule if this one must also restrict userGroups).`,
          pos: fieldPosition(rule, 'userGroups'),
          ruleIndex,
        });
      }
    });
    return findings;
  },
};
