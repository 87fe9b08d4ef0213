// Just enough of kube-apiserver for the existing backend's tests: /version,
// the CertificateSigningRequest API with a signer that signs what is approved,
// and, when given a log file, one audit event per request that carries an
// Audit-ID (as kube-apiserver would write it), so a whole run can be faked.
import 'reflect-metadata';
import { appendFileSync } from 'node:fs';
import { createPrivateKey, webcrypto } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import * as x509 from '@peculiar/x509';
import { CertificateAuthority } from '../../../src/clusters/common/pki.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export const TOKEN = 'admin-token';

interface Csr {
  metadata: { name: string };
  spec: { request: string; signerName: string; usages: string[]; expirationSeconds: number };
  status?: { certificate?: string; conditions?: { type: string; status: string }[] };
}

/** Just enough of kube-apiserver's CSR API, with a signer that signs approved requests. */
export class FakeApiserver {
  /** Where to append one audit event per request with an Audit-ID (unset: none). */
  auditLog: string | undefined;
  requests: { method: string; url: string; user?: string }[] = [];
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
    const authority = await CertificateAuthority.create('fake-cluster-ca');
    const pem = authority.pem;
    const serving = await authority.serving('kube-apiserver', ['127.0.0.1']);
    const key = await webcrypto.subtle.importKey(
      'pkcs8',
      createPrivateKey(pem.key).export({ type: 'pkcs8', format: 'der' }),
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['sign'],
    );
    // Ask for client certificates (any issuer): the fake records who sent what.
    const server = createServer({ cert: serving.cert, key: serving.key, requestCert: true, rejectUnauthorized: false });
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
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    const user = peer?.subject?.CN as string | undefined;
    this.requests.push({ method: req.method ?? '', url: req.url ?? '', user });
    const auditID = req.headers['audit-id'];
    if (this.auditLog && typeof auditID === 'string') {
      appendFileSync(this.auditLog, `${JSON.stringify({ kind: 'Event', apiVersion: 'audit.k8s.io/v1', auditID, stage: 'ResponseComplete', level: 'Metadata', user: { username: user ?? 'system:anonymous' } })}\n`);
    }
    const reply = (status: number, value: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    };
    if (!user && req.headers.authorization !== `Bearer ${TOKEN}`) return reply(401, { kind: 'Status', message: 'Unauthorized' });
    if (user) return reply(403, { kind: 'Status', message: 'forbidden' });
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

