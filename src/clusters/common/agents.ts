// One HTTPS agent per identity, kept alive for the run: kube-apiserver
// authenticates a client certificate once per connection, so each identity
// (CN = user, O = groups) needs connections of its own. Every backend sends
// through these; they differ only in where certificates come from (a CA of the
// run, kind's CA, or CertificateSigningRequests on a staging cluster) and in
// what the server's certificate is checked against.
import { Agent } from 'node:https';
import type { ClientCertificateSubject } from './identity.js';
import type { PemPair } from './pki.js';

export interface ServerTrust {
  /** The CA kube-apiserver's serving certificate chains to; undefined = the system's. */
  ca?: string;
  /** The name its certificate is verified against (auditspec's own clusters: localhost). */
  servername?: string;
  /** false only for a kubeconfig's insecure-skip-tls-verify. */
  rejectUnauthorized?: boolean;
}

export class ClientAgents {
  private readonly agents = new Map<string, Agent>();

  constructor(
    private readonly issue: (subject: ClientCertificateSubject) => Promise<PemPair>,
    private readonly trust: ServerTrust,
  ) {}

  /** The agent presenting `subject`'s client certificate; undefined = none (anonymous, a bearer token). */
  async for(subject: ClientCertificateSubject | undefined): Promise<Agent> {
    const key = subject ? JSON.stringify([subject.commonName, subject.organizations]) : '';
    let agent = this.agents.get(key);
    if (!agent) {
      const pair = subject ? await this.issue(subject) : undefined;
      agent = new Agent({ keepAlive: true, ...this.trust, cert: pair?.cert, key: pair?.key });
      this.agents.set(key, agent);
    }
    return agent;
  }

  /** Closes every connection (kube-apiserver is being replaced or stopped). */
  destroy(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}
