// Evaluation of a loaded policy against one request, deciding exactly as
// kube-apiserver's policyRuleEvaluator (k8s.io/apiserver/pkg/audit/policy/checker.go)
// and the audit filters that consult it (pkg/endpoints/filters/audit.go,
// authn_audit.go) do.
//
// compilePolicy does all the work that does not depend on the request: it turns
// every list into a Set, pre-classifies resource patterns and builds, per verb and
// request kind, the ordered list of rules that could possibly match. The answer
// for each rule is precomputed too, so evaluatePolicy allocates nothing: it walks
// the candidate rules in policy order and returns a shared, frozen decision.
import type { Level, Policy, PolicyRule, Stage } from '../types.js';
import { STAGES } from '../types.js';
import type { RequestAttributes } from '../../request/types.js';

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

/** How kube-apiserver treats a request when writing its events. */
type RequestShape = 0 | 1 | 2;
const SHAPE_ORDINARY: RequestShape = 0;
/** Long-running: ResponseStarted is written between RequestReceived and ResponseComplete. */
const SHAPE_LONG_RUNNING: RequestShape = 1;
/** Failed authentication: only ResponseStarted is written (authn_audit.go). */
const SHAPE_FAILED_AUTHENTICATION: RequestShape = 2;

// kube-apiserver's LongRunningFunc (pkg/controlplane/apiserver/config.go builds a
// BasicLongRunningRequestCheck with these sets).
const LONG_RUNNING_VERBS = new Set(['watch', 'proxy']);
const LONG_RUNNING_SUBRESOURCES = new Set(['attach', 'exec', 'proxy', 'log', 'portforward']);

/** Whether kube-apiserver treats the request as long-running (and so writes ResponseStarted). */
export function isLongRunning(attrs: RequestAttributes): boolean {
  if (LONG_RUNNING_VERBS.has(attrs.verb)) return true;
  if (attrs.resourceRequest) return LONG_RUNNING_SUBRESOURCES.has(attrs.subresource);
  return attrs.path.startsWith('/debug/pprof/');
}

const enum ResourcePatternKind {
  /** "*": every resource and subresource. */
  Any,
  /** Matches only when the pattern equals "resource/subresource" (or "resource"). */
  Exact,
}

interface ResourcePattern {
  text: string;
  kind: ResourcePatternKind;
  /** For "*\/sub": "sub"; otherwise null. */
  anyResourceWithSubresource: string | null;
  /** For "res/*": "res"; otherwise null. */
  resourceWithAnySubresource: string | null;
}

interface CompiledGroupResources {
  anyGroup: boolean;
  group: string;
  /** An entry that names no resources covers its whole group. */
  allResources: boolean;
  patterns: ResourcePattern[];
  /** null when the entry does not restrict names. */
  resourceNames: Set<string> | null;
}

interface CompiledRule {
  users: Set<string> | null;
  userGroups: Set<string> | null;
  verbs: Set<string> | null;
  /** Rules with resources or namespaces only ever match resource requests. */
  resourceOnly: boolean;
  namespaces: Set<string> | null;
  resources: CompiledGroupResources[] | null;
  /** Rules with only non-resource URLs only ever match non-resource requests. */
  nonResourceOnly: boolean;
  nonResource: CompiledNonResourceURLs | null;
  /** Decisions for each RequestShape. */
  decisions: readonly [AuditDecision, AuditDecision, AuditDecision];
}

interface CompiledNonResourceURLs {
  any: boolean;
  exact: Set<string>;
  /** Prefixes from "/prefix*" patterns, trailing stars trimmed. */
  prefixes: string[];
}

export interface CompiledPolicy {
  readonly policy: Policy;
  /** @internal */
  readonly rules: readonly CompiledRule[];
  /** @internal Candidate rule indices per verb, for resource and non-resource requests. */
  readonly candidates: {
    resource: Map<string, Int32Array>;
    nonResource: Map<string, Int32Array>;
    /** For verbs no rule names. */
    resourceOtherVerb: Int32Array;
    nonResourceOtherVerb: Int32Array;
  };
  /** @internal */
  readonly defaults: readonly [AuditDecision, AuditDecision, AuditDecision];
}

const toSet = (values: readonly string[]): Set<string> | null => (values.length > 0 ? new Set(values) : null);

function compileResourcePattern(text: string): ResourcePattern {
  return {
    text,
    kind: text === '*' ? ResourcePatternKind.Any : ResourcePatternKind.Exact,
    anyResourceWithSubresource: text.startsWith('*/') ? text.slice(2) : null,
    resourceWithAnySubresource: text.endsWith('/*') ? text.slice(0, -2) : null,
  };
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

function makeDecisions(
  level: Level,
  omitStages: ReadonlySet<string>,
  omitManagedFields: boolean,
  ruleIndex: number | null,
  rule: PolicyRule | null,
): readonly [AuditDecision, AuditDecision, AuditDecision] {
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
  return [make(SHAPE_ORDINARY), make(SHAPE_LONG_RUNNING), make(SHAPE_FAILED_AUTHENTICATION)];
}

function compileRule(rule: PolicyRule, index: number, policy: Policy): CompiledRule {
  const resourceOnly = rule.namespaces.length > 0 || rule.resources.length > 0;
  const omit = new Set<string>([...policy.omitStages, ...rule.omitStages]);
  return {
    users: toSet(rule.users),
    userGroups: toSet(rule.userGroups),
    verbs: toSet(rule.verbs),
    resourceOnly,
    namespaces: toSet(rule.namespaces),
    resources:
      rule.resources.length > 0
        ? rule.resources.map((gr) => ({
            anyGroup: gr.group === '*',
            group: gr.group,
            allResources: gr.resources.length === 0,
            patterns: gr.resources.map(compileResourcePattern),
            resourceNames: toSet(gr.resourceNames),
          }))
        : null,
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

  const candidatesFor = (resourceRequest: boolean, verb: string | null): Int32Array => {
    const indices: number[] = [];
    rules.forEach((rule, index) => {
      if (resourceRequest ? rule.nonResourceOnly : rule.resourceOnly) return;
      if (rule.verbs !== null && (verb === null || !rule.verbs.has(verb))) return;
      indices.push(index);
    });
    return Int32Array.from(indices);
  };
  const resource = new Map<string, Int32Array>();
  const nonResource = new Map<string, Int32Array>();
  for (const verb of namedVerbs) {
    resource.set(verb, candidatesFor(true, verb));
    nonResource.set(verb, candidatesFor(false, verb));
  }
  return {
    policy,
    rules,
    candidates: {
      resource,
      nonResource,
      resourceOtherVerb: candidatesFor(true, null),
      nonResourceOtherVerb: candidatesFor(false, null),
    },
    defaults: makeDecisions('None', new Set(policy.omitStages), policy.omitManagedFields, null, null),
  };
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

function resourceMatches(rule: CompiledRule, attrs: RequestAttributes): boolean {
  // Namespaced-ness is not checked: cluster-scoped resources have namespace "".
  if (rule.namespaces !== null && !rule.namespaces.has(attrs.namespace)) return false;
  if (rule.resources === null) return true;
  const { apiGroup, resource, subresource, name } = attrs;
  for (const gr of rule.resources) {
    if (!gr.anyGroup && gr.group !== apiGroup) continue;
    if (gr.allResources) return true;
    if (gr.resourceNames !== null && !gr.resourceNames.has(name)) continue;
    for (const pattern of gr.patterns) {
      if (pattern.kind === ResourcePatternKind.Any) return true;
      if (equalsCombinedResource(pattern.text, resource, subresource)) return true;
      if (subresource !== '' && pattern.anyResourceWithSubresource === subresource) return true;
      // "res/*" also covers the resource itself, without a subresource.
      if (pattern.resourceWithAnySubresource === resource) return true;
    }
  }
  return false;
}

function nonResourceMatches(urls: CompiledNonResourceURLs, path: string): boolean {
  if (urls.any || urls.exact.has(path)) return true;
  for (const prefix of urls.prefixes) {
    if (path.startsWith(prefix)) return true;
  }
  return false;
}

/** Whether one compiled rule matches, in the order kube-apiserver checks the conditions. */
function ruleMatches(rule: CompiledRule, attrs: RequestAttributes): boolean {
  if (!userMatches(rule, attrs)) return false;
  if (rule.verbs !== null && !rule.verbs.has(attrs.verb)) return false;
  if (rule.resourceOnly) return attrs.resourceRequest && resourceMatches(rule, attrs);
  if (rule.nonResource !== null) return !attrs.resourceRequest && nonResourceMatches(rule.nonResource, attrs.path);
  return true;
}

function shapeOf(attrs: RequestAttributes): RequestShape {
  if (attrs.user === null) return SHAPE_FAILED_AUTHENTICATION;
  return isLongRunning(attrs) ? SHAPE_LONG_RUNNING : SHAPE_ORDINARY;
}

/**
 * The index of the first rule that matches, or -1. Exposed for tools (explain,
 * coverage) that need the raw answer.
 */
export function firstMatchingRule(compiled: CompiledPolicy, attrs: RequestAttributes): number {
  const { candidates, rules } = compiled;
  const byVerb = attrs.resourceRequest ? candidates.resource : candidates.nonResource;
  const indices =
    byVerb.get(attrs.verb) ?? (attrs.resourceRequest ? candidates.resourceOtherVerb : candidates.nonResourceOtherVerb);
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i];
    if (ruleMatches(rules[index], attrs)) return index;
  }
  return -1;
}

/** Decides a request under a compiled policy, as kube-apiserver would. */
export function evaluatePolicy(compiled: CompiledPolicy, attrs: RequestAttributes): AuditDecision {
  const index = firstMatchingRule(compiled, attrs);
  const shape = shapeOf(attrs);
  return index < 0 ? compiled.defaults[shape] : compiled.rules[index].decisions[shape];
}

/** Whether rule `index` of the policy, considered alone, matches the request. */
export function ruleMatchesRequest(compiled: CompiledPolicy, index: number, attrs: RequestAttributes): boolean {
  return ruleMatches(compiled.rules[index], attrs);
}
