// How the settings of the existing and kind backends reach them. Under Vitest
// the backends run in globalSetup, where no argument of ours can be passed, so
// they read these variables (existing/backend.ts, kind/backend.ts); whoever
// takes the settings from a user (the CLI flags, auditspec/config) sets them
// here, once, at the edge.
export interface BackendSettings {
  /** existing: the cluster to send requests to. */
  kubeconfig?: string;
  /** existing: a path, command:<shell>, or webhook. */
  auditLog?: string;
  /** kind: keep the cluster between runs while the policy is unchanged. */
  reuse?: boolean;
}

export function handBackendSettings(settings: BackendSettings): void {
  if (settings.kubeconfig) process.env.AUDITSPEC_KUBECONFIG = settings.kubeconfig;
  if (settings.auditLog) process.env.AUDITSPEC_AUDIT_LOG = settings.auditLog;
  if (settings.reuse) process.env.AUDITSPEC_KIND_REUSE = '1';
}
