// The staging cluster as its kubeconfig describes it: where kube-apiserver is,
// which CA it presents, and the few administrative calls auditspec makes there
// as the kubeconfig's user (version check, certificate signing requests, the
// impersonation grant), all through @kubernetes/client-node's typed clients —
// client certificates, tokens and exec plugins included.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import {
  ApiException,
  AuthorizationV1Api,
  CertificatesV1Api,
  type HttpInfo,
  KubeConfig,
  RbacAuthorizationV1Api,
  VersionApi,
} from '@kubernetes/client-node';
import { ClusterError } from '../types.js';


export interface ApiEndpoint {
  server: string;
  host: string;
  port: number;
  /** A path the server URL carries (rare; e.g. behind a proxy), without trailing slash. */
  pathPrefix: string;
  /** The CA to trust for kube-apiserver; undefined = the system's. */
  ca?: string;
  /** tls-server-name, or the host when it is a name. */
  servername?: string;
  /** false only for insecure-skip-tls-verify. */
  rejectUnauthorized: boolean;
}

export interface ApiResponse {
  status: number;
  body: unknown;
}

/**
 * The kubeconfig files to read, as kubectl chooses them: the explicit one, else
 * every file $KUBECONFIG lists, else ~/.kube/config.
 */
export function resolveKubeconfigFiles(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
  if (explicit) return [explicit];
  const fromEnv = (env.KUBECONFIG ?? '').split(delimiter).filter((p) => p !== '');
  if (fromEnv.length > 0) return fromEnv;
  return [join(homedir(), '.kube', 'config')];
}

/**
 * Several kubeconfig files merged by kubectl's rules (client-go's
 * clientcmd.ClientConfigLoadingRules): the first file that sets a cluster, a
 * user or a context by some name wins, later ones are ignored for that name,
 * and so is current-context; files that do not exist are skipped (kubectl
 * complains only when none does). @kubernetes/client-node's mergeConfig lets
 * the last file win instead and fails on duplicate names, so it is not used.
 */
function loadMerged(files: readonly string[]): KubeConfig {
  const present = files.filter((f) => existsSync(f));
  if (present.length === 0) {
    throw new ClusterError(
      files.length === 1
        ? `kubeconfig ${files[0]} does not exist (give --kubeconfig or set KUBECONFIG)`
        : `none of the kubeconfig files in KUBECONFIG exists (${files.join(', ')})`,
    );
  }
  const loaded = present.map((file) => {
    const config = new KubeConfig();
    try {
      config.loadFromFile(file);
    } catch (err) {
      throw new ClusterError(`cannot read kubeconfig ${file}: ${(err as Error).message}`);
    }
    return config;
  });
  if (loaded.length === 1) return loaded[0];
  const firstByName = <T extends { name: string }>(lists: T[][]): T[] => {
    const seen = new Map<string, T>();
    for (const item of lists.flat()) if (!seen.has(item.name)) seen.set(item.name, item);
    return [...seen.values()];
  };
  const merged = new KubeConfig();
  merged.loadFromOptions({
    clusters: firstByName(loaded.map((c) => c.getClusters())),
    users: firstByName(loaded.map((c) => c.getUsers())),
    contexts: firstByName(loaded.map((c) => c.getContexts())),
    currentContext: loaded.map((c) => c.getCurrentContext()).find((name) => name !== '' && name !== undefined) ?? '',
  });
  return merged;
}

/** A readable message for a failed connection to kube-apiserver. */
export function describeConnectionError(server: string, err: NodeJS.ErrnoException): string {
  const code = err.code ?? '';
  const cause =
    code === 'ECONNREFUSED'
      ? 'connection refused (nothing listens there)'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'the host name does not resolve'
        : code === 'ETIMEDOUT' || code === 'ETIMEOUT'
          ? 'the connection timed out (firewall, VPN, wrong address?)'
          : code === 'EHOSTUNREACH' || code === 'ENETUNREACH'
            ? 'no route to the host'
            : /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)
              ? `its TLS certificate is not trusted with the kubeconfig's CA (${code})`
              : err.message;
  return `kubeconfig unreachable: cannot reach kube-apiserver at ${server}: ${cause}`;
}

export interface AdminApis {
  version: VersionApi;
  rbac: RbacAuthorizationV1Api;
  authorization: AuthorizationV1Api;
  certificates: CertificatesV1Api;
}

/** An error body as client-node hands it over (often the JSON text), parsed when it is JSON. */
function parseBody(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

export class KubeconfigClient {
  private typed: AdminApis | undefined;

  private constructor(
    private readonly config: KubeConfig,
    readonly endpoint: ApiEndpoint,
    readonly file: string,
    readonly context: string,
  ) {}

  /** `files`: see resolveKubeconfigFiles; several are merged as kubectl merges them. */
  static async load(files: readonly string[], context?: string): Promise<KubeconfigClient> {
    const config = loadMerged(files);
    const file = files.length === 1 ? files[0] : files.join(delimiter);
    if (context) {
      if (!config.getContextObject(context)) {
        throw new ClusterError(`kubeconfig ${file} has no context "${context}" (it has: ${config.getContexts().map((c) => c.name).join(', ') || 'none'})`);
      }
      config.setCurrentContext(context);
    }
    const cluster = config.getCurrentCluster();
    if (!cluster) throw new ClusterError(`kubeconfig ${file}: the current context "${config.getCurrentContext()}" names no cluster`);
    let url: URL;
    try {
      url = new URL(cluster.server);
    } catch {
      throw new ClusterError(`kubeconfig ${file}: cluster "${cluster.name}" has no valid server URL (${cluster.server})`);
    }
    if (url.protocol !== 'https:') throw new ClusterError(`kubeconfig ${file}: auditspec talks to kube-apiserver over https only (${cluster.server})`);
    let ca: string | undefined;
    if (cluster.caData) ca = Buffer.from(cluster.caData, 'base64').toString('utf8');
    else if (cluster.caFile) {
      try {
        ca = await readFile(cluster.caFile, 'utf8');
      } catch (err) {
        throw new ClusterError(`kubeconfig ${file}: cannot read certificate-authority ${cluster.caFile}: ${(err as Error).message}`);
      }
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const endpoint: ApiEndpoint = {
      server: cluster.server,
      host,
      port: url.port ? Number(url.port) : 443,
      pathPrefix: url.pathname.replace(/\/+$/, ''),
      ca,
      servername: cluster.tlsServerName ?? (/^[\d.]+$|:/.test(host) ? undefined : host),
      rejectUnauthorized: !cluster.skipTLSVerify,
    };
    return new KubeconfigClient(config, endpoint, file, config.getCurrentContext());
  }

  /** The typed API clients auditspec needs, as the kubeconfig's user. */
  get apis(): AdminApis {
    this.typed ??= {
      version: this.config.makeApiClient(VersionApi),
      rbac: this.config.makeApiClient(RbacAuthorizationV1Api),
      authorization: this.config.makeApiClient(AuthorizationV1Api),
      certificates: this.config.makeApiClient(CertificatesV1Api),
    };
    return this.typed;
  }

  /**
   * One typed @kubernetes/client-node call, as status and body: an error status
   * is an answer too (callers decide what 403, 404 or 409 mean); a failure to
   * connect or to obtain credentials becomes a ClusterError that says which.
   */
  async answer(call: (apis: AdminApis) => Promise<HttpInfo<unknown>>): Promise<ApiResponse> {
    try {
      const info = await call(this.apis);
      return { status: info.httpStatusCode, body: info.data };
    } catch (err) {
      if (err instanceof ApiException) return { status: err.code, body: parseBody(err.body) };
      const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
      const code = e.code ?? e.cause?.code;
      if (code || /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|certificate|socket hang up|network/i.test(e.message ?? '')) {
        throw new ClusterError(describeConnectionError(this.endpoint.server, { ...e, code, message: e.message }));
      }
      throw new ClusterError(`kubeconfig ${this.file}: cannot obtain credentials for context "${this.context}": ${e.message}`);
    }
  }

  /** Fails with a clear message unless kube-apiserver answers as the kubeconfig's user. */
  async checkReachable(): Promise<string> {
    const res = await this.answer((apis) => apis.version.getCodeWithHttpInfo());
    if (res.status === 401) {
      throw new ClusterError(`kube-apiserver at ${this.endpoint.server} refused the credentials of kubeconfig ${this.file} (context "${this.context}"): HTTP 401`);
    }
    if (res.status !== 200) {
      throw new ClusterError(`kube-apiserver at ${this.endpoint.server} answered GET /version with HTTP ${res.status}: ${statusMessage(res.body)}`);
    }
    return String((res.body as { gitVersion?: string })?.gitVersion ?? 'unknown');
  }
}

/** The message of a Kubernetes Status body, or the body itself. */
export function statusMessage(body: unknown): string {
  const message = (body as { message?: unknown })?.message;
  return typeof message === 'string' ? message : typeof body === 'string' ? body.slice(0, 500) : JSON.stringify(body)?.slice(0, 500) ?? '';
}
