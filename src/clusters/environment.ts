// The one place where backends' settings are read from the environment, as
// kind reads its provider from KIND_EXPERIMENTAL_PROVIDER once at the edge
// (pkg/internal/runtime): the CLI and endToEndVitestConfig call this, turn
// each variable into an explicit option, and the backends only ever receive
// options. Declared as data so the README's table and the code cannot drift.
import type { BackendName } from './names.js';

export interface EnvironmentSetting {
  variable: string;
  backend: BackendName;
  /** The start option it sets. */
  option: string;
  kind: 'string' | 'boolean';
  meaning: string;
}

export const BACKEND_ENVIRONMENT: readonly EnvironmentSetting[] = [
  { variable: 'AUDITSPEC_APISERVER_IMAGE', backend: 'containers', option: 'apiserverImage', kind: 'string', meaning: 'kube-apiserver image to run' },
  { variable: 'AUDITSPEC_ETCD_IMAGE', backend: 'containers', option: 'etcdImage', kind: 'string', meaning: 'etcd image to run' },
  { variable: 'AUDITSPEC_KIND_NAME', backend: 'kind', option: 'name', kind: 'string', meaning: 'cluster name' },
  { variable: 'AUDITSPEC_KIND_IMAGE', backend: 'kind', option: 'image', kind: 'string', meaning: 'node image' },
  { variable: 'AUDITSPEC_KIND_BIN', backend: 'kind', option: 'kindBin', kind: 'string', meaning: 'the kind CLI to run' },
  { variable: 'AUDITSPEC_KIND_REUSE', backend: 'kind', option: 'reuse', kind: 'boolean', meaning: 'keep the cluster between runs' },
  { variable: 'AUDITSPEC_KIND_RETAIN', backend: 'kind', option: 'retain', kind: 'boolean', meaning: 'keep a cluster whose creation failed' },
  { variable: 'AUDITSPEC_KUBECONFIG', backend: 'existing', option: 'kubeconfig', kind: 'string', meaning: 'kubeconfig file' },
  { variable: 'AUDITSPEC_CONTEXT', backend: 'existing', option: 'context', kind: 'string', meaning: 'kubeconfig context' },
  { variable: 'AUDITSPEC_AUDIT_LOG', backend: 'existing', option: 'auditLog', kind: 'string', meaning: 'where audit events come from' },
  { variable: 'AUDITSPEC_WEBHOOK_URL', backend: 'existing', option: 'webhookUrl', kind: 'string', meaning: 'URL kube-apiserver posts audit batches to' },
  { variable: 'AUDITSPEC_WEBHOOK_LISTEN', backend: 'existing', option: 'webhookListen', kind: 'string', meaning: 'where the webhook receiver listens' },
  { variable: 'AUDITSPEC_WEBHOOK_DIR', backend: 'existing', option: 'webhookDir', kind: 'string', meaning: "the receiver's identity folder" },
  { variable: 'AUDITSPEC_INSTALL_POLICY', backend: 'existing', option: 'installPolicy', kind: 'string', meaning: 'shell command that installs a policy' },
  { variable: 'AUDITSPEC_CLIENT_CA_CERT', backend: 'existing', option: 'clientCaCertFile', kind: 'string', meaning: 'client CA certificate (PEM)' },
  { variable: 'AUDITSPEC_CLIENT_CA_KEY', backend: 'existing', option: 'clientCaKeyFile', kind: 'string', meaning: 'client CA key (PEM)' },
];

const TRUE = ['1', 'true', 'yes'];

/** The start options `backend` takes from `env`; unset and empty variables set nothing. */
export function backendOptionsFromEnv(backend: BackendName, env: NodeJS.ProcessEnv): Record<string, string | boolean> {
  const options: Record<string, string | boolean> = {};
  for (const setting of BACKEND_ENVIRONMENT) {
    const value = env[setting.variable];
    if (setting.backend !== backend || value === undefined || value === '') continue;
    options[setting.option] = setting.kind === 'boolean' ? TRUE.includes(value.toLowerCase()) : value;
  }
  return options;
}
