// Switching the policy of a running kind cluster: kube-apiserver reads its
// policy only when it starts, and on a kind node it is a static pod that the
// kubelet runs from /etc/kubernetes/manifests/kube-apiserver.yaml. auditspec
// rewrites the mounted policy file, then writes the manifest back with an
// annotation carrying the policy's hash: any change to a static pod's manifest
// gives it a new identity, so the kubelet stops the old kube-apiserver and
// starts a new one, which reads the new policy. (Touching the file is not
// enough: an unchanged manifest is the same pod.) Recreating the cluster would
// work too but costs a minute or more; this takes seconds and keeps storage.
import { parseDocument } from 'yaml';

export const APISERVER_MANIFEST = '/etc/kubernetes/manifests/kube-apiserver.yaml';
/** Written outside the manifests directory, then moved in: the kubelet never sees half a file. */
export const MANIFEST_STAGING = '/etc/kubernetes/.auditspec-kube-apiserver.yaml';
export const POLICY_ANNOTATION = 'auditspec.io/policy-sha256';

/** The manifest with the policy annotation set to `hash` (everything else as it was). */
export function annotateManifest(manifest: string, hash: string): string {
  const doc = parseDocument(manifest);
  if (doc.errors.length > 0) throw new Error(`the kube-apiserver manifest is not valid YAML: ${doc.errors[0].message}`);
  if (doc.getIn(['kind']) !== 'Pod') throw new Error('the kube-apiserver manifest is not a Pod');
  doc.setIn(['metadata', 'annotations', POLICY_ANNOTATION], hash);
  return doc.toString();
}

export function manifestPolicyHash(manifest: string): string | undefined {
  const value = parseDocument(manifest).getIn(['metadata', 'annotations', POLICY_ANNOTATION]);
  return typeof value === 'string' ? value : undefined;
}

export interface CriContainer {
  id: string;
  state: string;
  /** Nanoseconds since the epoch, as crictl prints it. */
  createdAt: bigint;
}

/** `crictl ps -a --name kube-apiserver -o json`, newest first. */
export function parseCrictlContainers(json: string): CriContainer[] {
  const parsed = JSON.parse(json) as { containers?: { id?: string; state?: string; createdAt?: string | number }[] };
  return (parsed.containers ?? [])
    .filter((c) => typeof c.id === 'string')
    .map((c) => ({ id: c.id!, state: String(c.state ?? ''), createdAt: BigInt(c.createdAt ?? 0) }))
    .sort((a, b) => (a.createdAt === b.createdAt ? 0 : a.createdAt > b.createdAt ? -1 : 1));
}

export type RestartState = { kind: 'waiting' } | { kind: 'running'; id: string } | { kind: 'exited'; id: string };

/**
 * Where a restart stands, from the containers before it and now: a container
 * that was not there before and runs, once none of the earlier ones runs any
 * more, is the new kube-apiserver; one that exited (with none running) means
 * kube-apiserver refused to start. (The kubelet may start the new pod before
 * the old one has stopped; until then /readyz may still be answered by the old
 * kube-apiserver, with the old policy.)
 */
export function restartState(before: ReadonlySet<string>, now: readonly CriContainer[]): RestartState {
  const fresh = now.filter((c) => !before.has(c.id));
  const running = fresh.find((c) => c.state === 'CONTAINER_RUNNING');
  const oldStillRunning = now.some((c) => before.has(c.id) && c.state === 'CONTAINER_RUNNING');
  if (running && !oldStillRunning) return { kind: 'running', id: running.id };
  const exited = fresh.find((c) => c.state === 'CONTAINER_EXITED');
  if (exited) return { kind: 'exited', id: exited.id };
  return { kind: 'waiting' };
}
