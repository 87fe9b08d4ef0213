// Coverage of a module directory: one entry per module file, so LCOV and the
// HTML page draw each rule's hits on its own module's lines.
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { addHit, type RuleHitCounts } from '../../src/coverage/counts.js';
import { formatLcov } from '../../src/coverage/lcov.js';
import { buildCoverage } from '../../src/coverage/model.js';

const dir = resolve('clusters/modules');

describe('coverage of a module directory', () => {
  const hits: RuleHitCounts = {};
  addHit(hits, dir, 5, 'offline', 3); // 20-secrets.yaml's rule
  addHit(hits, dir, 8, 'offline'); // the catch-all
  addHit(hits, dir, null, 'offline', 2);
  const summary = buildCoverage(hits, [dir]);

  test('one entry per module, rule indexes as the composed policy counts them, lines of the module file', () => {
    expect(summary.policies.map((p) => [p.displayPath, p.rules.map((r) => r.index), p.coveredRules])).toEqual([
      ['clusters/modules/10-noise.yaml', [0, 1, 2, 3, 4], 0],
      ['clusters/modules/20-secrets.yaml', [5], 1],
      ['clusters/modules/30-rbac.yaml', [6], 0],
      ['clusters/modules/40-workloads.yaml', [7], 0],
      ['clusters/modules/90-catch-all.yaml', [8], 1],
    ]);
    const secrets = summary.policies[1].rules[0];
    expect(secrets).toMatchObject({ hits: 3, lines: { start: 8, end: 13 }, pos: { file: 'clusters/modules/20-secrets.yaml', line: 8 } });
    expect(summary.totalRules).toBe(9);
    // Requests that fell through every module are counted once, on the last.
    expect(summary.policies.map((p) => p.defaultHits)).toEqual([0, 0, 0, 0, 2]);
  });

  test('LCOV has a record per module file with DA lines in that file', () => {
    const lcov = formatLcov(summary);
    const record = lcov.split('end_of_record').find((r) => r.includes(`SF:${dir}/20-secrets.yaml`))!;
    expect(record).toContain('DA:8,3');
    expect(record).toContain('DA:13,3');
    expect(record).not.toContain('DA:7,');
    expect(lcov.match(/^SF:/gm)).toHaveLength(5);
  });
});
