// --cluster containers: etcd and kube-apiserver from their release images
// (registry.k8s.io/etcd, registry.k8s.io/kube-apiserver:v1.36.4) started with
// testcontainers on a private Docker network. No kubelet, no kubeadm: much
// faster than kind, and the same kube-apiserver binary a real cluster runs.
//
// It works like the local backend, with containers for processes: a run
// directory on the host (certificates made for the run, the policies, the audit
// logs) is bind-mounted into kube-apiserver's container, which runs as the
// current user so the 0600 audit log it writes is readable here. Switching
// policy starts a new kube-apiserver container (etcd and its data stay).
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { StartedNetwork, StartedTestContainer } from 'testcontainers';
import type { HttpRequest } from '../../request/types.js';
import { type AdminTarget, grantImpersonationToAll, waitReady } from '../adminApi.js';
import { RotatingLogTail } from '../existing/auditSources.js';
import { sendHttps } from '../https.js';
import { type ClientCertificateSubject, credentialsFor } from '../identity.js';
import { PemCertificateAuthority } from '../issuer.js';
import { commandFailure } from '../local/apiserverOutput.js';
import { policyVerdict } from '../policyVerdict.js';
import {
  type AuditEvent,
  type Cluster,
  ClusterError,
  type ClusterStartOptions,
  type PolicyToInstall,
  type SendOptions,
  type SentResponse,
} from '../types.js';
import {
  APISERVER_PORT,
  apiserverFlags,
  CONTAINER_RUN_DIR,
  DEFAULT_APISERVER_IMAGE,
  DEFAULT_ETCD_IMAGE,
  ETCD_ALIAS,
  etcdFlags,
} from './definition.js';
import { containerRuntimeFailure } from './errors.js';

const ADMIN: ClientCertificateSubject = { commonName: 'auditspec:admin', organizations: ['system:masters'] };
const ETCD_START_TIMEOUT_MS = 120_000;
const APISERVER_START_TIMEOUT_MS = 180_000;
const READY_TIMEOUT_MS = 120_000;
const KEPT_LINES = 300;
const TAIL_LINES = 30;

export interface ContainersClusterOptions extends ClusterStartOptions {
  /** Default $AUDITSPEC_APISERVER_IMAGE or registry.k8s.io/kube-apiserver:v1.36.4. */
  apiserverImage?: string;
  /** Default $AUDITSPEC_ETCD_IMAGE or registry.k8s.io/etcd:3.6.8-0. */
  etcdImage?: string;
}

/** Keeps a container's last output lines (for kube-apiserver's own error messages). */
class ContainerOutput {
  readonly lines: string[] = [];
  private partial = '';

  consume = (stream: Readable): void => {
    stream.on('data', (chunk: Buffer | string) => {
      const parts = (this.partial + chunk.toString()).split('\n');
      this.partial = parts.pop() ?? '';
      for (const line of parts) {
        this.lines.push(line);
        if (this.lines.length > KEPT_LINES) this.lines.shift();
      }
    });
  };

  tail(n = TAIL_LINES): string[] {
    return this.lines.filter((l) => l.trim() !== '').slice(-n);
  }
}

interface Apiserver {
  container: StartedTestContainer;
  output: ContainerOutput;
  generation: number;
  host: string;
  port: number;
}

export class ContainersCluster implements Cluster {
  readonly backend = 'containers';
  private network: StartedNetwork | undefined;
  private etcd: StartedTestContainer | undefined;
  private apiserver: Apiserver | undefined;
  private authority!: PemCertificateAuthority;
  private caPem = '';
  private generation = 0;
  private currentPolicy = '';
  private tail: RotatingLogTail | undefined;
  private readonly agents = new Map<string, Agent>();
  private stopped = false;

  private constructor(
    readonly runDir: string,
    readonly apiserverImage: string,
    readonly etcdImage: string,
    private readonly log: (line: string) => void,
  ) {}

  static async start(policy: PolicyToInstall, options: ContainersClusterOptions = {}): Promise<ContainersCluster> {
    const verdict = policyVerdict(policy.file);
    if (verdict) throw verdict;
    const log = options.log ?? (() => {});
    const apiserverImage = options.apiserverImage ?? (process.env.AUDITSPEC_APISERVER_IMAGE || DEFAULT_APISERVER_IMAGE);
    const etcdImage = options.etcdImage ?? (process.env.AUDITSPEC_ETCD_IMAGE || DEFAULT_ETCD_IMAGE);
    const runDir = await mkdtemp(join(options.tmpRoot ?? tmpdir(), 'auditspec-containers-'));
    const cluster = new ContainersCluster(runDir, apiserverImage, etcdImage, log);
    const started = Date.now();
    try {
      await cluster.writePki();
      await cluster.startEtcd();
      await cluster.installPolicy(policy);
      await grantImpersonationToAll(cluster.admin);
      log(`containers: kube-apiserver (${apiserverImage}) ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
      return cluster;
    } catch (err) {
      await cluster.stop();
      throw err;
    }
  }

  get policyFile(): string {
    return this.currentPolicy;
  }

  private path(...parts: string[]): string {
    return join(this.runDir, ...parts);
  }

  private get admin(): AdminTarget {
    const api = this.apiserver;
    if (!api) throw new ClusterError('kube-apiserver is not running');
    return { host: api.host, port: api.port, agent: () => this.agentFor(ADMIN) };
  }

  private async writePki(): Promise<void> {
    await mkdir(this.path('pki'), { recursive: true });
    const { authority, pem } = await PemCertificateAuthority.create(`auditspec-containers-ca-${randomUUID().slice(0, 8)}`);
    this.authority = authority;
    this.caPem = pem.cert;
    // Clients name the server "localhost" (SNI and verification) whatever host Docker publishes on.
    const serving = await authority.serving('kube-apiserver', ['localhost', '127.0.0.1', 'kubernetes.default.svc']);
    const sa = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    await Promise.all([
      writeFile(this.path('pki', 'ca.crt'), pem.cert),
      writeFile(this.path('pki', 'apiserver.crt'), serving.cert),
      writeFile(this.path('pki', 'apiserver.key'), serving.key, { mode: 0o600 }),
      writeFile(this.path('pki', 'service-account.key'), sa.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 }),
      writeFile(this.path('pki', 'service-account.pub'), sa.publicKey.export({ type: 'spki', format: 'pem' })),
    ]);
    await mkdir(this.path('policies'), { recursive: true });
    await mkdir(this.path('audit'), { recursive: true });
  }

  private async startEtcd(): Promise<void> {
    let tc: typeof import('testcontainers');
    try {
      tc = await import('testcontainers');
      this.network = await new tc.Network().start();
    } catch (err) {
      throw containerRuntimeFailure(err);
    }
    const output = new ContainerOutput();
    this.log(`containers: starting etcd (${this.etcdImage})`);
    try {
      this.etcd = await new tc.GenericContainer(this.etcdImage)
        .withNetwork(this.network)
        .withNetworkAliases(ETCD_ALIAS)
        .withEntrypoint(['etcd'])
        .withCommand(etcdFlags())
        .withLogConsumer(output.consume)
        .withWaitStrategy(tc.Wait.forLogMessage(/serving client traffic|ready to serve client requests/))
        .withStartupTimeout(ETCD_START_TIMEOUT_MS)
        .start();
    } catch (err) {
      const failure = containerRuntimeFailure(err, this.etcdImage);
      throw new ClusterError(`etcd did not start: ${failure.message}`, output.tail());
    }
  }

  private async startApiserver(generation: number, policyFile: string, auditLogFile: string): Promise<void> {
    const tc = await import('testcontainers');
    const output = new ContainerOutput();
    const user = `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`;
    let container: StartedTestContainer;
    try {
      container = await new tc.GenericContainer(this.apiserverImage)
        .withNetwork(this.network!)
        .withEntrypoint(['kube-apiserver'])
        .withCommand(apiserverFlags({ policyFile, auditLogFile }))
        .withExposedPorts(APISERVER_PORT)
        .withBindMounts([{ source: this.runDir, target: CONTAINER_RUN_DIR, mode: 'rw' }])
        .withUser(user)
        .withLogConsumer(output.consume)
        .withWaitStrategy(tc.Wait.forLogMessage(/Serving securely on/))
        .withStartupTimeout(APISERVER_START_TIMEOUT_MS)
        .start();
    } catch (err) {
      const failure = commandFailure(output.lines);
      if (failure) throw new ClusterError(failure, [], /audit policy/i.test(failure));
      const runtime = containerRuntimeFailure(err, this.apiserverImage);
      throw new ClusterError(`kube-apiserver did not start: ${runtime.message}`, output.tail());
    }
    this.apiserver = { container, output, generation, host: container.getHost(), port: container.getMappedPort(APISERVER_PORT) };
    if (!(await waitReady(this.admin, READY_TIMEOUT_MS))) {
      throw new ClusterError(`kube-apiserver did not become ready within ${READY_TIMEOUT_MS / 1000}s`, output.tail());
    }
  }

  private async stopApiserver(): Promise<void> {
    const api = this.apiserver;
    this.apiserver = undefined;
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
    await this.tail?.close();
    this.tail = undefined;
    await api?.container.stop({ timeout: 0 }).catch(() => {});
  }

  private async installPolicy(policy: PolicyToInstall): Promise<void> {
    const verdict = policyVerdict(policy.file);
    if (verdict) throw verdict;
    const generation = ++this.generation;
    const name = `policy-${generation}.yaml`;
    await writeFile(this.path('policies', name), policy.withSentinel);
    const previous = this.apiserver;
    if (previous) await this.stopApiserver();
    const log = `audit-${generation}.log`;
    try {
      await this.startApiserver(generation, `${CONTAINER_RUN_DIR}/policies/${name}`, `${CONTAINER_RUN_DIR}/audit/${log}`);
    } catch (err) {
      await this.stopApiserver();
      if (previous) {
        // Back to the policy that ran before, so the cluster stays usable.
        await this.startApiserver(
          previous.generation,
          `${CONTAINER_RUN_DIR}/policies/policy-${previous.generation}.yaml`,
          `${CONTAINER_RUN_DIR}/audit/audit-${previous.generation}-again-${generation}.log`,
        ).catch(() => {});
        if (this.apiserver) this.tail = new RotatingLogTail(this.path('audit', `audit-${previous.generation}-again-${generation}.log`));
      }
      throw err;
    }
    this.tail = new RotatingLogTail(this.path('audit', log));
    this.currentPolicy = resolve(policy.file);
  }

  async switchPolicy(policy: PolicyToInstall): Promise<void> {
    this.assertUsable();
    await this.installPolicy(policy);
  }

  private async agentFor(subject: ClientCertificateSubject | undefined): Promise<Agent> {
    const key = subject ? JSON.stringify([subject.commonName, subject.organizations]) : '';
    let agent = this.agents.get(key);
    if (!agent) {
      const pair = subject ? await this.authority.client(subject) : undefined;
      agent = new Agent({ keepAlive: true, ca: this.caPem, cert: pair?.cert, key: pair?.key, servername: 'localhost' });
      this.agents.set(key, agent);
    }
    return agent;
  }

  async send(request: HttpRequest, options: SendOptions): Promise<SentResponse> {
    this.assertUsable();
    const api = this.apiserver;
    if (!api) throw new ClusterError('kube-apiserver is not running');
    const credentials = credentialsFor(request.identity);
    const agent = await this.agentFor(credentials.clientCertificate);
    const headers: Record<string, string | string[]> = { ...credentials.headers, 'audit-id': options.auditID };
    if (options.body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
    return sendHttps({ host: api.host, port: api.port, agent }, { method: request.method, path: request.url, headers, body: options.body });
  }

  async readNewEvents(): Promise<AuditEvent[]> {
    this.assertUsable();
    return this.tail ? this.tail.readNew() : [];
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.stopApiserver();
    await this.etcd?.stop({ timeout: 0 }).catch(() => {});
    await this.network?.stop().catch(() => {});
    await rm(this.runDir, { recursive: true, force: true, maxRetries: 3 });
  }

  private assertUsable(): void {
    if (this.stopped) throw new ClusterError('the containers cluster has been stopped');
  }
}
