// `auditspec setup --cluster kind`: the kind CLI (built from Go modules into the
// cache) and a node image (kind's published one where it can be pulled, built
// here otherwise; nodeImage.ts). Prints what it found, one line each.
import type { KubeVersion } from '../../audit/types.js';
import { ensureKind } from './goTools.js';
import { ensureNodeImage } from './nodeImage.js';

export async function setupKind(options: { force?: boolean; kubeVersion?: KubeVersion; log: (line: string) => void }): Promise<string> {
  const started = Date.now();
  const kind = await ensureKind({ log: options.log });
  const node = await ensureNodeImage({ force: options.force, kubeVersion: options.kubeVersion, log: options.log });
  return `kind: ${kind}\nnode image: ${node.image} (${node.source}, ${Math.round((Date.now() - started) / 1000)}s)\n`;
}
