// kind runs every node with `docker run --privileged`. Docker (before moby
// v25-ish, e.g. Debian 12's docker.io 20.10) grants a privileged container every
// capability the kernel knows, not the ones the daemon holds
// (moby/moby#42906). Where the Docker engine itself runs without some
// capability (a sandbox or CI runner whose bounding set lacks
// CAP_SYS_RESOURCE, say), runc then fails every privileged container:
//
//   docker: Error response from daemon: failed to create shim task: OCI runtime
//   create failed: runc create failed: unable to start container process:
//   unable to apply caps: operation not permitted: unknown.
//
// There, auditspec runs kind with a `docker` of its own first on PATH that
// spells --privileged out as what a node needs from it, minus the capabilities
// that cannot be had: every other capability, no seccomp/AppArmor (kind passes
// those itself), /proc and /sys unmasked and writable (systempaths=unconfined),
// every device allowed and /dev/kmsg present (the kubelet's OOM watcher reads
// it). The node's entrypoint remounts its cgroup mounts read-write, which
// --privileged would have done. `docker exec --privileged` (kind runs its
// commands in the node so) loses the flag: an exec gets the node's
// capabilities, which are all there are. Nothing else is touched.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { type CommandResult, runCommand, type RunOptions } from './commands.js';

type Run = (command: string, args: readonly string[], options?: RunOptions) => Promise<CommandResult>;

/** Capability names by number (linux/capability.h). */
const CAPABILITIES = [
  'CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP',
  'LINUX_IMMUTABLE', 'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'IPC_OWNER',
  'SYS_MODULE', 'SYS_RAWIO', 'SYS_CHROOT', 'SYS_PTRACE', 'SYS_PACCT', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_NICE',
  'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'MKNOD', 'LEASE', 'AUDIT_WRITE', 'AUDIT_CONTROL', 'SETFCAP',
  'MAC_OVERRIDE', 'MAC_ADMIN', 'SYSLOG', 'WAKE_ALARM', 'BLOCK_SUSPEND', 'AUDIT_READ', 'PERFMON', 'BPF',
  'CHECKPOINT_RESTORE',
];

/** The capabilities the kernel knows (up to cap_last_cap) that are missing from a CapBnd mask. */
export function missingCapabilities(capBndHex: string, lastCap: number): string[] {
  const mask = BigInt(`0x${capBndHex}`);
  const missing: string[] = [];
  for (let bit = 0; bit <= Math.min(lastCap, CAPABILITIES.length - 1); bit++) {
    if ((mask & (1n << BigInt(bit))) === 0n) missing.push(CAPABILITIES[bit]);
  }
  return missing;
}

/** What this process's bounding set lacks (the Docker engine on this machine is assumed to lack it too). */
export async function missingFromBoundingSet(): Promise<string[]> {
  try {
    const status = await readFile('/proc/self/status', 'utf8');
    const bnd = /^CapBnd:\s*([0-9a-f]+)$/m.exec(status)?.[1];
    const last = Number((await readFile('/proc/sys/kernel/cap_last_cap', 'utf8')).trim());
    return bnd && Number.isInteger(last) ? missingCapabilities(bnd, last) : [];
  } catch {
    return [];
  }
}

/** The `docker run` flags that stand in for --privileged. */
export function privilegedSubstitute(missing: readonly string[], hasKmsg: boolean): string[] {
  return [
    '--cap-add=ALL',
    ...missing.map((cap) => `--cap-drop=${cap}`),
    '--security-opt=systempaths=unconfined',
    '--device-cgroup-rule=a *:* rwm',
    ...(hasKmsg ? ['--device=/dev/kmsg'] : []),
  ];
}

/** The `docker` wrapper script: `docker run … --privileged …` becomes `docker run … <substitute> …`. */
export function dockerWrapperScript(realDocker: string, substitute: readonly string[]): string {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return [
    '#!/bin/sh',
    '# Written by auditspec (src/clusters/kind/privileged.ts): the Docker engine here',
    '# cannot start --privileged containers, so `docker run --privileged` is given',
    '# the equivalent flags it can honour, and `docker exec --privileged` drops the',
    '# flag. Every other command passes through.',
    `real=${quote(realDocker)}`,
    'case "$1" in',
    'run)',
    '  for arg in "$@"; do',
    '    shift',
    '    if [ "$arg" = --privileged ]; then',
    `      set -- "$@" ${substitute.map(quote).join(' ')}`,
    '    else',
    '      set -- "$@" "$arg"',
    '    fi',
    '  done',
    '  ;;',
    'exec)',
    '  # The node already has every capability it can have; an exec inherits them.',
    '  for arg in "$@"; do',
    '    shift',
    '    [ "$arg" = --privileged ] || set -- "$@" "$arg"',
    '  done',
    '  ;;',
    'esac',
    'exec "$real" "$@"',
    '',
  ].join('\n');
}

function findOnPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** Whether `image` was built from images/kind-node (it carries the recipe label). */
async function builtByAuditspec(image: string, run: Run): Promise<boolean> {
  const result = await run('docker', ['image', 'inspect', '--format', '{{ index .Config.Labels "io.auditspec.kind-node.recipe" }}', image], { timeoutMs: 60_000 });
  return result.code === 0 && result.stdout.trim() !== '' && result.stdout.trim() !== '<no value>';
}

/** Whether this Docker engine starts a --privileged container of `image`; the error line when not. */
export async function privilegedProblem(image: string, run: Run = runCommand): Promise<string | undefined> {
  const result = await run('docker', ['run', '--rm', '--privileged', '--network=none', '--entrypoint=/bin/true', image], { timeoutMs: 120_000 });
  if (result.code === 0) return undefined;
  const line = result.stderr.split('\n').find((l) => /apply caps|operation not permitted/.test(l));
  return line?.trim();
}

/**
 * The environment to run kind with: unchanged where --privileged works, else
 * PATH with auditspec's `docker` wrapper (written into `dir`) first.
 */
export async function kindEnvironment(
  image: string,
  dir: string,
  options: { run?: Run; env?: NodeJS.ProcessEnv; log?: (line: string) => void } = {},
): Promise<NodeJS.ProcessEnv> {
  const env = options.env ?? process.env;
  const problem = await privilegedProblem(image, options.run);
  if (problem === undefined) return env;
  const realDocker = findOnPath('docker', env);
  if (!realDocker) return env;
  const missing = await missingFromBoundingSet();
  options.log?.(
    `kind: this Docker engine cannot start --privileged containers (${problem}); ` +
      `running the node with every capability but ${missing.join(', ') || 'none'} instead (see src/clusters/kind/privileged.ts)`,
  );
  if (!(await builtByAuditspec(image, options.run ?? runCommand))) {
    // Only auditspec's entrypoint remounts the cgroups read-write and keeps containerd from lowering oom_score_adj.
    options.log?.(
      `kind: ${image} is not auditspec's node image, whose entrypoint copes with running without --privileged; ` +
        'if the node does not come up, build it with `auditspec setup --cluster kind` and pass --image auditspec/kind-node:v1.36.4',
    );
  }
  await mkdir(dir, { recursive: true });
  const wrapper = join(dir, 'docker');
  await writeFile(wrapper, dockerWrapperScript(realDocker, privilegedSubstitute(missing, existsSync('/dev/kmsg'))));
  await chmod(wrapper, 0o755);
  return { ...env, PATH: `${dir}${delimiter}${env.PATH ?? ''}` };
}
