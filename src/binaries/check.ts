// Asks a binary for its version by running it, so a truncated download, a file of
// the wrong architecture or a binary of another release is caught before a run.
import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { etcdVersionFrom, kubeApiserverVersionFrom } from './versions.js';

export type BinaryKind = 'kube-apiserver' | 'etcd';

export interface BinaryCheck {
  ok: boolean;
  /** The version the binary reports, when it ran. */
  version?: string;
  /** Why the binary cannot be used, when !ok. */
  problem?: string;
}

export async function checkBinary(path: string, kind: BinaryKind): Promise<BinaryCheck> {
  try {
    await access(path, constants.X_OK);
  } catch {
    return { ok: false, problem: `${path} does not exist or is not executable` };
  }
  const output = await new Promise<{ text: string; error?: Error }>((resolve) => {
    execFile(path, ['--version'], { timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ text: `${stdout}\n${stderr}`, error: error ?? undefined });
    });
  });
  if (output.error) {
    return { ok: false, problem: `${path} --version failed: ${output.error.message.split('\n')[0]}` };
  }
  const version = kind === 'kube-apiserver' ? kubeApiserverVersionFrom(output.text) : etcdVersionFrom(output.text);
  if (!version) {
    return { ok: false, problem: `${path} --version printed no ${kind} version: ${output.text.trim().slice(0, 200)}` };
  }
  return { ok: true, version };
}
