// Client certificates for a cluster whose CA auditspec cannot read: each
// identity's certificate is requested through the CertificateSigningRequest API
// (signer kubernetes.io/kube-apiserver-client), approved by the kubeconfig's
// user and signed by the cluster (kube-controller-manager's signer). The
// request objects are deleted as soon as the certificate is out; certificates
// live one hour.
import { setTimeout as sleep } from 'node:timers/promises';
import type { V1CertificateSigningRequest } from '@kubernetes/client-node';
import type { ClientCertificateSubject } from '../common/identity.js';
import { clientCertificateRequest, type PemPair } from '../common/pki.js';
import { ClusterError } from '../types.js';
import { type KubeconfigClient, statusMessage } from './kubeconfig.js';

export const CLIENT_SIGNER = 'kubernetes.io/kube-apiserver-client';
/** The shortest lifetime the API accepts is 10 minutes; a run rarely needs more than one hour. */
const EXPIRATION_SECONDS = 3600;
const SIGN_TIMEOUT_MS = 60_000;

interface CsrObject {
  metadata?: { name?: string; resourceVersion?: string };
  status?: { certificate?: string; conditions?: { type: string; status?: string; reason?: string; message?: string }[] };
}

const PERMISSIONS =
  'the kubeconfig user needs create/get/delete on certificatesigningrequests, update on certificatesigningrequests/approval, ' +
  `and approve on signers "${CLIENT_SIGNER}" (resource "signers", group certificates.k8s.io)`;

export class CsrCertificateIssuer {
  private readonly cache = new Map<string, Promise<PemPair>>();
  private counter = 0;

  constructor(
    private readonly client: KubeconfigClient,
    /** Distinguishes this run's objects (name prefix and label). */
    private readonly runId: string,
    private readonly signTimeoutMs = SIGN_TIMEOUT_MS,
  ) {}

  certificateFor(subject: ClientCertificateSubject): Promise<PemPair> {
    const key = JSON.stringify([subject.commonName, subject.organizations]);
    let pending = this.cache.get(key);
    if (!pending) {
      pending = this.request(subject);
      this.cache.set(key, pending);
      pending.catch(() => this.cache.delete(key));
    }
    return pending;
  }

  private async request(subject: ClientCertificateSubject): Promise<PemPair> {
    const { csrPem, key } = await clientCertificateRequest(subject);
    const name = `auditspec-${this.runId}-${++this.counter}`;
    const who = `${subject.commonName}${subject.organizations.length > 0 ? ` [${subject.organizations.join(', ')}]` : ''}`;
    const body: V1CertificateSigningRequest = {
      apiVersion: 'certificates.k8s.io/v1',
      kind: 'CertificateSigningRequest',
      metadata: { name, labels: { 'auditspec.io/run': this.runId } },
      spec: {
        request: Buffer.from(csrPem).toString('base64'),
        signerName: CLIENT_SIGNER,
        usages: ['client auth'],
        expirationSeconds: EXPIRATION_SECONDS,
      },
    };
    const created = await this.client.answer((apis) => apis.certificates.createCertificateSigningRequestWithHttpInfo({ body }));
    if (created.status === 403) {
      throw new ClusterError(`cannot request a client certificate for ${who}: ${statusMessage(created.body)} (${PERMISSIONS})`);
    }
    if (created.status !== 201) {
      throw new ClusterError(`cannot request a client certificate for ${who}: HTTP ${created.status} ${statusMessage(created.body)}`);
    }
    try {
      const csr = created.body as CsrObject;
      const approval = {
        ...csr,
        status: {
          ...csr.status,
          conditions: [
            {
              type: 'Approved',
              status: 'True',
              reason: 'AuditspecEndToEnd',
              message: 'identity of an auditspec end-to-end run',
            },
          ],
        },
      };
      const approved = await this.client.answer((apis) =>
        apis.certificates.replaceCertificateSigningRequestApprovalWithHttpInfo({ name, body: approval as V1CertificateSigningRequest }),
      );
      if (approved.status !== 200) {
        throw new ClusterError(`cannot approve the certificate request for ${who}: HTTP ${approved.status} ${statusMessage(approved.body)} (${PERMISSIONS})`);
      }
      const deadline = Date.now() + this.signTimeoutMs;
      for (;;) {
        const current = await this.client.answer((apis) => apis.certificates.readCertificateSigningRequestWithHttpInfo({ name }));
        const status = (current.body as CsrObject)?.status;
        if (status?.certificate) {
          return { cert: Buffer.from(status.certificate, 'base64').toString('utf8'), key };
        }
        const refused = status?.conditions?.find((c) => (c.type === 'Denied' || c.type === 'Failed') && c.status !== 'False');
        if (refused) {
          throw new ClusterError(`the cluster refused the certificate request for ${who}: ${refused.type} ${refused.reason ?? ''} ${refused.message ?? ''}`.trim());
        }
        if (Date.now() > deadline) {
          throw new ClusterError(
            `the certificate request for ${who} was approved but not signed within ${this.signTimeoutMs / 1000}s: ` +
              `this cluster does not seem to sign "${CLIENT_SIGNER}" (kube-controller-manager needs --cluster-signing-cert-file/--cluster-signing-key-file; ` +
              'some managed clusters never sign it). Identities need client certificates: use --cluster kind or local for identity specs.',
          );
        }
        await sleep(250);
      }
    } finally {
      await this.client.answer((apis) => apis.certificates.deleteCertificateSigningRequestWithHttpInfo({ name })).catch(() => undefined);
    }
  }
}
