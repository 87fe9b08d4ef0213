import { X509Certificate, createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CertificateAuthority } from '../../../src/clusters/local/pki.js';

describe('CertificateAuthority', async () => {
  const ca = await CertificateAuthority.create('auditspec-test-ca');
  const caCert = new X509Certificate(ca.pem.cert);

  it('is a self-signed CA', () => {
    expect(caCert.ca).toBe(true);
    expect(caCert.verify(caCert.publicKey)).toBe(true);
    expect(createPrivateKey(ca.pem.key).asymmetricKeyType).toBe('ec');
  });

  it('mints client certificates with CN = user and one O per group, in order', async () => {
    const pair = await ca.client({ commonName: 'system:serviceaccount:ns:sa', organizations: ['b', 'a,comma'] });
    const cert = new X509Certificate(pair.cert);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.checkIssued(caCert)).toBe(true);
    // Node prints RFC 4514 escapes; the value itself is "a,comma" (the e2e identities test shows kube-apiserver reads it so).
    expect(cert.subject.split('\n')).toEqual(['O=b', 'O=a\\,comma', 'CN=system:serviceaccount:ns:sa']);
    expect(cert.keyUsage).toContain('1.3.6.1.5.5.7.3.2'); // clientAuth
    expect(cert.ca).toBe(false);
    expect(await ca.client({ commonName: 'system:serviceaccount:ns:sa', organizations: ['b', 'a,comma'] })).toBe(pair);
  });

  it('serves on the loopback address', async () => {
    const cert = new X509Certificate((await ca.serving('kube-apiserver')).cert);
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.keyUsage).toContain('1.3.6.1.5.5.7.3.1'); // serverAuth
  });
});
