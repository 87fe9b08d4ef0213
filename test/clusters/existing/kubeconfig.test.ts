import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { CLIENT_SIGNER, CsrCertificateIssuer } from '../../../src/clusters/existing/csr.js';
import { KubeconfigClient, resolveKubeconfigFiles } from '../../../src/clusters/existing/kubeconfig.js';
import { CertificateAuthority, type PemPair } from '../../../src/clusters/common/pki.js';
import { ClusterError } from '../../../src/clusters/types.js';
import { FakeApiserver, TOKEN } from './fakeApiserver.js';


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
    expect(resolveKubeconfigFiles('/x/config', { KUBECONFIG: '/y' })).toEqual(['/x/config']);
    expect(resolveKubeconfigFiles(undefined, { KUBECONFIG: '/a::/b' })).toEqual(['/a', '/b']);
    expect(resolveKubeconfigFiles(undefined, {})).toEqual([expect.stringMatching(/\.kube\/config$/)]);
  });

  it('reaches kube-apiserver as the kubeconfig user', async () => {
    const client = await KubeconfigClient.load([await write('ok', kubeconfig(`https://127.0.0.1:${fake.port}`, fake.ca))]);
    expect(await client.checkReachable()).toBe('v1.36.4');
  });

  it('merges every KUBECONFIG file as kubectl does: the first to name a context, cluster or user, and the first current-context, win', async () => {
    const good = kubeconfig(`https://127.0.0.1:${fake.port}`, fake.ca);
    // Names the same context, cluster and user, but pointing nowhere and with another current-context: ignored.
    const shadowed = await write('shadowed', kubeconfig('https://127.0.0.1:1', fake.ca, 'wrong-token', 'staging').replace('current-context: staging', 'current-context: other'));
    const first = await write('first', good.replace(/current-context: staging\n/, ''));
    const second = await write('second', good);
    const files = resolveKubeconfigFiles(undefined, { KUBECONFIG: [first, join(dir, 'absent'), shadowed, second].join(':') });
    // current-context comes from the first file that sets one (shadowed's "other"), which no file defines...
    await expect(KubeconfigClient.load(files)).rejects.toThrow(/the current context "other" names no cluster/);
    // ...so name one: "staging" is the first file's, reaching the fake with the right token.
    const staging = await KubeconfigClient.load(files, 'staging');
    expect(staging.endpoint.port).toBe(fake.port);
    expect(await staging.checkReachable()).toBe('v1.36.4');
    await expect(KubeconfigClient.load([join(dir, 'absent'), join(dir, 'absent2')])).rejects.toThrow(/none of the kubeconfig files in KUBECONFIG exists/);
  });

  it('explains each way the kubeconfig can fail', async () => {
    await expect(KubeconfigClient.load([join(dir, 'missing')])).rejects.toThrow(/does not exist/);
    const ok = await write('ctx', kubeconfig(`https://127.0.0.1:${fake.port}`, fake.ca));
    await expect(KubeconfigClient.load([ok], 'prod')).rejects.toThrow(/no context "prod" \(it has: staging\)/);
    const plain = await KubeconfigClient.load([await write('http', kubeconfig('http://127.0.0.1:1', fake.ca))]).catch((e: Error) => e);
    expect((plain as Error).message).toMatch(/https only/);
    // Nothing listens on the port once the server is gone.
    const closed = await FakeApiserver.start();
    const port = closed.port;
    await new Promise((r) => closed.server.close(r));
    const refused = await KubeconfigClient.load([await write('refused', kubeconfig(`https://127.0.0.1:${port}`, fake.ca))]);
    await expect(refused.checkReachable()).rejects.toThrow(/kubeconfig unreachable: cannot reach kube-apiserver at https:\/\/127\.0\.0\.1:\d+: connection refused/);
    const { pem: otherCa } = await CertificateAuthority.create('someone-else');
    const untrusted = await KubeconfigClient.load([await write('untrusted', kubeconfig(`https://127.0.0.1:${fake.port}`, otherCa.cert))]);
    await expect(untrusted.checkReachable()).rejects.toThrow(/TLS certificate is not trusted/);
    const badToken = await KubeconfigClient.load([await write('token', kubeconfig(`https://127.0.0.1:${fake.port}`, fake.ca, 'nope'))]);
    await expect(badToken.checkReachable()).rejects.toThrow(/refused the credentials .* HTTP 401/);
  });

  it('gets a client certificate for an identity: requested, approved, signed, and the request deleted', async () => {
    const client = await KubeconfigClient.load([await write('csr', kubeconfig(`https://127.0.0.1:${fake.port}`, fake.ca))]);
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
    const client = await KubeconfigClient.load([await write('refuse', kubeconfig(`https://127.0.0.1:${fake.port}`, fake.ca))]);
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
    const client = await KubeconfigClient.load([await write('nosign', kubeconfig(`https://127.0.0.1:${fake.port}`, fake.ca))]);
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
