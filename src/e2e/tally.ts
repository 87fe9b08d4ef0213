// What an end-to-end run proved, counted across all workers. Live, each
// request's logged level and the stages kube-apiserver wrote are compared with
// the offline decision; the deciding rule and managedFields are not in an
// audit event, so those assertions stay proven offline only. Requests with no
// HTTP form (attributes no HTTP request resolves to, as in upstream's test
// matrix) cannot be sent at all and are decided offline only: the run says
// how many.
export interface EndToEndTally {
  /** Sent, and kube-apiserver logged the level and wrote the stages the offline decision predicted. */
  provenLive: number;
  /** Sent, and kube-apiserver wrote something else: a bug in auditspec, failed as such. */
  disagreed: number;
  /** No HTTP request resolves to these attributes: checked offline only. */
  noHttpForm: number;
  /**
   * Judged as another Kubernetes version than the cluster runs (a block's own
   * kubeVersion): the cluster is not the judge of that version, so checked offline only.
   */
  otherVersion: number;
}

export const emptyTally = (): EndToEndTally => ({ provenLive: 0, disagreed: 0, noHttpForm: 0, otherVersion: 0 });

export function addTally(into: EndToEndTally, more: EndToEndTally): void {
  into.provenLive += more.provenLive;
  into.disagreed += more.disagreed;
  into.noHttpForm += more.noHttpForm;
  into.otherVersion += more.otherVersion ?? 0;
}

const requests = (n: number) => `${n} request${n === 1 ? '' : 's'}`;

/** The line an end-to-end run ends with. */
export function formatTally(tally: EndToEndTally, backend: string): string {
  // A run whose files assert nothing about requests (a backend's own tests, a
  // file of describePolicy blocks without expectations) says so rather than
  // "0 requests proven live", which reads like a failure to prove.
  if (tally.provenLive + tally.disagreed + tally.noHttpForm + tally.otherVersion === 0) return `no request was asserted, so none was sent to kube-apiserver (${backend})`;
  const parts = [`${requests(tally.provenLive)} proven live on kube-apiserver (${backend}): the level logged and the stages written, per request`];
  if (tally.disagreed > 0) parts.push(`${requests(tally.disagreed)} where kube-apiserver disagreed with the offline decision (reported as failures)`);
  parts.push(`${requests(tally.noHttpForm)} with no HTTP form, decided offline only`);
  if (tally.otherVersion > 0) parts.push(`${requests(tally.otherVersion)} judged as another Kubernetes version than the cluster's, decided offline only`);
  return parts.join('; ');
}
