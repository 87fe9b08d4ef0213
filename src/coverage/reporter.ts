// The `auditspec/coverage` Vitest reporter: which policy rules the specs reach.
//
//   // vitest.config.ts
//   reporters: ['default', ['auditspec/coverage', { threshold: 90, include: ['policies/*.yaml'] }]]
//
// Workers put rule hits on task meta (see collector.ts); this reporter, in the
// main process, adds them up when the run ends, prints a table, writes LCOV and an
// HTML page, and fails the run when a policy's rule coverage is under `threshold`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pc from 'picocolors';
import { globSync } from 'tinyglobby';
import type { Reporter, TestModule, Vitest } from 'vitest/node';
import type { KubeVersion } from '../audit/types.js';
import { COVERAGE_META_KEY, mergeHitCounts, type RuleHitCounts } from './counts.js';
import { formatCoverageHtml } from './html.js';
import { formatLcov } from './lcov.js';
import { buildCoverage, type CoverageSummary } from './model.js';
import { formatCoverageTable } from './table.js';

export interface AuditCoverageOptions {
  /**
   * Minimum percentage (0–100) of rules each policy must have reached; a policy
   * under it fails the run. Default: no threshold.
   */
  threshold?: number;
  /** Policy files (globs, relative to the Vitest root) to report even if no spec used them. */
  include?: string[];
  /** LCOV output path relative to the root, or false. Default "coverage/audit/lcov.info". */
  lcov?: string | false;
  /** HTML output path relative to the root, or false. Default "coverage/audit/index.html". */
  html?: string | false;
  kubeVersion?: KubeVersion;
  /** Add the collector setup file to every project (default true). */
  injectSetup?: boolean;
  /** Do not print the table. */
  silent?: boolean;
  /** Where the table and messages go; default Vitest's logger. */
  log?: (text: string) => void;
}

/** Where the worker-side setup file lives, next to this module in src/ or dist/. */
export function coverageSetupFile(): string {
  const here = fileURLToPath(import.meta.url);
  return resolve(dirname(here), `setup${extname(here) || '.js'}`);
}

/** Adds up the hits every test, suite and file of the run carries on its meta. */
export function collectRuleHits(testModules: ReadonlyArray<TestModule>): RuleHitCounts {
  const hits: RuleHitCounts = {};
  for (const module of testModules) {
    mergeHitCounts(hits, (module.meta() as Record<string, unknown>)[COVERAGE_META_KEY]);
    for (const suite of module.children.allSuites()) mergeHitCounts(hits, (suite.meta() as Record<string, unknown>)[COVERAGE_META_KEY]);
    for (const test of module.children.allTests()) mergeHitCounts(hits, (test.meta() as Record<string, unknown>)[COVERAGE_META_KEY]);
  }
  return hits;
}

export default class AuditCoverageReporter implements Reporter {
  private vitest: Vitest | undefined;
  /** The coverage of the last run, for programmatic use. */
  summary: CoverageSummary | undefined;
  /** Policies under the threshold in the last run. */
  failures: string[] = [];

  constructor(private readonly options: AuditCoverageOptions = {}) {
    const { threshold } = options;
    if (threshold !== undefined && (!Number.isFinite(threshold) || threshold < 0 || threshold > 100)) {
      throw new RangeError(`auditspec/coverage: threshold must be a percentage between 0 and 100, got ${threshold}`);
    }
  }

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
    if (this.options.injectSetup === false) return;
    const setup = coverageSetupFile();
    for (const project of vitest.projects) {
      if (!project.config.setupFiles.includes(setup)) project.config.setupFiles.unshift(setup);
    }
  }

  private get root(): string {
    return this.vitest?.config.root ?? process.cwd();
  }

  private log(text: string): void {
    if (this.options.log) this.options.log(text);
    else if (this.vitest) this.vitest.logger.log(text);
    else process.stdout.write(`${text}\n`);
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const root = this.root;
    const hits = collectRuleHits(testModules);
    const included = (this.options.include ?? []).flatMap((pattern) =>
      globSync(pattern, { cwd: root, absolute: true, onlyFiles: true }),
    );
    const summary = buildCoverage(hits, included, { kubeVersion: this.options.kubeVersion, root });
    this.summary = summary;
    if (summary.policies.length === 0) {
      if (!this.options.silent) this.log('\nAudit policy rule coverage: no spec decided a request under a policy.');
    } else if (!this.options.silent) {
      this.log(formatCoverageTable(summary, { highlight: pc.red }));
    }

    const written: string[] = [];
    const write = (option: string | false | undefined, fallback: string, content: () => string): void => {
      if (option === false || summary.policies.length === 0) return;
      const path = isAbsolute(option ?? fallback) ? (option ?? fallback) : resolve(root, option ?? fallback);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content());
      written.push(path);
    };
    write(this.options.lcov, 'coverage/audit/lcov.info', () => formatLcov(summary));
    write(this.options.html, 'coverage/audit/index.html', () => formatCoverageHtml(summary));
    if (written.length > 0 && !this.options.silent) this.log(`Rule coverage written to ${written.join(', ')}`);

    this.failures = [];
    const { threshold } = this.options;
    if (threshold !== undefined) {
      for (const policy of summary.policies) {
        if (policy.error || policy.percent < threshold) {
          this.failures.push(
            // A load error names its own file:line:col.
            policy.error
              ? policy.error
              : `${policy.displayPath}: ${policy.percent.toFixed(1)}% of rules reached, threshold ${threshold}%`,
          );
        }
      }
      if (this.failures.length > 0) {
        this.log(pc.red(`\nAudit rule coverage under threshold:\n${this.failures.map((f) => `  ${f}`).join('\n')}`));
        // Vitest's own coverage thresholds fail the run the same way.
        process.exitCode = 1;
      }
    }
  }
}

export { AuditCoverageReporter };
