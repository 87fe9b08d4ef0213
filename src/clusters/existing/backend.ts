// --cluster existing: a cluster auditspec did not start (staging), reached
// through a kubeconfig. kube-apiserver there runs the policy its operators
// installed, which must begin with auditspec's sentinel rule (see
// e2e/sentinel.ts and docs/ci.md); auditspec only sends requests and reads the
// events back from a file, a command or its audit webhook receiver.
//
// - identities: client certificates signed with the cluster's client CA when
//   auditspec is given it (AUDITSPEC_CLIENT_CA_CERT/_KEY), otherwise requested
//   through the CertificateSigningRequest API (csr.ts); impersonation is granted only to the callers this run minted, by
//   a ClusterRole and binding named for the run and deleted at stop().
// - switching policies: only with an install command (AUDITSPEC_INSTALL_POLICY),
//   run with AUDITSPEC_POLICY_FILE naming the policy to install (sentinel rule
//   included); otherwise the cluster keeps its policy and a switch is an error.
// - before the first batch, and after every install, one sentinel request must
//   come back through the audit source: that proves the whole path (and is where
//   "no audit events arrive" is diagnosed).
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sentinelRequest } from '../../e2e/sentinel.js';
import type { HttpRequest } from '../../request/types.js';
import type { V1ClusterRole, V1ClusterRoleBinding, V1SubjectAccessReview } from '@kubernetes/client-node';
import { ClientAgents } from '../common/agents.js';
import { sendHttps } from '../common/https.js';
import { type ClientCertificateSubject, credentialsFor, impersonationGrant } from '../common/identity.js';
import { CertificateAuthority, type PemPair } from '../common/pki.js';
import {
  type AuditEvent,
  type Cluster,
  ClusterError,
  type ClusterStartOptions,
  type PolicyToInstall,
  type SendOptions,
  type SentResponse,
} from '../types.js';
import { type AuditEventSource, CommandSource, parseAuditLogSpec, RotatingLogTail, WebhookSource } from './auditSources.js';
import { CsrCertificateIssuer } from './csr.js';
import { KubeconfigClient, resolveKubeconfigFiles, statusMessage } from './kubeconfig.js';
import { defaultWebhookDir, loadOrCreateReceiverIdentity } from './webhook/identity.js';
import { AuditWebhookReceiver, type WebhookReceiverOptions } from './webhook/receiver.js';

/** Default --audit-webhook-batch-max-wait is 30s; leave room for it. */
const FIRST_EVENT_TIMEOUT_MS = 90_000;
const INSTALL_TIMEOUT_MS = 10 * 60_000;
const RESEND_SENTINEL_MS = 5000;
const GRANT_TIMEOUT_MS = 30_000;

export interface ExistingClusterOptions extends ClusterStartOptions {
  /** Default: $AUDITSPEC_KUBECONFIG, $KUBECONFIG, ~/.kube/config. */
  kubeconfig?: string;
  context?: string;
  /** `webhook`, `command:<shell command>` or a path; or a ready source (tests). Default: $AUDITSPEC_AUDIT_LOG. */
  auditLog?: string | AuditEventSource;
  /** For `webhook`: the URL kube-apiserver posts to, where to listen, where the receiver's identity is kept. */
  webhookUrl?: string;
  webhookListen?: string;
  webhookDir?: string;
  /** A ready receiver (tests); its owner closes it. */
  webhookReceiver?: AuditWebhookReceiver;
  /** Receiver tuning (settle and retry waits). */
  webhookTiming?: Pick<WebhookReceiverOptions, 'settleMs' | 'retryWaitMs'>;
  /** Shell command that installs AUDITSPEC_POLICY_FILE on the cluster and returns once kube-apiserver runs it. */
  installPolicy?: string;
  /** How long the proof-of-path sentinel may take. */
  firstEventTimeoutMs?: number;
  /** A CA kube-apiserver's --client-ca-file trusts (PEM files); without it identities go through CSRs. */
  clientCaCertFile?: string;
  clientCaKeyFile?: string;
}

/** Where identities' client certificates come from. */
type CertificateSource = (subject: ClientCertificateSubject) => Promise<PemPair>;

/** "host:port", "[v6]:port" or ":port" (all addresses). */
export function parseListen(value: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(value.trim());
  if (!match) throw new ClusterError(`AUDITSPEC_WEBHOOK_LISTEN must look like host:port (got ${JSON.stringify(value)})`);
  return { host: match[1] ?? (match[2] === '' ? '0.0.0.0' : match[2]), port: Number(match[3]) };
}

async function sourceFor(options: ExistingClusterOptions, log: (line: string) => void): Promise<AuditEventSource> {
  const given = options.auditLog;
  if (given === undefined) {
    throw new ClusterError(
      '--cluster existing needs to know where the audit events are: --audit-log <path | command:<shell command> | webhook> (AUDITSPEC_AUDIT_LOG)',
    );
  }
  if (typeof given !== 'string') return given;
  let spec;
  try {
    spec = parseAuditLogSpec(given);
  } catch (err) {
    throw new ClusterError((err as Error).message);
  }
  if (spec.kind === 'file') return new RotatingLogTail(resolve(spec.path), true);
  if (spec.kind === 'command') return new CommandSource(spec.command);
  if (options.webhookReceiver) return new WebhookSource(options.webhookReceiver, false);
  if (!options.webhookUrl) {
    throw new ClusterError(
      '--audit-log webhook needs the URL kube-apiserver can reach auditspec at (AUDITSPEC_WEBHOOK_URL, e.g. https://ci-runner.example:9443/audit-events)',
    );
  }
  const url = new URL(options.webhookUrl);
  const listen = options.webhookListen ? parseListen(options.webhookListen) : { host: '0.0.0.0', port: Number(url.port || 443) };
  const dir = options.webhookDir ?? defaultWebhookDir();
  const { identity, kubeconfigFile } = await loadOrCreateReceiverIdentity(dir, url.toString());
  let receiver: AuditWebhookReceiver;
  try {
    receiver = await AuditWebhookReceiver.start({
      host: listen.host,
      port: listen.port,
      url: identity.url,
      tls: { cert: identity.cert, key: identity.key, ca: identity.ca },
      token: identity.token,
      ...options.webhookTiming,
    });
  } catch (err) {
    throw new ClusterError(`the audit webhook receiver cannot listen on ${listen.host}:${listen.port}: ${(err as Error).message}`);
  }
  log(`audit webhook receiver listening on ${listen.host}:${receiver.port} for ${identity.url}`);
  log(`kube-apiserver must run with --audit-webhook-config-file=<a copy of ${kubeconfigFile}> (same file every run)`);
  return new WebhookSource(receiver, true);
}

export class ExistingCluster implements Cluster {
  readonly backend = 'existing';
  private currentPolicy = '';
  private currentText: string | undefined;
  private readonly agents: ClientAgents;
  private readonly granted = new Set<string>();
  private grantCreated = false;
  private stopped = false;
  private readonly grantName: string;

  private constructor(
    private readonly client: KubeconfigClient,
    private readonly source: AuditEventSource,
    private readonly certificates: CertificateSource,
    private readonly options: ExistingClusterOptions,
    private readonly log: (line: string) => void,
    runId: string,
  ) {
    this.grantName = `auditspec:impersonator:${runId}`;
    const { ca, servername, rejectUnauthorized } = client.endpoint;
    this.agents = new ClientAgents(certificates, { ca, servername, rejectUnauthorized });
  }

  static async start(policy: PolicyToInstall, options: ExistingClusterOptions = {}): Promise<ExistingCluster> {
    const merged = definedOnly(options);
    const log = merged.log ?? (() => {});
    const client = await KubeconfigClient.load(resolveKubeconfigFiles(merged.kubeconfig), merged.context);
    const version = await client.checkReachable();
    log(`existing cluster: kube-apiserver ${version} at ${client.endpoint.server} (context "${client.context}")`);
    const source = await sourceFor(merged, log);
    const runId = randomBytes(4).toString('hex');
    const certificates = await certificateSource(merged, client, runId, log);
    const cluster = new ExistingCluster(client, source, certificates, merged, log, runId);
    try {
      await cluster.install(policy, true);
      return cluster;
    } catch (err) {
      await cluster.stop();
      throw err;
    }
  }

  get policyFile(): string {
    return this.currentPolicy;
  }

  async switchPolicy(policy: PolicyToInstall): Promise<void> {
    this.assertUsable();
    await this.install(policy, false);
  }

  private async install(policy: PolicyToInstall, first: boolean): Promise<void> {
    if (this.currentText === policy.withSentinel) {
      this.currentPolicy = resolve(policy.file);
      return;
    }
    const command = this.options.installPolicy;
    if (command) {
      await runInstall(command, policy, this.log);
    } else if (!first) {
      throw new ClusterError(
        `the existing cluster runs the policy its operators installed; auditspec cannot switch it to ${policy.file}. ` +
          'Run the specs of one policy per run, or give an install command (AUDITSPEC_INSTALL_POLICY) that deploys AUDITSPEC_POLICY_FILE.',
      );
    } else {
      this.log(`existing cluster: assuming kube-apiserver runs ${policy.file} with auditspec's sentinel rule first (no install command given)`);
    }
    await this.provePath();
    this.currentText = policy.withSentinel;
    this.currentPolicy = resolve(policy.file);
  }

  /**
   * One sentinel request must come back through the audit source. The source is
   * read once first, so a file is positioned (and a following command started)
   * before the request; a source that needs a moment to start following (ssh,
   * kubectl logs -f) gets another sentinel every few seconds.
   */
  private async provePath(): Promise<void> {
    await this.source.readNew();
    const timeout = this.options.firstEventTimeoutMs ?? FIRST_EVENT_TIMEOUT_MS;
    const deadline = Date.now() + timeout;
    const ids = new Set<string>();
    let others = 0;
    let nextSend = 0;
    while (Date.now() < deadline) {
      if (Date.now() >= nextSend) {
        const id = `auditspec-path-check-${randomUUID()}`;
        ids.add(id);
        await this.send(sentinelRequest(), { auditID: id });
        nextSend = Date.now() + RESEND_SENTINEL_MS;
      }
      const events = await this.source.readNew();
      if (events.some((e) => ids.has(e.auditID))) return;
      others += events.length;
      await sleep(100);
    }
    const hints = this.source.silenceHints();
    if (others > 0) {
      hints.unshift(
        `${others} other event(s) arrived, but not the sentinel's: the policy kube-apiserver runs does not log user "auditspec:sentinel" — put auditspec's sentinel rule first (see docs/ci.md)`,
      );
    }
    throw new ClusterError(
      `no audit events arrived from the ${this.source.description} within ${timeout / 1000}s of a request to ${this.client.endpoint.server}:\n` +
        hints.map((h) => `  - ${h}`).join('\n'),
    );
  }

  async send(request: HttpRequest, options: SendOptions): Promise<SentResponse> {
    this.assertUsable();
    const credentials = credentialsFor(request.identity);
    if (request.identity.kind === 'impersonating') await this.grantImpersonation(request.identity.caller.name);
    const agent = await this.agents.for(credentials.clientCertificate);
    const headers: Record<string, string | string[]> = { ...credentials.headers, 'audit-id': options.auditID };
    if (options.body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
    const endpoint = this.client.endpoint;
    return sendHttps(
      { host: endpoint.host, port: endpoint.port, agent },
      { method: request.method, path: `${endpoint.pathPrefix}${request.url}`, headers, body: options.body },
    );
  }

  async readNewEvents(): Promise<AuditEvent[]> {
    this.assertUsable();
    return this.source.readNew();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.agents.destroy();
    await this.source.close().catch(() => {});
    if (this.grantCreated) {
      const name = this.grantName;
      for (const [what, remove] of [
        ['ClusterRoleBinding', () => this.client.answer((apis) => apis.rbac.deleteClusterRoleBindingWithHttpInfo({ name }))],
        ['ClusterRole', () => this.client.answer((apis) => apis.rbac.deleteClusterRoleWithHttpInfo({ name }))],
      ] as const) {
        const res = await remove().catch((err: Error) => ({ status: 0, body: err.message }));
        if (res.status !== 200 && res.status !== 202 && res.status !== 404) this.log(`could not delete ${what} ${name}: HTTP ${res.status} ${statusMessage(res.body)}`);
      }
    }
  }

  private assertUsable(): void {
    if (this.stopped) throw new ClusterError('the existing-cluster session has been stopped');
  }

  /**
   * Lets `caller` impersonate (identity.ts explains why the grant is needed).
   * Unlike the throwaway backends, a staging cluster does not grant it to every
   * authenticated user: the run's own ClusterRole is bound to the callers its
   * specs use, and removed at stop().
   */
  private async grantImpersonation(caller: string): Promise<void> {
    if (this.granted.has(caller)) return;
    const { clusterRole } = impersonationGrant();
    const subjects = [...this.granted, caller].map((name) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name }));
    const binding: V1ClusterRoleBinding = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: this.grantName, labels: { 'auditspec.io/run': 'true' } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: this.grantName },
      subjects,
    };
    if (!this.grantCreated) {
      const role = { ...clusterRole, metadata: { name: this.grantName, labels: { 'auditspec.io/run': 'true' } } };
      const created = await this.client.answer((apis) => apis.rbac.createClusterRoleWithHttpInfo({ body: role as V1ClusterRole }));
      if (created.status !== 201 && created.status !== 409) {
        throw new ClusterError(`cannot create ClusterRole ${this.grantName} for impersonation: HTTP ${created.status} ${statusMessage(created.body)}`);
      }
      this.grantCreated = true;
      const bound = await this.client.answer((apis) => apis.rbac.createClusterRoleBindingWithHttpInfo({ body: binding }));
      if (bound.status !== 201) {
        throw new ClusterError(`cannot create ClusterRoleBinding ${this.grantName}: HTTP ${bound.status} ${statusMessage(bound.body)}`);
      }
    } else {
      const name = this.grantName;
      const current = await this.client.answer((apis) => apis.rbac.readClusterRoleBindingWithHttpInfo({ name }));
      const resourceVersion = (current.body as { metadata?: { resourceVersion?: string } })?.metadata?.resourceVersion;
      const updated = await this.client.answer((apis) =>
        apis.rbac.replaceClusterRoleBindingWithHttpInfo({ name, body: { ...binding, metadata: { ...binding.metadata, resourceVersion } } }),
      );
      if (updated.status !== 200) {
        throw new ClusterError(`cannot update ClusterRoleBinding ${this.grantName}: HTTP ${updated.status} ${statusMessage(updated.body)}`);
      }
    }
    this.granted.add(caller);
    // RBAC is served from an informer cache: wait until kube-apiserver allows it.
    const review: V1SubjectAccessReview = {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: { user: caller, resourceAttributes: { verb: 'impersonate', resource: 'users', name: 'someone' } },
    };
    const deadline = Date.now() + GRANT_TIMEOUT_MS;
    while (Date.now() < deadline) {
      const res = await this.client.answer((apis) => apis.authorization.createSubjectAccessReviewWithHttpInfo({ body: review }));
      if (res.status === 403) {
        // May not ask; give the cache a moment instead.
        await sleep(2000);
        return;
      }
      if ((res.body as { status?: { allowed?: boolean } })?.status?.allowed === true) return;
      await sleep(100);
    }
    throw new ClusterError(`RBAC never allowed ${caller} to impersonate through ${this.grantName}`);
  }
}

async function certificateSource(
  options: ExistingClusterOptions,
  client: KubeconfigClient,
  runId: string,
  log: (line: string) => void,
): Promise<CertificateSource> {
  const { clientCaCertFile: certFile, clientCaKeyFile: keyFile } = options;
  if (!certFile && !keyFile) {
    const issuer = new CsrCertificateIssuer(client, runId);
    return (subject) => issuer.certificateFor(subject);
  }
  if (!certFile || !keyFile) throw new ClusterError('a client CA needs both its certificate and its key (AUDITSPEC_CLIENT_CA_CERT and AUDITSPEC_CLIENT_CA_KEY)');
  let authority: CertificateAuthority;
  try {
    authority = await CertificateAuthority.fromPem(await readFile(certFile, 'utf8'), await readFile(keyFile, 'utf8'));
  } catch (err) {
    throw new ClusterError(`cannot use the client CA ${certFile} / ${keyFile}: ${(err as Error).message}`);
  }
  log(`identities: client certificates signed by ${certFile}`);
  return (subject) => authority.client(subject);
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Runs the user's install command with the policy in a temp file; its output is shown as progress. */
async function runInstall(command: string, policy: PolicyToInstall, log: (line: string) => void): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'auditspec-install-'));
  const file = join(dir, 'audit-policy.yaml');
  try {
    await writeFile(file, policy.withSentinel);
    log(`installing ${policy.file} with \`${command}\``);
    const output: string[] = [];
    const code = await new Promise<number | null>((resolvePromise, reject) => {
      const child = spawn('/bin/sh', ['-c', command], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, AUDITSPEC_POLICY_FILE: file, AUDITSPEC_USER_POLICY_FILE: resolve(policy.file) },
      });
      const onData = (chunk: Buffer) => {
        for (const line of chunk.toString('utf8').split('\n')) {
          if (line.trim() === '') continue;
          output.push(line);
          if (output.length > 30) output.shift();
          log(`  ${line}`);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      const timer = setTimeout(() => child.kill('SIGKILL'), INSTALL_TIMEOUT_MS);
      child.on('error', reject);
      child.on('close', (exitCode) => {
        clearTimeout(timer);
        resolvePromise(exitCode);
      });
    });
    if (code !== 0) {
      throw new ClusterError(`the policy install command failed (exit ${code}) for ${policy.file}: \`${command}\``, output, true);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
