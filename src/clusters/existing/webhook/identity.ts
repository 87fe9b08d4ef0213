// The receiver's identity must outlive a run: kube-apiserver's
// --audit-webhook-config-file names its URL, trusts its CA and presents its
// token, and a staging cluster is not reconfigured before every run. So the
// certificate, key and token are made once per URL and kept (0600) in a
// directory, beside the kubeconfig kube-apiserver needs.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { CertificateAuthority, type PemPair } from '../../common/pki.js';

export interface ReceiverIdentity {
  url: string;
  cert: string;
  key: string;
  ca: string;
  token: string;
}

export const WEBHOOK_KUBECONFIG_FILE = 'kube-apiserver-audit-webhook.kubeconfig';
const IDENTITY_FILE = 'receiver.json';

/** Generates a CA and a serving certificate for `host` (IP or DNS name; localhost also gets 127.0.0.1). */
export async function generateReceiverTls(host: string): Promise<{ cert: string; key: string; ca: string }> {
  const authority = await CertificateAuthority.create(`auditspec-audit-webhook-ca-${randomBytes(4).toString('hex')}`);
  const pem = authority.pem;
  const hosts = host === 'localhost' || host === '127.0.0.1' ? ['localhost', '127.0.0.1'] : [host];
  const serving: PemPair = await authority.serving('auditspec-audit-webhook', hosts);
  return { cert: serving.cert, key: serving.key, ca: pem.cert };
}

export function defaultWebhookDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME !== '' ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'auditspec', 'webhook');
}

/** The kubeconfig for kube-apiserver's --audit-webhook-config-file. */
export function webhookKubeconfigFor(identity: Pick<ReceiverIdentity, 'url' | 'ca' | 'token'>): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'auditspec', cluster: { server: identity.url, 'certificate-authority-data': Buffer.from(identity.ca).toString('base64') } }],
    users: [{ name: 'kube-apiserver', user: { token: identity.token } }],
    contexts: [{ name: 'auditspec', context: { cluster: 'auditspec', user: 'kube-apiserver' } }],
    'current-context': 'auditspec',
  });
}

/** Reads the identity kept for `url` in `dir`, or makes and keeps a new one; (re)writes the webhook kubeconfig. */
export async function loadOrCreateReceiverIdentity(dir: string, url: string): Promise<{ identity: ReceiverIdentity; kubeconfigFile: string }> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, IDENTITY_FILE);
  let identity: ReceiverIdentity | undefined;
  try {
    const stored = JSON.parse(await readFile(file, 'utf8')) as Partial<ReceiverIdentity>;
    if (stored.url === url && stored.cert && stored.key && stored.ca && stored.token) identity = stored as ReceiverIdentity;
  } catch {
    identity = undefined;
  }
  if (!identity) {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    const tls = await generateReceiverTls(host);
    identity = { url, ...tls, token: randomBytes(24).toString('hex') };
    await writeFile(file, `${JSON.stringify(identity, null, 2)}\n`, { mode: 0o600 });
    await chmod(file, 0o600);
  }
  const kubeconfigFile = join(dir, WEBHOOK_KUBECONFIG_FILE);
  await writeFile(kubeconfigFile, webhookKubeconfigFor(identity), { mode: 0o600 });
  return { identity, kubeconfigFile };
}
