import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { compilePolicy, evaluatePolicy } from '../../../src/audit/policy/checker.js';
import { readPolicy } from '../../../src/audit/policy/reader.js';
import { ModuleCompositionError } from '../../../src/audit/modules/compose.js';
import { loadPolicy } from '../../../src/audit/policy/load.js';
import { PolicyLoadError } from '../../../src/audit/policy/loadError.js';
import { moduleNames } from '../../../src/audit/modules/discover.js';
import { renderPolicy } from '../../../src/audit/modules/render.js';
import type { Policy } from '../../../src/audit/types.js';
import { lintPolicy } from '../../../src/lint/index.js';
import type { RequestAttributes } from '../../../src/request/types.js';

const fixtures = relative(process.cwd(), join(import.meta.dirname, 'fixtures'));
const EXAMPLE = 'clusters/modules';

function composed(dir: string): Policy {
  return loadPolicy({ file: dir }).policy;
}

/** The error loading `dir` throws. */
function refusal(dir: string): PolicyLoadError {
  try {
    loadPolicy({ file: dir });
  } catch (err) {
    if (err instanceof PolicyLoadError) return err;
    throw err;
  }
  throw new Error(`${dir} loaded`);
}

/** Many requests across the dimensions policies match on: users, groups, verbs, resources, namespaces, URLs. */
function requests(): RequestAttributes[] {
  const users = [
    { name: 'alice', groups: ['dev', 'system:authenticated'] },
    { name: 'system:serviceaccount:kube-system:kube-proxy', groups: ['system:serviceaccounts'] },
    { name: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] },
    { name: 'system:kube-scheduler', groups: [] },
  ];
  const resources: [string, string, string][] = [
    ['', 'secrets', ''],
    ['', 'configmaps', ''],
    ['', 'pods', ''],
    ['', 'pods', 'exec'],
    ['', 'nodes', 'status'],
    ['', 'endpoints', ''],
    ['', 'serviceaccounts', 'token'],
    ['apps', 'deployments', 'scale'],
    ['batch', 'jobs', ''],
    ['rbac.authorization.k8s.io', 'clusterrolebindings', ''],
    ['coordination.k8s.io', 'leases', ''],
    ['authentication.k8s.io', 'tokenreviews', ''],
    ['example.com', 'widgets', ''],
  ];
  const out: RequestAttributes[] = [];
  for (const user of [...users, null]) {
    for (const verb of ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete']) {
      for (const [apiGroup, resource, subresource] of resources) {
        for (const namespace of ['', 'kube-system', 'kube-node-lease', 'prod']) {
          out.push({ user, verb, resourceRequest: true, apiGroup, apiVersion: 'v1', resource, subresource, namespace, name: 'x', path: '/apis/x' });
        }
      }
      for (const path of ['/healthz', '/healthz/etcd', '/livez', '/version', '/metrics', '/']) {
        out.push({ user, verb, resourceRequest: false, apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '', name: '', path });
      }
    }
  }
  return out;
}

describe('module directories', () => {
  test('modules are the YAML/JSON files, in byte order of their names', () => {
    expect(moduleNames(join(fixtures, 'shadowing'))).toEqual(['10-platform.yaml', '20-team.yaml', '30-dead.yaml']);
  });

  test("a composed policy's rules keep their module's file:line, and it lists its modules", () => {
    const policy = composed(EXAMPLE);
    expect(policy.modules?.map((m) => [m.name, m.firstRule, m.ruleCount])).toEqual([
      ['10-noise.yaml', 0, 5],
      ['20-secrets.yaml', 5, 1],
      ['30-rbac.yaml', 6, 1],
      ['40-workloads.yaml', 7, 1],
      ['90-catch-all.yaml', 8, 1],
    ]);
    expect(policy.rules[5].pos).toEqual({ file: `${EXAMPLE}/20-secrets.yaml`, line: 8, col: 3 });
    expect(policy.omitStages).toEqual(['RequestReceived']);
    expect(policy.omitManagedFields).toBe(true);
  });

  test('a module kube-apiserver would refuse is refused with its own file:line:col', () => {
    const error = refusal(join(fixtures, 'invalid'));
    expect(error).not.toBeInstanceOf(ModuleCompositionError);
    expect(error.file).toBe(join(fixtures, 'invalid', '20-bad.yaml'));
    expect(error.message).toMatch(new RegExp(`^${join(fixtures, 'invalid', '20-bad.yaml')}:4:12: kube-apiserver would refuse to start with this policy: rules\\[0\\]\\.level: Unsupported value`));
    expect(error.details[0].pos).toMatchObject({ file: join(fixtures, 'invalid', '20-bad.yaml'), line: 4, col: 12 });
  });

  test('policy-level settings that differ between two modules are an error naming both files', () => {
    const error = refusal(join(fixtures, 'clash'));
    expect(error).toBeInstanceOf(ModuleCompositionError);
    expect(error.message).toContain(`${join(fixtures, 'clash', '20-b.yaml')}:3:1: the modules do not compose into one policy: policy-level omitStages`);
    expect(error.message).toContain(`${join(fixtures, 'clash', '10-a.yaml')}:3:1 sets ["RequestReceived"]`);
    expect(error.message).toContain(`${join(fixtures, 'clash', '20-b.yaml')}:3:1 sets ["RequestReceived","ResponseStarted"]`);
    expect(error.pos).toMatchObject({ file: join(fixtures, 'clash', '20-b.yaml'), line: 3 });
  });

  test('the same policy-level setting in two modules agrees (order of stages aside)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'auditspec-modules-'));
    try {
      const module = (omit: string) => `apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: ${omit}\nrules:\n  - level: Metadata\n`;
      writeFileSync(join(dir, '10-a.yaml'), module('[RequestReceived, Panic]'));
      writeFileSync(join(dir, '20-b.yml'), module('[Panic, RequestReceived]'));
      expect(composed(dir).omitStages).toEqual(['RequestReceived', 'Panic']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a directory without modules cannot be read as a policy', () => {
    const error = refusal(join(fixtures, 'empty'));
    expect(error.unreadable).toBe('a directory without policy modules (*.yaml, *.yml or *.json files)');
  });
});

describe('the built policy', () => {
  test('loads through the normal loader and decides every request exactly as the composed modules do', () => {
    for (const dir of [EXAMPLE, join(fixtures, 'shadowing')]) {
      const policy = composed(dir);
      const loaded = loadPolicy({ file: dir });
      expect(loaded.text).toBe(renderPolicy(policy));
      // The built text through the normal loader, as a file would be.
      const built = loadPolicy({ text: loaded.text, displayPath: 'built.yaml' });
      expect(built.warnings).toEqual([]);
      const a = compilePolicy(policy);
      const b = compilePolicy(built.policy);
      const all = requests();
      expect(all.length).toBeGreaterThan(1000);
      for (const attrs of all) {
        const x = evaluatePolicy(a, attrs);
        const y = evaluatePolicy(b, attrs);
        expect({ level: y.level, rule: y.ruleIndex, stages: y.stages, omitManagedFields: y.omitManagedFields }).toEqual({
          level: x.level,
          rule: x.ruleIndex,
          stages: x.stages,
          omitManagedFields: x.omitManagedFields,
        });
      }
    }
  });

  test('is the same bytes however the directory is reached, with a comment naming each rule\'s module file:line', () => {
    const text = renderPolicy(composed(EXAMPLE));
    expect(renderPolicy(composed(`./${EXAMPLE}/`))).toBe(text);
    expect(renderPolicy(composed(join(process.cwd(), EXAMPLE)))).toBe(text);
    const lines = text.split('\n');
    const secretsRule = lines.indexOf('  # 20-secrets.yaml:8');
    expect(lines[secretsRule + 1]).toBe('  - level: "Metadata"');
    expect(lines.filter((l) => /^ {2}# \d\d-[a-z-]+\.yaml:\d+$/.test(l))).toHaveLength(composed(EXAMPLE).rules.length);
  });

  test('keeps values that YAML would otherwise reinterpret as strings, and omitManagedFields: false as written', () => {
    const text = `apiVersion: audit.k8s.io/v1
kind: Policy
omitManagedFields: true
rules:
  - level: Request
    users: ["yes", "null", "0x1", "*", "é ✓ 😀", "tab\\there"]
    omitManagedFields: false
  - level: Metadata
`;
    const source = readPolicy(text);
    expect(source.ok).toBe(true);
    if (!source.ok) return;
    const built = readPolicy(renderPolicy(source.policy));
    expect(built.ok).toBe(true);
    if (!built.ok) return;
    expect(built.policy.rules[0].users).toEqual(['yes', 'null', '0x1', '*', 'é ✓ 😀', 'tab\there']);
    expect(built.policy.rules[0].omitManagedFields).toBe(false);
    expect(built.policy.rules[1].omitManagedFields).toBeUndefined();
  });
});

describe('lint across modules', () => {
  const findings = () => lintPolicy(composed(join(fixtures, 'shadowing')));

  test("a rule shadowed by an earlier module's rule is reported against both files", () => {
    const shadowed = findings().filter((f) => f.code === 'shadowed-rule');
    const team = join(fixtures, 'shadowing', '20-team.yaml');
    const platform = join(fixtures, 'shadowing', '10-platform.yaml');
    expect(shadowed[0].pos).toMatchObject({ file: team, line: 5 });
    expect(shadowed[0].message).toContain(`the rule at ${platform}:6 (level Metadata)`);
  });

  test('a module none of whose rules can decide is reported once, naming the modules that take its requests', () => {
    const dead = findings().filter((f) => f.code === 'dead-module');
    expect(dead).toHaveLength(1);
    expect(dead[0].pos).toMatchObject({ file: join(fixtures, 'shadowing', '30-dead.yaml'), line: 4 });
    expect(dead[0].message).toContain('no rule of the module 30-dead.yaml can ever decide a request');
    // Only the module whose rule is reached first: 20-team.yaml's secrets rule overlaps, but 10-platform.yaml decides first.
    expect(dead[0].message).toContain(`the earlier module ${join(fixtures, 'shadowing', '10-platform.yaml')} matches everything its rules match`);
    expect(dead[0].message).not.toContain('20-team.yaml');
  });

  test("findings are in the order kube-apiserver reads the modules", () => {
    const files = findings().map((f) => f.pos.file);
    expect([...files].sort()).toEqual(files);
  });

  test('the example module directory lints clean', () => {
    expect(lintPolicy(composed(EXAMPLE))).toEqual([]);
  });
});
