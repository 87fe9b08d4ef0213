import 'reflect-metadata';
import { createPrivateKey, X509Certificate, webcrypto } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { CLIENT_SIGNER, CsrCertificateIssuer } from '../../../src/clusters/existing/csr.js';
import { KubeconfigClient, resolveKubeconfigPath } from '../../../src/clusters/existing/kubeconfig.js';
import { PemCertificateAuthority, type PemPair } from '../../../src/clusters/issuer.js';
import { ClusterError } from '../../../src/clusters/types.js';

const TOKEN = 'admin-token';

interface Csr {
  metadata: { name: string };
  spec: { request: string; signerName: string; usages: string[]; expirationSeconds: number };
  status?: { certificate?: string; conditions?: { type: string; status: string }[] };
}

/** Just enough of kube-apiserver's CSR API, with a signer that signs approved requests. */
class FakeApiserver {
  readonly csrs = new Map<string, Csr>();
  deleted: string[] = [];
  refuseCreate: string | undefined;
  sign = true;
  private constructor(
    readonly server: Server,
    readonly ca: string,
    private readonly signer: { cert: x509.X509Certificate; key: webcrypto.CryptoKey },
  ) {}

  static async start(): Promise<FakeApiserver> {
    const { authority, pem } = await PemCertificateAuthority.create('fake-cluster-ca');
    const serving = await authority.serving('kube-apiserver', ['127.0.0.1']);
    const key = await webcrypto.subtle.importKey(
      'pkcs8',
      createPrivateKey(pem.key).export({ type: 'pkcs8', format: 'der' }),
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['sign'],
    );
    const server = createServer({ cert: serving.cert, key: serving.key });
    const fake = new FakeApiserver(server, pem.cert, { cert: new x509.X509Certificate(pem.cert), key });
    server.on('request', (req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : undefined;
    const reply = (status: number, value: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    };
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return reply(401, { kind: 'Status', message: 'Unauthorized' });
    const base = '/apis/certificates.k8s.io/v1/certificatesigningrequests';
    if (req.url === '/version') return reply(200, { gitVersion: 'v1.36.4' });
    if (req.method === 'POST' && req.url === base) {
      if (this.refuseCreate) return reply(403, { kind: 'Status', message: this.refuseCreate });
      this.csrs.set(body.metadata.name, body);
      return reply(201, body);
    }
    const match = new RegExp(`^${base}/([^/]+)(/approval)?$`).exec(req.url ?? '');
    const csr = match && this.csrs.get(match[1]);
    if (!match || !csr) return reply(404, { kind: 'Status', message: 'not found' });
    if (req.method === 'PUT' && match[2]) {
      csr.status = body.status;
      if (this.sign && body.status.conditions.some((c: { type: string; status: string }) => c.type === 'Approved' && c.status === 'True')) {
        const request = new x509.Pkcs10CertificateRequest(Buffer.from(csr.spec.request, 'base64').toString());
        const cert = await x509.X509CertificateGenerator.create({
          serialNumber: '01',
          subject: request.subjectName,
          issuer: this.signer.cert.subjectName,
          notBefore: new Date(Date.now() - 60_000),
          notAfter: new Date(Date.now() + csr.spec.expirationSeconds * 1000),
          publicKey: await request.publicKey.export(),
          signingKey: this.signer.key,
          signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
        });
        csr.status = { ...csr.status, certificate: Buffer.from(cert.toString('pem')).toString('base64') };
      }
      return reply(200, csr);
    }
    if (req.method === 'GET') return reply(200, csr);
    if (req.method === 'DELETE') {
      this.csrs.delete(match[1]);
      this.deleted.push(match[1]);
      return reply(200, { kind: 'Status', status: 'Success' });
    }
    return reply(405, {});
  }
}

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

describe('kubeconfig and the CertificateSigningRequest path', () => {
  let dir: string;
  let fake: FakeApiserver;
  const kubeconfig = (server: string, ca: string, token = TOKEN, context = 'staging') =>
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server, 'certificate-authority-data': Buffer.from(ca).toString('base64') } }],
      users: [{ name: 'u', user: { token } }],
      contexts: [{ name: context, context: { cluster: 'c', user: 'u' } }],
      'current-context': context,
    });
  const write = async (name: string, text: string) => {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'auditspec-kubeconfig-'));
    fake = await FakeApiserver.start();
  });
  afterAll(async () => {
    fake?.server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('finds the kubeconfig like kubectl: explicit, then $KUBECONFIG, then ~/.kube/config', () => {
    expect(resolveKubeconfigPath('/x/config', { KUBECONFIG: '/y' })).toBe('/x/config');
    expect(resolveKubeconfigPath(undefined, { KUBECONFIG: '/a:/b' })).toBe('/a');
    expect(resolveKubeconfigPath(undefined, {})).toMatch(/\.kube\/config$/);
  });

  it('reaches kube-apiserver as the kubeconfig user', async () => {
    const client = await KubeconfigClient.load(await write('ok', kubeconfig(`https://127.0.0.1:${fake.port}`, fake.ca)));
    expect(await client.checkReachable()).toBe('v1.36.4');
  });

  it('explains each way the kubeconfig can fail', async () => {
    await expect(KubeconfigClient.load(join(dir, 'missing'))).rejects.toThrow(/does not exist/);
    const ok = await write('ctx', kubeconfig(`https://127.0.0.1:${fake.port}`, fake.ca));
    await expect(KubeconfigClient.load(ok, 'prod')).rejects.toThrow(/no context "prod" \(it has: staging\)/);
    const plain = await KubeconfigClient.load(await write('http', kubeconfig('http://127.0.0.1:1', fake.ca))).catch((e: Error) => e);
    expect((plain as Error).message).toMatch(/https only/);
    // Nothing listens on the port once the server is gone.
    const closed = await FakeApiserver.start();
    const port = closed.port;
    await new Promise((r) => closed.server.close(r));
    const refused = await KubeconfigClient.load(await write('refused', kubeconfig(`https://127.0.0.1:${port}`, fake.ca)));
    await expect(refused.checkReachable()).rejects.toThrow(/kubeconfig unreachable: cannot reach kube-apiserver at https:\/\/127\.0\.0\.1:\d+: connection refused/);
    const { pem: otherCa } = await PemCertificateAuthority.create('someone-else');
    const untrusted = await KubeconfigClient.load(await write('untrusted', kubeconfig(`https://127.0.0.1:${fake.port}`, otherCa.cert)));
    await expect(untrusted.checkReachable()).rejects.toThrow(/TLS certificate is not trusted/);
    const badToken = await KubeconfigClient.load(await write('token', kubeconfig(`https://127.0.0.1:${fake.port}`, fake.ca, 'nope')));
    await expect(badToken.checkReachable()).rejects.toThrow(/refused the credentials .* HTTP 401/);
  });

  it('gets a client certificate for an identity: requested, approved, signed, and the request deleted', async () => {
    const client = await KubeconfigClient.load(await write('csr', kubeconfig(`https://127.0.0.1:${fake.port}`, fake.ca)));
    const issuer = new CsrCertificateIssuer(client, 'run1');
    const pair: PemPair = await issuer.certificateFor({ commonName: 'alice', organizations: ['dev', 'ops'] });
    const cert = new X509Certificate(pair.cert);
    expect(cert.subject.split('\n')).toEqual(['O=dev', 'O=ops', 'CN=alice']);
    expect(cert.checkPrivateKey(createPrivateKey(pair.key))).toBe(true);
    expect(cert.verify(new X509Certificate(fake.ca).publicKey)).toBe(true);
    expect(fake.deleted).toEqual(['auditspec-run1-1']);
    expect(fake.csrs.size).toBe(0);
    // Cached per subject: no second request.
    await issuer.certificateFor({ commonName: 'alice', organizations: ['dev', 'ops'] });
    expect(fake.deleted).toHaveLength(1);
  });

  it('passes the cluster\'s refusal on, with the permissions it needs', async () => {
    const client = await KubeconfigClient.load(await write('refuse', kubeconfig(`https://127.0.0.1:${fake.port}`, fake.ca)));
    fake.refuseCreate = `use of ${CLIENT_SIGNER} signer with system:masters group is not allowed`;
    try {
      const err = await new CsrCertificateIssuer(client, 'run2').certificateFor({ commonName: 'root', organizations: ['system:masters'] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ClusterError);
      expect((err as Error).message).toMatch(/system:masters group is not allowed.*needs create\/get\/delete on certificatesigningrequests/);
    } finally {
      fake.refuseCreate = undefined;
    }
  });

  it('gives up on a cluster that approves but never signs, saying why', async () => {
    const client = await KubeconfigClient.load(await write('nosign', kubeconfig(`https://127.0.0.1:${fake.port}`, fake.ca)));
    fake.sign = false;
    try {
      const err = await new CsrCertificateIssuer(client, 'run3', 600).certificateFor({ commonName: 'bob', organizations: [] }).catch((e: unknown) => e);
      expect((err as Error).message).toMatch(/approved but not signed within 0\.6s: this cluster does not seem to sign "kubernetes\.io\/kube-apiserver-client"/);
      expect(fake.csrs.size).toBe(0);
    } finally {
      fake.sign = true;
    }
  });
});
