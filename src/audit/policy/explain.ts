// Why a request got the level it got: every rule up to the deciding one, whether
// it matched and, if not, the first of kube-apiserver's conditions that failed
// (checked in the order checker.go checks them, with the reference predicates of
// checker.ts: listAllows, nonResourceURLMatches; the resources entries failed
// when those all pass, since only rules the checker rejected are asked about), plus
// hints where a common policy-writing mistake is the likely cause.
import type { PolicyRule } from '../types.js';
import type { RequestAttributes } from '../../request/types.js';
import type { AuditDecision, CompiledPolicy } from './checker.js';
import { evaluatePolicy, listAllows, nonResourceURLMatches, ruleMatchesRequest } from './checker.js';

export type RuleCondition = 'users' | 'userGroups' | 'verbs' | 'resourceRequest' | 'namespaces' | 'resources' | 'nonResourceURLs';

export interface RuleTraceEntry {
  index: number;
  rule: PolicyRule;
  matched: boolean;
  /** The first condition that failed, with a sentence saying why. */
  failed?: { condition: RuleCondition; reason: string };
  hints: string[];
}

export interface Explanation {
  decision: AuditDecision;
  attributes: RequestAttributes;
  /** Rules 0..decider (all rules when the default decided). */
  trace: RuleTraceEntry[];
}

const list = (values: readonly string[]): string => values.map((v) => JSON.stringify(v)).join(', ');
const quote = (value: string): string => JSON.stringify(value);

/** Verbs that never carry an object name (unless a list/watch selects one by metadata.name). */
const NAMELESS_VERBS = new Set(['list', 'watch', 'create', 'deletecollection']);
/** Subresources a client may reach with a WebSocket GET as well as a POST. */
const STREAMING_SUBRESOURCES = new Set(['exec', 'attach', 'portforward']);

function wildcardHint(field: string, values: readonly string[]): string[] {
  const starred = values.filter((v) => v.includes('*'));
  if (starred.length === 0) return [];
  return [`${field} are compared literally: ${list(starred)} only matches that exact string (there are no wildcards in ${field})`];
}

function firstFailure(rule: PolicyRule, attrs: RequestAttributes): { condition: RuleCondition; reason: string; hints: string[] } | undefined {
  const user = attrs.user;
  if (rule.users.length > 0) {
    if (user === null) return { condition: 'users', reason: 'the request has no user (authentication failed)', hints: [] };
    if (!listAllows(rule.users, user.name)) {
      return { condition: 'users', reason: `user ${quote(user.name)} is not in users [${list(rule.users)}]`, hints: wildcardHint('users', rule.users) };
    }
  }
  if (rule.userGroups.length > 0) {
    if (user === null) return { condition: 'userGroups', reason: 'the request has no user (authentication failed)', hints: [] };
    if (!user.groups.some((g) => listAllows(rule.userGroups, g))) {
      return {
        condition: 'userGroups',
        reason: `none of the user's groups [${list(user.groups)}] is in userGroups [${list(rule.userGroups)}]`,
        hints: wildcardHint('userGroups', rule.userGroups),
      };
    }
  }
  if (!listAllows(rule.verbs, attrs.verb)) {
    const hints = wildcardHint('verbs', rule.verbs);
    if (attrs.resourceRequest && STREAMING_SUBRESOURCES.has(attrs.subresource)) {
      hints.push(`${attrs.resource}/${attrs.subresource} is a "create" over SPDY (POST) but a "get" over WebSocket (GET): list both verbs to catch both`);
    }
    if (!attrs.resourceRequest && rule.verbs.some((v) => v.toUpperCase() === v)) {
      hints.push('non-resource verbs are lower-case HTTP methods ("get", "post", …)');
    }
    return { condition: 'verbs', reason: `verb ${quote(attrs.verb)} is not in verbs [${list(rule.verbs)}]`, hints };
  }
  if (rule.namespaces.length > 0 || rule.resources.length > 0) {
    if (!attrs.resourceRequest) {
      return { condition: 'resourceRequest', reason: `the rule covers resources but ${quote(attrs.path)} is a non-resource request`, hints: [] };
    }
    if (!listAllows(rule.namespaces, attrs.namespace)) {
      const hints = wildcardHint('namespaces', rule.namespaces);
      if (attrs.namespace === '') hints.push('cluster-scoped resources have namespace "": add "" to namespaces to cover them');
      return {
        condition: 'namespaces',
        reason: `namespace ${quote(attrs.namespace)} is not in namespaces [${list(rule.namespaces)}]`,
        hints,
      };
    }
    // firstFailure is only asked about rules checker.ts rejected: with every
    // earlier condition met, the resources entries are what failed.
    return { condition: 'resources', reason: resourcesReason(attrs), hints: resourceHints(rule, attrs) };
  }
  if (rule.nonResourceURLs.length > 0) {
    if (attrs.resourceRequest) {
      return { condition: 'nonResourceURLs', reason: 'the rule covers non-resource URLs but this is a resource request', hints: [] };
    }
    if (!rule.nonResourceURLs.some((spec) => nonResourceURLMatches(spec, attrs.path))) {
      return { condition: 'nonResourceURLs', reason: `path ${quote(attrs.path)} matches none of nonResourceURLs [${list(rule.nonResourceURLs)}]`, hints: [] };
    }
  }
  return undefined;
}

function describeResource(attrs: RequestAttributes): string {
  const res = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  return `${quote(res)} in group ${quote(attrs.apiGroup)}${attrs.name ? ` named ${quote(attrs.name)}` : ''}`;
}

function resourcesReason(attrs: RequestAttributes): string {
  return `no resources entry covers ${describeResource(attrs)}`;
}

function resourceHints(rule: PolicyRule, attrs: RequestAttributes): string[] {
  const hints: string[] = [];
  for (const gr of rule.resources) {
    const sameGroup = gr.group === attrs.apiGroup || gr.group === '*';
    if (sameGroup && attrs.subresource && gr.resources.includes(attrs.resource)) {
      hints.push(
        `${quote(attrs.resource)} does not cover its subresource ${quote(`${attrs.resource}/${attrs.subresource}`)}: list it, or use ${quote(`${attrs.resource}/*`)} or ${quote(`*/${attrs.subresource}`)}`,
      );
    }
    if (!sameGroup && gr.resources.includes(attrs.resource)) {
      const where = gr.group === '' ? 'the core group ("" — an omitted group means core)' : `group ${quote(gr.group)}`;
      hints.push(`this entry names ${quote(attrs.resource)} in ${where}, but the request is for group ${quote(attrs.apiGroup)}`);
    }
    if (gr.group === 'core') hints.push('"core" is not the core group: the core group is ""');
    if (sameGroup && gr.resourceNames.length > 0 && attrs.name === '' && NAMELESS_VERBS.has(attrs.verb)) {
      hints.push(
        `resourceNames can only match requests that name an object; a ${quote(attrs.verb)} of ${quote(attrs.resource)} has no name`,
      );
    }
    if (sameGroup && gr.resourceNames.length > 0 && attrs.name !== '' && !gr.resourceNames.includes(attrs.name)) {
      hints.push(`${quote(attrs.name)} is not in resourceNames [${list(gr.resourceNames)}] (names are compared literally)`);
    }
  }
  return [...new Set(hints)];
}

/** Explains how the policy decides a request. The decision is evaluatePolicy's. */
export function explainRequest(compiled: CompiledPolicy, attrs: RequestAttributes): Explanation {
  const decision = evaluatePolicy(compiled, attrs);
  const last = decision.ruleIndex ?? compiled.policy.rules.length - 1;
  const trace: RuleTraceEntry[] = [];
  for (let index = 0; index <= last; index++) {
    const rule = compiled.policy.rules[index];
    const matched = ruleMatchesRequest(compiled, index, attrs);
    if (matched) {
      trace.push({ index, rule, matched, hints: [] });
      continue;
    }
    const failure = firstFailure(rule, attrs);
    trace.push({
      index,
      rule,
      matched,
      failed: failure && { condition: failure.condition, reason: failure.reason },
      hints: failure?.hints ?? [],
    });
  }
  return { decision, attributes: attrs, trace };
}
