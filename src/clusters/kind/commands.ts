// Running `docker` and `kind`, and turning what they print when they fail into
// messages that say what is wrong: Docker not running, kind missing, the node
// image not pullable, the cluster name taken.
import { spawn } from 'node:child_process';
import { ClusterError } from '../types.js';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout as bytes (for byte offsets into files read through `docker exec`). */
  stdoutBytes: Buffer;
}

export interface RunOptions {
  /** Written to the command's standard input. */
  input?: string | Buffer;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Each line of output as it comes (progress of long commands). */
  onLine?: (line: string) => void;
}

export class CommandNotFoundError extends Error {
  override name = 'CommandNotFoundError';
}

/** Runs `command args…` without a shell; resolves with its exit code and output (never rejects on a non-zero exit). */
export function runCommand(command: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let pendingLine = '';
    const lines = (chunk: Buffer) => {
      if (!options.onLine) return;
      const text = pendingLine + chunk.toString('utf8');
      const parts = text.split(/\r?\n/);
      pendingLine = parts.pop() ?? '';
      for (const line of parts) if (line.trim() !== '') options.onLine(line);
    };
    child.stdout.on('data', (c: Buffer) => {
      stdout.push(c);
      lines(c);
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr.push(c);
      lines(c);
    });
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (timer) clearTimeout(timer);
      reject(err.code === 'ENOENT' ? new CommandNotFoundError(`${command}: not found on PATH`) : err);
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      const stdoutBytes = Buffer.concat(stdout);
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdoutBytes,
        stdout: stdoutBytes.toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8') + (signal ? `\n(killed by ${signal})` : ''),
      });
    });
    child.stdin.on('error', () => {
      // The command may exit without reading its input.
    });
    child.stdin.end(options.input);
  });
}

/** The last non-empty lines of a command's output, for error messages. */
export function tail(text: string, lines = 15): string[] {
  return text
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .slice(-lines);
}

/** What `docker` says when it cannot talk to an engine, as a reason; undefined if that is not the problem. */
export function dockerEngineProblem(output: string): string | undefined {
  if (/permission denied.*docker\.sock|Got permission denied while trying to connect to the Docker daemon/i.test(output)) {
    return 'this user may not talk to Docker (permission denied on the Docker socket; add the user to the "docker" group or use rootless Docker)';
  }
  if (
    /Cannot connect to the Docker daemon|Is the docker daemon running|error during connect|docker daemon is not running|failed to connect to the docker API|dial unix .*docker\.sock: connect: (no such file or directory|connection refused)/i.test(
      output,
    )
  ) {
    return 'Docker is not running (no Docker engine answers; start Docker Desktop or the docker service)';
  }
  return undefined;
}

/** Fails with a clear reason unless the Docker CLI is there and an engine answers. */
export async function requireDocker(run = runCommand): Promise<string> {
  let result: CommandResult;
  try {
    result = await run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeoutMs: 30_000 });
  } catch (err) {
    if (err instanceof CommandNotFoundError) throw new ClusterError('the docker CLI is not installed (it is needed for --cluster kind and --cluster containers)');
    throw err;
  }
  const output = `${result.stdout}\n${result.stderr}`;
  if (result.code !== 0 || result.stdout.trim() === '') {
    throw new ClusterError(dockerEngineProblem(output) ?? `docker info failed (exit ${result.code})`, tail(output));
  }
  return result.stdout.trim();
}

/** Fails with a clear reason unless `kind` runs; returns its version line. */
export async function requireKind(run = runCommand, kind = 'kind'): Promise<string> {
  let result: CommandResult;
  try {
    result = await run(kind, ['version'], { timeoutMs: 30_000 });
  } catch (err) {
    if (err instanceof CommandNotFoundError) {
      throw new ClusterError(
        'kind is not installed: --cluster kind needs the kind CLI (`auditspec setup --cluster kind` builds it into the cache, or put it on PATH: https://kind.sigs.k8s.io/docs/user/quick-start/#installation), ' +
          'or use --cluster containers (Docker only) or --cluster local (no Docker)',
      );
    }
    throw err;
  }
  if (result.code !== 0) throw new ClusterError(`kind version failed (exit ${result.code})`, tail(result.stderr || result.stdout));
  return result.stdout.trim();
}

/** Why `kind create cluster` failed, in words, with the lines that show it. */
export function kindCreateFailure(output: string, name: string, image: string): ClusterError {
  const lines = tail(output, 25);
  const engine = dockerEngineProblem(output);
  if (engine) return new ClusterError(engine, lines);
  if (/node\(s\) already exist for a cluster with the name/.test(output)) {
    return new ClusterError(
      `cluster name taken: a kind cluster named "${name}" already exists. ` +
        'Reuse it with --reuse (only a cluster auditspec created), choose another name (AUDITSPEC_KIND_NAME), or delete it: kind delete cluster --name ' +
        name,
    );
  }
  if (/failed to pull image|pull access denied|manifest unknown|manifest for .* not found|toomanyrequests|failed to ensure node image/i.test(output)) {
    return new ClusterError(
      `could not pull the kind node image ${image}: check the name and tag (kind publishes images per release; see its release notes), ` +
        'the network or registry access, or pull it yourself with docker pull; where nothing can be pulled, `auditspec setup --cluster kind` builds a node image here',
      lines,
    );
  }
  if (/failed to init node with kubeadm/.test(output)) {
    return new ClusterError(
      'kubeadm init failed on the kind node: kube-apiserver did not come up (a policy it refuses, or a node image too old for these flags); ' +
        `run with AUDITSPEC_KIND_RETAIN=1 and look at: docker exec ${name}-control-plane crictl logs $(docker exec ${name}-control-plane crictl ps -a --name kube-apiserver -q | head -1)`,
      lines,
    );
  }
  return new ClusterError(`kind create cluster failed`, lines);
}
