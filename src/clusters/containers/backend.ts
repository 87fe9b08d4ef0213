// --cluster containers: etcd and kube-apiserver v1.36.4 in Docker containers,
// started with testcontainers on a network of the run's own. No kubelet, no
// kubeadm: much faster than kind, and the same kube-apiserver program a real
// cluster runs (images.ts says which images: the release images, or the same
// binaries built into local images where nothing can be pulled).
//
// It works like the local backend, with containers for processes: a run
// directory on the host (certificates made for the run, the policies, the audit
// logs) is bind-mounted into kube-apiserver's container, which runs as the
// current user so the 0600 audit log it writes is readable here. Switching
// policy starts a new kube-apiserver container (etcd and its data stay).
// Ports are published on 127.0.0.1 only and reached there, never through a
// container's own address. Cleanup: reaper.ts.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type Dockerode from 'dockerode';
import type { GenericContainer, StartedTestContainer, WaitStrategy } from 'testcontainers';
import type { HttpRequest } from '../../request/types.js';
import { ADMIN, AdminClient } from '../common/admin.js';
import { ClientAgents } from '../common/agents.js';
import { startWatchdog } from '../common/watchdog.js';
import { RotatingLogTail } from '../common/auditLogTail.js';
import { sendHttps } from '../common/https.js';
import { credentialsFor } from '../common/identity.js';
import { CertificateAuthority, type PemPair } from '../common/pki.js';
import { commandFailure } from '../common/apiserverOutput.js';
import { policyVerdict } from '../common/policyVerdict.js';
import type { KubeVersion } from '../../audit/kubeVersions.js';
import {
  type AuditEvent,
  type Cluster,
  ClusterError,
  type ClusterStartOptions,
  type PolicyToInstall,
  type SendOptions,
  type SentResponse,
} from '../types.js';
import { APISERVER_PORT, apiserverFlags, CONTAINER_RUN_DIR, ETCD_ALIAS, ETCD_CLIENT_PORT, etcdFlags } from './definition.js';
import { containerRuntimeFailure } from './errors.js';
import { chooseImage, type ImageChoice } from './images.js';
import { dockerSocketPath, reapAbandonedRuns, removeLabelled, RUN_LABEL, runLabels } from './reaper.js';
import { dockerClient } from './runtime.js';

const CONTAINER_START_TIMEOUT_MS = 120_000;
const ETCD_READY_TIMEOUT_MS = 60_000;
const READY_TIMEOUT_MS = 120_000;
const KEPT_LINES = 300;
const TAIL_LINES = 30;
/** Host side of every published port: reachable from this machine only. */
const LOOPBACK = '127.0.0.1';

export interface ContainersClusterOptions extends ClusterStartOptions {
  /** An image to run instead of the one images.ts would choose (--apiserver-image). */
  apiserverImage?: string;
  /** Likewise for etcd (--etcd-image). */
  etcdImage?: string;
}

/** Keeps a container's last output lines (for kube-apiserver's own error messages). */
class ContainerOutput {
  readonly lines: string[] = [];
  /** The log stream ended: the container has stopped. */
  ended = false;
  private partial = '';

  consume = (stream: Readable): void => {
    stream.on('end', () => {
      this.ended = true;
    });
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
  port: number;
}

/** Publishes a container port on 127.0.0.1 only (testcontainers would publish on every interface). */
function publishOnLoopback(container: GenericContainer, port: number): GenericContainer {
  container.withExposedPorts(port);
  const bindings = (container as unknown as { hostConfig: { PortBindings: Record<string, unknown> } }).hostConfig.PortBindings;
  bindings[`${port}/tcp`] = [{ HostIp: LOOPBACK, HostPort: '0' }];
  return container;
}

export class ContainersCluster implements Cluster {
  readonly backend = 'containers';
  readonly runId = randomUUID();
  private networkName = '';
  private apiserver: Apiserver | undefined;
  private authority!: CertificateAuthority;
  private adminPair!: PemPair;
  private agents!: ClientAgents;
  private generation = 0;
  private currentPolicy = '';
  private tail: RotatingLogTail | undefined;
  private stopped = false;

  private constructor(
    readonly runDir: string,
    readonly apiserverImage: ImageChoice,
    readonly etcdImage: ImageChoice,
    private readonly log: (line: string) => void,
    /** Whose loading rules judge each policy before a container is started with it. */
    private readonly kubeVersion: KubeVersion | undefined,
  ) {}

  static async start(policy: PolicyToInstall, options: ContainersClusterOptions = {}): Promise<ContainersCluster> {
    const verdict = policyVerdict(policy.file, options.kubeVersion);
    if (verdict) throw verdict;
    const log = options.log ?? (() => {});
    await dockerClient();
    const reaped = await reapAbandonedRuns();
    if (reaped.length > 0) log(`containers: removed what ${reaped.length} abandoned run(s) left behind`);
    const apiserverImage = await chooseImage('kube-apiserver', options.apiserverImage, options.kubeVersion);
    const etcdImage = await chooseImage('etcd', options.etcdImage, options.kubeVersion);
    const runDir = await mkdtemp(join(options.tmpRoot ?? tmpdir(), 'auditspec-containers-'));
    const cluster = new ContainersCluster(runDir, apiserverImage, etcdImage, log, options.kubeVersion);
    startWatchdog(runDir, { dockerLabel: `${RUN_LABEL}=${cluster.runId}`, dockerSocket: dockerSocketPath(process.env) });
    const started = Date.now();
    try {
      await cluster.writePki();
      await cluster.startNetwork();
      await cluster.startEtcd();
      await cluster.installPolicy(policy);
      await (await cluster.adminClient()).grantImpersonationToAll();
      log(`containers: kube-apiserver (${apiserverImage.image}, ${apiserverImage.origin}) ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
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

  /** The admin client of the kube-apiserver container now running. */
  private adminClient(): Promise<AdminClient> {
    const api = this.apiserver;
    if (!api) throw new ClusterError('kube-apiserver is not running');
    return AdminClient.connect({ server: `https://${LOOPBACK}:${api.port}`, caPem: this.authority.certificatePem, certPem: this.adminPair.cert, keyPem: this.adminPair.key });
  }

  private async writePki(): Promise<void> {
    await mkdir(this.path('pki'), { recursive: true });
    const authority = await CertificateAuthority.create(`auditspec-containers-ca-${this.runId.slice(0, 8)}`);
    this.authority = authority;
    this.adminPair = await authority.client(ADMIN);
    // Clients name the server "localhost" (SNI and verification) and reach it on 127.0.0.1.
    this.agents = new ClientAgents((subject) => authority.client(subject), { ca: authority.certificatePem, servername: 'localhost' });
    const serving = await authority.serving('kube-apiserver');
    const sa = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    await Promise.all([
      writeFile(this.path('pki', 'ca.crt'), authority.certificatePem),
      writeFile(this.path('pki', 'apiserver.crt'), serving.cert),
      writeFile(this.path('pki', 'apiserver.key'), serving.key, { mode: 0o600 }),
      writeFile(this.path('pki', 'service-account.key'), sa.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 }),
      writeFile(this.path('pki', 'service-account.pub'), sa.publicKey.export({ type: 'spki', format: 'pem' })),
    ]);
    await mkdir(this.path('policies'), { recursive: true });
    await mkdir(this.path('audit'), { recursive: true });
  }

  /** The run's own bridge network (testcontainers' Network cannot carry labels, so the engine's API makes it). */
  private async startNetwork(): Promise<void> {
    const { client } = await dockerClient();
    this.networkName = `auditspec-${this.runId}`;
    try {
      await client.network.create({ Name: this.networkName, Driver: 'bridge', CheckDuplicate: true, Labels: runLabels(this.runId) });
    } catch (err) {
      throw containerRuntimeFailure(err);
    }
  }

  /**
   * Creates and starts a container of the run. testcontainers waits only until
   * the engine says it runs (scratch images have no shell for its default
   * port check); readiness is then checked the way the local backend does.
   */
  private async startContainer(
    image: string,
    configure: (container: GenericContainer) => GenericContainer,
    output: ContainerOutput,
  ): Promise<StartedTestContainer> {
    const { tc } = await dockerClient();
    const container = configure(
      new tc.GenericContainer(image)
        .withNetworkMode(this.networkName)
        .withLabels(runLabels(this.runId))
        .withLogConsumer(output.consume)
        .withWaitStrategy(new RunningCheck())
        .withStartupTimeout(CONTAINER_START_TIMEOUT_MS),
    );
    if (this.stopped) throw new ClusterError('the containers cluster has been stopped');
    return container.start();
  }

  private async startEtcd(): Promise<void> {
    const output = new ContainerOutput();
    this.log(`containers: starting etcd (${this.etcdImage.image}, ${this.etcdImage.origin})`);
    let started: StartedTestContainer;
    try {
      started = await this.startContainer(
        this.etcdImage.image,
        (c) => publishOnLoopback(c.withNetworkAliases(ETCD_ALIAS).withEntrypoint(['etcd']).withCommand(etcdFlags()), ETCD_CLIENT_PORT),
        output,
      );
    } catch (err) {
      const failure = containerRuntimeFailure(err, this.etcdImage.image);
      throw new ClusterError(`etcd did not start: ${failure.message}`, await this.lastLines(output));
    }
    const port = started.getMappedPort(ETCD_CLIENT_PORT);
    const deadline = Date.now() + ETCD_READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      const res = await fetch(`http://${LOOPBACK}:${port}/health`).catch(() => undefined);
      if (res?.ok && (await res.text()).includes('"health":"true"')) return;
      await sleep(200);
    }
    throw new ClusterError(`etcd did not become healthy within ${ETCD_READY_TIMEOUT_MS / 1000}s`, await this.lastLines(output));
  }

  /** What a container printed last; waits a moment for the log stream to deliver its end. */
  private async lastLines(output: ContainerOutput): Promise<string[]> {
    await sleep(300);
    return output.tail();
  }

  private async startApiserver(generation: number, policyFile: string, auditLogFile: string): Promise<void> {
    const output = new ContainerOutput();
    const user = `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`;
    let container: StartedTestContainer;
    try {
      container = await this.startContainer(
        this.apiserverImage.image,
        (c) =>
          publishOnLoopback(
            c
              .withEntrypoint(['kube-apiserver'])
              .withCommand(apiserverFlags({ policyFile, auditLogFile }))
              .withBindMounts([{ source: this.runDir, target: CONTAINER_RUN_DIR, mode: 'rw' }])
              .withUser(user),
            APISERVER_PORT,
          ),
        output,
      );
    } catch (err) {
      const lines = await this.lastLines(output);
      const failure = commandFailure(lines);
      if (failure) throw new ClusterError(failure, [], /audit policy/i.test(failure));
      const runtime = containerRuntimeFailure(err, this.apiserverImage.image);
      throw new ClusterError(`kube-apiserver did not start: ${runtime.message}`, output.tail());
    }
    this.apiserver = { container, output, generation, port: container.getMappedPort(APISERVER_PORT) };
    if (!(await (await this.adminClient()).waitReady(READY_TIMEOUT_MS, () => this.stopped || output.ended))) {
      const lines = await this.lastLines(output);
      const failure = commandFailure(lines);
      if (failure) throw new ClusterError(`kube-apiserver exited: ${failure}`, lines, /audit policy/i.test(failure));
      throw new ClusterError(`kube-apiserver did not become ready within ${READY_TIMEOUT_MS / 1000}s`, lines);
    }
  }

  private async stopApiserver(): Promise<void> {
    const api = this.apiserver;
    this.apiserver = undefined;
    this.agents?.destroy();
    await this.tail?.close();
    this.tail = undefined;
    await api?.container.stop({ timeout: 0, remove: true }).catch(() => {});
  }

  private async installPolicy(policy: PolicyToInstall): Promise<void> {
    const verdict = policyVerdict(policy.file, this.kubeVersion);
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
      if (previous && !this.stopped) {
        // Back to the policy that ran before, so the cluster stays usable.
        const again = `audit-${previous.generation}-again-${generation}.log`;
        await this.startApiserver(previous.generation, `${CONTAINER_RUN_DIR}/policies/policy-${previous.generation}.yaml`, `${CONTAINER_RUN_DIR}/audit/${again}`).catch(
          () => {},
        );
        if (this.apiserver) this.tail = new RotatingLogTail(this.path('audit', again));
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

  async send(request: HttpRequest, options: SendOptions): Promise<SentResponse> {
    this.assertUsable();
    const api = this.apiserver;
    if (!api) throw new ClusterError('kube-apiserver is not running');
    const credentials = credentialsFor(request.identity);
    const agent = await this.agents.for(credentials.clientCertificate);
    const headers: Record<string, string | string[]> = { ...credentials.headers, 'audit-id': options.auditID };
    if (options.body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
    return sendHttps({ host: LOOPBACK, port: api.port, agent }, { method: request.method, path: request.url, headers, body: options.body });
  }

  async readNewEvents(): Promise<AuditEvent[]> {
    this.assertUsable();
    return this.tail ? this.tail.readNew() : [];
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.stopApiserver();
    // Everything with the run's label, including containers whose start failed.
    await removeLabelled(RUN_LABEL, this.runId).catch((err) => this.log(`containers: cleanup: ${(err as Error).message}`));
    await rm(this.runDir, { recursive: true, force: true, maxRetries: 3 });
  }

  private assertUsable(): void {
    if (this.stopped) throw new ClusterError('the containers cluster has been stopped');
  }
}

/** Ready as soon as the engine says the container runs; failed when it has exited. */
class RunningCheck implements WaitStrategy {
  private timeoutMs = CONTAINER_START_TIMEOUT_MS;

  withStartupTimeout(ms: number): this {
    this.timeoutMs = ms;
    return this;
  }

  getStartupTimeout(): number {
    return this.timeoutMs;
  }

  isStartupTimeoutSet(): boolean {
    return true;
  }

  async waitUntilReady(container: Dockerode.Container): Promise<void> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const { State } = await container.inspect();
      if (State.Running) return;
      if (State.Status === 'exited' || State.Status === 'dead') throw new Error(`the container exited with code ${State.ExitCode}`);
      if (Date.now() > deadline) throw new Error(`the container was not running after ${this.timeoutMs / 1000}s`);
      await sleep(100);
    }
  }
}
