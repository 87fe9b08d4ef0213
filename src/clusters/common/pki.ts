// The one certificate authority every backend uses: a CA auditspec makes for a
// run (local and containers backends, the audit webhook receiver; ECDSA P-256,
// made with node:crypto's WebCrypto and encoded by @peculiar/x509, so no
// openssl is needed), or a cluster's own CA given as PEM (kind's, read from its
// node: RSA or ECDSA, PKCS#1, SEC1 or PKCS#8). It issues kube-apiserver's
// serving certificate and the client certificates of every identity a spec
// names. Keys of issued certificates are ECDSA P-256 whatever the CA's type.
import 'reflect-metadata';
import { createPrivateKey, randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { ClientCertificateSubject } from './identity.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKey = webcrypto.CryptoKey;

export interface PemPair {
  cert: string;
  key: string;
}

const LEAF_KEY = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const BACKDATE_MS = 60 * 60 * 1000;
const VALIDITY_MS = 7 * 24 * 60 * 60 * 1000;

type SigningAlgorithm = { name: 'ECDSA'; hash: string } | { name: 'RSASSA-PKCS1-v1_5'; hash: string };

function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f;
  return bytes.toString('hex');
}

function validity(): { notBefore: Date; notAfter: Date } {
  const now = Date.now();
  return { notBefore: new Date(now - BACKDATE_MS), notAfter: new Date(now + VALIDITY_MS) };
}

function pkcs8Pem(der: ArrayBuffer | Buffer): string {
  const b64 = Buffer.from(der as ArrayBuffer).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n');
  return `-----BEGIN PRIVATE KEY-----\n${b64}-----END PRIVATE KEY-----\n`;
}

const CURVES: Record<string, { curve: string; hash: string }> = {
  prime256v1: { curve: 'P-256', hash: 'SHA-256' },
  secp384r1: { curve: 'P-384', hash: 'SHA-384' },
  secp521r1: { curve: 'P-521', hash: 'SHA-512' },
};

/** A PEM private key as a WebCrypto signing key, with the algorithm to sign with. */
async function importSigningKey(pem: string): Promise<{ key: CryptoKey; algorithm: SigningAlgorithm }> {
  const keyObject = createPrivateKey(pem);
  const der = keyObject.export({ type: 'pkcs8', format: 'der' });
  if (keyObject.asymmetricKeyType === 'rsa') {
    const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
    const key = await webcrypto.subtle.importKey('pkcs8', der, algorithm, false, ['sign']);
    return { key, algorithm };
  }
  if (keyObject.asymmetricKeyType === 'ec') {
    const named = CURVES[keyObject.asymmetricKeyDetails?.namedCurve ?? ''];
    if (!named) throw new Error(`unsupported CA key curve ${keyObject.asymmetricKeyDetails?.namedCurve}`);
    const key = await webcrypto.subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve: named.curve }, false, ['sign']);
    return { key, algorithm: { name: 'ECDSA', hash: named.hash } };
  }
  throw new Error(`unsupported CA key type ${keyObject.asymmetricKeyType}`);
}

/** Where auditspec's own kube-apiservers are reached (and the name clients verify). */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', 'kubernetes.default.svc'];

export class CertificateAuthority {
  private readonly clientCache = new Map<string, Promise<PemPair>>();

  private constructor(
    private readonly certificate: x509.X509Certificate,
    private readonly signingKey: CryptoKey,
    private readonly algorithm: SigningAlgorithm,
    /** The CA certificate and key, PEM. */
    readonly pem: PemPair,
  ) {}

  static async fromPem(cert: string, key: string): Promise<CertificateAuthority> {
    const certificate = new x509.X509Certificate(cert);
    const { key: signingKey, algorithm } = await importSigningKey(key);
    return new CertificateAuthority(certificate, signingKey, algorithm, { cert: certificate.toString('pem'), key });
  }

  /** A new self-signed ECDSA P-256 CA. */
  static async create(commonName: string): Promise<CertificateAuthority> {
    const keys = (await webcrypto.subtle.generateKey({ ...LEAF_KEY }, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const certificate = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: serial(),
      name: [{ CN: [commonName] }],
      ...validity(),
      keys,
      signingAlgorithm: { ...LEAF_KEY, hash: 'SHA-256' },
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    const pem = {
      cert: certificate.toString('pem'),
      key: pkcs8Pem(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)),
    };
    return CertificateAuthority.fromPem(pem.cert, pem.key);
  }

  /** The CA certificate, PEM. */
  get certificatePem(): string {
    return this.pem.cert;
  }

  private async issue(subject: x509.JsonName, extensions: x509.Extension[]): Promise<PemPair> {
    const keys = (await webcrypto.subtle.generateKey({ ...LEAF_KEY }, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject,
      issuer: this.certificate.subjectName,
      ...validity(),
      publicKey: keys.publicKey,
      signingKey: this.signingKey,
      signingAlgorithm: this.algorithm,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        await x509.AuthorityKeyIdentifierExtension.create(this.certificate, false),
        ...extensions,
      ],
    });
    return { cert: cert.toString('pem'), key: pkcs8Pem(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)) };
  }

  /** A serving certificate for these host names and IP addresses. */
  serving(commonName: string, hosts: readonly string[] = LOOPBACK_HOSTS): Promise<PemPair> {
    const names = hosts.map((host) => (isIpAddress(host) ? { type: 'ip' as const, value: host } : { type: 'dns' as const, value: host }));
    return this.issue([{ CN: [commonName] }], [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names),
    ]);
  }

  /** A client certificate kube-apiserver reads as user = CN, groups = O in order. Cached per subject. */
  client(subject: ClientCertificateSubject): Promise<PemPair> {
    const cacheKey = JSON.stringify([subject.commonName, subject.organizations]);
    let pending = this.clientCache.get(cacheKey);
    if (!pending) {
      pending = this.issue(
        [...subject.organizations.map((o) => ({ O: [o] })), { CN: [subject.commonName] }],
        [
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
        ],
      );
      this.clientCache.set(cacheKey, pending);
      pending.catch(() => this.clientCache.delete(cacheKey));
    }
    return pending;
  }
}

export function isIpAddress(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');
}

/** A PKCS#10 request for a client certificate (the CertificateSigningRequest API's input), with its new key. */
export async function clientCertificateRequest(subject: ClientCertificateSubject): Promise<{ csrPem: string; key: string }> {
  const keys = (await webcrypto.subtle.generateKey({ ...LEAF_KEY }, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: [...subject.organizations.map((o) => ({ O: [o] })), { CN: [subject.commonName] }],
    keys,
    signingAlgorithm: { ...LEAF_KEY, hash: 'SHA-256' },
  });
  return { csrPem: csr.toString('pem'), key: pkcs8Pem(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)) };
}
