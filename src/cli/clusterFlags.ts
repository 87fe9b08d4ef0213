// The flags that configure an end-to-end backend, declared once as data and
// shared by every command that starts one (`test`, `probe`): a flag overrides
// the environment variable of the same setting (clusters/environment.ts), and a
// flag given for another backend than --cluster's is a usage error.
import type { Command } from 'commander';
import { type BackendName, backendName, backendOptionsFromEnv } from '../clusters/index.js';
import { UsageError } from './errors.js';

interface ClusterFlag {
  flags: string;
  /** The commander key and the start option it sets. */
  option: string;
  backends: readonly BackendName[];
  description: string;
}

export const CLUSTER_FLAGS: readonly ClusterFlag[] = [
  { flags: '--apiserver-bin <path>', option: 'apiserverBin', backends: ['local'], description: 'local: the kube-apiserver binary to use' },
  { flags: '--etcd-bin <path>', option: 'etcdBin', backends: ['local'], description: 'local: the etcd binary to use' },
  {
    flags: '--apiserver-image <image>',
    option: 'apiserverImage',
    backends: ['containers'],
    description: 'containers: the kube-apiserver image to run ($AUDITSPEC_APISERVER_IMAGE)',
  },
  { flags: '--etcd-image <image>', option: 'etcdImage', backends: ['containers'], description: 'containers: the etcd image to run ($AUDITSPEC_ETCD_IMAGE)' },
  { flags: '--kubeconfig <file>', option: 'kubeconfig', backends: ['existing'], description: 'existing: the cluster to send requests to ($AUDITSPEC_KUBECONFIG)' },
  {
    flags: '--audit-log <source>',
    option: 'auditLog',
    backends: ['existing'],
    description: 'existing: where its audit events come from: a file path, command:<shell>, or webhook ($AUDITSPEC_AUDIT_LOG)',
  },
  { flags: '--reuse', option: 'reuse', backends: ['kind'], description: 'kind: keep the cluster between runs while the policy is unchanged ($AUDITSPEC_KIND_REUSE)' },
];

export function addClusterFlags(command: Command): Command {
  for (const flag of CLUSTER_FLAGS) command.option(flag.flags, flag.description);
  return command;
}

/**
 * The backend and its start options: the environment's settings, overridden by
 * the flags given. `cluster` undefined means offline, where no flag belongs.
 */
export function clusterSettings(
  cluster: string | undefined,
  given: Record<string, unknown>,
  env: NodeJS.ProcessEnv = process.env,
): { backend: BackendName; options: Record<string, string | boolean> } | undefined {
  const used = CLUSTER_FLAGS.filter((flag) => given[flag.option] !== undefined);
  if (cluster === undefined) {
    if (used.length > 0) throw new UsageError(`${used.map((f) => f.flags.split(' ')[0]).join(', ')} only mean something with --cluster`);
    return undefined;
  }
  let backend: BackendName;
  try {
    backend = backendName(cluster);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const options = backendOptionsFromEnv(backend, env);
  for (const flag of used) {
    if (!flag.backends.includes(backend)) {
      throw new UsageError(`${flag.flags.split(' ')[0]} is for --cluster ${flag.backends.join(' or ')}, not --cluster ${backend}`);
    }
    options[flag.option] = given[flag.option] as string | boolean;
  }
  return { backend, options };
}
