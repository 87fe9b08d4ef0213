// The local backend: etcd and kube-apiserver as child processes of this
// process, on free loopback ports, with a CA made for the run. Switching to
// another policy restarts kube-apiserver only; etcd and everything stored in it
// stay. When the next policy is known ahead (prepare), its kube-apiserver is
// started beside the running one, on the same etcd, so the switch itself is a
// swap: the pause between the two policies is stopping the old one. A new
// kube-apiserver always starts beside the running one, which is stopped only
// once the new one is ready: a policy kube-apiserver refuses leaves the running
// one in place. Nothing outlives the run: stop() (and, when stop() is never reached,
// exitCleanup and the watchdog) kills the processes and removes the run directory.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isModuleDirectory } from '../../audit/modules/discover.js';
import { loadPolicy } from '../../audit/policy/load.js';
import { policyRefusal, policyVerdict } from '../common/policyVerdict.js';
import { ensureBinaries, type Binaries } from '../../binaries/index.js';
import type { HttpRequest } from '../../request/types.js';
import { sendHttps } from '../common/https.js';
import { credentialsFor } from '../common/identity.js';
import {
  type AuditEvent,
  type Cluster,
  ClusterError,
  type ClusterStartOptions,
  type PolicyToInstall,
  type SendOptions,
  type SentResponse,
} from '../types.js';
import { commandFailure, policyWarnings } from '../common/apiserverOutput.js';
import { ADMIN, AdminClient } from '../common/admin.js';
import { ClientAgents } from '../common/agents.js';
import { RotatingLogTail } from '../common/auditLogTail.js';
import { fillFlags, loadDefinition, withFlag } from '../common/definition.js';
import { registerEmergencyStop } from '../common/exitCleanup.js';
import { CertificateAuthority, type PemPair } from '../common/pki.js';
import { freeLoopbackPorts, isAddressInUse } from './ports.js';
import { SupervisedProcess } from './process.js';
import { PIDS_FILE, startWatchdog } from '../common/watchdog.js';

const LOG_TAIL_LINES = 30;
/** Generous: two cores shared with builds and other test workers. */
const ETCD_READY_TIMEOUT_MS = 60_000;
const APISERVER_READY_TIMEOUT_MS = 120_000;
const PREFLIGHT_TIMEOUT_MS = 60_000;
const PORT_ATTEMPTS = 3;

export interface LocalStartOptions extends ClusterStartOptions {
  /** Already resolved binaries (otherwise ensureBinaries runs). */
  binaries?: Binaries;
  /**
   * Appended to kube-apiserver's flags (the policy check's too), e.g. an audit
   * webhook backend (--audit-webhook-config-file) that the existing backend's
   * webhook receiver is tested against. Flags that change how the policy is
   * applied do not belong here.
   */
  extraApiserverFlags?: readonly string[];
}

export interface LocalTimings {
  /** From start() to kube-apiserver's /readyz answering ok, in ms. */
  coldStartMs?: number;
  /** Each policy switch, in ms. */
  switchMs: number[];
  /** The last start or switch, phase by phase (ms), to see where the time goes. */
  phases: Record<string, number>;
}

interface Apiserver {
  process: SupervisedProcess;
  port: number;
  generation: number;
  auditLog: string;
}

/** A kube-apiserver that did not become ready: why, and whether it exited (rather than timing out). */
interface LaunchFailure {
  error: ClusterError;
  exited: boolean;
}

/** A ready kube-apiserver for a policy, and kube-apiserver's lenient-decoding warnings about the user's file. */
interface Started {
  apiserver: Apiserver;
  warnings: string[];
}

/** A ready kube-apiserver for a policy that is not the current one yet. */
interface Standby extends Started {
  policyFile: string;
}

/** Which policy a standby serves: the user's file and the exact text installed. */
const standbyKey = (policy: PolicyToInstall) => JSON.stringify([resolve(policy.file), policy.withSentinel]);

/** kube-apiservers kept ready ahead at most (each about 270 MiB resident). */
const MAX_STANDBYS = 3;

export class LocalControlPlane implements Cluster {
  readonly backend = 'local';
  readonly timings: LocalTimings = { switchMs: [], phases: {} };
  /** What the running kube-apiserver answers on /version (gitVersion), once started. */
  serverVersion = '';
  /** Lenient-decoding warnings kube-apiserver logged about the current policy. */
  policyWarnings: string[] = [];
  private etcd: SupervisedProcess | undefined;
  private etcdPort = 0;
  private apiserver: Apiserver | undefined;
  /** Policy checks and standby kube-apiservers on their way up: killed with the rest. */
  private readonly helpers = new Set<SupervisedProcess>();
  /** kube-apiservers started ahead (prepare), by the policy they serve (standbyKey), oldest first. */
  private readonly standbys = new Map<string, Promise<Standby | undefined>>();
  private preflights = 0;
  private generation = 0;
  private currentPolicy = '';
  private tail: RotatingLogTail | undefined;
  private agents!: ClientAgents;
  private stopped = false;
  private unregister: () => void = () => {};
  private ca!: CertificateAuthority;
  private admin!: PemPair;
  private pidsWritten: Promise<void> = Promise.resolve();
  private extraApiserverFlags: readonly string[] = [];

  private constructor(
    readonly runDir: string,
    private readonly binaries: Binaries,
    private readonly log: (line: string) => void,
  ) {}

  static async start(policy: PolicyToInstall, options: LocalStartOptions = {}): Promise<LocalControlPlane> {
    const log = options.log ?? (() => {});
    const binaries =
      options.binaries ??
      (await ensureBinaries({ apiserverBin: options.apiserverBin, etcdBin: options.etcdBin, kubeVersion: options.kubeVersion, log }));
    const started = Date.now();
    const runDir = await mkdtemp(join(options.tmpRoot ?? tmpdir(), 'auditspec-local-'));
    const plane = new LocalControlPlane(runDir, binaries, log);
    plane.extraApiserverFlags = options.extraApiserverFlags ?? [];
    plane.unregister = registerEmergencyStop({ runDir, killNow: () => plane.killNow() });
    startWatchdog(runDir);
    try {
      plane.timings.phases = {};
      await plane.phase('pki', () => plane.writePki());
      // Not in parallel with the policy check: kube-apiserver dials etcd (creating its
      // storage factory) before it loads the audit policy.
      await plane.phase('etcd', () => plane.startEtcd());
      await plane.installPolicy(policy);
      plane.timings.coldStartMs = Date.now() - started;
      // Asked of the running server, not taken from the binary's name: the run's log says which release judged.
      plane.serverVersion = await (await plane.adminClient()).serverVersion();
      log(
        `local control plane ready in ${((Date.now() - started) / 1000).toFixed(1)}s: kube-apiserver ${plane.serverVersion}, ` +
          `etcd ${binaries.versions.etcd} (${runDir})`,
      );
      return plane;
    } catch (err) {
      await plane.stop();
      throw err;
    }
  }

  get policyFile(): string {
    return this.currentPolicy;
  }

  get etcdPid(): number | undefined {
    return this.etcd?.pid;
  }

  get apiserverPid(): number | undefined {
    return this.apiserver?.process.pid;
  }

  /** The pid of the standby kube-apiserver for `policy` once it is ready (see prepare); the newest one without `policy`. */
  async standbyPid(policy?: PolicyToInstall): Promise<number | undefined> {
    const ready = policy ? this.standbys.get(standbyKey(policy)) : [...this.standbys.values()].pop();
    return (await ready)?.apiserver.process.pid;
  }

  get apiserverPort(): number | undefined {
    return this.apiserver?.port;
  }

  /** The run's CA certificate (PEM), for clients outside auditspec. */
  get caCertificate(): string {
    return this.ca.pem.cert;
  }

  async switchPolicy(policy: PolicyToInstall): Promise<void> {
    this.assertUsable();
    const started = Date.now();
    this.timings.phases = {};
    await this.installPolicy(policy);
    this.timings.switchMs.push(Date.now() - started);
  }

  async send(request: HttpRequest, options: SendOptions): Promise<SentResponse> {
    this.assertUsable();
    const api = this.apiserver;
    if (!api?.process.running) throw this.crashed('kube-apiserver is not running');
    const credentials = credentialsFor(request.identity);
    const agent = await this.agents.for(credentials.clientCertificate);
    const headers: Record<string, string | string[]> = { ...credentials.headers, 'audit-id': options.auditID };
    if (options.body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
    try {
      return await sendHttps(
        { host: '127.0.0.1', port: api.port, agent },
        { method: request.method, path: request.url, headers, body: options.body },
      );
    } catch (err) {
      if (!api.process.running) throw this.crashed(`kube-apiserver died while answering ${request.method} ${request.url}`);
      throw err;
    }
  }

  async readNewEvents(): Promise<AuditEvent[]> {
    this.assertUsable();
    return this.tail ? this.tail.readNew() : [];
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.agents?.destroy();
    await this.tail?.close().catch(() => {});
    // Nothing here needs a graceful shutdown: the data is thrown away.
    const standbys = [...this.standbys.values()];
    this.standbys.clear();
    await Promise.all([
      ...[...this.helpers].map((p) => p.stop(0)),
      this.apiserver?.process.stop(0),
      ...standbys.map((ready) => ready.then((r) => r?.apiserver.process.stop(0))),
      this.etcd?.stop(0),
    ]);
    await rm(this.runDir, { recursive: true, force: true, maxRetries: 5 });
    this.unregister();
  }

  private async phase<T>(name: string, work: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      return await work();
    } finally {
      this.timings.phases[name] = Date.now() - started;
    }
  }

  /** Starts a child unless the plane was stopped meanwhile (an interrupted start must not spawn after cleanup). */
  private async spawn(name: string, bin: string, flags: string[], env?: Record<string, string>): Promise<SupervisedProcess> {
    if (this.stopped) throw new ClusterError('the local control plane has been stopped');
    const proc = await SupervisedProcess.start(name, bin, flags, { cwd: this.runDir, env: env && { ...process.env, ...env } });
    if (this.stopped) {
      proc.killNow();
      throw new ClusterError('the local control plane has been stopped');
    }
    return proc;
  }

  private killNow(): void {
    this.stopped = true;
    for (const helper of this.helpers) helper.killNow();
    this.apiserver?.process.killNow();
    this.etcd?.killNow();
  }

  private assertUsable(): void {
    if (this.stopped) throw new ClusterError('the local control plane has been stopped');
  }

  private crashed(message: string): ClusterError {
    const api = this.apiserver?.process;
    return new ClusterError(`${message} (${api?.describeExit() ?? 'never started'})`, api?.tail(LOG_TAIL_LINES) ?? []);
  }

  private path(...parts: string[]): string {
    return join(this.runDir, ...parts);
  }

  /** Rewrites the watchdog's pid list; writes are chained so the last one always holds the latest list. */
  private writePids(): Promise<void> {
    this.pidsWritten = this.pidsWritten.then(() => {
      const pids = [this.etcd, this.apiserver?.process, ...this.helpers]
        .filter((p): p is SupervisedProcess => p !== undefined && p.running)
        .map((p) => p.pid);
      return writeFile(this.path(PIDS_FILE), `${pids.join('\n')}\n`);
    });
    return this.pidsWritten;
  }

  private async writePki(): Promise<void> {
    await mkdir(this.path('pki'), { recursive: true });
    this.ca = await CertificateAuthority.create(`auditspec-local-ca-${randomUUID().slice(0, 8)}`);
    this.agents = new ClientAgents((subject) => this.ca.client(subject), { ca: this.ca.certificatePem, servername: 'localhost' });
    const serving = await this.ca.serving('kube-apiserver');
    this.admin = await this.ca.client(ADMIN);
    const sa = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    await Promise.all([
      writeFile(this.path('pki', 'ca.crt'), this.ca.pem.cert),
      writeFile(this.path('pki', 'apiserver.crt'), serving.cert),
      writeFile(this.path('pki', 'apiserver.key'), serving.key, { mode: 0o600 }),
      writeFile(this.path('pki', 'service-account.key'), sa.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 }),
      writeFile(this.path('pki', 'service-account.pub'), sa.publicKey.export({ type: 'spki', format: 'pem' })),
    ]);
  }

  private async startEtcd(): Promise<void> {
    const definition = loadDefinition();
    for (let attempt = 1; ; attempt++) {
      const [client, peer] = await freeLoopbackPorts(2);
      const flags = fillFlags(definition.etcd, { runDir: this.runDir, etcdClientPort: client, etcdPeerPort: peer });
      await rm(this.path('etcd'), { recursive: true, force: true });
      const etcd = await this.spawn('etcd', this.binaries.etcd, flags);
      this.etcd = etcd;
      this.etcdPort = client;
      await this.writePids();
      const healthy = await this.waitUntil(etcd, ETCD_READY_TIMEOUT_MS, async () => {
        const res = await fetch(`http://127.0.0.1:${client}/health`).catch(() => undefined);
        return res?.ok === true && (await res.text()).includes('"health":"true"');
      });
      if (healthy) return;
      if (!etcd.running && isAddressInUse(etcd.output()) && attempt < PORT_ATTEMPTS) continue;
      await etcd.stop(0);
      throw new ClusterError(
        etcd.running ? `etcd did not become healthy within ${ETCD_READY_TIMEOUT_MS / 1000}s` : `etcd failed to start: ${etcd.describeExit()}`,
        etcd.tail(LOG_TAIL_LINES),
      );
    }
  }

  /** Polls `ready` every 100 ms; false when `proc` exits first or time runs out. */
  private async waitUntil(proc: SupervisedProcess, timeoutMs: number, ready: () => Promise<boolean>): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!proc.running) return false;
      if (await ready().catch(() => false)) return true;
      await Promise.race([sleep(100), proc.exited]);
    }
    return false;
  }

  private apiserverFlags(values: { port: number; policyFile: string; auditLogFile: string }): string[] {
    const flags = fillFlags(loadDefinition()['kube-apiserver'], {
      runDir: this.runDir,
      etcdClientPort: this.etcdPort,
      apiserverPort: values.port,
      policyFile: values.policyFile,
      auditLogFile: values.auditLogFile,
    });
    return [...flags, ...this.extraApiserverFlags];
  }

  /**
   * Lets kube-apiserver judge the user's file as written (not the copy with the
   * sentinel, whose rule indices and lines differ), without starting a server:
   * it runs with an admission configuration file that does not exist, which
   * kube-apiserver reads only after it has loaded the audit policy. Exiting
   * with that complaint means the policy loaded; any earlier failure is
   * kube-apiserver's verdict on the policy (or on the setup), in its own words.
   * Run only when the real kube-apiserver (on the copy) exited or warned, to
   * say so in the user's file's terms (see startFor).
   */
  private async preflight(userPolicy: string): Promise<string[]> {
    // Each check its own folder: a standby's check may run beside a switch's.
    const dir = this.path(`preflight-${++this.preflights}`);
    const stopHere = join(dir, 'stop-here-admission-config.yaml');
    await mkdir(dir, { recursive: true });
    // kube-apiserver checks the user's own file; a module directory, the policy composed from it.
    let policyFile = userPolicy;
    if (isModuleDirectory(userPolicy)) {
      const verdict = policyVerdict(userPolicy, this.binaries.release.minor);
      if (verdict) throw verdict;
      policyFile = join(dir, 'composed-policy.yaml');
      await writeFile(policyFile, loadPolicy({ file: userPolicy }).text);
    }
    const [port] = await freeLoopbackPorts(1);
    const flags = withFlag(this.apiserverFlags({ port, policyFile, auditLogFile: join(dir, 'audit.log') }), 'admission-control-config-file', stopHere);
    const proc = await this.spawn('kube-apiserver (policy check)', this.binaries.kubeApiserver, flags, loadDefinition()['kube-apiserver-environment']);
    this.helpers.add(proc);
    await this.writePids();
    const timer = setTimeout(() => proc.killNow(), PREFLIGHT_TIMEOUT_MS);
    await proc.exited;
    clearTimeout(timer);
    this.helpers.delete(proc);
    const output = proc.output();
    const failure = commandFailure(output);
    if (failure?.includes(stopHere)) return policyWarnings(output);
    if (failure && /audit policy/i.test(failure)) {
      throw policyRefusal(failure, userPolicy, this.binaries.release.minor);
    }
    throw new ClusterError(
      `kube-apiserver could not check the audit policy: ${failure ?? proc.describeExit()}`,
      proc.tail(LOG_TAIL_LINES),
    );
  }

  /**
   * Starts a kube-apiserver for `policy` beside the running one (same etcd,
   * its own port and audit log), so that a later switchPolicy to the same
   * policy only swaps them. Up to MAX_STANDBYS at once, several starting
   * together (kube-apiserver's start is mostly waiting); preparing one more
   * stops the oldest. Failures are not reported here: the switch, if it comes,
   * checks and starts the policy itself and reports them.
   */
  prepare(policy: PolicyToInstall): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const key = standbyKey(policy);
    const existing = this.standbys.get(key);
    if (existing) return existing.then(() => {});
    while (this.standbys.size >= MAX_STANDBYS) this.dropStandby(this.standbys.keys().next().value!);
    // Checked after each await: a standby that was dropped meanwhile is stopped, not kept.
    let ready!: Promise<Standby | undefined>;
    ready = (async (): Promise<Standby | undefined> => {
      try {
        const policyFile = resolve(policy.file);
        // A refusal is not judged here (judge: false): the switch starts the policy again and says why.
        const started = await this.startFor(policy, { judge: false });
        if (!started) return undefined;
        if (this.stopped || this.standbys.get(key) !== ready) {
          await started.apiserver.process.stop(0);
          this.helpers.delete(started.apiserver.process);
          return undefined;
        }
        return { ...started, policyFile };
      } catch {
        return undefined;
      }
    })();
    this.standbys.set(key, ready);
    return ready.then(() => {});
  }

  /** Stops the standby kube-apiserver for `key`, if any (in the background: nobody waits on it). */
  private dropStandby(key: string): void {
    const ready = this.standbys.get(key);
    this.standbys.delete(key);
    void ready?.then(async (standby) => {
      if (!standby) return;
      await standby.apiserver.process.stop(0);
      this.helpers.delete(standby.apiserver.process);
    });
  }

  /** The standby for `policy` once it is ready, else undefined (none, or it failed). */
  private async takeStandby(policy: PolicyToInstall): Promise<Standby | undefined> {
    const key = standbyKey(policy);
    const pending = this.standbys.get(key);
    if (!pending) return undefined;
    const ready = await this.phase('standby-wait', () => pending);
    if (this.standbys.get(key) !== pending) return undefined;
    this.standbys.delete(key);
    if (!ready?.apiserver.process.running) return undefined;
    return ready;
  }

  private async writeInstalledPolicy(generation: number, policy: PolicyToInstall): Promise<string> {
    await mkdir(this.path('policies'), { recursive: true });
    await mkdir(this.path('audit'), { recursive: true });
    const file = this.path('policies', `policy-${generation}.yaml`);
    await writeFile(file, policy.withSentinel);
    return file;
  }

  private async installPolicy(policy: PolicyToInstall): Promise<void> {
    const policyFile = resolve(policy.file);
    // Beside the running one, which stays until this one is ready (a refused policy leaves it serving).
    const started = (await this.takeStandby(policy)) ?? (await this.phase('apiserver-ready', () => this.startFor(policy, { judge: true })));
    const { apiserver: next, warnings } = started;
    const previous = this.apiserver;
    if (previous) {
      await this.phase('stop-apiserver', () => previous.process.stop(0));
      this.apiserver = undefined;
      this.agents.destroy();
      await this.tail?.close();
      this.tail = undefined;
    }
    this.apiserver = next;
    this.helpers.delete(next.process);
    await this.writePids();
    this.tail = new RotatingLogTail(next.auditLog);
    this.currentPolicy = policyFile;
    this.policyWarnings = warnings;
    await this.phase('rbac', () => this.ensureImpersonationGrant());
  }

  /**
   * Starts a kube-apiserver for `policy` (the copy with the sentinel) and waits
   * until it is ready; the caller makes it current or keeps it as a standby.
   * kube-apiserver judges the user's own file (preflight) only when needed,
   * which a policy that loads cleanly never does, so it is one kube-apiserver
   * start, not two: when this one exits, the preflight's verdict (a refusal in
   * the user's terms, or a setup problem) is the error, and if the user's file
   * loads after all, this one's failure is; when this one logged lenient-
   * decoding warnings, they name the copy's rule indices, so the preflight
   * says them again for the user's file. The copy only adds a valid first
   * rule, so it warns exactly when the user's file does. `judge: false` (a
   * standby) returns undefined instead of judging a failure.
   */
  private async startFor(policy: PolicyToInstall, options: { judge: true }): Promise<Started>;
  private async startFor(policy: PolicyToInstall, options: { judge: false }): Promise<Started | undefined>;
  private async startFor(policy: PolicyToInstall, options: { judge: boolean }): Promise<Started | undefined> {
    const policyFile = resolve(policy.file);
    // A module directory that auditspec's loader refuses is refused without starting anything (as the preflight does first).
    if (isModuleDirectory(policyFile)) {
      const verdict = policyVerdict(policyFile, this.binaries.release.minor);
      if (verdict) throw verdict;
    }
    const generation = ++this.generation;
    const file = await this.writeInstalledPolicy(generation, policy);
    const launched = await this.launchApiserver(generation, file, this.path('audit', `audit-${generation}.log`));
    if ('error' in launched) {
      if (!options.judge) return undefined;
      if (launched.exited && !this.stopped) await this.phase('preflight', () => this.preflight(policyFile));
      throw launched.error;
    }
    const logged = policyWarnings(launched.process.output());
    const warnings = logged.length === 0 ? [] : await this.phase('preflight', () => this.preflight(policyFile));
    return { apiserver: launched, warnings };
  }

  /** Starts a kube-apiserver and waits until it is ready, or says why it did not. */
  private async launchApiserver(generation: number, policyFile: string, auditLog: string): Promise<Apiserver | LaunchFailure> {
    for (let attempt = 1; ; attempt++) {
      const [port] = await freeLoopbackPorts(1);
      const flags = this.apiserverFlags({ port, policyFile, auditLogFile: auditLog });
      const proc = await this.spawn('kube-apiserver', this.binaries.kubeApiserver, flags, loadDefinition()['kube-apiserver-environment']);
      this.helpers.add(proc);
      await this.writePids();
      const ready = await (await this.adminClient(port)).waitReady(APISERVER_READY_TIMEOUT_MS, () => !proc.running);
      // Stays among the helpers (killed on interruption, listed for the watchdog) until it becomes the current one.
      if (ready) return { process: proc, port, generation, auditLog };
      this.helpers.delete(proc);
      if (!proc.running && isAddressInUse(proc.output()) && attempt < PORT_ATTEMPTS) continue;
      const failure = commandFailure(proc.output());
      const exited = !proc.running;
      await proc.stop(0);
      const error = new ClusterError(
        exited
          ? `kube-apiserver failed to start: ${failure ?? proc.describeExit()}`
          : `kube-apiserver did not become ready within ${APISERVER_READY_TIMEOUT_MS / 1000}s`,
        proc.tail(LOG_TAIL_LINES),
      );
      return { error, exited };
    }
  }

  /** An admin client of the kube-apiserver on `port` (default: the one now running). */
  private adminClient(port = this.apiserver!.port): Promise<AdminClient> {
    return AdminClient.connect({
      server: `https://127.0.0.1:${port}`,
      caPem: this.ca.certificatePem,
      certPem: this.admin.cert,
      keyPem: this.admin.key,
    });
  }

  /** Lets every authenticated caller impersonate (see common/identity.ts), once RBAC says so. */
  private async ensureImpersonationGrant(): Promise<void> {
    try {
      await (await this.adminClient()).grantImpersonationToAll();
    } catch (err) {
      throw new ClusterError((err as Error).message, this.apiserver?.process.tail(LOG_TAIL_LINES));
    }
  }
}
