// The version a suite is judged as, inside a real Vitest run: the project's
// (auditspecTestConfig's provide) unless a block names its own. A policy with
// group "*" loads from 1.36 and is refused before, with that version's message;
// resourceclaims are served at v1beta2 by 1.33 and at v1 from 1.34.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { auditspecTestConfig } from '../../src/vitest/config.js';
import { repo, runSpecs } from '../support/vitestRun.js';

const dir = join(repo, 'test/vitest/.kube-version-tmp');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kubeVersion in a Vitest run', () => {
  test('the project version applies to every block; a block may name its own', async () => {
    mkdirSync(dir, { recursive: true });
    const policy = join(dir, 'wildcard.yaml');
    writeFileSync(policy, 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  resources:\n  - group: "*"\n');
    const spec = join(dir, 'versions.audit.spec.ts');
    writeFileSync(
      spec,
      [
        "import { expect, test } from 'vitest';",
        "import { as, describePolicy } from 'auditspec';",
        `describePolicy(${JSON.stringify(policy)}, (binding) => {`,
        "  test('project version', () => {",
        '    expect(binding.kubeVersion).toBe(\'1.36\');',
        "    expect(as('alice').list('resourceclaims', { namespace: 'a' }).http?.url).toBe('/apis/resource.k8s.io/v1/namespaces/a/resourceclaims');",
        "    expect(as('alice').get('pods', 'p', { namespace: 'a' })).toBeLoggedAt('Metadata');",
        '  });',
        '});',
        `describePolicy(${JSON.stringify(policy)}, () => {}, { kubeVersion: '1.35' });`,
        '',
      ].join('\n'),
    );
    const { provide } = auditspecTestConfig({ kubeVersion: '1.36' });
    const run = await runSpecs([spec], { provide });
    expect(run.passed).toBe(1);
    expect(run.failed).toHaveLength(1);
    expect(run.failed[0]).toContain('loads: failed');
    expect(run.failed[0]).toContain('rules[0].resources.group: Invalid value: "*": a lowercase RFC 1123 subdomain');
    // A whole Vitest run inside this one: seconds on a busy machine.
  }, 120_000);
});
