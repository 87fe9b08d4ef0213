import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { readPolicy } from '../../src/audit/policy/reader.js';
import { compilePolicy } from '../../src/audit/policy/checker.js';
import { anonymous, as, failedAuthentication, serviceAccount } from '../../src/request/builder.js';
import { onDecision, type DecisionRecord } from '../../src/vitest/decisions.js';
import { loadPolicyBinding, type PolicyBinding } from '../../src/vitest/policyBinding.js';
import { decideSnapshotRows, expectPolicySnapshot, formatSnapshotTable, policySnapshot } from '../../src/vitest/snapshot.js';

const policyPath = fileURLToPath(new URL('./fixtures/snapshot.yaml', import.meta.url));
const alice = as('alice', ['dev']);
const requests = {
  'alice reads a secret': alice.get('secrets', 'db', { namespace: 'prod' }),
  'alice scales a deployment': alice.subresource('update', 'deployments', 'web', 'scale', { namespace: 'prod' }),
  'alice updates a deployment': alice.update('deployments', 'web', { namespace: 'prod' }),
  'a load balancer probe': anonymous().nonResource('GET', '/healthz'),
  'kube-proxy watches services': serviceAccount('kube-system', 'kube-proxy').watch('services'),
  'a bad token': failedAuthentication().list('pods'),
};

describe('formatSnapshotTable', () => {
  test('one aligned line per request: label → level, omitted stages, deciding rule', () => {
    const binding = loadPolicyBinding(policyPath);
    const text = formatSnapshotTable(binding, decideSnapshotRows(binding, requests));
    const where = binding.displayPath;
    expect(text).toBe(
      [
        `policy ${where}`,
        `alice reads a secret         → Metadata         omit RequestReceived                  rule #1 ${where}:7`,
        `alice scales a deployment    → RequestResponse  omit RequestReceived,ResponseStarted  rule #2 ${where}:11`,
        `alice updates a deployment   → RequestResponse  omit RequestReceived,ResponseStarted  rule #2 ${where}:11`,
        `a load balancer probe        → None             omit RequestReceived                  rule #0 ${where}:5`,
        `kube-proxy watches services  → None             omit RequestReceived                  default (no rule matched)`,
        `a bad token                  → None             omit RequestReceived                  default (no rule matched)`,
      ].join('\n'),
    );
  });

  test('a policy change shows as a change of level on exactly the requests it affects', () => {
    const edited = (yaml: string): PolicyBinding => {
      const read = readPolicy(yaml, { file: 'edited.yaml' });
      if (!read.ok) throw read.error;
      return { file: '/abs/edited.yaml', displayPath: 'edited.yaml', policy: read.policy, compiled: compilePolicy(read.policy), kubeVersion: '1.36' };
    };
    const head = 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n';
    const before = policySnapshot(edited(`${head}- level: Metadata\n`), requests).text.split('\n');
    const after = policySnapshot(edited(`${head}- level: None\n  userGroups: ["system:serviceaccounts"]\n- level: Metadata\n`), requests).text.split('\n');
    const level = (line: string) => /→ (\S+)/.exec(line)?.[1];
    const changed = before.map((line, i) => (level(line) === level(after[i]) ? null : after[i])).filter((line) => line !== null);
    expect(changed).toEqual([expect.stringMatching(/^kube-proxy watches services\s+→ None\s+omit -\s+rule #0 edited\.yaml:4$/)]);
    // The rule column moves with the inserted rule: the snapshot names rules by index and line.
    expect(after[1]).toMatch(/rule #1 edited\.yaml:6$/);
  });

  test('every decision is reported for rule coverage', () => {
    const seen: DecisionRecord[] = [];
    const stop = onDecision((record) => seen.push(record));
    try {
      policySnapshot(policyPath, requests);
    } finally {
      stop();
    }
    expect(seen.map((r) => r.ruleIndex)).toEqual([1, 2, 2, 0, null, null]);
    expect(new Set(seen.map((r) => r.policyFile))).toEqual(new Set([policyPath]));
  });
});

describe('expectPolicySnapshot', () => {
  test('records the table as a Vitest snapshot', () => {
    expectPolicySnapshot(policyPath, requests);
  });

  test('a list of builder requests is labelled with their own labels', () => {
    expectPolicySnapshot(policyPath, [alice.list('configmaps', { namespace: 'prod' }), anonymous().nonResource('GET', '/readyz')]);
  });

  test('without a policy and outside describePolicy it says what is missing', () => {
    expect(() => expectPolicySnapshot(undefined, [])).toThrow(/needs a policy/);
  });
});
