// `auditspec setup [--cluster <backend>] [--kube-version <minor>]`: obtains what
// an end-to-end run needs ahead of it, so the first run starts fast and fails
// early with a clear reason. Everything is per Kubernetes release: the minor
// given (default: the project default) picks its pinned kube-apiserver and the
// etcd it ships with (src/binaries/versions.ts), each kept apart in the cache.
// - local (default): kube-apiserver and etcd, downloaded or built when needed;
// - containers: checks that a Docker engine answers, then makes the two images
//   available — pulled where a registry answers, otherwise built here from the
//   binaries the local step finds or builds (src/clusters/containers/images.ts);
// - kind: the kind CLI (built from Go modules) and a node image: kind's
//   published one where Docker can pull it, otherwise one built here
//   (src/clusters/kind/nodeImage.ts).
import type { Command } from 'commander';
import { type Binaries, BinariesUnavailableError, ensureBinaries } from '../../binaries/index.js';
import type { KubeVersion } from '../../audit/types.js';
import { setupKind } from '../../clusters/kind/setup.js';
import { kubeVersionOption, parseKubeVersion } from '../options.js';
import type { RegisterCommand } from './index.js';

const SETUP_TARGETS = ['local', 'containers', 'kind'] as const;
type SetupTarget = (typeof SETUP_TARGETS)[number];

interface SetupOptions {
  apiserverBin?: string;
  etcdBin?: string;
  apiserverImage?: string;
  etcdImage?: string;
  force?: boolean;
  cluster?: string;
  kubeVersion?: string;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

function describeBinaries(binaries: Binaries): string {
  return (
    `kube-apiserver ${binaries.versions.kubeApiserver}: ${binaries.kubeApiserver} (${binaries.sources.kubeApiserver})\n` +
    `etcd ${binaries.versions.etcd}: ${binaries.etcd} (${binaries.sources.etcd})\n`
  );
}

const binariesFor = (opts: SetupOptions, kubeVersion: KubeVersion) =>
  ensureBinaries({ apiserverBin: opts.apiserverBin, etcdBin: opts.etcdBin, force: opts.force, kubeVersion, log });

const setupFor: Record<SetupTarget, (opts: SetupOptions, kubeVersion: KubeVersion) => Promise<string>> = {
  local: async (opts, kubeVersion) => describeBinaries(await binariesFor(opts, kubeVersion)),
  containers: async (opts, kubeVersion) => {
    const { prepareImages } = await import('../../clusters/containers/images.js');
    let found = '';
    const images = await prepareImages(
      // Only asked for when an image must be built here.
      async () => {
        const binaries = await binariesFor(opts, kubeVersion);
        found = describeBinaries(binaries);
        return binaries;
      },
      {
        // The CLI is the edge: the flag, else its environment variable.
        apiserver: opts.apiserverImage ?? (process.env.AUDITSPEC_APISERVER_IMAGE || undefined),
        etcd: opts.etcdImage ?? (process.env.AUDITSPEC_ETCD_IMAGE || undefined),
      },
      log,
      kubeVersion,
    );
    return `${found}kube-apiserver image: ${images.apiserver.image} (${images.apiserver.origin})\netcd image: ${images.etcd.image} (${images.etcd.origin})\n`;
  },
  kind: (opts, kubeVersion) => setupKind({ force: opts.force, kubeVersion, log }),
};

export const registerSetup: RegisterCommand = (program: Command, setExitCode) => {
  program
    .command('setup')
    .description(
      'Find, download or build what end-to-end runs need: kube-apiserver and etcd (--cluster local), their images (--cluster containers), or kind and its node image (--cluster kind).',
    )
    .option('--cluster <backend>', `what to set up for: ${SETUP_TARGETS.join(' | ')}`, 'local')
    .option('--apiserver-bin <path>', 'use this kube-apiserver binary')
    .option('--etcd-bin <path>', 'use this etcd binary')
    .option('--apiserver-image <image>', 'containers: use this kube-apiserver image (default $AUDITSPEC_APISERVER_IMAGE)')
    .option('--etcd-image <image>', 'containers: use this etcd image (default $AUDITSPEC_ETCD_IMAGE)')
    .addOption(kubeVersionOption())
    .option('--force', 'rebuild what is cached even if it works')
    .action(async (opts: SetupOptions) => {
      const target = opts.cluster as SetupTarget;
      if (!SETUP_TARGETS.includes(target)) {
        process.stderr.write(`auditspec setup: --cluster must be one of ${SETUP_TARGETS.join(', ')} (got ${opts.cluster})\n`);
        setExitCode(2);
        return;
      }
      try {
        process.stdout.write(await setupFor[target](opts, parseKubeVersion(opts.kubeVersion)));
        setExitCode(0);
      } catch (err) {
        const message = err instanceof BinariesUnavailableError ? err.message : String((err as Error)?.message ?? err);
        process.stderr.write(`auditspec setup: ${message}\n`);
        setExitCode(1);
      }
    });
};
