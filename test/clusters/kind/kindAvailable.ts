// Whether the real kind tests can run here: a Docker engine answers, a kind CLI
// is at hand (the one `auditspec setup --cluster kind` builds, $AUDITSPEC_KIND_BIN
// or kind on PATH) and Docker already holds a node image (kind's published
// v1.36.4 image, or the one setup builds where nothing can be pulled). Otherwise
// the reason, for the skipped suite's title.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { backendOptionsFromEnv } from '../../../src/clusters/environment.js';
import { cachedKindPath } from '../../../src/clusters/kind/goTools.js';
import { defaultNodeImageSync } from '../../../src/clusters/kind/nodeImage.js';
import { dockerSkipReason } from '../dockerAvailable.js';

const fromEnv = backendOptionsFromEnv('kind', process.env) as { kindBin?: string; image?: string };

/** The kind CLI the backend would use. */
export const kindBin = fromEnv.kindBin ?? (existsSync(cachedKindPath()) ? cachedKindPath() : 'kind');

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
  const image = fromEnv.image ?? defaultNodeImageSync();
  if (!runs('docker', ['image', 'inspect', image])) {
    return `Docker has no kind node image (${image}; run \`auditspec setup --cluster kind\`), kind tests skipped`;
  }
  return undefined;
}
