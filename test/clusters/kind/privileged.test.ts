// The stand-in for `docker run --privileged` on engines that cannot grant it:
// which capabilities are missing, and what the docker wrapper passes on.
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../../src/clusters/kind/commands.js';
import { dockerWrapperScript, missingCapabilities, privilegedSubstitute } from '../../../src/clusters/kind/privileged.js';

describe('missingCapabilities', () => {
  it('names the capabilities a bounding set lacks, up to cap_last_cap', () => {
    // This machine's: every capability of a 6.x kernel (0..40) but SYS_RESOURCE (24).
    expect(missingCapabilities('000001fffeffffff', 40)).toEqual(['SYS_RESOURCE']);
    expect(missingCapabilities('000001ffffffffff', 40)).toEqual([]);
    // Bits beyond cap_last_cap are not capabilities of this kernel.
    expect(missingCapabilities('0000003fffffffff', 37)).toEqual([]);
    expect(missingCapabilities('000001fffefffffe', 40)).toEqual(['CHOWN', 'SYS_RESOURCE']);
  });
});

describe('the docker wrapper', () => {
  let dir: string;
  let wrapper: string;
  const log = () => join(dir, 'argv');
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'auditspec-kind-wrapper-'));
    // A "real" docker that records its arguments one per line.
    const real = join(dir, 'real-docker');
    await writeFile(real, `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done > ${JSON.stringify(join(dir, 'argv'))}\n`);
    await chmod(real, 0o755);
    wrapper = join(dir, 'docker');
    await writeFile(wrapper, dockerWrapperScript(real, privilegedSubstitute(['SYS_RESOURCE'], true)));
    await chmod(wrapper, 0o755);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const argv = async (...args: string[]) => {
    expect((await runCommand(wrapper, args)).code).toBe(0);
    return (await readFile(log(), 'utf8')).split('\n').slice(0, -1);
  };

  it('replaces --privileged on docker run, keeping every other argument in place', async () => {
    expect(await argv('run', '--name', 'n', '--privileged', '--label', "a b'c", 'img', '--privileged')).toEqual([
      'run', '--name', 'n',
      '--cap-add=ALL', '--cap-drop=SYS_RESOURCE', '--security-opt=systempaths=unconfined', '--device-cgroup-rule=a *:* rwm', '--device=/dev/kmsg',
      '--label', "a b'c", 'img',
      '--cap-add=ALL', '--cap-drop=SYS_RESOURCE', '--security-opt=systempaths=unconfined', '--device-cgroup-rule=a *:* rwm', '--device=/dev/kmsg',
    ]);
  });

  it('drops --privileged from docker exec, and passes everything else through untouched', async () => {
    expect(await argv('exec', '--privileged', '-i', 'node', 'cat', '/kind/version')).toEqual(['exec', '-i', 'node', 'cat', '/kind/version']);
    expect(await argv('ps', '-a', '--filter', 'label=io.x-k8s.kind.cluster', '--privileged')).toEqual([
      'ps', '-a', '--filter', 'label=io.x-k8s.kind.cluster', '--privileged',
    ]);
  });
});
