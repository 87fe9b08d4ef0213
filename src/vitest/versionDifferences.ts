// `auditspec test --kube-version 1.33,1.37` runs the same specs once per
// version. A test that passes on one version and fails on another is not an
// ordinary failure: the policy means something else on the other cluster (a
// policy moved from a 1.37 cluster to a 1.33 one is refused at start-up, or
// logs differently). This module takes each run's results, finds the tests
// whose outcome depends on the version, and says so, naming where each
// passes and where it fails.
import type { KubeVersion } from '../audit/types.js';

export type TestOutcome = 'pass' | 'fail' | 'skip';

/** One test of one run: its path (file, describe blocks…, test name), how it ended and why it failed. */
export interface TestResult {
  path: string[];
  outcome: TestOutcome;
  /** First line of the failure, when it failed. */
  message?: string;
}

export interface VersionRun {
  kubeVersion: KubeVersion;
  results: TestResult[];
}

export interface VersionDifference {
  /** file > describe > … > test */
  path: string[];
  passesOn: KubeVersion[];
  failsOn: { kubeVersion: KubeVersion; because: string }[];
}

/** The structural part of a Vitest task this module reads (File, Suite and Test alike). */
export interface TaskLike {
  type: string;
  name: string;
  result?: { state?: string; errors?: readonly { message?: string }[] };
  tasks?: readonly TaskLike[];
}

const FILE_ITSELF = '(the file)';

function outcomeOf(task: TaskLike): TestOutcome {
  const state = task.result?.state;
  return state === 'pass' ? 'pass' : state === 'fail' ? 'fail' : 'skip';
}

const firstLine = (task: TaskLike) => (task.result?.errors?.[0]?.message ?? '').split('\n')[0]?.trim() || undefined;

/**
 * Every test of Vitest's finished files (vitest.state.getFiles()). An error of
 * the file itself (collection, a hook) is one more failed entry, so that the
 * file's tests that never ran line up against the versions where they did.
 */
export function testResults(files: readonly (TaskLike & { filepath?: string })[], relativeTo: (path: string) => string): TestResult[] {
  const results: TestResult[] = [];
  for (const file of files) {
    const walk = (task: TaskLike, path: string[]) => {
      for (const child of task.tasks ?? []) {
        const here = [...path, child.name];
        if (child.type === 'test') results.push({ path: here, outcome: outcomeOf(child), message: firstLine(child) });
        else walk(child, here);
      }
    };
    const root = [relativeTo(file.filepath ?? file.name)];
    walk(file, root);
    if ((file.result?.errors?.length ?? 0) > 0) results.push({ path: [...root, FILE_ITSELF], outcome: 'fail', message: firstLine(file) });
  }
  return results;
}

const keyOf = (path: readonly string[]) => path.join('\u0000');

/**
 * How `path` ended in `run`: its own outcome when it ran; when it is missing,
 * the failure of the nearest enclosing block that exists in that run, when
 * that block only failed (describePolicy registers only a failing "loads"
 * test when the version refuses the policy; a file that fails to collect has
 * no tests at all);
 * undefined when nothing says.
 */
function outcomeIn(run: VersionRun, path: readonly string[]): { outcome: TestOutcome; because?: string } | undefined {
  const own = run.results.find((r) => keyOf(r.path) === keyOf(path));
  if (own) return { outcome: own.outcome, because: own.message };
  for (let depth = path.length - 1; depth >= 1; depth--) {
    const prefix = keyOf(path.slice(0, depth));
    const inside = run.results.filter((r) => keyOf(r.path.slice(0, depth)) === prefix);
    if (inside.length === 0) continue;
    // Only a block that did nothing but fail stands for tests it never registered;
    // elsewhere a missing test is just a test this version's run does not have.
    if (inside.some((r) => r.outcome !== 'fail')) return undefined;
    const failure = inside[0]!;
    return { outcome: 'fail', because: `${failure.path.slice(depth).join(' > ')}: ${failure.message ?? 'failed'}` };
  }
  return undefined;
}

/** Tests that pass on some versions and fail on others, in file and name order. */
export function versionDifferences(runs: readonly VersionRun[]): VersionDifference[] {
  const tests = new Map<string, string[]>();
  for (const run of runs) for (const r of run.results) if (r.path.at(-1) !== FILE_ITSELF) tests.set(keyOf(r.path), r.path);
  const differences: VersionDifference[] = [];
  for (const path of tests.values()) {
    const difference: VersionDifference = { path, passesOn: [], failsOn: [] };
    for (const run of runs) {
      const found = outcomeIn(run, path);
      if (found?.outcome === 'pass') difference.passesOn.push(run.kubeVersion);
      if (found?.outcome === 'fail') difference.failsOn.push({ kubeVersion: run.kubeVersion, because: found.because ?? 'failed' });
    }
    if (difference.passesOn.length > 0 && difference.failsOn.length > 0) differences.push(difference);
  }
  return differences.sort((a, b) => keyOf(a.path).localeCompare(keyOf(b.path)));
}

/** The summary printed after all versions ran. */
export function formatVersionDifferences(runs: readonly VersionRun[], differences: readonly VersionDifference[]): string {
  const versions = runs.map((r) => r.kubeVersion).join(', ');
  if (differences.length === 0) {
    return `auditspec: every test ends the same on ${versions}: no expectation depends on the Kubernetes version\n`;
  }
  const one = differences.length === 1;
  const lines = [
    `auditspec: ${differences.length} expectation${one ? '' : 's'} hold${one ? 's' : ''} on one Kubernetes version and fail${one ? 's' : ''} on another (${versions}):`,
  ];
  for (const d of differences) {
    lines.push(`  ${d.path.join(' > ')}`, `    passes on ${d.passesOn.join(', ')}`);
    for (const f of d.failsOn) lines.push(`    fails on ${f.kubeVersion}: ${f.because}`);
  }
  lines.push('A policy moved between clusters of these versions, or a cluster upgraded, does not log the same: these are regressions to decide on.');
  return `${lines.join('\n')}\n`;
}
