// Rule coverage of policy files (of a module directory: of each module file):
// for each rule, how many requests the specs sent that this rule decided. A
// rule no spec reaches is a rule whose effect nobody checks — the thing this
// report exists to show.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { KubeVersion, Level, Policy, PolicyRule, SourcePosition } from '../audit/types.js';
import { loadPolicy, type LoadedPolicy } from '../audit/policy/load.js';
import { PolicyLoadError } from '../audit/policy/loadError.js';
import { DEFAULT_RULE_KEY, type RuleHitCounts } from './counts.js';
import { ruleLineRanges, type LineRange } from './ruleLines.js';

export interface RuleCoverage {
  index: number;
  level: Level;
  pos: SourcePosition;
  /** Lines of the policy source the rule occupies. */
  lines: LineRange;
  hits: number;
  /** Hits per mode ("offline", or an end-to-end backend such as "local"). */
  hitsByMode: Record<string, number>;
}

export interface PolicyCoverage {
  /** Absolute path. */
  file: string;
  /** Relative to the working directory, for display. */
  displayPath: string;
  /** The policy source, for the HTML page; undefined when it could not be read. */
  source: string | undefined;
  /** Set when the file could not be loaded as a policy: the PolicyLoadError's message (file:line:col: …). */
  error: string | undefined;
  rules: RuleCoverage[];
  /** Requests no rule matched (level None by default). */
  defaultHits: number;
  defaultHitsByMode: Record<string, number>;
  coveredRules: number;
  /** 0–100; 100 for a policy without rules. */
  percent: number;
}

export interface CoverageSummary {
  policies: PolicyCoverage[];
  totalRules: number;
  coveredRules: number;
  percent: number;
}

export interface CoverageModelOptions {
  kubeVersion?: KubeVersion;
  /** Base for display paths. Default: process.cwd(). */
  root?: string;
}

function sumModes(byMode: Record<string, number> | undefined): number {
  let total = 0;
  for (const hits of Object.values(byMode ?? {})) total += hits;
  return total;
}

const percentOf = (covered: number, total: number): number => (total === 0 ? 100 : (covered / total) * 100);

/** The coverage of `rules` (indexes from `firstIndex` on) drawn onto `coverage.source`, their file. */
function rulesCoverage(coverage: PolicyCoverage, rules: readonly PolicyRule[], firstIndex: number, byRule: RuleHitCounts[string]): void {
  const ranges = ruleLineRanges(coverage.source ?? '');
  coverage.rules = rules.map((rule, i) => {
    const index = firstIndex + i;
    const byMode = byRule[String(index)] ?? {};
    const lines = ranges[i] ?? { start: rule.pos.line, end: rule.pos.line };
    return { index, level: rule.level as Level, pos: rule.pos, lines, hits: sumModes(byMode), hitsByMode: { ...byMode } };
  });
  coverage.coveredRules = coverage.rules.filter((r) => r.hits > 0).length;
  coverage.percent = percentOf(coverage.coveredRules, coverage.rules.length);
}

function emptyCoverage(file: string, displayPath: string, byRule: RuleHitCounts[string] | undefined): PolicyCoverage {
  return {
    file,
    displayPath,
    source: undefined,
    error: undefined,
    rules: [],
    defaultHits: sumModes(byRule?.[DEFAULT_RULE_KEY]),
    defaultHitsByMode: { ...(byRule?.[DEFAULT_RULE_KEY] ?? {}) },
    coveredRules: 0,
    percent: 100,
  };
}

/**
 * A module directory's coverage, one entry per module file, so LCOV and the
 * HTML page draw each rule's hits on its own module. Rule indexes stay those
 * of the composed policy, as the specs and `eval` count them; the requests no
 * rule matched fell through every module, and are counted on the last.
 */
function moduleCoverage(policy: Policy, byRule: RuleHitCounts[string], root: string): PolicyCoverage[] {
  const modules = policy.modules ?? [];
  return modules.map((module, i) => {
    const coverage = emptyCoverage(module.path, relative(root, module.path) || module.path, i === modules.length - 1 ? byRule : undefined);
    try {
      coverage.source = readFileSync(module.path, 'utf8');
    } catch (err) {
      coverage.error = `cannot read: ${(err as Error).message}`;
      return coverage;
    }
    rulesCoverage(coverage, policy.rules.slice(module.firstRule, module.firstRule + module.ruleCount), module.firstRule, byRule);
    return coverage;
  });
}

/** Builds the coverage of `policyFiles` (absolute paths of policy files or module directories) from the hits the specs reported. */
export function buildCoverage(hits: RuleHitCounts, policyFiles: Iterable<string>, options: CoverageModelOptions = {}): CoverageSummary {
  const root = options.root ?? process.cwd();
  const files = [...new Set([...policyFiles, ...Object.keys(hits)])].sort();
  const policies = files.flatMap((file): PolicyCoverage[] => {
    const displayPath = relative(root, file) || file;
    const byRule = hits[file] ?? {};
    const coverage = emptyCoverage(file, displayPath, byRule);
    let loaded: LoadedPolicy;
    try {
      loaded = loadPolicy({ file, displayPath }, { kubeVersion: options.kubeVersion });
    } catch (err) {
      if (!(err instanceof PolicyLoadError)) throw err;
      coverage.error = err.message;
      return [coverage];
    }
    if (loaded.policy.modules) return moduleCoverage(loaded.policy, byRule, root);
    coverage.source = loaded.text;
    rulesCoverage(coverage, loaded.policy.rules, 0, byRule);
    return [coverage];
  });
  const totalRules = policies.reduce((n, p) => n + p.rules.length, 0);
  const coveredRules = policies.reduce((n, p) => n + p.coveredRules, 0);
  return { policies, totalRules, coveredRules, percent: percentOf(coveredRules, totalRules) };
}
