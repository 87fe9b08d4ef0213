import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../../support/cli.js';
import {
  DEFAULT_NODE_IMAGE,
  NODE_AUDIT_LOG_FILE,
  NODE_POLICY_FILE,
  renderKindConfig,
  type KindConfigValues,
} from '../../../src/clusters/kind/config.js';
import { SENTINEL_USER } from '../../../src/e2e/sentinel.js';
import { checkKindConfig, ensureKindConfigChecker, goAvailable, type CheckerVerdict } from './kindConfigCheck.js';

const values: KindConfigValues = {
  clusterName: 'auditspec-test',
  nodeImage: DEFAULT_NODE_IMAGE,
  policyDir: '/tmp/auditspec kind/"policy"',
  auditLogDir: '/tmp/auditspec-kind/audit',
};

interface KindNode {
  role: string;
  image: string;
  extraMounts: { hostPath: string; containerPath: string; readOnly?: boolean }[];
  kubeadmConfigPatches: string[];
}

describe('renderKindConfig', () => {
  it('fills every placeholder, quoting values so any path survives', () => {
    const text = renderKindConfig(values);
    expect(text).not.toMatch(/\$\{\w+\}/);
    const config = parse(text) as { kind: string; apiVersion: string; name: string; nodes: KindNode[] };
    expect(config).toMatchObject({ kind: 'Cluster', apiVersion: 'kind.x-k8s.io/v1alpha4', name: 'auditspec-test' });
    expect(config.nodes).toHaveLength(1);
    const [node] = config.nodes;
    expect(node.role).toBe('control-plane');
    expect(node.image).toBe(DEFAULT_NODE_IMAGE);
    expect(node.extraMounts).toEqual([
      { hostPath: values.policyDir, containerPath: '/etc/kubernetes/policies', readOnly: true },
      { hostPath: values.auditLogDir, containerPath: '/var/log/kubernetes' },
    ]);
  });

  it('has one ClusterConfiguration patch per kubeadm version, v1beta4 with {name, value} arguments', () => {
    const [node] = (parse(renderKindConfig(values)) as { nodes: KindNode[] }).nodes;
    const patches = node.kubeadmConfigPatches
      .map((p) => parse(p) as { apiVersion: string; kind: string; apiServer: { extraArgs: unknown } })
      .filter((p) => p.kind === 'ClusterConfiguration');
    expect(patches.map((p) => p.apiVersion)).toEqual(['kubeadm.k8s.io/v1beta3', 'kubeadm.k8s.io/v1beta4']);
    expect(patches[0].apiServer.extraArgs).toMatchObject({ 'audit-policy-file': NODE_POLICY_FILE, 'audit-log-path': NODE_AUDIT_LOG_FILE });
    expect(patches[1].apiServer.extraArgs).toEqual(
      expect.arrayContaining([
        { name: 'audit-policy-file', value: NODE_POLICY_FILE },
        { name: 'audit-log-path', value: NODE_AUDIT_LOG_FILE },
      ]),
    );
  });

  it('refuses what kind would refuse or auditspec cannot mount', () => {
    expect(() => renderKindConfig({ ...values, clusterName: 'Not_Valid' })).toThrow(/not a valid kind cluster name/);
    expect(() => renderKindConfig({ ...values, policyDir: 'relative/dir' })).toThrow(/absolute/);
    expect(() => renderKindConfig(values, 'name: "${AUDITSPEC_NOPE}"')).toThrow(/AUDITSPEC_NOPE/);
    expect(() => renderKindConfig(values, 'name: "${AUDITSPEC_CLUSTER_NAME}"')).toThrow(/lacks/);
  });
});

describe.skipIf(!goAvailable())(`kind and kubeadm accept the generated config (go/kindconfig-check)${goAvailable() ? '' : ' (skipped: no `go` on PATH to build go/kindconfig-check)'}`, () => {
  let checker: string;
  beforeAll(async () => {
    checker = await ensureKindConfigChecker();
  }, 900_000);

  const expectAuditFlags = (verdict: CheckerVerdict) => {
    for (const version of ['kubeadm.k8s.io/v1beta3', 'kubeadm.k8s.io/v1beta4']) {
      const kubeadm = verdict.kubeadm?.find((k) => k.apiVersion === version);
      expect(kubeadm, version).toMatchObject({ ok: true, patches: 1 });
      expect(kubeadm!.apiServer!.extraArgs).toMatchObject({
        'audit-policy-file': NODE_POLICY_FILE,
        'audit-log-path': NODE_AUDIT_LOG_FILE,
        'audit-log-mode': 'blocking',
        'audit-log-maxsize': '0',
      });
      // kind's own arguments survive the patch (v1beta4 lists are merged by name).
      expect(kubeadm!.apiServer!.extraArgs).toHaveProperty('runtime-config');
      expect(kubeadm!.apiServer!.extraVolumes).toEqual([
        { name: 'audit-logs', hostPath: '/var/log/kubernetes', mountPath: '/var/log/kubernetes', readOnly: false, pathType: 'DirectoryOrCreate' },
        { name: 'audit-policies', hostPath: '/etc/kubernetes/policies', mountPath: '/etc/kubernetes/policies', readOnly: true, pathType: 'DirectoryOrCreate' },
      ]);
    }
  };

  it('decodes strictly as kind v1alpha4 and loads through kubeadm v1beta3 and v1beta4', async () => {
    const verdict = await checkKindConfig(checker, renderKindConfig(values));
    expect(verdict.errors).toEqual([]);
    expect(verdict.ok).toBe(true);
    expect(verdict.nodes?.[0].extraMounts).toEqual([
      { hostPath: values.policyDir, containerPath: '/etc/kubernetes/policies', readOnly: true },
      { hostPath: values.auditLogDir, containerPath: '/var/log/kubernetes', readOnly: false },
    ]);
    expectAuditFlags(verdict);
  });

  it('skips CoreDNS and kube-proxy, and lets the kubelet run on cgroup v1, in patches kubeadm and the kubelet decode strictly', async () => {
    const verdict = await checkKindConfig(checker, renderKindConfig(values));
    expect(verdict.otherPatches).toEqual([
      { kind: 'InitConfiguration', apiVersion: 'kubeadm.k8s.io/v1beta3', ok: true, skipPhases: ['preflight', 'addon/kube-proxy', 'addon/coredns'] },
      { kind: 'InitConfiguration', apiVersion: 'kubeadm.k8s.io/v1beta4', ok: true, skipPhases: ['preflight', 'addon/kube-proxy', 'addon/coredns'] },
      { kind: 'KubeletConfiguration', apiVersion: 'kubelet.config.k8s.io/v1beta1', ok: true, failCgroupV1: false },
    ]);
    const misspelt = await checkKindConfig(checker, renderKindConfig(values).replace('failCgroupV1:', 'failCgroupv1:'));
    expect(misspelt.errors).toEqual([expect.stringMatching(/^KubeletConfiguration kubelet\.config\.k8s\.io\/v1beta1 patch: refused by strict decoding: .*unknown field "failCgroupv1"/)]);
  });

  // The checker must be able to say no, or the test above proves nothing.
  it('rejects a v1beta4 patch that still uses the v1beta3 map form of extraArgs', async () => {
    const rendered = renderKindConfig(values);
    const v1beta4 = rendered.indexOf('apiVersion: kubeadm.k8s.io/v1beta4');
    const text =
      rendered.slice(0, v1beta4) +
      rendered.slice(v1beta4).replace(/extraArgs:\n[\s\S]*?(\n\s+extraVolumes:)/, `extraArgs:\n            audit-policy-file: ${NODE_POLICY_FILE}$1`);
    expect(text).not.toBe(rendered);
    const verdict = await checkKindConfig(checker, text);
    expect(verdict.ok).toBe(false);
    expect(verdict.errors.join('\n')).toMatch(/kubeadm kubeadm\.k8s\.io\/v1beta4: .*(strict|cannot unmarshal|decod)/);
  });

  it('rejects unknown kind fields and a missing patch for a kubeadm version', async () => {
    const unknownField = renderKindConfig(values).replace('    extraMounts:', '    extraMount:');
    expect((await checkKindConfig(checker, unknownField)).errors.join('\n')).toMatch(/^kind: [\s\S]*extraMount/);
    const onlyV1beta3 = renderKindConfig(values).replace(/      - \|\n        apiVersion: kubeadm\.k8s\.io\/v1beta4[\s\S]*$/, '');
    const verdict = await checkKindConfig(checker, onlyV1beta3);
    expect(verdict.errors).toEqual(['kubeadm kubeadm.k8s.io/v1beta4: no ClusterConfiguration patch applies to this version']);
  });

  it('accepts what `auditspec kind-config` prints, which mounts the policy with the sentinel rule', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'auditspec-kind-config-'));
    try {
      const policy = join(dir, 'policy.yaml');
      await writeFile(policy, 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n');
      const { code, stdout: printed } = await runCli(['kind-config', policy, '--name', 'auditspec-cli', '--dir', join(dir, 'ws')]);
      expect(code).toBe(0);
      const verdict = await checkKindConfig(checker, printed);
      expect(verdict.errors).toEqual([]);
      expect(verdict.name).toBe('auditspec-cli');
      expectAuditFlags(verdict);
      const mounted = await readFile(join(dir, 'ws', 'policy', 'audit-policy.yaml'), 'utf8');
      expect(mounted).toContain(SENTINEL_USER);
      expect(mounted).toContain('- level: Metadata');
      expect(verdict.nodes?.[0].extraMounts[0].hostPath).toBe(join(dir, 'ws', 'policy'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('auditspec kind-config', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'auditspec-kind-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 1 with kube-apiserver\'s verdict for a policy it would refuse, writing nothing', async () => {
    const policy = join(dir, 'bad.yaml');
    await writeFile(policy, 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: []\n');
    const { code, stderr } = await runCli(['kind-config', policy, '--dir', join(dir, 'ws')]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/kube-apiserver would refuse to start/);
  });

  it('is a usage error to name a cluster kind cannot create', async () => {
    const policy = join(dir, 'good.yaml');
    await writeFile(policy, 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n');
    expect((await runCli(['kind-config', policy, '--name', 'Bad_Name', '--no-write'])).code).toBe(2);
  });
});
