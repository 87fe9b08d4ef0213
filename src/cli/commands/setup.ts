// `auditspec setup [--cluster <backend>]`: prepares an end-to-end backend ahead
// of a run, so the first run starts fast and fails early with a clear reason.
// - local (default): finds or builds kube-apiserver and etcd;
// - containers: checks that a Docker engine answers, then makes the two images
//   available — pulled where a registry answers, otherwise built here from the
//   binaries the local step finds or builds (see clusters/containers/images.ts).
import type { Command } from 'commander';
import { type Binaries, BinariesUnavailableError, ensureBinaries } from '../../binaries/index.js';
import { UsageError } from '../errors.js';
import type { RegisterCommand } from './index.js';

interface SetupOptions {
  cluster: string;
  apiserverBin?: string;
  etcdBin?: string;
  apiserverImage?: string;
  etcdImage?: string;
  force?: boolean;
}

const PREPARED = ['local', 'containers'] as const;

export const registerSetup: RegisterCommand = (program: Command, setExitCode) => {
  program
    .command('setup')
    .description('Prepare an end-to-end backend: kube-apiserver and etcd binaries (local), or their images (containers).')
    .option('--cluster <backend>', `what to prepare: ${PREPARED.join(' or ')}`, 'local')
    .option('--apiserver-bin <path>', 'use this kube-apiserver binary')
    .option('--etcd-bin <path>', 'use this etcd binary')
    .option('--apiserver-image <image>', 'containers: use this kube-apiserver image (default $AUDITSPEC_APISERVER_IMAGE)')
    .option('--etcd-image <image>', 'containers: use this etcd image (default $AUDITSPEC_ETCD_IMAGE)')
    .option('--force', 'rebuild the cached binaries even if they work')
    .action(async (opts: SetupOptions) => {
      if (!(PREPARED as readonly string[]).includes(opts.cluster)) {
        throw new UsageError(`auditspec setup prepares ${PREPARED.join(' or ')} (got --cluster ${opts.cluster})`);
      }
      const log = (line: string) => process.stderr.write(`${line}\n`);
      let binaries: Promise<Binaries> | undefined;
      const obtainBinaries = () =>
        (binaries ??= ensureBinaries({ apiserverBin: opts.apiserverBin, etcdBin: opts.etcdBin, force: opts.force, log }).then((b) => {
          process.stdout.write(
            `kube-apiserver ${b.versions.kubeApiserver}: ${b.kubeApiserver} (${b.sources.kubeApiserver})\n` +
              `etcd ${b.versions.etcd}: ${b.etcd} (${b.sources.etcd})\n`,
          );
          return b;
        }));
      try {
        if (opts.cluster === 'local') {
          await obtainBinaries();
        } else {
          const { prepareImages } = await import('../../clusters/containers/images.js');
          const images = await prepareImages(
            obtainBinaries,
            {
              apiserver: opts.apiserverImage ?? (process.env.AUDITSPEC_APISERVER_IMAGE || undefined),
              etcd: opts.etcdImage ?? (process.env.AUDITSPEC_ETCD_IMAGE || undefined),
            },
            log,
          );
          process.stdout.write(
            `kube-apiserver image: ${images.apiserver.image} (${images.apiserver.origin})\n` + `etcd image: ${images.etcd.image} (${images.etcd.origin})\n`,
          );
        }
        setExitCode(0);
      } catch (err) {
        const message = err instanceof BinariesUnavailableError ? err.message : String((err as Error)?.message ?? err);
        process.stderr.write(`auditspec setup: ${message}\n`);
        setExitCode(1);
      }
    });
};
