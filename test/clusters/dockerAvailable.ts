// Whether Docker-dependent tests can run here: the docker CLI present and an
// engine answering (and, for kind, the kind CLI). Otherwise they are skipped
// with the reason in their title.
import { execFileSync } from 'node:child_process';

function answers(command: string, args: string[]): string | undefined {
  try {
    return execFileSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 }).toString().trim();
  } catch (err) {
    const e = err as { code?: string; stderr?: Buffer };
    return e.code === 'ENOENT' ? undefined : undefined;
  }
}

/**
 * Why Docker-dependent tests cannot run here, or undefined when they can. Where
 * an engine is required (AUDITSPEC_REQUIRE_DOCKER=1, as .ci/run sets), its
 * absence is an error rather than a skip.
 */
export function dockerSkipReason(): string | undefined {
  const server = answers('docker', ['info', '--format', '{{.ServerVersion}}']);
  if (server) return undefined;
  if (process.env.AUDITSPEC_REQUIRE_DOCKER === '1') {
    throw new Error('AUDITSPEC_REQUIRE_DOCKER=1 but no Docker engine answers (docker info failed): start dockerd');
  }
  return 'no Docker engine answers (docker info failed), Docker-dependent tests skipped';
}

export function kindSkipReason(): string | undefined {
  return dockerSkipReason() ?? (answers('kind', ['version']) ? undefined : 'the kind CLI is not installed, kind tests skipped');
}
