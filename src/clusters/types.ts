// One interface for every place auditspec can run kube-apiserver end to end, in
// the spirit of kind's providers: a backend is a folder under src/clusters/ that
// exports a ClusterBackend; everything above it (the sentinel barrier, the
// observer, `auditspec probe`) only speaks this interface.
import type { KubeVersion } from '../audit/types.js';
import type { HttpRequest } from '../request/types.js';

/**
 * A policy as a backend must install it. `file` is the user's file, exactly as
 * written: a backend asks kube-apiserver to judge it (and reports kube-apiserver's
 * own message when it is rejected). `withSentinel` is the same policy with
 * auditspec's sentinel rule prepended (see e2e/sentinel.ts): that is the one the
 * running kube-apiserver uses.
 */
export interface PolicyToInstall {
  file: string;
  withSentinel: string;
}

export interface ClusterStartOptions {
  /** Progress lines (binaries being built, control plane starting). */
  log?: (line: string) => void;
  /**
   * The Kubernetes minor to run (--kube-version, the same option offline
   * decisions follow); each backend runs that minor's pinned release
   * (binaries/versions.ts). Default: the project default.
   */
  kubeVersion?: KubeVersion;
  /** Per-backend settings, e.g. explicit binary paths for the local backend. */
  apiserverBin?: string;
  etcdBin?: string;
  /** Parent folder for the run's temporary files (default: the OS temp dir). */
  tmpRoot?: string;
}

export interface SendOptions {
  /** Sent as the Audit-ID header; kube-apiserver records it verbatim as the event's auditID. */
  auditID: string;
  /** Request body, for methods that carry one. */
  body?: string;
  /** Defaults to application/json when a body is given. */
  contentType?: string;
}

export interface SentResponse {
  status: number;
  /**
   * True when the response did not end by itself (a watch, a stream) and the
   * client closed its side; the response was then waited on until the server
   * closed the connection, i.e. until kube-apiserver finished the request.
   */
  streamed: boolean;
}

/** One audit.k8s.io/v1 Event line as kube-apiserver wrote it. */
export interface AuditEvent {
  auditID: string;
  stage: string;
  level: string;
  [field: string]: unknown;
}

export interface Cluster {
  readonly backend: string;
  /** The policy kube-apiserver runs now (the user's file). */
  readonly policyFile: string;
  /**
   * Makes kube-apiserver run another policy. Storage is kept. When kube-apiserver
   * rejects the policy the error carries its message and the cluster keeps the
   * previous policy.
   */
  switchPolicy(policy: PolicyToInstall): Promise<void>;
  /**
   * Optional: gets ready for a later switchPolicy to `policy` while the
   * current policy keeps serving (the local backend starts its kube-apiserver
   * beside the running one), so the switch itself is quick. Never fails: a
   * policy that cannot run is reported by the switch.
   */
  prepare?(policy: PolicyToInstall): Promise<void>;
  /** Sends one HTTP request as `request.identity` would. */
  send(request: HttpRequest, options: SendOptions): Promise<SentResponse>;
  /**
   * Audit events written since the previous call, in log order. Backends read
   * incrementally (never the whole log again).
   */
  readNewEvents(): Promise<AuditEvent[]>;
  /** Stops everything and removes every file the cluster made. Safe to call twice. */
  stop(): Promise<void>;
}

export interface ClusterBackend {
  readonly name: string;
  /** Brings up a control plane whose kube-apiserver runs `policy`. */
  start(policy: PolicyToInstall, options?: ClusterStartOptions): Promise<Cluster>;
}

/**
 * A failure of the control plane (it did not start, crashed, rejected the
 * policy). `logTail` holds the last lines kube-apiserver (or etcd) printed.
 */
export class ClusterError extends Error {
  override name = 'ClusterError';
  constructor(
    message: string,
    readonly logTail: readonly string[] = [],
    /** kube-apiserver refused the policy; message is its own. */
    readonly policyRejected = false,
  ) {
    super(logTail.length > 0 ? `${message}\n--- last log lines ---\n${logTail.join('\n')}` : message);
  }
}
