import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { anonymous, as } from '../../../src/request/builder.js';
import { describePolicy } from '../../../src/vitest/policyBinding.js';
import { repo, runSpecs } from '../../support/vitestRun.js';
import { FIXTURE } from './support.js';

// The fixture: rule 0 None (kube-proxy watches), rule 1 Request (creates,
// managedFields omitted), rule 2 Metadata (secrets); anything else is the default.
const requests = {
  'alice reads a secret': as('alice').get('secrets', 'db', { namespace: 'prod' }),
  'alice creates a pod': as('alice').create('pods', { namespace: 'prod' }),
  'kube-proxy watches pods': as('system:kube-proxy').watch('pods'),
  'a load balancer probe': anonymous().nonResource('GET', '/healthz'),
};

describe('toMatchAuditSnapshot', () => {
  describePolicy(FIXTURE, () => {
    test('passes when the decisions match the stored table', () => {
      expect(requests).toMatchAuditSnapshot();
    });

    test('cannot be negated: a snapshot either matches or is updated', () => {
      expect(() => expect(requests).not.toMatchAuditSnapshot()).toThrow('toMatchAuditSnapshot cannot be negated');
    });

    test('refuses what is not a list or an object of requests', () => {
      expect(() => expect('alice').toMatchAuditSnapshot()).toThrow('expects an array of requests or an object of labelled requests');
    });
  });

  // A mismatch is Vitest's own snapshot failure, so it is seen the way a user
  // sees it: a spec run twice, the policy edited in between.
  const workDir = join(repo, '.auditspec', `snapshot-matcher-${process.pid}`);
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  test('fails after a policy edit with a diff of exactly the requests whose treatment changed', async () => {
    mkdirSync(workDir, { recursive: true });
    const policy = join(workDir, 'policy.yaml');
    const spec = join(workDir, 'table.audit.spec.ts');
    const head = 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n';
    writeFileSync(policy, `${head}- level: None\n  nonResourceURLs: ["/healthz"]\n- level: Metadata\n`);
    writeFileSync(
      spec,
      [
        "import { expect, test } from 'vitest';",
        "import { anonymous, as, describePolicy } from 'auditspec';",
        `describePolicy(${JSON.stringify(relative(repo, policy))}, () => {`,
        "  test('table', () => {",
        "    expect({ secret: as('alice').get('secrets', 'db', { namespace: 'prod' }), probe: anonymous().nonResource('GET', '/healthz') }).toMatchAuditSnapshot();",
        '  });',
        '});',
        '',
      ].join('\n'),
    );
    const stored = await runSpecs([spec], { update: true });
    expect(stored.failed).toEqual([]);

    // The edit drops secrets to None: one line of the table changes.
    writeFileSync(policy, `${head}- level: None\n  nonResourceURLs: ["/healthz"]\n- level: None\n  resources: [{group: "", resources: ["secrets"]}]\n- level: Metadata\n`);
    const edited = await runSpecs([spec], { update: false });
    expect(edited.exitCode).toBe(1);
    expect(edited.failed).toHaveLength(1);
    const [failure] = edited.failed;
    expect(failure).toContain('mismatched');
    const where = relative(repo, policy);
    expect(failure).toMatch(new RegExp(`^- secret +→ Metadata +omit - +rule #1 ${where}:6$`, 'm'));
    expect(failure).toMatch(new RegExp(`^\\+ secret +→ None +omit - +rule #1 ${where}:6$`, 'm'));
    // The unchanged request is context, not a change.
    expect(failure).not.toMatch(/^[-+] probe/m);
  }, 120_000);
});
