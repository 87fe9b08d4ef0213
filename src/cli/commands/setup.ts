// `auditspec setup`: obtains what an end-to-end run needs ahead of it, so the
// first run starts fast. Without --cluster (or --cluster local): kube-apiserver
// and etcd, built when needed. --cluster kind: the kind CLI (built from Go
// modules) and a node image: kind's published one where Docker can pull it,
// otherwise one built here (src/clusters/kind/nodeImage.ts).
import type { Command } from 'commander';
import { BinariesUnavailableError, ensureBinaries } from '../../binaries/index.js';
import { setupKind } from '../../clusters/kind/setup.js';
import type { RegisterCommand } from './index.js';

const SETUP_TARGETS = ['local', 'kind'] as const;
type SetupTarget = (typeof SETUP_TARGETS)[number];

interface SetupOptions {
  apiserverBin?: string;
  etcdBin?: string;
  force?: boolean;
  cluster?: string;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

const setupFor: Record<SetupTarget, (opts: SetupOptions) => Promise<string>> = {
  local: async (opts) => {
    const binaries = await ensureBinaries({ apiserverBin: opts.apiserverBin, etcdBin: opts.etcdBin, force: opts.force, log });
    return (
      `kube-apiserver ${binaries.versions.kubeApiserver}: ${binaries.kubeApiserver} (${binaries.sources.kubeApiserver})\n` +
      `etcd ${binaries.versions.etcd}: ${binaries.etcd} (${binaries.sources.etcd})\n`
    );
  },
  kind: (opts) => setupKind({ force: opts.force, log }),
};

export const registerSetup: RegisterCommand = (program: Command, setExitCode) => {
  program
    .command('setup')
    .description('Find or build what end-to-end runs need: kube-apiserver and etcd (--cluster local), or kind and its node image (--cluster kind).')
    .option('--cluster <backend>', `what to set up for: ${SETUP_TARGETS.join(' | ')}`, 'local')
    .option('--apiserver-bin <path>', 'use this kube-apiserver binary')
    .option('--etcd-bin <path>', 'use this etcd binary')
    .option('--force', 'rebuild what is cached even if it works')
    .action(async (opts: SetupOptions) => {
      const target = opts.cluster as SetupTarget;
      if (!SETUP_TARGETS.includes(target)) {
        process.stderr.write(`auditspec setup: --cluster must be one of ${SETUP_TARGETS.join(', ')} (got ${opts.cluster})\n`);
        setExitCode(2);
        return;
      }
      try {
        process.stdout.write(await setupFor[target](opts));
        setExitCode(0);
      } catch (err) {
        const message = err instanceof BinariesUnavailableError ? err.message : String((err as Error)?.message ?? err);
        process.stderr.write(`auditspec setup: ${message}\n`);
        setExitCode(1);
      }
    });
};
