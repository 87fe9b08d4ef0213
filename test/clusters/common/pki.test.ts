import 'reflect-metadata';
import { createPrivateKey, generateKeyPairSync, webcrypto, X509Certificate } from 'node:crypto';
import { createServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import * as x509 from '@peculiar/x509';
import { describe, expect, it } from 'vitest';
import { CertificateAuthority } from '../../../src/clusters/common/pki.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** A CA like kubeadm's: RSA 2048, key in PKCS#1 ("BEGIN RSA PRIVATE KEY"). */
async function kubeadmLikeCa(): Promise<{ cert: string; key: string }> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const keys = {
    privateKey: await webcrypto.subtle.importKey('pkcs8', privateKey.export({ type: 'pkcs8', format: 'der' }), alg, true, ['sign']),
    publicKey: await webcrypto.subtle.importKey('spki', publicKey.export({ type: 'spki', format: 'der' }), alg, true, ['verify']),
  };
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=kubernetes',
    notBefore: new Date(Date.now() - 3600_000),
    notAfter: new Date(Date.now() + 3600_000),
    keys,
    signingAlgorithm: alg,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
  });
  return { cert: cert.toString('pem'), key: privateKey.export({ type: 'pkcs1', format: 'pem' }) as string };
}

describe('CertificateAuthority', () => {
  it('issues client certificates from a kubeadm-style RSA CA: CN = user, one O per group, in order', async () => {
    const ca = await kubeadmLikeCa();
    const authority = await CertificateAuthority.fromPem(ca.cert, ca.key);
    const pair = await authority.client({ commonName: 'alice', organizations: ['dev', 'ops'] });
    const cert = new X509Certificate(pair.cert);
    expect(cert.subject.split('\n')).toEqual(['O=dev', 'O=ops', 'CN=alice']);
    expect(cert.verify(new X509Certificate(ca.cert).publicKey)).toBe(true);
    expect(cert.checkIssued(new X509Certificate(ca.cert))).toBe(true);
    expect(await authority.client({ commonName: 'alice', organizations: ['dev', 'ops'] })).toBe(pair);
  });

  it('serves TLS and authenticates clients with what it issues (mutual TLS as kube-apiserver does it)', async () => {
    const authority = await CertificateAuthority.create('test-ca');
    const pem = authority.pem;
    const serving = await authority.serving('server', ['127.0.0.1', 'localhost']);
    const client = await authority.client({ commonName: 'bob', organizations: ['qa'] });
    const server = createServer({ cert: serving.cert, key: serving.key, ca: pem.cert, requestCert: true, rejectUnauthorized: true }, (req, res) => {
      const peer = (req.socket as import('node:tls').TLSSocket).getPeerCertificate();
      res.end(JSON.stringify({ cn: peer.subject.CN, o: peer.subject.O }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const body = await new Promise<string>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port: (server.address() as AddressInfo).port, ca: pem.cert, cert: client.cert, key: client.key },
          (res) => {
            let text = '';
            res.on('data', (c) => (text += c));
            res.on('end', () => resolve(text));
          },
        );
        req.on('error', reject);
        req.end();
      });
      expect(JSON.parse(body)).toEqual({ cn: 'bob', o: 'qa' });
    } finally {
      server.close();
    }
  });
});

describe('a CA made for the run (local and containers backends)', async () => {
  const ca = await CertificateAuthority.create('auditspec-test-ca');
  const caCert = new X509Certificate(ca.pem.cert);

  it('is a self-signed ECDSA CA', () => {
    expect(caCert.ca).toBe(true);
    expect(caCert.verify(caCert.publicKey)).toBe(true);
    expect(createPrivateKey(ca.pem.key).asymmetricKeyType).toBe('ec');
  });

  it('mints client certificates with CN = user and one O per group, in order, once per subject', async () => {
    const pair = await ca.client({ commonName: 'system:serviceaccount:ns:sa', organizations: ['b', 'a,comma'] });
    const cert = new X509Certificate(pair.cert);
    expect(cert.checkIssued(caCert)).toBe(true);
    // Node prints RFC 4514 escapes; the value itself is "a,comma" (the e2e identities test shows kube-apiserver reads it so).
    expect(cert.subject.split('\n')).toEqual(['O=b', 'O=a\\,comma', 'CN=system:serviceaccount:ns:sa']);
    expect(cert.keyUsage).toContain('1.3.6.1.5.5.7.3.2'); // clientAuth
    expect(cert.ca).toBe(false);
    expect(await ca.client({ commonName: 'system:serviceaccount:ns:sa', organizations: ['b', 'a,comma'] })).toBe(pair);
  });

  it('serves on the loopback address by default', async () => {
    const cert = new X509Certificate((await ca.serving('kube-apiserver')).cert);
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.keyUsage).toContain('1.3.6.1.5.5.7.3.1'); // serverAuth
  });
});
