// Rule coverage of policy files: for each rule, how many requests the specs sent
// that this rule decided. A rule no spec reaches is a rule whose effect nobody
// checks — the thing this report exists to show.
import { relative } from 'node:path';
import type { KubeVersion, Level, SourcePosition } from '../audit/types.js';
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

/** Trims blank and comment-only lines off the end of a rule's range. */
function trimRange(range: LineRange, sourceLines: readonly string[]): LineRange {
  let end = range.end;
  while (end > range.start && /^\s*(#.*)?$/.test(sourceLines[end - 1] ?? '')) end--;
  return { start: range.start, end };
}

/** Builds the coverage of `policyFiles` (absolute paths) from the hits the specs reported. */
export function buildCoverage(hits: RuleHitCounts, policyFiles: Iterable<string>, options: CoverageModelOptions = {}): CoverageSummary {
  const root = options.root ?? process.cwd();
  const files = [...new Set([...policyFiles, ...Object.keys(hits)])].sort();
  const policies = files.map((file): PolicyCoverage => {
    const displayPath = relative(root, file) || file;
    const byRule = hits[file] ?? {};
    const coverage: PolicyCoverage = {
      file,
      displayPath,
      source: undefined,
      error: undefined,
      rules: [],
      defaultHits: sumModes(byRule[DEFAULT_RULE_KEY]),
      defaultHitsByMode: { ...(byRule[DEFAULT_RULE_KEY] ?? {}) },
      coveredRules: 0,
      percent: 100,
    };
    let loaded: LoadedPolicy;
    try {
      loaded = loadPolicy({ file, displayPath }, { kubeVersion: options.kubeVersion });
    } catch (err) {
      if (!(err instanceof PolicyLoadError)) throw err;
      coverage.error = err.message;
      return coverage;
    }
    coverage.source = loaded.text;
    const sourceLines = coverage.source.split(/\r?\n/);
    const ranges = ruleLineRanges(coverage.source);
    coverage.rules = loaded.policy.rules.map((rule, index) => {
      const byMode = byRule[String(index)] ?? {};
      const raw = ranges[index];
      const lines = raw && raw.start > 0 ? trimRange(raw, sourceLines) : { start: rule.pos.line, end: rule.pos.line };
      return { index, level: rule.level as Level, pos: rule.pos, lines, hits: sumModes(byMode), hitsByMode: { ...byMode } };
    });
    coverage.coveredRules = coverage.rules.filter((r) => r.hits > 0).length;
    coverage.percent = percentOf(coverage.coveredRules, coverage.rules.length);
    return coverage;
  });
  const totalRules = policies.reduce((n, p) => n + p.rules.length, 0);
  const coveredRules = policies.reduce((n, p) => n + p.coveredRules, 0);
  return { policies, totalRules, coveredRules, percent: percentOf(coveredRules, totalRules) };
}
