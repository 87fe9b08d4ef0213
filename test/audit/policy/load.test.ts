// loadPolicy, the front door every caller uses: a file or a text in, the
// policy with positions out, or one PolicyLoadError whose message names
// file:line:col, keeps kube-apiserver's words in `reason`, and adds hints where
// those words say little.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPolicy } from '../../../src/audit/policy/load.js';
import { PolicyLoadError } from '../../../src/audit/policy/loadError.js';
import { formatPosition } from '../../../src/audit/policy/sourceMap.js';

const dir = mkdtempSync(join(tmpdir(), 'auditspec-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function refusal(source: Parameters<typeof loadPolicy>[0]): PolicyLoadError {
  try {
    loadPolicy(source);
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyLoadError);
    return err as PolicyLoadError;
  }
  throw new Error('the policy loaded');
}

describe('loadPolicy', () => {
  it('names the file in positions, or the display path when given', () => {
    const good = join(dir, 'good.yaml');
    writeFileSync(good, 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n');
    const loaded = loadPolicy({ file: good });
    expect(loaded.policy.file).toBe(good);
    expect(loaded.policy.rules[0].pos).toEqual({ file: good, line: 4, col: 1 });
    expect(loaded.text).toContain('level: None');
    expect(loadPolicy({ file: good, displayPath: 'shown.yaml' }).policy.rules[0].pos.file).toBe('shown.yaml');
  });

  it('loads a text, named "<inline>" unless a display path is given', () => {
    const text = 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n';
    expect(loadPolicy({ text }).policy.rules[0].pos.file).toBe('<inline>');
    expect(loadPolicy({ text, displayPath: 'p.yaml' }).policy.rules[0].level).toBe('Metadata');
  });

  it('a refusal: file:line:col first, kube-apiserver\'s words kept verbatim in reason', () => {
    const err = refusal({ text: 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: []\n', displayPath: 'bad.yaml' });
    expect(err.reason).toBe('loaded illegal policy with 0 rules');
    expect(err.message).toBe('bad.yaml:3:1: kube-apiserver would refuse to start with this policy: loaded illegal policy with 0 rules');
    expect(err).toMatchObject({ file: 'bad.yaml', pos: { file: 'bad.yaml', line: 3, col: 1 }, unreadable: undefined, hints: [] });
  });

  it('hints for an empty file and for a missing apiVersion', () => {
    const empty = refusal({ text: '', displayPath: 'empty.yaml' });
    expect(empty.message.split('\n')).toEqual([
      'empty.yaml:1:1: kube-apiserver would refuse to start with this policy: unknown group version field audit.k8s.io/__internal, Kind=Policy in policy',
      'hint: the file is empty: a policy starts with "apiVersion: audit.k8s.io/v1" and "kind: Policy", then its rules',
    ]);
    const noApi = refusal({ text: 'kind: Policy\nrules:\n- level: None\n', displayPath: 'noapi.yaml' });
    expect(noApi.hints).toEqual([
      'the file has no top-level apiVersion: kube-apiserver needs "apiVersion: audit.k8s.io/v1" and "kind: Policy" to know it is reading a policy',
    ]);
  });

  it('several validation errors: one line each, where each is written; warnings kept', () => {
    const err = refusal({ text: 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Loud\n  bogus: 1\n- level: None\n  omitStages: [Never]\n', displayPath: 'v.yaml' });
    const lines = err.message.split('\n');
    expect(lines[0]).toMatch(/^v\.yaml:4:10: kube-apiserver would refuse to start with this policy: \[rules\[0\]\.level: /);
    expect(lines.slice(1)).toEqual([
      'v.yaml:4:10: rules[0].level: Unsupported value: "Loud": supported values: "None", "Metadata", "Request", "RequestResponse"',
      'v.yaml:7:16: rules[1].omitStages[0]: Invalid value: "Never": allowed stages are RequestReceived,ResponseStarted,ResponseComplete,Panic',
    ]);
    expect(err.details).toHaveLength(2);
    expect(err.warnings.map((w) => w.code)).toContain('unknown-field');
  });

  it('an unreadable file is a PolicyLoadError marked unreadable, reason worded like LoadPolicyFromFile', () => {
    const missing = join(dir, 'missing.yaml');
    const err = refusal({ file: missing });
    expect(err.unreadable).toBe('no such file');
    expect(err.reason).toBe(`failed to read file path "${missing}": no such file`);
    expect(err.message).toBe(`${missing}: cannot read policy: no such file`);
    const folder = join(dir, 'folder.yaml');
    mkdirSync(folder);
    // A directory is a module directory (src/audit/modules/); without modules there is nothing to read.
    expect(refusal({ file: folder, displayPath: 'folder.yaml' }).message).toBe(
      'folder.yaml: cannot read policy: a directory without policy modules (*.yaml, *.yml or *.json files)',
    );
  });
});

describe('formatPosition', () => {
  it('file:line:col, file:line without a column, the file alone without a position', () => {
    expect(formatPosition({ file: 'p.yaml', line: 3, col: 7 })).toBe('p.yaml:3:7');
    expect(formatPosition({ file: 'p.yaml', line: 3, col: 7 }, { column: false })).toBe('p.yaml:3');
    expect(formatPosition({ file: 'audit.log', line: 12 })).toBe('audit.log:12');
    expect(formatPosition({ file: '/abs/p.yaml', line: 3, col: 7 }, { file: 'p.yaml' })).toBe('p.yaml:3:7');
    expect(formatPosition(undefined, { file: 'p.yaml' })).toBe('p.yaml');
  });
});
