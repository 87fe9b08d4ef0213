// Whether the real kind tests can run here: a Docker engine answers, a kind CLI
// is at hand (the one `auditspec setup --cluster kind` builds, $AUDITSPEC_KIND_BIN
// or kind on PATH) and Docker already holds a node image (kind's published
// v1.36.4 image, or the one setup builds where nothing can be pulled). Otherwise
// the reason, for the skipped suite's title.
import { execFileSync } from 'node:child_process';
import { kindOptionsFromEnv } from '../../../src/clusters/kind/backend.js';
import { defaultNodeImageSync } from '../../../src/clusters/kind/nodeImage.js';
import { dockerSkipReason } from '../dockerAvailable.js';

/** The kind CLI the backend would use. */
export const kindBin = kindOptionsFromEnv().kindBin ?? 'kind';

function runs(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

export function kindE2eSkipReason(): string | undefined {
  const docker = dockerSkipReason();
  if (docker) return docker;
  if (!runs(kindBin, ['version'])) return 'no kind CLI (run `auditspec setup --cluster kind`), kind tests skipped';
  const image = kindOptionsFromEnv().image ?? defaultNodeImageSync();
  if (!runs('docker', ['image', 'inspect', image])) {
    return `Docker has no kind node image (${image}; run \`auditspec setup --cluster kind\`), kind tests skipped`;
  }
  return undefined;
}
