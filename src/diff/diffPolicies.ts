// The exact semantic difference between two audit policies: every class of
// requests whose written outcome (level, omitted stages, omitManagedFields)
// changes, each with a concrete request and the rules deciding it before and
// after.
import type { Level, Policy, SourcePosition, Stage } from '../audit/types.js';
import type { RequestAttributes } from '../request/types.js';
import { describeRegion, describeRequest } from './describe.js';
import type { HttpExample, RealizeRequest } from './example.js';
import { chooseExample } from './example.js';
import type { Outcome } from './outcome.js';
import type { Region } from './region.js';
import type { ValueSet } from './valueSet.js';
import { differingFields } from './outcome.js';
import type { PartitionStats } from './partition.js';
import { mergeRegions } from './mergeRegions.js';
import { partitionChanges } from './partition.js';
import { realizeRequest } from './realize.js';

export interface DecisionSide {
  level: Level;
  omitStages: Stage[];
  omitManagedFields: boolean;
  /** "file:line" of the deciding rule, or "default" when no rule matched. */
  rule: string;
  /** 0-based index of the deciding rule; null for the default. */
  ruleIndex: number | null;
  /** Where the deciding rule is (its module file for a module directory); undefined for the default. */
  rulePos?: SourcePosition;
}

export type OutcomeField = 'level' | 'omitStages' | 'omitManagedFields';

export interface PolicyChange {
  /** A request of the class, as attributes. */
  attributes: RequestAttributes;
  /** The same request as `auditspec eval` reads it; null when no HTTP request has these attributes. */
  http: HttpExample | null;
  old: DecisionSide;
  new: DecisionSide;
  /** The example in one line, e.g. `alice [system:authenticated] GET /api/v1/namespaces/a/pods/b`. */
  label: string;
  /** What kube-apiserver writes differently. */
  changed: OutcomeField[];
  description: string;
  /** The part of the class the example comes from, one phrase per constrained dimension. */
  scope: string[];
  /** Every part of the class (disjoint boxes of the request space), most general first, each as `scope` is. */
  parts: string[][];
}

export interface PolicyDiff {
  oldFile: string;
  newFile: string;
  /** One change per class: the requests one old rule (or default) and one new rule (or default) decide. */
  changes: PolicyChange[];
  classesChanged: number;
  stats: PartitionStats;
  /**
   * When either side is a module directory: each file whose rules decide a
   * changed class, on either side, with how many classes; the old side's
   * files first, in module order. Undefined for two policy files.
   */
  modules?: ModuleChanges[];
}

export interface ModuleChanges {
  file: string;
  classes: number;
}

/** The files of the rules deciding each change, old then new, each counted once per change. */
function modulesChanged(oldPolicy: Policy, newPolicy: Policy, changes: readonly PolicyChange[]): ModuleChanges[] | undefined {
  if (!oldPolicy.modules && !newPolicy.modules) return undefined;
  const counts = new Map<string, number>();
  for (const file of [...(oldPolicy.modules ?? []), ...(newPolicy.modules ?? [])].map((m) => m.file)) counts.set(file, 0);
  for (const change of changes) {
    const files = new Set([change.old.rulePos?.file, change.new.rulePos?.file].filter((f): f is string => f !== undefined));
    for (const file of files) counts.set(file, (counts.get(file) ?? 0) + 1);
  }
  return [...counts].filter(([, classes]) => classes > 0).map(([file, classes]) => ({ file, classes }));
}

export interface DiffOptions {
  /** Turns an example's attributes into the HTTP request that produces them; realizeRequest by default. */
  realize?: RealizeRequest;
}

/** How narrow a region is: 0 for the whole space; an exact value weighs more than an exclusion. */
function specificity(region: Region): number {
  const weight = (set: ValueSet): number => (set.kind === 'only' ? 2 : set.values.size > 0 ? 1 : 0);
  let score = (region.authenticated === null ? 0 : 1) + (region.resourceRequest === null ? 0 : 1) + region.groups.size;
  for (const dimension of ['userName', 'verb', 'apiGroup', 'resource', 'subresource', 'namespace', 'name'] as const) {
    score += weight(region[dimension]);
  }
  const path = region.path;
  score += path.kind === 'only' ? 2 : path.prefix !== '' || path.excludedPrefixes.length > 0 || path.excludedPaths.size > 0 ? 1 : 0;
  return score;
}

/** Authenticated before failed authentication, resource before non-resource requests, then the broadest first. */
function readingOrder(region: Region): number {
  return (region.authenticated === false ? 1000 : 0) + (region.resourceRequest === false ? 100 : 0) + specificity(region);
}

function side(outcome: Outcome): DecisionSide {
  return {
    level: outcome.level,
    omitStages: outcome.omitStages,
    omitManagedFields: outcome.omitManagedFields,
    rule: outcome.rulePos ? `${outcome.rulePos.file}:${outcome.rulePos.line}` : 'default',
    rulePos: outcome.rulePos,
    ruleIndex: outcome.ruleIndex,
  };
}

const stageList = (stages: readonly string[]): string => `[${stages.join(', ')}]`;

/** E.g. "level Metadata → RequestResponse" or "omitStages [] → [RequestReceived]". */
export function describeTransition(before: DecisionSide, after: DecisionSide, changed: readonly OutcomeField[]): string {
  return changed
    .map((field) => {
      if (field === 'level') return `level ${before.level} → ${after.level}`;
      if (field === 'omitStages') return `omitStages ${stageList(before.omitStages)} → ${stageList(after.omitStages)}`;
      return `omitManagedFields ${before.omitManagedFields} → ${after.omitManagedFields}`;
    })
    .join(', ');
}

export function diffPolicies(oldPolicy: Policy, newPolicy: Policy, options: DiffOptions = {}): PolicyDiff {
  const realize: RealizeRequest = options.realize ?? realizeRequest;
  const { classes, stats } = partitionChanges(oldPolicy, newPolicy);
  const changes = classes.map((changedClass): PolicyChange => {
    const merged = mergeRegions(changedClass.regions);
    const order = new Map(merged.map((region) => [region, readingOrder(region)]));
    const parts = merged.sort((a, b) => order.get(a)! - order.get(b)!);
    const example = chooseExample(parts, realize);
    // The example's part leads.
    parts.unshift(...parts.splice(example.regionIndex, 1));
    const before = side(changedClass.oldOutcome);
    const after = side(changedClass.newOutcome);
    const changed = differingFields(changedClass.oldOutcome, changedClass.newOutcome);
    const unreachable = example.http === null ? ' (no HTTP request has these attributes)' : '';
    const label = `${describeRequest(example.attributes, example.http)}${unreachable}`;
    return {
      attributes: example.attributes,
      http: example.http,
      old: before,
      new: after,
      label,
      changed,
      description: `${label}: ${describeTransition(before, after, changed)} (was ${before.rule}, now ${after.rule})`,
      scope: describeRegion(parts[0]),
      parts: parts.map(describeRegion),
    };
  });
  return {
    oldFile: oldPolicy.file,
    newFile: newPolicy.file,
    changes,
    classesChanged: changes.length,
    stats,
    modules: modulesChanged(oldPolicy, newPolicy, changes),
  };
}
