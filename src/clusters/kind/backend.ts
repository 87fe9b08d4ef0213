// --cluster kind: a kind cluster (kubeadm, kubelet, containerd in a Docker
// container) whose kube-apiserver audits with the policy under test, following
// kind's auditing recipe (clusters/kind/audit-cluster.yaml).
//
// - the policy directory and the audit log directory are host directories
//   mounted into the node; the log is read from the host, or through
//   `docker exec` when kube-apiserver's 0600 file is not readable here;
// - identities: client certificates signed with the cluster's own CA, read from
//   the node (/etc/kubernetes/pki);
// - another policy: the mounted file is rewritten and the kube-apiserver static
//   pod restarted (staticPod.ts);
// - --reuse (AUDITSPEC_KIND_REUSE=1) keeps the cluster after the run; the next
//   run uses it as it is when the policy is unchanged, and switches it in place
//   otherwise. Without it the cluster is deleted at the end (after a failure
//   and on Ctrl-C too), with kind's network when this run brought it;
// - kind is the one `auditspec setup --cluster kind` built (goTools.ts) unless
//   another is named; the node image kind's published v1.36.4 one if Docker has
//   it, else the one setup built (nodeImage.ts); where this Docker engine
//   cannot start --privileged containers, kind runs with a stand-in
//   (privileged.ts).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'yaml';
import type { HttpRequest } from '../../request/types.js';
import { sendHttps } from '../common/https.js';
import { ADMIN, AdminClient } from '../common/admin.js';
import { ClientAgents } from '../common/agents.js';
import { registerEmergencyStop } from '../common/exitCleanup.js';
import { type ClientCertificateSubject, credentialsFor } from '../common/identity.js';
import { CertificateAuthority } from '../common/pki.js';
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
import { type CommandResult, kindCreateFailure, requireDocker, requireKind, runCommand, type RunOptions, tail } from './commands.js';
import { DEFAULT_CLUSTER_NAME, isValidClusterName, NODE_AUDIT_LOG_FILE, renderKindConfig } from './config.js';
import { cachedKindPath } from './goTools.js';
import { defaultNodeImage } from './nodeImage.js';
import { kindEnvironment } from './privileged.js';
import { type AuditLogReader, openAuditLog } from './nodeLog.js';
import {
  annotateManifest,
  APISERVER_MANIFEST,
  MANIFEST_STAGING,
  parseCrictlContainers,
  restartState,
} from './staticPod.js';
import {
  createWorkspaceDirs,
  type KindClusterRecord,
  type KindWorkspace,
  kindWorkspace,
  readRecord,
  reusableWorkspaceRoot,
  sha256,
  writeRecord,
  writeWorkspacePolicy,
} from './workspace.js';

/**
 * Synchronously removes every node container of cluster `name` that is still
 * there. An interrupted `docker run` (kind's) can leave the daemon still
 * starting the node while `kind delete` removes it; the removal then loses and
 * a "Created" container stays. A few tries, a second apart, catch it.
 */
function removeNodeContainersNow(name: string): void {
  for (let attempt = 0; attempt < 5; attempt++) {
    const listed = spawnSync('docker', ['ps', '-a', '-q', '--filter', `label=io.x-k8s.kind.cluster=${name}`], { encoding: 'utf8', timeout: 60_000 });
    const ids = (listed.stdout ?? '').split('\n').filter(Boolean);
    if (listed.status !== 0 || ids.length === 0) return;
    spawnSync('docker', ['rm', '-f', '-v', ...ids], { stdio: 'ignore', timeout: 60_000 });
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
  }
}

/** The Docker network kind puts every cluster's nodes on (kind's fixed name). */
const KIND_NETWORK = 'kind';
const CREATE_TIMEOUT_MS = 15 * 60_000;
const READY_TIMEOUT_MS = 180_000;
const RESTART_TIMEOUT_MS = 240_000;

export type Run = (command: string, args: readonly string[], options?: RunOptions) => Promise<CommandResult>;

export interface KindClusterOptions extends ClusterStartOptions {
  /** Cluster name (default "auditspec"; $AUDITSPEC_KIND_NAME at the edge). */
  name?: string;
  /** Node image (default $AUDITSPEC_KIND_IMAGE, else kind v0.33's v1.36.4 image if Docker has it, else the one `auditspec setup --cluster kind` built). */
  image?: string;
  /** The kind CLI (default $AUDITSPEC_KIND_BIN, else kind from auditspec's cache if built, else `kind` on PATH). */
  kindBin?: string;
  /** Keep the cluster for the next run (default $AUDITSPEC_KIND_REUSE=1). */
  reuse?: boolean;
  /** Keep a cluster whose creation failed, to debug it (default $AUDITSPEC_KIND_RETAIN=1). */
  retain?: boolean;
  /** Runs docker and kind (tests). */
  run?: Run;
}

/** The argument list of `kind create cluster`. */
export function kindCreateArgs(name: string, configFile: string, kubeconfigFile: string, retain: boolean): string[] {
  return ['create', 'cluster', '--name', name, '--config', configFile, '--kubeconfig', kubeconfigFile, ...(retain ? ['--retain'] : [])];
}

export type KindStartPlan =
  | { action: 'create' }
  | { action: 'reuse'; switchPolicy: boolean }
  | { action: 'refuse'; reason: string };

/** What to do given the clusters that exist and what auditspec recorded about its own. */
export function planKindStart(input: {
  name: string;
  exists: boolean;
  reuse: boolean;
  record: KindClusterRecord | undefined;
  policySha256: string;
}): KindStartPlan {
  if (!input.exists) return { action: 'create' };
  const reuseHint = `(kind delete cluster --name ${input.name}, or choose another name with AUDITSPEC_KIND_NAME)`;
  if (!input.reuse) {
    return {
      action: 'refuse',
      reason: `cluster name taken: a kind cluster named "${input.name}" already exists; pass --reuse (AUDITSPEC_KIND_REUSE=1) to use it if auditspec created it, or remove it ${reuseHint}`,
    };
  }
  if (!input.record || input.record.clusterName !== input.name) {
    return {
      action: 'refuse',
      reason: `cluster name taken: the kind cluster "${input.name}" was not created by auditspec --reuse (its mounts are unknown), so it cannot be reused ${reuseHint}`,
    };
  }
  return { action: 'reuse', switchPolicy: input.record.policySha256 !== input.policySha256 };
}

interface Endpoint {
  host: string;
  port: number;
  ca: string;
}

function endpointFromKubeconfig(text: string, name: string): Endpoint {
  const config = parse(text) as { clusters?: { cluster?: { server?: string; 'certificate-authority-data'?: string } }[] };
  const cluster = config?.clusters?.[0]?.cluster;
  if (!cluster?.server || !cluster['certificate-authority-data']) {
    throw new ClusterError(`kind get kubeconfig --name ${name} gave no server or CA`);
  }
  const url = new URL(cluster.server);
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: Number(url.port || 443),
    ca: Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8'),
  };
}

/** The start options with their defaults filled in. */
interface StartSettings {
  name: string;
  kind: string;
  reuse: boolean;
  retain: boolean;
  run: Run;
  log: (line: string) => void;
  /** Whose loading rules judge the policy before kind sees it (the node image's version). */
  kubeVersion: KubeVersion | undefined;
}

function startSettings(options: KindClusterOptions): StartSettings {
  return {
    name: options.name ?? DEFAULT_CLUSTER_NAME,
    // The kind `auditspec setup --cluster kind` built, when there is one, else kind on PATH.
    kind: options.kindBin ?? (existsSync(cachedKindPath()) ? cachedKindPath() : 'kind'),
    reuse: options.reuse ?? false,
    retain: options.retain ?? false,
    run: options.run ?? runCommand,
    log: options.log ?? (() => {}),
    kubeVersion: options.kubeVersion,
  };
}

/** Refuses early, before anything is made: a bad name, a policy kube-apiserver would refuse, no Docker or no kind. */
async function checkPrerequisites(policy: PolicyToInstall, settings: StartSettings): Promise<void> {
  if (!isValidClusterName(settings.name)) throw new ClusterError(`"${settings.name}" is not a valid kind cluster name (lowercase letters, digits and "-")`);
  const verdict = policyVerdict(policy.file, settings.kubeVersion);
  if (verdict) throw verdict;
  const docker = await requireDocker(settings.run);
  const kindVersion = await requireKind(settings.run, settings.kind);
  settings.log(`kind: ${kindVersion} (${settings.kind}), Docker ${docker}`);
}

/** Create or reuse, from the clusters kind lists and what auditspec recorded about its own. */
async function planStart(
  policy: PolicyToInstall,
  settings: StartSettings,
  image: string,
): Promise<{ plan: Exclude<KindStartPlan, { action: 'refuse' }>; record: KindClusterRecord | undefined }> {
  const { name, kind, reuse, run } = settings;
  const listed = await run(kind, ['get', 'clusters'], { timeoutMs: 60_000 });
  if (listed.code !== 0) throw kindCreateFailure(`${listed.stdout}\n${listed.stderr}`, name, image);
  const exists = listed.stdout.split(/\r?\n/).some((line) => line.trim() === name);
  const record = reuse ? await readRecord(kindWorkspace(reusableWorkspaceRoot(name))) : undefined;
  const plan = planKindStart({ name, exists, reuse, record, policySha256: sha256(policy.withSentinel) });
  if (plan.action === 'refuse') throw new ClusterError(plan.reason);
  return { plan, record };
}

export class KindCluster implements Cluster {
  readonly backend = 'kind';
  private currentPolicy = '';
  private policySha = '';
  private agents!: ClientAgents;
  private authority!: CertificateAuthority;
  private endpoint!: Endpoint;
  private logReader: AuditLogReader | undefined;
  private stopped = false;
  private created = false;
  /** `kind create cluster` is running: if interrupted, a half-made cluster of this name may be left. */
  private creating = false;
  /** Creation failed under --retain: the cluster is left for debugging. */
  private retained = false;
  /** kind's "kind" network did not exist before this cluster: kind made it for us, and it goes with the cluster. */
  private ownsNetwork = false;
  /** Unregisters the Ctrl-C / exit cleanup (a throwaway cluster only). */
  private unregisterEmergencyStop: (() => void) | undefined;

  /** The environment kind runs with (privileged.ts may put a docker wrapper first on PATH). */
  private kindEnv: NodeJS.ProcessEnv = process.env;

  private constructor(
    readonly name: string,
    readonly image: string,
    readonly workspace: KindWorkspace,
    private readonly reuse: boolean,
    private readonly run: Run,
    private readonly log: (line: string) => void,
    private readonly kind: string,
    private readonly kubeVersion: KubeVersion | undefined,
  ) {}

  get node(): string {
    return `${this.name}-control-plane`;
  }

  get policyFile(): string {
    return this.currentPolicy;
  }

  /**
   * Brings up (or reuses) the cluster with the policy mounted, as a sequence
   * of named steps in the manner of kind's own create.go: check what is
   * needed, decide create or reuse, then provision, connect, install the
   * policy, open the audit log and record what was made. A failed step stops
   * everything already started.
   */
  static async start(policy: PolicyToInstall, options: KindClusterOptions = {}): Promise<KindCluster> {
    const settings = startSettings(options);
    await checkPrerequisites(policy, settings);
    const image = options.image ?? (await defaultNodeImage(settings.run, options.kubeVersion));
    const { plan, record } = await planStart(policy, settings, image);

    const root = settings.reuse ? reusableWorkspaceRoot(settings.name) : await mkdtemp(join(options.tmpRoot ?? tmpdir(), 'auditspec-kind-'));
    const cluster = new KindCluster(settings.name, record?.nodeImage ?? image, kindWorkspace(root), settings.reuse, settings.run, settings.log, settings.kind, settings.kubeVersion);
    try {
      await cluster.prepareDockerAccess();
      if (plan.action === 'create') await cluster.create(policy, settings.retain);
      else settings.log(`kind: reusing cluster "${settings.name}"${plan.switchPolicy ? ' with another policy' : ''}`);
      await cluster.connect();
      await cluster.installPolicy(policy, plan.action === 'reuse' && plan.switchPolicy ? record : undefined);
      await (await cluster.adminClient()).grantImpersonationToAll();
      await cluster.openAuditLog();
      cluster.currentPolicy = resolve(policy.file);
      await cluster.saveRecord();
      return cluster;
    } catch (err) {
      await cluster.stop().catch(() => {});
      throw err;
    }
  }

  /** kind runs `docker run/exec --privileged`; where this engine cannot, a wrapper stands in (privileged.ts). */
  private async prepareDockerAccess(): Promise<void> {
    this.kindEnv = await kindEnvironment(this.image, join(this.workspace.root, 'bin'), { run: this.run, log: this.log });
  }

  /**
   * A created cluster already mounts the policy; a reused one that ran
   * another policy (its record says which) gets it by a kube-apiserver restart.
   */
  private async installPolicy(policy: PolicyToInstall, reusedWithOtherPolicy: KindClusterRecord | undefined): Promise<void> {
    if (reusedWithOtherPolicy) {
      await this.restartApiserver(policy, { text: await readFile(this.workspace.policyFile, 'utf8'), sha256: reusedWithOtherPolicy.policySha256 });
    } else {
      this.policySha = sha256(policy.withSentinel);
    }
  }

  private async openAuditLog(): Promise<void> {
    this.logReader = await openAuditLog(this.workspace.auditLogFile, this.node, NODE_AUDIT_LOG_FILE, true);
    // Read once now: this positions the reader at the log's current end, so
    // the first batch's events (written after this) are all read.
    await this.logReader.readNew();
  }

  private async create(policy: PolicyToInstall, retain: boolean): Promise<void> {
    const ws = this.workspace;
    await createWorkspaceDirs(ws);
    await writeWorkspacePolicy(ws, policy.withSentinel);
    const config = renderKindConfig({ clusterName: this.name, nodeImage: this.image, policyDir: ws.policyDir, auditLogDir: ws.auditLogDir });
    const configFile = join(ws.root, 'kind-config.yaml');
    await writeFile(configFile, config);
    this.ownsNetwork = !this.reuse && (await this.run('docker', ['network', 'inspect', KIND_NETWORK], { timeoutMs: 60_000 })).code !== 0;
    this.creating = true;
    if (!this.reuse) {
      // Ctrl-C or an exit before stop(): delete the cluster synchronously (kind
      // create, interrupted too, leaves a node container behind otherwise).
      this.unregisterEmergencyStop = registerEmergencyStop({
        killNow: () => {
          spawnSync(this.kind, ['delete', 'cluster', '--name', this.name], { stdio: 'ignore', timeout: 120_000, env: this.kindEnv });
          removeNodeContainersNow(this.name);
          if (this.ownsNetwork) spawnSync('docker', ['network', 'rm', KIND_NETWORK], { stdio: 'ignore', timeout: 60_000 });
        },
        runDir: ws.root,
      });
    }
    this.log(`kind: creating cluster "${this.name}" (${this.image}); this takes a minute or two`);
    const result = await this.run(this.kind, kindCreateArgs(this.name, configFile, join(ws.root, 'kubeconfig'), retain), {
      timeoutMs: CREATE_TIMEOUT_MS,
      env: this.kindEnv,
      onLine: (line) => this.log(`  ${line}`),
    });
    // Finished either way: kind removes a cluster it failed to create (unless --retain).
    this.creating = false;
    if (result.code !== 0) {
      // --retain: the failed cluster is kept for debugging, as asked.
      this.retained = retain;
      throw kindCreateFailure(`${result.stdout}\n${result.stderr}`, this.name, this.image);
    }
    this.created = true;
  }

  private async docker(args: readonly string[], input?: string): Promise<CommandResult> {
    return this.run('docker', args, { input, timeoutMs: 120_000 });
  }

  private async nodeFile(path: string): Promise<string> {
    const result = await this.docker(['exec', this.node, 'cat', path]);
    if (result.code !== 0) throw new ClusterError(`cannot read ${path} in ${this.node}`, tail(result.stderr));
    return result.stdout;
  }

  /** The API endpoint and CA from kind, the cluster CA from the node, and kube-apiserver answering. */
  private async connect(): Promise<void> {
    const kubeconfig = await this.run(this.kind, ['get', 'kubeconfig', '--name', this.name], { timeoutMs: 60_000, env: this.kindEnv });
    if (kubeconfig.code !== 0) throw new ClusterError(`kind get kubeconfig --name ${this.name} failed`, tail(kubeconfig.stderr));
    this.endpoint = endpointFromKubeconfig(kubeconfig.stdout, this.name);
    const [cert, key] = [await this.nodeFile('/etc/kubernetes/pki/ca.crt'), await this.nodeFile('/etc/kubernetes/pki/ca.key')];
    const authority = await CertificateAuthority.fromPem(cert, key);
    this.authority = authority;
    this.agents?.destroy();
    this.agents = new ClientAgents((subject) => authority.client(subject), { ca: this.endpoint.ca });
    if (!(await this.waitReady(READY_TIMEOUT_MS))) {
      throw new ClusterError(`kube-apiserver of kind cluster "${this.name}" did not become ready within ${READY_TIMEOUT_MS / 1000}s`, await this.apiserverLogs());
    }
  }

  /** An admin client of the cluster's kube-apiserver, with a certificate from the cluster's own CA. */
  private async adminClient(): Promise<AdminClient> {
    const admin = await this.authority.client(ADMIN);
    return AdminClient.connect({ server: `https://${this.endpoint.host.includes(':') ? `[${this.endpoint.host}]` : this.endpoint.host}:${this.endpoint.port}`, caPem: this.endpoint.ca, certPem: admin.cert, keyPem: admin.key });
  }

  private async waitReady(timeoutMs: number): Promise<boolean> {
    return (await this.adminClient()).waitReady(timeoutMs);
  }

  private async apiserverContainers(): Promise<ReturnType<typeof parseCrictlContainers>> {
    const result = await this.docker(['exec', this.node, 'crictl', 'ps', '-a', '--name', 'kube-apiserver', '-o', 'json']);
    if (result.code !== 0) throw new ClusterError(`cannot list kube-apiserver containers in ${this.node}`, tail(result.stderr));
    return parseCrictlContainers(result.stdout);
  }

  private async apiserverLogs(id?: string): Promise<string[]> {
    try {
      const container = id ?? (await this.apiserverContainers())[0]?.id;
      if (!container) return [];
      const logs = await this.docker(['exec', this.node, 'crictl', 'logs', '--tail', '40', container]);
      return tail(`${logs.stdout}\n${logs.stderr}`, 40);
    } catch {
      return [];
    }
  }

  /**
   * Installs `policy` into the running cluster: the mounted file is rewritten and
   * the kube-apiserver static pod restarted (staticPod.ts). When the new
   * kube-apiserver refuses to start, `previous` is put back the same way and
   * the error carries kube-apiserver's own message.
   */
  private async restartApiserver(policy: PolicyToInstall, previous: { text: string; sha256: string }): Promise<void> {
    const hash = sha256(policy.withSentinel);
    const manifest = await this.nodeFile(APISERVER_MANIFEST);
    const install = async (text: string, sha: string) => {
      const before = new Set((await this.apiserverContainers()).map((c) => c.id));
      await writeWorkspacePolicy(this.workspace, text);
      await this.writeManifest(annotateManifest(manifest, sha));
      const outcome = await this.waitForRestart(before);
      // Kept-alive connections went to the kube-apiserver that was stopped.
      this.agents.destroy();
      return outcome;
    };
    this.log(`kind: restarting kube-apiserver with ${policy.file}`);
    const outcome = await install(policy.withSentinel, hash);
    if (outcome.ok) {
      this.policySha = hash;
      return;
    }
    const failure = commandFailure(outcome.logs);
    this.log('kind: kube-apiserver refused the policy; putting the previous one back');
    const restored = await install(previous.text, previous.sha256);
    if (!restored.ok) {
      throw new ClusterError(
        `kube-apiserver refused ${policy.file}${failure ? ` (${failure})` : ''}, and did not come back with the previous policy either`,
        restored.logs,
      );
    }
    throw new ClusterError(failure ?? `kube-apiserver did not start with ${policy.file}`, failure ? [] : outcome.logs, failure !== undefined);
  }

  private async writeManifest(text: string): Promise<void> {
    const result = await this.docker(
      ['exec', '-i', this.node, 'sh', '-c', `cat > ${MANIFEST_STAGING} && mv ${MANIFEST_STAGING} ${APISERVER_MANIFEST}`],
      text,
    );
    if (result.code !== 0) throw new ClusterError(`cannot write ${APISERVER_MANIFEST} in ${this.node}`, tail(result.stderr));
  }

  private async waitForRestart(before: ReadonlySet<string>): Promise<{ ok: true } | { ok: false; logs: string[] }> {
    const deadline = Date.now() + RESTART_TIMEOUT_MS;
    while (Date.now() < deadline) {
      const state = restartState(before, await this.apiserverContainers());
      if (state.kind === 'exited') return { ok: false, logs: await this.apiserverLogs(state.id) };
      if (state.kind === 'running' && (await this.waitReady(2000))) return { ok: true };
      await sleep(500);
    }
    return { ok: false, logs: await this.apiserverLogs() };
  }

  async switchPolicy(policy: PolicyToInstall): Promise<void> {
    this.assertUsable();
    const verdict = policyVerdict(policy.file, this.kubeVersion);
    if (verdict) throw verdict;
    if (sha256(policy.withSentinel) === this.policySha) {
      this.currentPolicy = resolve(policy.file);
      return;
    }
    await this.restartApiserver(policy, { text: await readFile(this.workspace.policyFile, 'utf8'), sha256: this.policySha });
    this.currentPolicy = resolve(policy.file);
    await this.saveRecord();
  }

  async send(request: HttpRequest, options: SendOptions): Promise<SentResponse> {
    this.assertUsable();
    const credentials = credentialsFor(request.identity);
    const agent = await this.agents.for(credentials.clientCertificate);
    const headers: Record<string, string | string[]> = { ...credentials.headers, 'audit-id': options.auditID };
    if (options.body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
    return sendHttps(
      { host: this.endpoint.host, port: this.endpoint.port, agent },
      { method: request.method, path: request.url, headers, body: options.body },
    );
  }

  async readNewEvents(): Promise<AuditEvent[]> {
    this.assertUsable();
    return this.logReader ? this.logReader.readNew() : [];
  }

  private async saveRecord(): Promise<void> {
    if (!this.reuse) return;
    await writeRecord(this.workspace, {
      createdBy: 'auditspec',
      clusterName: this.name,
      nodeImage: this.image,
      configSha256: sha256(
        renderKindConfig({ clusterName: this.name, nodeImage: this.image, policyDir: this.workspace.policyDir, auditLogDir: this.workspace.auditLogDir }),
      ),
      policySha256: this.policySha,
    });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.agents?.destroy();
    await this.logReader?.close();
    if (this.reuse) {
      this.log(`kind: keeping cluster "${this.name}" for the next run (--reuse); delete it with: ${this.kind} delete cluster --name ${this.name}`);
      return;
    }
    if (this.retained) {
      this.unregisterEmergencyStop?.();
      this.log(`kind: keeping the failed cluster "${this.name}" (AUDITSPEC_KIND_RETAIN); delete it with: ${this.kind} delete cluster --name ${this.name}`);
      return;
    }
    // The exit/signal cleanup stays registered until the cluster is gone: a
    // runner that exits while this deletion is under way (Vitest on Ctrl-C
    // tears down and exits) still deletes it synchronously.
    if (this.created || this.creating) {
      const result = await this.run(this.kind, ['delete', 'cluster', '--name', this.name], { timeoutMs: 180_000, env: this.kindEnv });
      if (result.code !== 0) this.log(`kind: could not delete cluster "${this.name}": ${tail(result.stderr).join(' | ')}`);
    }
    if (this.ownsNetwork) {
      // Fails, and stays, while another cluster uses it.
      await this.run('docker', ['network', 'rm', KIND_NETWORK], { timeoutMs: 60_000 });
    }
    await rm(this.workspace.root, { recursive: true, force: true, maxRetries: 3 }).catch((err: Error) => {
      this.log(`kind: could not remove ${this.workspace.root}: ${err.message}`);
    });
    this.unregisterEmergencyStop?.();
  }

  private assertUsable(): void {
    if (this.stopped) throw new ClusterError(`the kind cluster "${this.name}" session has been stopped`);
  }
}
