// A synthetic kube-apiserver audit log with the shape of real traffic: node and
// controller reads at Metadata, long-running watches (three stages), writes with
// request/response bodies carrying managed fields, failed authentications (only
// ResponseStarted) and non-resource probes; events of neighbouring requests
// interleave as they do in a real log.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';

type Json = Record<string, unknown>;

const managedFields = [
  { manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'apps/v1', time: '2026-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:annotations': { '.': {}, 'f:kubectl.kubernetes.io/last-applied-configuration': {} } }, 'f:spec': { 'f:replicas': {}, 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } } } } },
];

function deployment(i: number): Json {
  return {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    metadata: { name: `web-${i % 50}`, namespace: `team-${i % 7}`, labels: { app: 'web', tier: 'frontend' }, managedFields },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: `registry.example/web:${i % 13}`, ports: [{ containerPort: 8080 }], resources: { limits: { cpu: '500m', memory: '256Mi' } } }] } },
    },
  };
}

// kube-apiserver's field order for audit.k8s.io/v1 Event, as its JSON encoder writes it.
const FIELD_ORDER = [
  'kind', 'apiVersion', 'level', 'auditID', 'stage', 'requestURI', 'verb', 'user', 'impersonatedUser', 'sourceIPs', 'userAgent',
  'objectRef', 'responseStatus', 'requestObject', 'responseObject', 'requestReceivedTimestamp', 'stageTimestamp', 'annotations',
];

function base(id: string, stage: string, level: string, fields: Json): Json {
  const all: Json = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level,
    auditID: id,
    stage,
    sourceIPs: ['10.0.0.12'],
    userAgent: 'kubelet/v1.36.4 (linux/amd64) kubernetes/abcdef',
    requestReceivedTimestamp: '2026-01-01T00:00:00.000000Z',
    stageTimestamp: '2026-01-01T00:00:00.002000Z',
    ...fields,
  };
  const ordered: Json = {};
  for (const key of FIELD_ORDER) if (all[key] !== undefined) ordered[key] = all[key];
  return ordered;
}

const response = (code: number): Json => ({
  responseStatus: { metadata: {}, code },
  annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': 'RBAC: allowed by ClusterRoleBinding "system:node"' },
});

/** The events of request number i, in the order kube-apiserver writes them. */
function requestEvents(i: number): Json[] {
  const id = `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
  const kind = i % 20;
  if (kind < 9) {
    const node = `node-${i % 300}`;
    const fields = {
      requestURI: `/api/v1/nodes/${node}`,
      verb: 'get',
      user: { username: `system:node:${node}`, groups: ['system:nodes', 'system:authenticated'] },
      objectRef: { resource: 'nodes', name: node, apiVersion: 'v1' },
    };
    return [base(id, 'RequestReceived', 'Metadata', fields), base(id, 'ResponseComplete', 'Metadata', { ...fields, ...response(200) })];
  }
  if (kind < 12) {
    const fields = {
      requestURI: `/api/v1/namespaces/team-${i % 7}/pods?allowWatchBookmarks=true&resourceVersion=${i}&watch=true`,
      verb: 'watch',
      user: { username: 'system:serviceaccount:kube-system:replicaset-controller', groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'] },
      objectRef: { resource: 'pods', namespace: `team-${i % 7}`, apiVersion: 'v1' },
    };
    return [
      base(id, 'RequestReceived', 'Metadata', fields),
      base(id, 'ResponseStarted', 'Metadata', { ...fields, ...response(200) }),
      base(id, 'ResponseComplete', 'Metadata', { ...fields, ...response(200) }),
    ];
  }
  if (kind < 15) {
    const fields = {
      requestURI: `/apis/apps/v1/namespaces/team-${i % 7}/deployments/web-${i % 50}?fieldManager=kubectl-client-side-apply`,
      verb: 'update',
      user: { username: `dev-${i % 11}@example.com`, groups: ['developers', 'system:authenticated'] },
      objectRef: { resource: 'deployments', namespace: `team-${i % 7}`, name: `web-${i % 50}`, apiGroup: 'apps', apiVersion: 'v1' },
    };
    const body = deployment(i);
    return [
      base(id, 'RequestReceived', 'RequestResponse', fields),
      base(id, 'ResponseComplete', 'RequestResponse', { ...fields, ...response(200), requestObject: body, responseObject: body }),
    ];
  }
  if (kind < 17) {
    const fields = {
      requestURI: `/api/v1/namespaces/team-${i % 7}/configmaps`,
      verb: 'create',
      user: { username: 'system:serviceaccount:ci:deployer', groups: ['system:serviceaccounts', 'system:authenticated'] },
      objectRef: { resource: 'configmaps', namespace: `team-${i % 7}`, name: `settings-${i}`, apiVersion: 'v1' },
    };
    const body = { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: `settings-${i}` }, data: { 'app.properties': 'x=1\ny=2\n'.repeat(10) } };
    return [base(id, 'RequestReceived', 'Request', fields), base(id, 'ResponseComplete', 'Request', { ...fields, ...response(201), requestObject: body })];
  }
  if (kind < 18) {
    return [
      base(id, 'ResponseStarted', 'Metadata', {
        requestURI: '/api/v1/namespaces/default/secrets',
        verb: 'list',
        user: {},
        objectRef: { resource: 'secrets', namespace: 'default', apiVersion: 'v1' },
        responseStatus: { metadata: {}, status: 'Failure', message: 'Authentication failed, attempted: bearer', reason: 'Unauthorized', code: 401 },
      }),
    ];
  }
  const fields = {
    requestURI: kind === 18 ? '/healthz' : '/metrics',
    verb: 'get',
    user: { username: 'system:monitoring', groups: ['system:authenticated'] },
  };
  return [base(id, 'RequestReceived', 'Metadata', fields), base(id, 'ResponseComplete', 'Metadata', { ...fields, ...response(200) })];
}

export interface SyntheticLog {
  requests: number;
  events: number;
  bytes: number;
}

export interface SyntheticLogOptions {
  gzip?: boolean;
  /**
   * Write only each request's last event, as under the common omitStages:
   * [RequestReceived] (every line is then a request of its own).
   */
  lastStageOnly?: boolean;
}

/** Writes `requests` requests' events to `path`; the second event of each request comes after the next request's first. */
export async function writeSyntheticAuditLog(path: string, requests: number, options: SyntheticLogOptions = {}): Promise<SyntheticLog> {
  const file = createWriteStream(path);
  const gzip = options.gzip ? createGzip() : undefined;
  if (gzip) gzip.pipe(file);
  const out = gzip ?? file;
  let events = 0;
  let bytes = 0;
  let held: Json[] = [];
  const write = async (event: Json) => {
    const line = `${JSON.stringify(event)}\n`;
    events++;
    bytes += Buffer.byteLength(line);
    if (!out.write(line)) await once(out, 'drain');
  };
  for (let i = 0; i < requests; i++) {
    const all = requestEvents(i);
    const [first, ...rest] = options.lastStageOnly ? all.slice(-1) : all;
    await write(first);
    for (const event of held) await write(event);
    held = rest;
  }
  for (const event of held) await write(event);
  out.end();
  await once(file, 'finish');
  return { requests, events, bytes };
}
