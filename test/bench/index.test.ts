// Smoke test of `npm run bench`: the entry runs in its tiny --quick mode and ends
// with one JSON line holding every headline figure as a number, or null when its
// benchmark was skipped. Timings are never asserted: the machine is shared.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const KEYS = [
  'matcherVsGo',
  'matcherVsGoMin',
  'replayVsJsonParse',
  'coldStartSeconds',
  'policySwitchSeconds',
  'e2eMsPerRequest',
  'containersColdStartSeconds',
  'containersPolicySwitchSeconds',
];

/** Runs the command behind `npm run bench` (read from package.json) with `args`. */
function runBench(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const script = (JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { scripts: Record<string, string> }).scripts.bench;
  const [command, ...scriptArgs] = script.split(' ');
  const result = spawnSync(command, [...scriptArgs, ...args], { cwd: root, encoding: 'utf8', timeout: 600_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function lastJsonLine(stdout: string): Record<string, unknown> {
  const lines = stdout.trimEnd().split('\n');
  return JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
}

describe('npm run bench', () => {
  it('--quick --json ends with the headline figures, numbers or null', { timeout: 600_000 }, () => {
    // End to end starts control planes: that part has its own test in the e2e project.
    const { status, stdout, stderr } = runBench(['--quick', '--json', '--skip', 'e2e,containers']);
    expect(status, stderr).toBe(0);
    const summary = lastJsonLine(stdout);
    for (const key of KEYS) {
      expect(summary, key).toHaveProperty(key);
      const value = summary[key];
      expect(value === null || (typeof value === 'number' && Number.isFinite(value) && value > 0), `${key}: ${String(value)}`).toBe(true);
    }
    // Skipped rows say so, and their figures are null.
    expect(summary.coldStartSeconds).toBeNull();
    expect(stdout).toMatch(/local control plane cold start\s+skipped: --skip e2e/);
    // The replay benchmark needs nothing outside this repository.
    expect(typeof summary.replayVsJsonParse).toBe('number');
    const details = summary.details as { matcher: unknown; machine: { cores: number; node: string } };
    expect(details.machine.node).toBe(process.version);
    if (summary.matcherVsGo !== null) {
      // Speed is only worth comparing when both evaluators gave the same answers.
      expect((details.matcher as { disagreements: number }).disagreements).toBe(0);
    } else {
      expect(stdout).toMatch(/matcher, evaluations\/s\s+skipped: /);
    }
  });

  it('everything skipped: all null, exit 0', { timeout: 120_000 }, () => {
    const { status, stdout } = runBench(['--json', '--skip', 'matcher,replay,e2e,containers']);
    expect(status).toBe(0);
    const summary = lastJsonLine(stdout);
    for (const key of KEYS) expect(summary[key], key).toBeNull();
  });

  it('refuses an unknown section with exit 2', { timeout: 120_000 }, () => {
    const { status, stderr } = runBench(['--skip', 'matchr']);
    expect(status).toBe(2);
    expect(stderr).toContain('unknown section "matchr"');
  });
});
