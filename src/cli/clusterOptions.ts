// The cluster flags `test` and `probe` share, declared once as data so the two
// commands cannot drift apart.
import { Option, type Command } from 'commander';
import { clusterBackendNames } from '../clusters/index.js';
import { UsageError } from './errors.js';

export interface ClusterFlags {
  cluster?: string;
  apiserverBin?: string;
  etcdBin?: string;
  kubeconfig?: string;
  auditLog?: string;
  reuse?: boolean;
}

const FLAGS: readonly { flags: string; description: string }[] = [
  { flags: '--apiserver-bin <path>', description: 'local: the kube-apiserver binary to use' },
  { flags: '--etcd-bin <path>', description: 'local: the etcd binary to use' },
  { flags: '--kubeconfig <file>', description: 'existing: the cluster to send requests to' },
  { flags: '--audit-log <source>', description: 'existing: where its audit events come from: a file path, command:<shell>, or webhook' },
  { flags: '--reuse', description: 'kind: keep the cluster between runs while the policy is unchanged' },
];

/** --cluster (with `defaultBackend`, or none: then the other flags need it) and the backend settings. */
export function addClusterOptions(command: Command, defaultBackend?: string): Command {
  const cluster = new Option('--cluster <backend>', `run kube-apiserver with the policy on this backend: ${clusterBackendNames().join(', ')}`);
  command.addOption(defaultBackend === undefined ? cluster : cluster.default(defaultBackend));
  for (const { flags, description } of FLAGS) command.addOption(new Option(flags, description));
  return command;
}

/**
 * Checks the flags; returns the backend, or undefined offline. The settings
 * reach the backend through auditspecTestConfig (test) or, for probe, which
 * runs the backend in this process, handBackendSettings (clusters/backendSettings.ts).
 */
export function applyClusterOptions(options: ClusterFlags): string | undefined {
  if (options.cluster === undefined) {
    if (options.kubeconfig || options.auditLog || options.reuse || options.apiserverBin || options.etcdBin) {
      throw new UsageError('--kubeconfig, --audit-log, --reuse, --apiserver-bin and --etcd-bin only mean something with --cluster');
    }
    return undefined;
  }
  if (!clusterBackendNames().includes(options.cluster)) {
    throw new UsageError(`unknown cluster backend "${options.cluster}" (available: ${clusterBackendNames().join(', ')})`);
  }
  return options.cluster;
}
