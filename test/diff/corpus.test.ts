// The corpus policies (../shared/corpus/policies): each against itself, and
// real pairs whose differences are known from what the files say they are.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPolicy } from '../../src/audit/policy/reader.js';
import type { Policy } from '../../src/audit/types.js';
import { compilePolicy, evaluatePolicy } from '../../src/audit/policy/checker.js';
import { diffPolicies } from '../../src/diff/diffPolicies.js';
import { partitionChanges } from '../../src/diff/partition.js';
import { expectReproducible } from './reproduce.js';
import { corpusPath, corpusSkipReason } from '../support/corpus.js';

const CORPUS = corpusPath('policies');
const missing = corpusSkipReason('policies');
const present = missing === '';

function load(name: string): Policy {
  const result = readPolicy(readFileSync(join(CORPUS, name), 'utf8'), { file: name });
  if (!result.ok) throw result.error;
  return result.policy;
}

const loadable = present
  ? readdirSync(CORPUS)
      .filter((name) => name.endsWith('.yaml'))
      .filter((name) => readPolicy(readFileSync(join(CORPUS, name), 'utf8'), { file: name }).ok)
  : [];

describe.skipIf(!present)(`corpus policies${missing}`, () => {
  it('loads most of the corpus', () => {
    expect(loadable.length).toBeGreaterThan(20);
  });

  // An empty table would register nothing: without the corpus, one skipped test stands for it.
  if (!present) it('every corpus policy is equivalent to itself', () => {});
  else it.each(loadable)('%s is equivalent to itself', (name) => {
    const diff = diffPolicies(load(name), load(name));
    expect(diff.changes).toEqual([]);
  });

  it('OpenShift Default → WriteRequestBodies: writes go from Metadata to RequestResponse, nothing else', () => {
    const before = load('openshift-default.yaml');
    const after = load('openshift-writerequestbodies.yaml');
    const diff = diffPolicies(before, after);
    expectReproducible(diff, before, after);
    expect(diff.classesChanged).toBe(1);
    const [change] = diff.changes;
    // Default's catch-all (Metadata) against WriteRequestBodies' write rule.
    expect(change.old).toMatchObject({ level: 'Metadata', ruleIndex: 3 });
    expect(change.new).toMatchObject({ level: 'RequestResponse', ruleIndex: 3 });
    expect(['create', 'update', 'patch', 'delete', 'deletecollection']).toContain(change.attributes.verb);
    // Secrets stay at Metadata, but WriteRequestBodies names "secrets" without "secrets/*", so
    // writes to their subresources (none exist upstream, but any can be sent) change too.
    const secretWrite = { user: { name: 'alice', groups: ['system:authenticated'] }, verb: 'update', resourceRequest: true, apiGroup: '', apiVersion: 'v1', resource: 'secrets', namespace: 'prod', name: 'db', path: '' };
    expect(evaluatePolicy(compilePolicy(before), { ...secretWrite, subresource: '' }).level).toBe('Metadata');
    expect(evaluatePolicy(compilePolicy(after), { ...secretWrite, subresource: '' }).level).toBe('Metadata');
    expect(change.parts).toContainEqual(expect.arrayContaining(['resource "secrets"', 'subresource anything but none']));
  });

  it('OpenShift WriteRequestBodies → AllRequestBodies: reads go to RequestResponse too', () => {
    const before = load('openshift-writerequestbodies.yaml');
    const after = load('openshift-allrequestbodies.yaml');
    const diff = diffPolicies(before, after);
    expectReproducible(diff, before, after);
    expect(diff.classesChanged).toBe(1);
    const [change] = diff.changes;
    expect(change.old).toMatchObject({ level: 'Metadata', ruleIndex: 4 });
    expect(change.new).toMatchObject({ level: 'RequestResponse', ruleIndex: 3 });
    expect(['create', 'update', 'patch', 'delete', 'deletecollection']).not.toContain(change.attributes.verb);
  });

  it('OpenShift None → Default: everything not excluded starts being logged', () => {
    const before = load('openshift-none.yaml');
    const after = load('openshift-default.yaml');
    const diff = diffPolicies(before, after);
    expectReproducible(diff, before, after);
    const transitions = diff.changes.map((c) => `${c.old.level}->${c.new.level}`).sort();
    // Identity and OAuth token writes go to RequestResponse, everything else to Metadata.
    expect(transitions).toEqual(['None->Metadata', 'None->RequestResponse']);
    const tokens = diff.changes.find((c) => c.new.level === 'RequestResponse')!;
    expect(['user.openshift.io', 'oauth.openshift.io']).toContain(tokens.attributes.apiGroup);
  });

  it('every pair of corpus policies: examples reproduce, and the classes of (a, b) mirror those of (b, a)', () => {
    const policies = loadable.map(load);
    const pairs = (from: Policy, to: Policy, flip: boolean) =>
      partitionChanges(from, to)
        .classes.map((c) => (flip ? `${c.newRule}<-${c.oldRule}` : `${c.oldRule}<-${c.newRule}`))
        .sort();
    for (const [i, a] of policies.entries()) {
      for (const b of policies.slice(i + 1)) {
        expectReproducible(diffPolicies(a, b), a, b, { httpRequired: false });
        expectReproducible(diffPolicies(b, a), b, a, { httpRequired: false });
        expect(pairs(b, a, true)).toEqual(pairs(a, b, false));
      }
    }
  }, 300_000);
});
