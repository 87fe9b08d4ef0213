// Runs go/kindconfig-check (kind's and kubeadm's own Go types judging a kind
// config), built into a per-user cache outside the repo keyed by a hash of its
// sources, as the conformance oracle is.
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const CHECKER_SOURCE_DIR = fileURLToPath(new URL('../../../go/kindconfig-check/', import.meta.url));

export function goAvailable(): boolean {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function sourceHash(): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(CHECKER_SOURCE_DIR).filter((n) => n === 'go.mod' || n === 'go.sum' || n.endsWith('.go')).sort()) {
    hash.update(name).update('\0').update(readFileSync(join(CHECKER_SOURCE_DIR, name))).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

export async function ensureKindConfigChecker(): Promise<string> {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  const dir = join(base, 'auditspec', 'kindconfig-check', sourceHash());
  const binary = join(dir, 'kindconfig-check');
  if (existsSync(binary)) return binary;
  await mkdir(dir, { recursive: true });
  const partial = `${binary}.partial-${process.pid}`;
  try {
    await run('go', ['build', '-trimpath', '-o', partial, '.'], {
      cwd: CHECKER_SOURCE_DIR,
      env: { ...process.env, GOFLAGS: '-mod=mod -buildvcs=false', CGO_ENABLED: '0' },
      maxBuffer: 16 * 1024 * 1024,
    });
    await rename(partial, binary);
  } catch (err) {
    await rm(partial, { force: true });
    throw new Error(`building ${CHECKER_SOURCE_DIR} failed:\n${(err as { stderr?: string }).stderr ?? String(err)}`);
  }
  return binary;
}

export interface KubeadmVerdict {
  apiVersion: string;
  patches: number;
  ok: boolean;
  error?: string;
  apiServer?: {
    extraArgs: Record<string, string>;
    extraVolumes: { name: string; hostPath: string; mountPath: string; readOnly: boolean; pathType: string }[];
  };
}

export interface CheckerVerdict {
  ok: boolean;
  errors: string[];
  name?: string;
  nodes?: { role: string; image: string; extraMounts: { hostPath: string; containerPath: string; readOnly: boolean }[] }[];
  kubeadm?: KubeadmVerdict[];
  /** The InitConfiguration and KubeletConfiguration patches, each decoded strictly. */
  otherPatches?: { kind: string; apiVersion: string; ok: boolean; error?: string; skipPhases?: string[]; failCgroupV1?: boolean }[];
}

export async function checkKindConfig(binary: string, config: string): Promise<CheckerVerdict> {
  return new Promise((resolve, reject) => {
    const child = execFile(binary, [], { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      // Exit 1 is "not accepted", with the verdict on stdout.
      if (err && (err as { code?: number }).code !== 1) {
        reject(new Error(`kindconfig-check failed: ${stderr || err.message}`));
        return;
      }
      try {
        resolve(JSON.parse(stdout) as CheckerVerdict);
      } catch {
        reject(new Error(`kindconfig-check printed no verdict: ${stdout}${stderr}`));
      }
    });
    child.stdin!.end(config);
  });
}
