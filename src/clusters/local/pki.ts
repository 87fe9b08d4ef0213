// The local control plane's certificates: one CA per run (ECDSA P-256, made with
// node:crypto's WebCrypto and encoded by @peculiar/x509, so no openssl is
// needed), a serving certificate for kube-apiserver on 127.0.0.1, and client
// certificates minted on demand for every identity a spec names.
import 'reflect-metadata';
import { randomBytes, webcrypto } from 'node:crypto';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
import * as x509 from '@peculiar/x509';
import type { ClientCertificateSubject } from '../identity.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
/** Backdated so a clock a little behind kube-apiserver's still accepts fresh certificates. */
const BACKDATE_MS = 60 * 60 * 1000;
const VALIDITY_MS = 7 * 24 * 60 * 60 * 1000;

export interface PemPair {
  cert: string;
  key: string;
}

async function keyPair(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END PRIVATE KEY-----\n`;
}

function serial(): string {
  // Positive, 16 bytes: unique enough per run and valid DER.
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f;
  return bytes.toString('hex');
}

function window(): { notBefore: Date; notAfter: Date } {
  const now = Date.now();
  return { notBefore: new Date(now - BACKDATE_MS), notAfter: new Date(now + VALIDITY_MS) };
}

export class CertificateAuthority {
  private readonly clientCache = new Map<string, Promise<PemPair>>();

  private constructor(
    private readonly keys: CryptoKeyPair,
    private readonly certificate: x509.X509Certificate,
    readonly pem: PemPair,
  ) {}

  static async create(commonName: string): Promise<CertificateAuthority> {
    const keys = await keyPair();
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: serial(),
      name: [{ CN: [commonName] }],
      ...window(),
      keys,
      signingAlgorithm: ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    return new CertificateAuthority(keys, cert, { cert: cert.toString('pem'), key: await privateKeyPem(keys.privateKey) });
  }

  private async issue(
    subject: x509.JsonName,
    extensions: x509.Extension[],
  ): Promise<PemPair> {
    const keys = await keyPair();
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject,
      issuer: this.certificate.subjectName,
      ...window(),
      publicKey: keys.publicKey,
      signingKey: this.keys.privateKey,
      signingAlgorithm: ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        await x509.AuthorityKeyIdentifierExtension.create(this.certificate, false),
        ...extensions,
      ],
    });
    return { cert: cert.toString('pem'), key: await privateKeyPem(keys.privateKey) };
  }

  /** kube-apiserver's serving certificate, valid for the loopback addresses it listens on. */
  async serving(commonName: string): Promise<PemPair> {
    return this.issue([{ CN: [commonName] }], [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'ip', value: '127.0.0.1' },
        { type: 'dns', value: 'localhost' },
        { type: 'dns', value: 'kubernetes.default.svc' },
      ]),
    ]);
  }

  /**
   * A client certificate kube-apiserver's x509 authenticator reads as user = CN,
   * groups = O (in order). Cached per subject for the run.
   */
  client(subject: ClientCertificateSubject): Promise<PemPair> {
    const key = JSON.stringify([subject.commonName, subject.organizations]);
    let pending = this.clientCache.get(key);
    if (!pending) {
      const name: x509.JsonName = [
        ...subject.organizations.map((o) => ({ O: [o] })),
        { CN: [subject.commonName] },
      ];
      pending = this.issue(name, [
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
      ]);
      this.clientCache.set(key, pending);
      pending.catch(() => this.clientCache.delete(key));
    }
    return pending;
  }
}
