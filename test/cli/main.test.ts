// What every command shares: --version, and one list of supported
// kube-apiserver versions behind every --kube-version.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { DEFAULT_KUBE_VERSION, SUPPORTED_KUBE_VERSIONS } from '../../src/audit/kubeVersions.js';
import { runCli } from '../support/cli.js';
import { serverRelease } from '../../src/binaries/versions.js';

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

describe('auditspec', () => {
  test('--version prints the package version and the kube-apiserver behaviour it reproduces', async () => {
    for (const flag of ['--version', '-V']) {
      const run = await runCli([flag]);
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(`auditspec ${version} (kube-apiserver 1.33, 1.34, 1.35, 1.36, 1.37, default ${DEFAULT_KUBE_VERSION}; end to end on kube-apiserver ${serverRelease().kubeApiserver} and etcd ${serverRelease().etcd})\n`);
    }
  });

  // Each command with arguments it would otherwise accept.
  const P = 'clusters/policy.yaml';
  const LOG = 'test/cli/fixtures/one-event.log';
  test.each([
    ['check', [P]],
    ['diff', [P, P]],
    ['eval', [P, '--requests', LOG]],
    ['explain', [P, 'GET', '/healthz', '--anonymous']],
    ['record', [LOG, '--policy', P]],
    ['replay', [P, LOG]],
    ['kind-config', [P, '--no-write', '--image', 'kindest/node:v1.36.4']],
  ])('%s refuses an unsupported --kube-version, listing the supported ones', async (command, args) => {
    const run = await runCli([command, ...args, '--kube-version', '1.32']);
    expect(run.stderr).toBe(`auditspec: --kube-version 1.32 is not supported; supported: ${SUPPORTED_KUBE_VERSIONS.join(', ')}\n`);
    expect(run.code).toBe(2);
    // The same arguments with the supported version are accepted (the refusal is about the version alone).
    expect((await runCli([command, ...args, '--kube-version', '1.36'])).code).not.toBe(2);
  });

  test('test refuses an unsupported --kube-version before starting Vitest', async () => {
    const run = await runCli(['test', 'specs', '--kube-version', '1.38']);
    expect(run.stderr).toBe(`auditspec: --kube-version 1.38 is not supported; supported: ${SUPPORTED_KUBE_VERSIONS.join(', ')}\n`);
    expect(run.code).toBe(2);
  });

  test('accepts the supported version in any spelling kube-apiserver versions come in', async () => {
    for (const spelling of ['1.33', 'v1.37', 'v1.36.4']) {
      expect((await runCli(['check', 'clusters/policy.yaml', '--kube-version', spelling])).code).toBe(0);
    }
    expect((await runCli(['check', 'clusters/policy.yaml', '--kube-version', 'latest'])).stderr).toContain(
      `--kube-version must look like 1.37 (got "latest"); supported: ${SUPPORTED_KUBE_VERSIONS.join(', ')}`,
    );
  });

  test('probe takes the same cluster flags as test', async () => {
    const help = async (command: string) => (await runCli([command, '--help'])).stdout;
    const flags = (text: string) => ['--cluster', '--apiserver-bin', '--etcd-bin', '--kubeconfig', '--audit-log', '--reuse'].filter((f) => text.includes(`${f} `) || text.includes(`${f}\n`));
    expect(flags(await help('probe'))).toEqual(flags(await help('test')));
    expect(flags(await help('probe'))).toHaveLength(6);
  });
});
