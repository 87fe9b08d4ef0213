// resourceNames compare with the request's object name. requestinfo.go gives a
// name to every request whose URL has one, and also to a list or watch whose
// fieldSelector is exactly metadata.name=<name>; so list, watch, and creates on a
// named object's subresource (pods/eviction, serviceaccounts/token) can carry a
// name. Two cases cannot:
// - deletecollection: a DELETE only becomes deletecollection when it has no name;
// - create of a resource itself: the new object's name is in the body, the URL
//   (POST .../configmaps) has none.
import type { GroupResources, PolicyRule } from '../../audit/types.js';
import type { LintFinding, LintRule } from '../types.js';
import { quoteList } from '../describe.js';

const CODE = 'resource-names-never-named';

/** Whether a pattern can only match requests without a subresource. */
const topLevelOnly = (pattern: string) => pattern !== '*' && !pattern.includes('/');

function whyNoName(rule: PolicyRule, gr: GroupResources): string | undefined {
  if (rule.verbs.length === 0 || gr.resourceNames.length === 0 || gr.resources.length === 0) return undefined;
  const verbs = new Set(rule.verbs);
  if ([...verbs].every((v) => v === 'deletecollection')) {
    return 'a deletecollection request never has a name (a DELETE with a name is a "delete")';
  }
  if ([...verbs].every((v) => v === 'deletecollection' || v === 'create') && gr.resources.every(topLevelOnly)) {
    return (
      `a create of ${quoteList(gr.resources)} has no name in its URL (the new object is named in the body)` +
      (verbs.has('deletecollection') ? ' and a deletecollection never has one' : '') +
      '; only creates on a subresource of a named object (e.g. pods/eviction) carry a name'
    );
  }
  return undefined;
}

export const resourceNamesWithoutName: LintRule = {
  code: CODE,
  summary: 'resourceNames on a rule whose verbs never carry an object name',
  check({ policy }) {
    const findings: LintFinding[] = [];
    policy.rules.forEach((rule, ruleIndex) => {
      for (const gr of rule.resources) {
        const why = whyNoName(rule, gr);
        if (why === undefined) continue;
        findings.push({
          code: CODE,
          severity: 'warning',
          message:
            `resourceNames [${quoteList(gr.resourceNames)}] can never match with verbs [${quoteList(rule.verbs)}]: ${why}, ` +
            'so this entry never matches. Drop resourceNames to match these requests, or list verbs that name an object (get, update, patch, delete; list/watch with fieldSelector=metadata.name=...).',
          pos: gr.pos,
          ruleIndex,
        });
      }
    });
    return findings;
  },
};
