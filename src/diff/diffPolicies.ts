// The exact semantic difference between two audit policies: every class of
// requests whose written outcome (level, omitted stages, omitManagedFields)
// changes, each with a concrete request and the rules deciding it before and
// after.
import type { Level, Policy, Stage } from '../audit/types.js';
import type { RequestAttributes } from '../request/types.js';
import { describeRegion, describeRequest } from './describe.js';
import type { HttpExample, RealizeRequest } from './example.js';
import { chooseExample } from './example.js';
import type { Outcome } from './outcome.js';
import { differingFields } from './outcome.js';
import type { PartitionStats } from './partition.js';
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
  /** How many disjoint regions the class consists of. */
  regions: number;
}

export interface PolicyDiff {
  oldFile: string;
  newFile: string;
  /** One change per class: the requests one old rule (or default) and one new rule (or default) decide. */
  changes: PolicyChange[];
  classesChanged: number;
  stats: PartitionStats;
}

export interface DiffOptions {
  /** Turns an example's attributes into the HTTP request that produces them; realizeRequest by default. */
  realize?: RealizeRequest;
}

function side(outcome: Outcome): DecisionSide {
  return {
    level: outcome.level,
    omitStages: outcome.omitStages,
    omitManagedFields: outcome.omitManagedFields,
    rule: outcome.rulePos ? `${outcome.rulePos.file}:${outcome.rulePos.line}` : 'default',
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
    const example = chooseExample(changedClass.regions, realize);
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
      scope: describeRegion(changedClass.regions[example.regionIndex]),
      regions: changedClass.regions.length,
    };
  });
  return { oldFile: oldPolicy.file, newFile: newPolicy.file, changes, classesChanged: changes.length, stats };
}
