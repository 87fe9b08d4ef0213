// `auditspec setup`: obtains kube-apiserver and etcd ahead of an end-to-end run
// (building them when needed), so the first `--cluster local` run starts fast.
import type { Command } from 'commander';
import { BinariesUnavailableError, ensureBinaries } from '../../binaries/index.js';
import type { RegisterCommand } from './index.js';

export const registerSetup: RegisterCommand = (program: Command, setExitCode) => {
  program
    .command('setup')
    .description('Find or build kube-apiserver and etcd for end-to-end runs (--cluster local).')
    .option('--apiserver-bin <path>', 'use this kube-apiserver binary')
    .option('--etcd-bin <path>', 'use this etcd binary')
    .option('--force', 'rebuild the cached binaries even if they work')
    .action(async (opts: { apiserverBin?: string; etcdBin?: string; force?: boolean }) => {
      try {
        const binaries = await ensureBinaries({
          apiserverBin: opts.apiserverBin,
          etcdBin: opts.etcdBin,
          force: opts.force,
          log: (line) => process.stderr.write(`${line}\n`),
        });
        process.stdout.write(
          `kube-apiserver ${binaries.versions.kubeApiserver}: ${binaries.kubeApiserver} (${binaries.sources.kubeApiserver})\n` +
            `etcd ${binaries.versions.etcd}: ${binaries.etcd} (${binaries.sources.etcd})\n`,
        );
        setExitCode(0);
      } catch (err) {
        const message = err instanceof BinariesUnavailableError ? err.message : String((err as Error)?.message ?? err);
        process.stderr.write(`auditspec setup: ${message}\n`);
        setExitCode(1);
      }
    });
};
