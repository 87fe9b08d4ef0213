// Evaluation of a loaded policy against one request, deciding exactly as
// kube-apiserver's policyRuleEvaluator (k8s.io/apiserver/pkg/audit/policy/checker.go)
// and the audit filters that consult it (pkg/endpoints/filters/audit.go,
// authn_audit.go) do.
//
// compilePolicy does all the work that does not depend on the request: it turns
// every list into a Set, files each rule's resource patterns under their API
// group and by form, and builds, per verb (and, for resource requests, per API
// group), the ordered list of rules that could possibly match. The answer for
// each rule is precomputed too, so evaluatePolicy allocates nothing: at most two
// map lookups find the candidate rules (none when no rule names a verb or a
// group), which it walks in policy order, checking of each rule what the list
// does not already guarantee, and it returns a shared, frozen decision. A list
// ends at the first rule that matches every request it is for (a catch-all, or
// a rule naming only this verb): that rule decides when no earlier one matches.
// A policy whose first rule has no conditions (a common one-rule policy: "log
// everything at Metadata") needs no lookup at all: that rule decides every
// request (about a third less time per request than through the index). Nor
// does a policy of one rule: that rule is checked directly.
import type { GroupResources, Level, Policy, PolicyRule, Stage } from '../types.js';
import { STAGES } from '../types.js';
import {
  isLongRunning,
  isLongRunningVerb,
  LONG_RUNNING_PATH_PREFIX,
  LONG_RUNNING_SUBRESOURCES,
} from '../../request/longRunning.js';
import type { RequestAttributes } from '../../request/types.js';

export { isLongRunning };

// evaluatePolicy reads these on every request, so it reads module-local copies:
// under Vite's module runner (the tests, the bench) an imported binding is a
// getter on the exporting module's object, and going through it cost about 10 ns
// per request, half of what a one-rule policy takes. Natively the copies cost
// nothing.
const localIsLongRunningVerb = isLongRunningVerb;
const localLongRunningSubresources = LONG_RUNNING_SUBRESOURCES;
const localLongRunningPathPrefix = LONG_RUNNING_PATH_PREFIX;

/** What kube-apiserver does with one request under a policy. */
export interface AuditDecision {
  readonly level: Level;
  /** Policy-level ∪ rule-level omitStages, in kube-apiserver's stage order. */
  readonly omitStages: readonly Stage[];
  /** The rule's omitManagedFields when set, else the policy's. */
  readonly omitManagedFields: boolean;
  /** 0-based index of the deciding rule; null when no rule matched (the default, level None). */
  readonly ruleIndex: number | null;
  readonly rule: PolicyRule | null;
  /** The stages kube-apiserver writes to the log for this request, in order (empty for None). */
  readonly stages: readonly Stage[];
}

// --- the reference: checker.go's matching, one plain predicate per pattern kind ---
//
// These say what a rule matches in the plainest terms, in upstream's order and
// words (policyRuleEvaluator's ruleMatches, ruleMatchesResource, pathMatches,
// hasString). Everything else that encodes matching follows them: the compiled
// form below (an index and precomputed sets, tested against these), explain.ts
// (which condition failed), lint/requestSpace.ts (which requests a rule covers)
// and diff/ruleFormula.ts (a rule as a formula over request attributes).

/** users, userGroups, verbs, namespaces: an empty list allows every value; otherwise the value must be in it, literally (hasString). */
export function listAllows(list: readonly string[], value: string): boolean {
  return list.length === 0 || list.includes(value);
}

/**
 * One `resources` pattern against a request's resource and subresource
 * (ruleMatchesResource): "*", equal to "resource" or "resource/subresource",
 * "*\/sub" (that subresource of any resource) or "res/*" (res itself and every
 * subresource of it).
 */
export function resourcePatternMatches(pattern: string, resource: string, subresource: string): boolean {
  const combined = subresource === '' ? resource : `${resource}/${subresource}`;
  if (pattern === '*' || pattern === combined) return true;
  if (subresource !== '' && pattern.startsWith('*/') && pattern.slice(2) === subresource) return true;
  return pattern.endsWith('/*') && pattern.slice(0, -2) === resource;
}

/**
 * One `resources` entry: its group ("*" for any), then its patterns (none: the
 * whole group, whatever resourceNames says), each only if resourceNames is
 * empty or holds the request's name.
 */
export function groupResourcesMatch(gr: GroupResources, attrs: Pick<RequestAttributes, 'apiGroup' | 'resource' | 'subresource' | 'name'>): boolean {
  if (gr.group !== attrs.apiGroup && gr.group !== '*') return false;
  if (gr.resources.length === 0) return true;
  if (!listAllows(gr.resourceNames, attrs.name)) return false;
  return gr.resources.some((pattern) => resourcePatternMatches(pattern, attrs.resource, attrs.subresource));
}

/** One `nonResourceURLs` entry (pathMatches): "*", the path itself, or "/prefix*" (every trailing star trimmed). */
export function nonResourceURLMatches(spec: string, path: string): boolean {
  if (spec === '*' || spec === path) return true;
  return spec.endsWith('*') && path.startsWith(spec.replace(/\*+$/, ''));
}

/** Whether a rule matches a request: checker.go's ruleMatches, condition by condition. */
export function referenceRuleMatches(rule: PolicyRule, attrs: RequestAttributes): boolean {
  const user = attrs.user;
  if (rule.users.length > 0 && (user === null || !rule.users.includes(user.name))) return false;
  if (rule.userGroups.length > 0 && (user === null || !user.groups.some((group) => rule.userGroups.includes(group)))) return false;
  if (!listAllows(rule.verbs, attrs.verb)) return false;
  if (rule.namespaces.length > 0 || rule.resources.length > 0) {
    // Namespaced-ness is not checked: cluster-scoped resources have namespace "".
    if (!attrs.resourceRequest || !listAllows(rule.namespaces, attrs.namespace)) return false;
    return rule.resources.length === 0 || rule.resources.some((gr) => groupResourcesMatch(gr, attrs));
  }
  if (rule.nonResourceURLs.length > 0) return !attrs.resourceRequest && rule.nonResourceURLs.some((spec) => nonResourceURLMatches(spec, attrs.path));
  return true;
}

// --- the compiled form ---------------------------------------------------------

/** How kube-apiserver treats a request when writing its events. */
type RequestShape = 0 | 1 | 2;
const SHAPE_ORDINARY: RequestShape = 0;
/** Long-running: ResponseStarted is written between RequestReceived and ResponseComplete. */
const SHAPE_LONG_RUNNING: RequestShape = 1;
/** Failed authentication: only ResponseStarted is written (authn_audit.go). */
const SHAPE_FAILED_AUTHENTICATION: RequestShape = 2;

/**
 * The resource patterns of one `resources` entry, sorted by the only ways
 * resourcePatternMatches (above) lets a pattern match: equal to
 * "resource" or "resource/subresource", "*", "*\/sub" and "res/*". A form the
 * entry does not use is null, so that checking it costs no lookup.
 */
interface ResourcePatterns {
  /** "*", or an entry naming no resources: every resource of the group (see resourceNames). */
  any: boolean;
  /** Patterns without "/" (other than "*"): equal to the resource when the request has no subresource. */
  plain: Set<string> | null;
  /**
   * Patterns with "/": compared in full with resource + "/" + subresource (or the
   * resource alone, which may itself hold "/"). This also covers "*\/sub" and
   * "res/*" taken literally, as upstream's equality test does.
   */
  slashed: string[];
  /** "sub" of every "*\/sub": any resource's subresource "sub". */
  anyResourceWithSubresource: Set<string> | null;
  /** "res" of every "res/*": res itself and every subresource of it. */
  resourceWithAnySubresource: Set<string> | null;
}

interface CompiledGroupResources {
  patterns: ResourcePatterns;
  /** null when the entry does not restrict names (an entry naming no resources never does). */
  resourceNames: Set<string> | null;
}

interface CompiledRule {
  /** Its 0-based place in the policy. */
  index: number;
  users: Set<string> | null;
  userGroups: Set<string> | null;
  verbs: Set<string> | null;
  /** Rules with resources or namespaces only ever match resource requests. */
  resourceOnly: boolean;
  namespaces: Set<string> | null;
  /**
   * The rule's `resources` entries by API group ("*" entries apart); null when the
   * rule has none. Which entry matches does not matter, only whether one does, so
   * only the request's group (and "*") need be looked at.
   */
  resourcesByGroup: Map<string, CompiledGroupResources[]> | null;
  resourcesAnyGroup: CompiledGroupResources[];
  /** Rules with only non-resource URLs only ever match non-resource requests. */
  nonResourceOnly: boolean;
  nonResource: CompiledNonResourceURLs | null;
  decisions: DecisionsByShape;
}

interface CompiledNonResourceURLs {
  any: boolean;
  exact: Set<string>;
  /** Prefixes from "/prefix*" patterns, trailing stars trimmed. */
  prefixes: string[];
}

/**
 * The rules that can match the requests of one kind, verb and (for resource
 * requests) API group, in policy order. The first rule that matches every such
 * request (a catch-all, or a rule naming only this verb) is not among them to
 * be checked: it is where the walk stops.
 */
interface CandidateRules {
  /** Rules to check, in policy order, up to (not including) `otherwise`. */
  readonly check: readonly CompiledRule[];
  /** The rule that decides when none of `check` matches; null for the default. */
  readonly otherwise: CompiledRule | null;
}

/** The rules that can match a request with a given verb. */
interface VerbCandidates {
  /** For resource requests, per API group some rule names; null when no rule names one (nothing to look up). */
  resourceByGroup: Map<string, CandidateRules> | null;
  /** For resource requests in any other API group. */
  resourceOtherGroup: CandidateRules;
  nonResource: CandidateRules;
}

export interface CompiledPolicy {
  readonly policy: Policy;
  /** @internal */
  readonly rules: readonly CompiledRule[];
  /** @internal Candidates per verb some rule names; null when no rule names one (nothing to look up). */
  readonly byVerb: Map<string, VerbCandidates> | null;
  /** @internal Candidates for every other verb. */
  readonly otherVerb: VerbCandidates;
  /** @internal */
  readonly defaults: DecisionsByShape;
  /** @internal The first rule when it has no conditions (it then decides every request), else null. */
  readonly always: CompiledRule | null;
  /**
   * @internal The rule of a one-rule policy, else null. It is checked directly:
   * through the candidate lists, such a policy (one rule naming four users)
   * took about 15 % longer.
   */
  readonly onlyRule: CompiledRule | null;
}

const toSet = (values: readonly string[]): Set<string> | null => (values.length > 0 ? new Set(values) : null);

function compileGroupResources(gr: GroupResources): CompiledGroupResources {
  const plain: string[] = [];
  const slashed: string[] = [];
  const anyResourceWithSubresource: string[] = [];
  const resourceWithAnySubresource: string[] = [];
  for (const text of gr.resources) {
    if (text === '*') continue;
    if (!text.includes('/')) plain.push(text);
    else {
      slashed.push(text);
      if (text.startsWith('*/')) anyResourceWithSubresource.push(text.slice(2));
      if (text.endsWith('/*')) resourceWithAnySubresource.push(text.slice(0, -2));
    }
  }
  const patterns: ResourcePatterns = {
    any: gr.resources.length === 0 || gr.resources.includes('*'),
    plain: toSet(plain),
    slashed,
    anyResourceWithSubresource: toSet(anyResourceWithSubresource),
    resourceWithAnySubresource: toSet(resourceWithAnySubresource),
  };
  // Upstream returns true for an entry without resources before it looks at resourceNames.
  return { patterns, resourceNames: gr.resources.length === 0 ? null : toSet(gr.resourceNames) };
}

function groupResourcesByGroup(resources: readonly GroupResources[]): Map<string, CompiledGroupResources[]> | null {
  if (resources.length === 0) return null;
  const byGroup = new Map<string, CompiledGroupResources[]>();
  for (const gr of resources) {
    if (gr.group === '*') continue;
    const list = byGroup.get(gr.group);
    if (list) list.push(compileGroupResources(gr));
    else byGroup.set(gr.group, [compileGroupResources(gr)]);
  }
  return byGroup;
}

function compileNonResourceURLs(urls: readonly string[]): CompiledNonResourceURLs {
  const compiled: CompiledNonResourceURLs = { any: false, exact: new Set(), prefixes: [] };
  for (const url of urls) {
    if (url === '*') compiled.any = true;
    compiled.exact.add(url);
    // Go's strings.TrimRight(spec, "*") strips every trailing star.
    if (url.endsWith('*')) compiled.prefixes.push(url.replace(/\*+$/, ''));
  }
  return compiled;
}

/** The stages written for a request of the given shape, in kube-apiserver's order. */
function stagesWritten(level: Level, omit: ReadonlySet<string>, shape: RequestShape): Stage[] {
  if (level === 'None') return [];
  const written: Stage[] =
    shape === SHAPE_FAILED_AUTHENTICATION
      ? ['ResponseStarted']
      : shape === SHAPE_LONG_RUNNING
        ? ['RequestReceived', 'ResponseStarted', 'ResponseComplete']
        : ['RequestReceived', 'ResponseComplete'];
  return written.filter((stage) => !omit.has(stage));
}

/**
 * A decision for each RequestShape, indexed by it; a single decision when the
 * level is None: nothing is written whatever the shape, so evaluatePolicy need
 * not work the shape out (for many policies, most requests).
 */
type DecisionsByShape = readonly [AuditDecision] | readonly [AuditDecision, AuditDecision, AuditDecision];

function makeDecisions(
  level: Level,
  omitStages: ReadonlySet<string>,
  omitManagedFields: boolean,
  ruleIndex: number | null,
  rule: PolicyRule | null,
): DecisionsByShape {
  const omitted = Object.freeze(STAGES.filter((stage) => omitStages.has(stage)));
  const make = (shape: RequestShape): AuditDecision =>
    Object.freeze({
      level,
      omitStages: omitted,
      omitManagedFields,
      ruleIndex,
      rule,
      stages: Object.freeze(stagesWritten(level, omitStages, shape)),
    });
  if (level === 'None') return [make(SHAPE_ORDINARY)];
  return [make(SHAPE_ORDINARY), make(SHAPE_LONG_RUNNING), make(SHAPE_FAILED_AUTHENTICATION)];
}

function compileRule(rule: PolicyRule, index: number, policy: Policy): CompiledRule {
  const resourceOnly = rule.namespaces.length > 0 || rule.resources.length > 0;
  const omit = new Set<string>([...policy.omitStages, ...rule.omitStages]);
  return {
    index,
    users: toSet(rule.users),
    userGroups: toSet(rule.userGroups),
    verbs: toSet(rule.verbs),
    resourceOnly,
    namespaces: toSet(rule.namespaces),
    resourcesByGroup: groupResourcesByGroup(rule.resources),
    resourcesAnyGroup: rule.resources.filter((gr) => gr.group === '*').map(compileGroupResources),
    nonResourceOnly: !resourceOnly && rule.nonResourceURLs.length > 0,
    nonResource: !resourceOnly && rule.nonResourceURLs.length > 0 ? compileNonResourceURLs(rule.nonResourceURLs) : null,
    decisions: makeDecisions(
      rule.level as Level,
      omit,
      rule.omitManagedFields ?? policy.omitManagedFields,
      index,
      rule,
    ),
  };
}

/** Compiles a loaded (valid) policy for repeated evaluation. */
export function compilePolicy(policy: Policy): CompiledPolicy {
  const rules = policy.rules.map((rule, index) => compileRule(rule, index, policy));
  const namedVerbs = new Set<string>();
  for (const rule of rules) rule.verbs?.forEach((verb) => namedVerbs.add(verb));
  const namedGroups = new Set<string>();
  for (const rule of policy.rules) for (const gr of rule.resources) if (gr.group !== '*') namedGroups.add(gr.group);
  // The index holds (verbs × groups) lists of up to all rules: for an outsized
  // policy, lists per verb only (every group then shares one list).
  const indexGroups = (namedVerbs.size + 1) * (namedGroups.size + 1) * rules.length <= 2_000_000;
  if (!indexGroups) namedGroups.clear();

  // A rule can match only requests of its kind, with its verbs, and (when it
  // lists resources) in one of its groups; null stands for any verb or group
  // no rule names.
  const candidates = (resourceRequest: boolean, verb: string | null, group: string | null): CandidateRules => {
    const check: CompiledRule[] = [];
    for (const rule of rules) {
      if (resourceRequest ? rule.nonResourceOnly : rule.resourceOnly) continue;
      if (rule.verbs !== null && (verb === null || !rule.verbs.has(verb))) continue;
      if (indexGroups && resourceRequest && rule.resourcesByGroup !== null && rule.resourcesAnyGroup.length === 0) {
        if (group === null || !rule.resourcesByGroup.has(group)) continue;
      }
      if (matchesEveryCandidate(rule, resourceRequest, group)) return { check, otherwise: rule };
      check.push(rule);
    }
    return { check, otherwise: null };
  };
  // A lookup that cannot narrow the candidates is not made: with no group (or
  // no verb) named by any rule, every request would find the same list.
  const forVerb = (verb: string | null): VerbCandidates => {
    let resourceByGroup: Map<string, CandidateRules> | null = null;
    if (namedGroups.size > 0) {
      resourceByGroup = new Map();
      for (const group of namedGroups) resourceByGroup.set(group, candidates(true, verb, group));
    }
    return {
      resourceByGroup,
      resourceOtherGroup: candidates(true, verb, null),
      nonResource: candidates(false, verb, null),
    };
  };
  let byVerb: Map<string, VerbCandidates> | null = null;
  if (namedVerbs.size > 0) {
    byVerb = new Map();
    for (const verb of namedVerbs) byVerb.set(verb, forVerb(verb));
  }
  return {
    policy,
    rules,
    byVerb,
    otherVerb: forVerb(null),
    defaults: makeDecisions('None', new Set(policy.omitStages), policy.omitManagedFields, null, null),
    always: rules.length > 0 && isUnconditional(rules[0]) ? rules[0] : null,
    onlyRule: rules.length === 1 ? rules[0] : null,
  };
}

/**
 * Whether a rule, among the candidates for requests of one kind, verb and (when
 * not null) API group, matches every one of those requests: it names no user or
 * group, its verbs (if any) were checked when the list was made, and what it
 * says of resources or URLs holds for any request of the list. A resource
 * entry does so when it covers the whole group ("*" or no resources) without
 * resourceNames, and either names any group or is filed under this one.
 */
function matchesEveryCandidate(rule: CompiledRule, resourceRequest: boolean, group: string | null): boolean {
  if (rule.users !== null || rule.userGroups !== null) return false;
  if (!resourceRequest) return !rule.resourceOnly && (rule.nonResource === null || rule.nonResource.any);
  if (rule.namespaces !== null) return false;
  if (rule.resourcesByGroup === null) return true;
  const coversGroup = (gr: CompiledGroupResources): boolean => gr.patterns.any && gr.resourceNames === null;
  if (rule.resourcesAnyGroup.some(coversGroup)) return true;
  return group !== null && (rule.resourcesByGroup.get(group) ?? []).some(coversGroup);
}

/** A rule that names no user, group, verb, resource, namespace or URL matches every request. */
function isUnconditional(rule: CompiledRule): boolean {
  return rule.users === null && rule.userGroups === null && rule.verbs === null && !rule.resourceOnly && rule.nonResource === null;
}

function userMatches(rule: CompiledRule, attrs: RequestAttributes): boolean {
  const user = attrs.user;
  if (rule.users !== null && (user === null || !rule.users.has(user.name))) return false;
  if (rule.userGroups !== null) {
    if (user === null) return false;
    const groups = user.groups;
    for (let i = 0; i < groups.length; i++) {
      if (rule.userGroups.has(groups[i])) return true;
    }
    return false;
  }
  return true;
}

/** Whether `pattern` equals resource + "/" + subresource (or resource alone), without building that string. */
function equalsCombinedResource(pattern: string, resource: string, subresource: string): boolean {
  if (subresource === '') return pattern === resource;
  return (
    pattern.length === resource.length + 1 + subresource.length &&
    pattern.charCodeAt(resource.length) === 47 /* '/' */ &&
    pattern.startsWith(resource) &&
    pattern.endsWith(subresource)
  );
}

function compiledGroupResourcesMatch(gr: CompiledGroupResources, resource: string, subresource: string, name: string): boolean {
  if (gr.resourceNames !== null && !gr.resourceNames.has(name)) return false;
  const patterns = gr.patterns;
  if (patterns.any) return true;
  if (subresource === '') {
    if (patterns.plain !== null && patterns.plain.has(resource)) return true;
  } else if (patterns.anyResourceWithSubresource !== null && patterns.anyResourceWithSubresource.has(subresource)) return true;
  // "res/*" also covers the resource itself, without a subresource.
  if (patterns.resourceWithAnySubresource !== null && patterns.resourceWithAnySubresource.has(resource)) return true;
  const slashed = patterns.slashed;
  for (let i = 0; i < slashed.length; i++) {
    if (equalsCombinedResource(slashed[i], resource, subresource)) return true;
  }
  return false;
}

function resourceMatches(rule: CompiledRule, attrs: RequestAttributes): boolean {
  // Namespaced-ness is not checked: cluster-scoped resources have namespace "".
  if (rule.namespaces !== null && !rule.namespaces.has(attrs.namespace)) return false;
  if (rule.resourcesByGroup === null) return true;
  const { resource, subresource, name } = attrs;
  const inGroup = rule.resourcesByGroup.get(attrs.apiGroup);
  if (inGroup !== undefined) {
    for (let i = 0; i < inGroup.length; i++) {
      if (compiledGroupResourcesMatch(inGroup[i], resource, subresource, name)) return true;
    }
  }
  const anyGroup = rule.resourcesAnyGroup;
  for (let i = 0; i < anyGroup.length; i++) {
    if (compiledGroupResourcesMatch(anyGroup[i], resource, subresource, name)) return true;
  }
  return false;
}

/** nonResourceURLMatches over a rule's compiled URLs. */
function nonResourceMatches(urls: CompiledNonResourceURLs, path: string): boolean {
  if (urls.any || urls.exact.has(path)) return true;
  for (const prefix of urls.prefixes) {
    if (path.startsWith(prefix)) return true;
  }
  return false;
}

/** Whether one compiled rule matches, in the order kube-apiserver checks the conditions: referenceRuleMatches, from precomputed sets. */
function ruleMatches(rule: CompiledRule, attrs: RequestAttributes): boolean {
  if (!userMatches(rule, attrs)) return false;
  if (rule.verbs !== null && !rule.verbs.has(attrs.verb)) return false;
  if (rule.resourceOnly) return attrs.resourceRequest && resourceMatches(rule, attrs);
  if (rule.nonResource !== null) return !attrs.resourceRequest && nonResourceMatches(rule.nonResource, attrs.path);
  return true;
}

/**
 * Whether a rule of a candidate list matches: ruleMatches without the checks
 * the list has already made (the request's kind, and its verb: see
 * compilePolicy), each of which would cost a lookup per rule.
 */
function candidateMatches(rule: CompiledRule, attrs: RequestAttributes): boolean {
  if (!userMatches(rule, attrs)) return false;
  if (rule.resourceOnly) return resourceMatches(rule, attrs);
  if (rule.nonResource !== null) return nonResourceMatches(rule.nonResource, attrs.path);
  return true;
}

function candidatesFor(compiled: CompiledPolicy, attrs: RequestAttributes): VerbCandidates {
  if (compiled.byVerb === null) return compiled.otherVerb;
  return compiled.byVerb.get(attrs.verb) ?? compiled.otherVerb;
}

function firstMatchIn(entry: VerbCandidates, attrs: RequestAttributes): CompiledRule | null {
  let candidates = entry.nonResource;
  if (attrs.resourceRequest) {
    candidates = (entry.resourceByGroup !== null ? entry.resourceByGroup.get(attrs.apiGroup) : undefined) ?? entry.resourceOtherGroup;
  }
  const check = candidates.check;
  for (let i = 0; i < check.length; i++) {
    if (candidateMatches(check[i], attrs)) return check[i];
  }
  return candidates.otherwise;
}

/**
 * The index of the first rule that matches, or -1. Exposed for tools (explain,
 * coverage) that need the raw answer.
 */
export function firstMatchingRule(compiled: CompiledPolicy, attrs: RequestAttributes): number {
  if (compiled.always !== null) return 0;
  return firstMatchIn(candidatesFor(compiled, attrs), attrs)?.index ?? -1;
}

/** Decides a request under a compiled policy, as kube-apiserver would. */
export function evaluatePolicy(compiled: CompiledPolicy, attrs: RequestAttributes): AuditDecision {
  let decisions: DecisionsByShape;
  if (compiled.always !== null) decisions = compiled.always.decisions;
  else if (compiled.onlyRule !== null) decisions = ruleMatches(compiled.onlyRule, attrs) ? compiled.onlyRule.decisions : compiled.defaults;
  else {
    const rule = firstMatchIn(candidatesFor(compiled, attrs), attrs);
    decisions = rule === null ? compiled.defaults : rule.decisions;
  }
  // Level None: one decision whatever the shape (see DecisionsByShape).
  if (decisions.length === 1) return decisions[0];
  // The request's shape: failed authentication, long-running as isLongRunning
  // says, or ordinary.
  if (attrs.user === null) return decisions[SHAPE_FAILED_AUTHENTICATION];
  if (localIsLongRunningVerb(attrs.verb)) return decisions[SHAPE_LONG_RUNNING];
  if (attrs.resourceRequest) {
    const subresource = attrs.subresource;
    return decisions[subresource !== '' && localLongRunningSubresources.has(subresource) ? SHAPE_LONG_RUNNING : SHAPE_ORDINARY];
  }
  return decisions[attrs.path.startsWith(localLongRunningPathPrefix) ? SHAPE_LONG_RUNNING : SHAPE_ORDINARY];
}

/** Whether rule `index` of the policy, considered alone, matches the request. */
export function ruleMatchesRequest(compiled: CompiledPolicy, index: number, attrs: RequestAttributes): boolean {
  return ruleMatches(compiled.rules[index], attrs);
}
