// End to end on versions other than the default: --kube-version 1.33 really
// runs kube-apiserver v1.33.13 (and the etcd it ships with), the example specs
// pass live on the oldest and the newest supported versions, and a policy that
// 1.37 accepts and 1.33 refuses is reported by `auditspec test --kube-version
// 1.33,1.37` as a difference between versions.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { checkBinary } from '../../src/binaries/index.js';
import { LocalControlPlane } from '../../src/clusters/local/index.js';
import { withSentinelRule } from '../../src/e2e/sentinel.js';
import { dockerSkipReason } from '../clusters/dockerAvailable.js';
import { obtainBinaries, writePolicies } from './support.js';

const oldest = await obtainBinaries('1.33');
const newest = await obtainBinaries('1.37');
const built = existsSync('dist/cli/main.js');
const noDocker = dockerSkipReason();

const policies = writePolicies({ metadata: 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n' });
const install = (file: string) => {
  const s = withSentinelRule(readFileSync(file, 'utf8'));
  return { file, withSentinel: s.ok ? s.text : readFileSync(file, 'utf8') };
};

function auditspec(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/auditspec.js', ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '' },
    timeout: 900_000,
  });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

describe.skipIf(!oldest.binaries)(`--kube-version 1.33 on the local backend${oldest.reason ? ` — ${oldest.reason}` : ''}`, () => {
  let plane: LocalControlPlane | undefined;
  afterAll(async () => plane?.stop());

  it('runs kube-apiserver v1.33.13 and etcd 3.5.24: the binaries say so, and so does the running server on /version', async () => {
    expect(await checkBinary(oldest.binaries!.kubeApiserver, 'kube-apiserver')).toMatchObject({ ok: true, version: 'v1.33.13' });
    expect(await checkBinary(oldest.binaries!.etcd, 'etcd')).toMatchObject({ ok: true, version: '3.5.24' });
    plane = await LocalControlPlane.start(install(policies.metadata), { kubeVersion: '1.33' });
    expect(plane.serverVersion).toBe('v1.33.13');
  });

  it.skipIf(!built || noDocker !== undefined)(
    `--cluster containers runs the 1.33 images, built FROM scratch from those binaries${noDocker ? ` — ${noDocker}` : ''}`,
    () => {
      const setup = auditspec('setup', '--cluster', 'containers', '--kube-version', '1.33');
      expect(setup.status, setup.out).toBe(0);
      // registry.k8s.io's release image where the engine has it, else ours.
      expect(setup.out).toMatch(/kube-apiserver image: (registry\.k8s\.io|auditspec\.local)\/kube-apiserver:v1\.33\.13 /);
      expect(setup.out).toMatch(/etcd image: (registry\.k8s\.io|auditspec\.local)\/etcd:3\.5\.24-0 /);
      const r = auditspec('test', '--cluster', 'containers', '--kube-version', '1.33', 'specs/identities.audit.spec.ts');
      expect(r.status, r.out).toBe(0);
      expect(r.out).toMatch(/kube-apiserver \((registry\.k8s\.io|auditspec\.local)\/kube-apiserver:v1\.33\.13, [a-z ]+\) ready/);
      expect(r.out).toMatch(/\d+ requests proven live on kube-apiserver \(containers\)/);
    },
  );
});

describe.skipIf(!oldest.binaries || !newest.binaries || !built)(
  `the oldest and the newest supported versions, live${oldest.reason ?? newest.reason ? ` — ${oldest.reason ?? newest.reason}` : ''}`,
  () => {
    // CI's proof that the example specs hold live on 1.33 and on 1.37 (.ci/run runs this file).
    it('the example specs pass on both (auditspec test --cluster local --kube-version 1.33,1.37 specs)', () => {
      const r = auditspec('test', '--cluster', 'local', '--kube-version', '1.33,1.37', 'specs');
      expect(r.status, r.out).toBe(0);
      expect(r.out).toMatch(/local control plane ready in [\d.]+s: kube-apiserver v1\.33\.13, etcd 3\.5\.24/);
      expect(r.out).toMatch(/local control plane ready in [\d.]+s: kube-apiserver v1\.37\.2, etcd 3\.7\.0/);
      expect(r.out.match(/\d+ requests proven live on kube-apiserver \(local\)/g)).toHaveLength(2);
      expect(r.out).not.toMatch(/\bfailed\b/);
      expect(r.out).toContain('auditspec: every test ends the same on 1.33, 1.37');
    });

    it('a policy moved between versions is reported as holding on 1.37 and failing on 1.33, with kube-apiserver 1.33 refusing group "*"', () => {
      const r = auditspec('test', '--cluster', 'local', '--kube-version', '1.33,1.37', 'test/cli/fixtures/any-group.audit.spec.ts');
      expect(r.status, r.out).toBe(1);
      expect(r.out).toContain('kube-apiserver v1.33.13, etcd 3.5.24');
      expect(r.out).toContain('kube-apiserver v1.37.2, etcd 3.7.0');
      expect(r.out).toContain('auditspec: 1 expectation holds on one Kubernetes version and fails on another (1.33, 1.37):');
      expect(r.out).toContain('test/cli/fixtures/any-group.audit.spec.ts > policy test/cli/fixtures/any-group.yaml > configmaps of any group are logged at Metadata');
      expect(r.out).toContain('    passes on 1.37');
      // Whether the offline check or kube-apiserver 1.33 refuses first, the reason is the group's validation.
      expect(r.out).toMatch(/    fails on 1\.33: .*group/);
    });
  },
);
