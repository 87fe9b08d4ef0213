// The cross-version summary of `auditspec test --kube-version 1.33,1.37`, on
// Vitest task trees shaped as a run leaves them.
import { describe, expect, it } from 'vitest';
import {
  formatVersionDifferences,
  type TaskLike,
  testResults,
  type VersionRun,
  versionDifferences,
} from '../../src/vitest/versionDifferences.js';

const test = (name: string, state: string, message?: string): TaskLike => ({
  type: 'test',
  name,
  result: { state, ...(message ? { errors: [{ message }] } : {}) },
});
const suite = (name: string, tasks: TaskLike[]): TaskLike => ({ type: 'suite', name, tasks });
const file = (path: string, tasks: TaskLike[], errors?: { message: string }[]) => ({
  type: 'suite',
  name: path,
  filepath: `/repo/${path}`,
  tasks,
  result: { state: errors ? 'fail' : 'pass', ...(errors ? { errors } : {}) },
});
const relative = (p: string) => p.replace('/repo/', '');

describe('testResults', () => {
  it('lists every test by its path, with the first line of its failure, and a file-level error as one more failure', () => {
    const files = [
      file('a.audit.spec.ts', [suite('policy p.yaml', [test('logs secrets', 'pass'), test('drops events', 'fail', 'expected None\nmore')])]),
      file('b.audit.spec.ts', [], [{ message: 'Cannot find module x' }]),
    ];
    expect(testResults(files, relative)).toEqual([
      { path: ['a.audit.spec.ts', 'policy p.yaml', 'logs secrets'], outcome: 'pass', message: undefined },
      { path: ['a.audit.spec.ts', 'policy p.yaml', 'drops events'], outcome: 'fail', message: 'expected None' },
      { path: ['b.audit.spec.ts', '(the file)'], outcome: 'fail', message: 'Cannot find module x' },
    ]);
  });
});

describe('versionDifferences', () => {
  it('names a test that passes on one version and fails on another, and where', () => {
    const runs: VersionRun[] = [
      { kubeVersion: '1.33', results: [{ path: ['a', 'p', 't1'], outcome: 'fail', message: 'expected Metadata' }, { path: ['a', 'p', 't2'], outcome: 'pass' }] },
      { kubeVersion: '1.37', results: [{ path: ['a', 'p', 't1'], outcome: 'pass' }, { path: ['a', 'p', 't2'], outcome: 'pass' }] },
    ];
    expect(versionDifferences(runs)).toEqual([
      { path: ['a', 'p', 't1'], passesOn: ['1.37'], failsOn: [{ kubeVersion: '1.33', because: 'expected Metadata' }] },
    ]);
  });

  it('counts the tests of a policy a version refuses as failing there, because of the refusal (describePolicy registers only "loads")', () => {
    const runs: VersionRun[] = [
      {
        kubeVersion: '1.33',
        results: [
          { path: ['s', 'policy star.yaml', 'star.yaml loads'], outcome: 'fail', message: 'star.yaml:4:12: kube-apiserver would refuse' },
          { path: ['s', 'policy other.yaml', 'other'], outcome: 'pass' },
        ],
      },
      {
        kubeVersion: '1.37',
        results: [
          { path: ['s', 'policy star.yaml', 'any group at Metadata'], outcome: 'pass' },
          { path: ['s', 'policy other.yaml', 'other'], outcome: 'pass' },
        ],
      },
    ];
    const differences = versionDifferences(runs);
    expect(differences).toEqual([
      {
        path: ['s', 'policy star.yaml', 'any group at Metadata'],
        passesOn: ['1.37'],
        failsOn: [{ kubeVersion: '1.33', because: 'star.yaml loads: star.yaml:4:12: kube-apiserver would refuse' }],
      },
    ]);
    expect(formatVersionDifferences(runs, differences)).toBe(
      [
        'auditspec: 1 expectation holds on one Kubernetes version and fails on another (1.33, 1.37):',
        '  s > policy star.yaml > any group at Metadata',
        '    passes on 1.37',
        '    fails on 1.33: star.yaml loads: star.yaml:4:12: kube-apiserver would refuse',
        'A policy moved between clusters of these versions, or a cluster upgraded, does not log the same: these are regressions to decide on.',
        '',
      ].join('\n'),
    );
  });

  it('is silent about tests that fail everywhere, are skipped, or are missing without a failure to explain it', () => {
    const runs: VersionRun[] = [
      { kubeVersion: '1.33', results: [{ path: ['a', 't'], outcome: 'fail' }, { path: ['a', 's'], outcome: 'skip' }] },
      { kubeVersion: '1.37', results: [{ path: ['a', 't'], outcome: 'fail' }, { path: ['a', 's'], outcome: 'pass' }, { path: ['a', 'new'], outcome: 'pass' }] },
    ];
    expect(versionDifferences(runs)).toEqual([]);
    expect(formatVersionDifferences(runs, [])).toBe(
      'auditspec: every test ends the same on 1.33, 1.37: no expectation depends on the Kubernetes version\n',
    );
  });
});
