// The refusal every backend reports before (kind, containers) or after (local)
// kube-apiserver judges a policy: kube-apiserver's own words, then where in the
// user's file to look, judged as the version the run starts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { policyRefusal, policyVerdict } from '../../../src/clusters/common/policyVerdict.js';

const dir = mkdtempSync(join(tmpdir(), 'auditspec-verdict-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const policyFile = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

describe('policyVerdict', () => {
  it("words the refusal as kube-apiserver does, then points at the line and column", () => {
    const file = policyFile('bad-level.yaml', 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  users: [a]\n- level: Loud\n');
    const verdict = policyVerdict(file);
    expect(verdict?.policyRejected).toBe(true);
    expect(verdict?.message.split('\n')).toEqual([
      `loading audit policy file: rules[1].level: Unsupported value: "Loud": supported values: "None", "Metadata", "Request", "RequestResponse": from file ${file}`,
      `  at ${file}:6:10`,
    ]);
  });

  it('judges as the version the backend runs: group "*" is refused by 1.33 and loads on 1.37', () => {
    const file = policyFile('group-star.yaml', 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  resources:\n  - group: "*"\n');
    expect(policyVerdict(file, '1.37')).toBeUndefined();
    const refused = policyVerdict(file, '1.33');
    expect(refused?.message).toMatch(/^loading audit policy file: rules\[0\]\.resources\.group: Invalid value: "\*"/);
    expect(refused?.message).toContain(`\n  at ${file}:6:12`);
  });

  it('keeps the hint kube-apiserver leaves unsaid (an empty file)', () => {
    const file = policyFile('empty.yaml', '');
    expect(policyVerdict(file)?.message).toContain('hint: the file is empty');
  });
});

describe('policyRefusal', () => {
  it("adds the position to kube-apiserver's own words", () => {
    const file = policyFile('no-rules.yaml', 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: []\n');
    const words = `loading audit policy file: loaded illegal policy with 0 rules: from file ${file}`;
    expect(policyRefusal(words, file).message).toBe(`${words}\n  at ${file}:3:1`);
  });

  it('adds nothing when the offline loader would accept the file (it cannot say where)', () => {
    const file = policyFile('good.yaml', 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n');
    expect(policyRefusal('loading audit policy file: something else', file).message).toBe('loading audit policy file: something else');
  });
});
