// The verb a policy sees is the one requestinfo.go derives from the request:
// resource requests get one of RESOURCE_VERBS, non-resource requests the
// lower-cased HTTP method. RBAC-only verbs (impersonate, bind, escalate, use,
// approve, sign, ...) never reach the policy: the audit filter evaluates the
// policy on the request's own attributes (filters.GetAuthorizerAttributes), not
// on the extra authorization checks made for impersonation or escalation, and it
// runs before those checks.
import type { PolicyRule } from '../../audit/types.js';
import type { LintFinding, LintRule } from '../types.js';
import { RESOURCE_VERBS } from '../requestSpace.js';
import { fieldPosition, quote } from '../describe.js';

const CODE = 'unknown-verb';

/** Methods real clients send to non-resource URLs, lower-cased as requestinfo.go does. */
const HTTP_METHODS = new Set(['get', 'head', 'post', 'put', 'patch', 'delete', 'options', 'connect', 'trace']);
const RESOURCE_VERB_SET = new Set(RESOURCE_VERBS);
const RBAC_ONLY_VERBS = new Set(['impersonate', 'bind', 'escalate', 'use', 'approve', 'sign']);
/** HTTP methods written where a resource verb was meant. */
const RESOURCE_VERB_FOR_METHOD: Record<string, string> = { post: 'create', put: 'update', head: 'get' };

function whyUnknown(rule: PolicyRule, verb: string): string | undefined {
  if (verb === '*') return undefined; // literal-wildcard reports it
  const resourceOnlyRule = rule.resources.length > 0 || rule.namespaces.length > 0;
  if (verb === '' && !resourceOnlyRule && rule.nonResourceURLs.length > 0) {
    return 'only resource requests sent with a method requestinfo.go has no verb for (e.g. OPTIONS) have the empty verb; a non-resource request always has its method as verb, so "" never matches here';
  }
  if (verb === '') return undefined; // resource requests with e.g. OPTIONS really have it
  if (verb !== verb.toLowerCase()) {
    return `kube-apiserver's verbs are lower case and compared literally, so ${quote(verb)} never matches; write ${quote(verb.toLowerCase())}`;
  }
  const resourceOnly = rule.resources.length > 0 || rule.namespaces.length > 0;
  const nonResourceOnly = !resourceOnly && rule.nonResourceURLs.length > 0;
  const rbac = RBAC_ONLY_VERBS.has(verb)
    ? ` (${quote(verb)} is an RBAC verb the authorizer checks separately; the audit event carries the request's own verb, e.g. a request made while impersonating is still a "get" or "create")`
    : '';
  if (resourceOnly && !RESOURCE_VERB_SET.has(verb)) {
    const instead = RESOURCE_VERB_FOR_METHOD[verb];
    return (
      `resource requests only have the verbs ${[...RESOURCE_VERBS].filter((v) => v).join(', ')}, so ${quote(verb)} never matches here${rbac}` +
      (instead ? `; the ${verb.toUpperCase()} method is the verb ${quote(instead)}` : '')
    );
  }
  if (nonResourceOnly && !HTTP_METHODS.has(verb)) {
    return `non-resource requests have the lower-cased HTTP method as their verb (get, post, put, ...), so ${quote(verb)} only matches a request sent with the non-standard method ${verb.toUpperCase()}${rbac}`;
  }
  if (!resourceOnly && !nonResourceOnly && !RESOURCE_VERB_SET.has(verb) && !HTTP_METHODS.has(verb)) {
    return `no request has the verb ${quote(verb)}: resource requests use ${[...RESOURCE_VERBS].filter((v) => v).join(', ')} and non-resource requests the lower-cased HTTP method${rbac}`;
  }
  return undefined;
}

export const unknownVerb: LintRule = {
  code: CODE,
  summary: 'a verb kube-apiserver never gives the requests this rule can match',
  check({ policy }) {
    const findings: LintFinding[] = [];
    policy.rules.forEach((rule, ruleIndex) => {
      for (const verb of new Set(rule.verbs)) {
        const why = whyUnknown(rule, verb);
        if (why === undefined) continue;
        findings.push({ code: CODE, severity: 'warning', message: `verb ${quote(verb)}: ${why}.`, pos: fieldPosition(rule, 'verbs'), ruleIndex });
      }
    });
    return findings;
  },
};
