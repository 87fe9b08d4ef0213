import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import { loadPolicy } from '../../src/audit/policy/load.js';
import { readPolicy } from '../../src/audit/policy/reader.js';
import type { Policy } from '../../src/audit/types.js';
import { formatReplayText } from '../../src/replay/format.js';
import { replayAuditLogs } from '../../src/replay/replay.js';
import { corpusPath, hasCorpus } from '../support/corpus.js';
import { readFileSync } from 'node:fs';
import { writeSyntheticAuditLog } from '../../bench/syntheticLog.js';

const dir = mkdtempSync(join(tmpdir(), 'auditspec-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileCount = 0;
function logFile(lines: (object | string)[], gzip = false): string {
  const path = join(dir, `audit-${fileCount++}.log`);
  const text = lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';
  writeFileSync(path, gzip ? gzipSync(text) : text);
  return path;
}
function policy(yaml: string): Policy {
  const read = readPolicy(yaml, { file: 'policy.yaml' });
  if (!read.ok) throw new Error(read.error.message);
  return read.policy;
}

type Fields = Record<string, unknown>;
function ev(id: string, stage: string, level: string, fields: Fields): Fields {
  return { kind: 'Event', apiVersion: 'audit.k8s.io/v1', level, auditID: id, stage, ...fields };
}
const alice = { username: 'alice', groups: ['dev', 'system:authenticated'] };
const getSecret = (ns: string) => ({
  requestURI: `/api/v1/namespaces/${ns}/secrets/db`,
  verb: 'get',
  user: alice,
  objectRef: { resource: 'secrets', namespace: ns, name: 'db', apiVersion: 'v1' },
});
const ok = { responseStatus: { metadata: {}, code: 200 } };

const metadataEverything = policy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n');

describe('replayAuditLogs', () => {
  test('one decision per auditID, however the stages of requests interleave', async () => {
    const log = logFile([
      ev('a', 'RequestReceived', 'Metadata', getSecret('prod')),
      ev('b', 'RequestReceived', 'Metadata', getSecret('dev')),
      ev('a', 'ResponseComplete', 'Metadata', { ...getSecret('prod'), ...ok }),
      ev('b', 'ResponseComplete', 'Metadata', { ...getSecret('dev'), ...ok }),
    ]);
    const report = await replayAuditLogs([log], { policy: metadataEverything });
    expect(report.input.events).toBe(4);
    expect(report.input.requests).toBe(2);
    expect(report.transitions.Metadata.Metadata).toBe(2);
    expect(report.window.evicted).toBe(0);
    // Same decision as recorded: the estimate is the log, byte for byte.
    expect(report.volume.total.after).toEqual(report.volume.total.before);
  });

  test('a window too small to hold a request splits it, and says so', async () => {
    const log = logFile([
      ev('a', 'RequestReceived', 'Metadata', getSecret('prod')),
      ev('b', 'RequestReceived', 'Metadata', getSecret('dev')),
      ev('a', 'ResponseComplete', 'Metadata', { ...getSecret('prod'), ...ok }),
      ev('b', 'ResponseComplete', 'Metadata', { ...getSecret('dev'), ...ok }),
    ]);
    const report = await replayAuditLogs([log], { policy: metadataEverything, windowSize: 1 });
    // b pushes a out; a's ResponseComplete then stands alone as a third request.
    expect(report.window.evicted).toBe(1);
    expect(report.input.requests).toBe(3);
  });

  test('an auditID reused for the same stage is another request', async () => {
    const log = logFile([
      ev('same', 'ResponseComplete', 'Metadata', { ...getSecret('a'), ...ok }),
      ev('same', 'ResponseComplete', 'Metadata', { ...getSecret('b'), ...ok }),
    ]);
    // Without ResponseComplete closing requests, the reuse is what separates them.
    const report = await replayAuditLogs([log], { policy: metadataEverything });
    expect(report.input.requests).toBe(2);
  });

  test('transitions, per-rule and per-level counts, top changed classes with examples', async () => {
    const p = policy(`apiVersion: audit.k8s.io/v1
kind: Policy
rules:
- level: None
  namespaces: ["dev"]
- level: RequestResponse
  resources:
  - group: ""
    resources: ["secrets"]
`);
    const lines = [];
    for (let i = 0; i < 5; i++) lines.push(ev(`p${i}`, 'ResponseComplete', 'Metadata', { ...getSecret('prod'), ...ok }));
    for (let i = 0; i < 2; i++) lines.push(ev(`d${i}`, 'ResponseComplete', 'Metadata', { ...getSecret('dev'), ...ok }));
    lines.push(ev('n', 'ResponseComplete', 'Metadata', { requestURI: '/healthz', verb: 'get', user: alice, ...ok }));
    const report = await replayAuditLogs([logFile(lines)], { policy: p });
    expect(report.rules.policy.map((r) => [r.index, r.requests])).toEqual([
      [0, 2],
      [1, 5],
      [null, 1],
    ]);
    expect(report.rules.policy[0].pos).toMatchObject({ file: 'policy.yaml', line: 4 });
    expect(report.levels.before).toEqual({ None: 0, Metadata: 8, Request: 0, RequestResponse: 0 });
    expect(report.levels.after).toEqual({ None: 3, Metadata: 0, Request: 0, RequestResponse: 5 });
    expect(report.transitions.Metadata).toEqual({ None: 3, Metadata: 0, Request: 0, RequestResponse: 5 });
    expect(report.changedRequests).toBe(8);
    expect(report.changedClasses.map((c) => [c.label, c.from, c.to, c.requests, c.examples.length])).toEqual([
      ['alice get core/secrets in prod', 'Metadata', 'RequestResponse', 5, 3],
      ['alice get core/secrets in dev', 'Metadata', 'None', 2, 2],
      ['alice get /healthz', 'Metadata', 'None', 1, 1],
    ]);
    expect(report.changedClasses[0].examples[0]).toMatchObject({ auditID: 'p0', requestURI: '/api/v1/namespaces/prod/secrets/db', line: 1 });
    // None writes nothing; RequestResponse writes RequestReceived and ResponseComplete.
    expect(report.volume.stages.map((s) => s.after.events)).toEqual([5, 0, 5, 0]);
  });

  test('--baseline compares two policies on the same traffic', async () => {
    const log = logFile([ev('a', 'ResponseComplete', 'Metadata', { ...getSecret('prod'), ...ok })]);
    const none = policy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n');
    const report = await replayAuditLogs([log], { policy: metadataEverything, baseline: none });
    expect(report.compareWith).toBe('baseline');
    expect(report.transitions.None.Metadata).toBe(1);
    expect(report.rules.baseline?.[0].requests).toBe(1);
    expect(report.volume.total.before).toEqual({ events: 0, bytes: 0 });
    // Metadata writes RequestReceived (derived) and ResponseComplete (as recorded).
    expect(report.volume.total.after.events).toBe(2);
  });

  test('failed authentication: evaluated with no user, only ResponseStarted is written', async () => {
    const p = policy(`apiVersion: audit.k8s.io/v1
kind: Policy
rules:
- level: None
  userGroups: ["system:authenticated"]
- level: Metadata
`);
    const failed = ev('f', 'ResponseStarted', 'Metadata', {
      requestURI: '/api/v1/namespaces/default/pods',
      verb: 'list',
      user: {},
      objectRef: { resource: 'pods', namespace: 'default', apiVersion: 'v1' },
      responseStatus: { metadata: {}, status: 'Failure', reason: 'Unauthorized', code: 401 },
    });
    const report = await replayAuditLogs([logFile([failed])], { policy: p });
    expect(report.rules.policy[1].requests).toBe(1);
    expect(report.volume.stages.map((s) => [s.stage, s.after.events])).toEqual([
      ['RequestReceived', 0],
      ['ResponseStarted', 1],
      ['ResponseComplete', 0],
      ['Panic', 0],
    ]);
    expect(report.changedClasses).toEqual([]);
  });

  test('malformed lines are counted with their line numbers, never fatal; other JSON is set apart', async () => {
    const log = logFile([
      ev('a', 'ResponseComplete', 'Metadata', { ...getSecret('prod'), ...ok }),
      '{"kind":"Event", truncated',
      '',
      '[1,2,3]',
      ev('b', 'NoSuchStage', 'Metadata', getSecret('prod')),
      { protoPayload: { '@type': 'type.googleapis.com/google.cloud.audit.AuditLog' } },
      ev('c', 'ResponseComplete', 'Metadata', { ...getSecret('prod'), ...ok }),
    ]);
    const report = await replayAuditLogs([log], { policy: metadataEverything, malformedExamples: 2 });
    expect(report.input.events).toBe(2);
    expect(report.input.blankLines).toBe(1);
    expect(report.malformed.count).toBe(2);
    expect(report.malformed.examples.map((e) => e.line)).toEqual([2, 5]);
    expect(report.input.notEvents).toBe(2);
    expect(report.input.notEventExamples.map((e) => e.line)).toEqual([4, 6]);
    expect(formatReplayText(report)).toContain(`${log}:2: not JSON`);
  });

  test('a broken later event of an open request is still reported as malformed', async () => {
    const rr = JSON.stringify(ev('a', 'RequestReceived', 'Metadata', getSecret('prod')));
    const rc = JSON.stringify(ev('a', 'ResponseComplete', 'Metadata', { ...getSecret('prod'), ...ok }));
    const report = await replayAuditLogs([logFile([rr, rc.slice(0, -20)])], { policy: metadataEverything });
    expect(report.input.events).toBe(1);
    expect(report.malformed).toMatchObject({ count: 1, examples: [{ line: 2 }] });
  });

  test('later events read without parsing count exactly as parsed ones', async () => {
    const body = { kind: 'Secret', apiVersion: 'v1', metadata: { name: 'db', managedFields: [{ manager: 'x' }] } };
    const events = [
      ev('a', 'RequestReceived', 'RequestResponse', getSecret('prod')),
      ev('a', 'ResponseComplete', 'RequestResponse', { ...getSecret('prod'), ...ok, responseObject: body, requestReceivedTimestamp: 't', stageTimestamp: 't' }),
    ];
    // The same events with one field moved ahead: no longer kube-apiserver's layout, so every line is parsed.
    const reordered = events.map(({ kind, ...rest }) => ({ ...rest, kind }));
    const p = policy('apiVersion: audit.k8s.io/v1\nkind: Policy\nomitManagedFields: true\nrules:\n- level: Request\n');
    const fast = await replayAuditLogs([logFile(events)], { policy: p });
    const slow = await replayAuditLogs([logFile(reordered)], { policy: p });
    expect(fast.input.events).toBe(2);
    expect(fast.volume.stages.map((s) => s.after)).toEqual(slow.volume.stages.map((s) => s.after));
    expect(fast.transitions).toEqual(slow.transitions);
  });

  test.each([{ lastStageOnly: false }, { lastStageOnly: true }])(
    "kube-apiserver's layout, read partly by position, gives the report a full parse gives (lastStageOnly: $lastStageOnly)",
    async ({ lastStageOnly }) => {
      const goLayout = join(dir, `synthetic-${lastStageOnly}.log`);
      await writeSyntheticAuditLog(goLayout, 3000, { lastStageOnly });
      // Moving "kind" to the end keeps every byte count but leaves kube-apiserver's layout: every line is parsed in full.
      const moved = readFileSync(goLayout, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => {
          const { kind, ...rest } = JSON.parse(l);
          return { ...rest, kind };
        });
      const p = policy(`apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
omitManagedFields: true
rules:
- level: None
  userGroups: ["system:nodes"]
- level: Request
  resources: [{group: "apps"}]
- level: RequestResponse
  verbs: ["create"]
- level: Metadata
`);
      const fast = await replayAuditLogs([goLayout], { policy: p });
      const slow = await replayAuditLogs([logFile(moved)], { policy: p });
      expect(fast.input.events).toBeGreaterThanOrEqual(3000);
      const { input: _a, ...fastRest } = fast;
      const { input: _b, ...slowRest } = slow;
      // Examples name the file; everything else must agree exactly.
      const noFiles = (r: typeof fastRest) => ({ ...r, changedClasses: r.changedClasses.map((c) => ({ ...c, examples: c.examples.map((e) => ({ ...e, file: '' })) })) });
      expect(noFiles(fastRest)).toEqual(noFiles(slowRest));
      expect({ ...fast.input, files: [] }).toEqual({ ...slow.input, files: [] });
    },
    60_000,
  );

  test('a request whose events are split over two files (a rotated log) is one request, decided on its first event', async () => {
    // The first file ends with the request open; its ResponseComplete opens the second.
    // It names another namespace, which would change the decision were it decided again.
    const p = policy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n  namespaces: [dev]\n- level: Metadata\n');
    const first = logFile([ev('a', 'RequestReceived', 'Metadata', getSecret('prod'))]);
    const second = logFile([ev('a', 'ResponseComplete', 'Metadata', { ...getSecret('dev'), ...ok })]);
    const report = await replayAuditLogs([first, second], { policy: p });
    expect(report.input).toMatchObject({ events: 2, requests: 1 });
    expect(report.levels.after).toMatchObject({ Metadata: 1, None: 0 });
    expect(report.volume.stages.find((s) => s.stage === 'ResponseComplete')?.after.events).toBe(1);
  });

  test('a later event at another level than its request goes the ordinary way, yet joins the request', async () => {
    // The shortcut for later events requires the request's recorded level: here it does
    // not hold, so the line is parsed; it is still the same request, not a second one.
    const log = logFile([
      ev('a', 'RequestReceived', 'Metadata', getSecret('prod')),
      ev('a', 'ResponseComplete', 'Request', { ...getSecret('prod'), ...ok }),
    ]);
    const report = await replayAuditLogs([log], { policy: metadataEverything });
    expect(report.input).toMatchObject({ events: 2, requests: 1 });
    expect(report.window.reusedAuditIDs).toBe(0);
  });

  test('gzip logs and plain logs give the same report', async () => {
    const lines = [ev('a', 'RequestReceived', 'Metadata', getSecret('prod')), ev('a', 'ResponseComplete', 'Metadata', { ...getSecret('prod'), ...ok })];
    const plain = await replayAuditLogs([logFile(lines)], { policy: metadataEverything });
    const gz = await replayAuditLogs([logFile(lines, true)], { policy: metadataEverything });
    expect({ ...gz, input: { ...gz.input, files: [] } }).toEqual({ ...plain, input: { ...plain.input, files: [] } });
    expect(gz.input.files[0].gzip).toBe(true);
  });

  test('lowering the level and omitting a stage shrink the estimated volume by what they remove', async () => {
    const body = { kind: 'Secret', apiVersion: 'v1', metadata: { name: 'db' }, data: { password: 'c2VjcmV0' } };
    const rr = ev('a', 'RequestReceived', 'RequestResponse', getSecret('prod'));
    const rc = ev('a', 'ResponseComplete', 'RequestResponse', { ...getSecret('prod'), ...ok, responseObject: body });
    const report = await replayAuditLogs([logFile([rr, rc])], {
      policy: policy('apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: ["RequestReceived"]\nrules:\n- level: Metadata\n'),
    });
    const { responseObject, ...withoutBody } = rc;
    expect(report.volume.stages[0].after).toEqual({ events: 0, bytes: 0 });
    expect(report.volume.stages[2].after).toEqual({ events: 1, bytes: Buffer.byteLength(JSON.stringify(withoutBody)) + 1 });
  });
});

describe.skipIf(!hasCorpus('logs/audit2rbac-demo.log', 'policies/audit2rbac-demo-policy.yaml'))(
  'the corpus (skipped without ../shared/corpus)',
  () => {
    test('audit2rbac-demo.log replayed through the policy that produced it changes nothing', async () => {
      const p = loadPolicy({ file: corpusPath('policies/audit2rbac-demo-policy.yaml') }).policy;
      const report = await replayAuditLogs([corpusPath('logs/audit2rbac-demo.log')], { policy: p });
      expect(report.input.events).toBe(37);
      expect(report.malformed.count).toBe(0);
      expect(report.changedRequests).toBe(0);
      expect(report.transitions.Metadata.Metadata).toBe(report.input.requests);
      expect(report.volume.total.after).toEqual(report.volume.total.before);
      expect(report.volume.stages[2].before.events).toBe(37);
    });

    test('every corpus log against every corpus policy: reports add up, nothing is fatal', async () => {
      const logs = ['logs/audit2rbac-demo.log', 'logs/elastic-integrations-test-audit.log', 'logs/falco-k8s-audit-trace-files.jsonl'];
      const { readdirSync } = await import('node:fs');
      const policies = readdirSync(corpusPath('policies')).filter((f) => f.endsWith('.yaml'));
      expect(policies.length).toBeGreaterThan(10);
      let replayed = 0;
      for (const file of policies) {
        // Some corpus policies are audit.k8s.io/v1beta1, which kube-apiserver 1.36 refuses.
        const read = readPolicy(readFileSync(corpusPath(`policies/${file}`), 'utf8'));
        if (!read.ok) continue;
        replayed++;
        const p = read.policy;
        const report = await replayAuditLogs(logs.map(corpusPath), { policy: p });
        const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
        expect(sum(report.levels.after)).toBe(report.input.requests);
        expect(report.rules.policy.reduce((n, r) => n + r.requests, 0)).toBe(report.input.requests);
        expect(report.input.events + report.malformed.count + report.input.notEvents + report.input.blankLines).toBe(report.input.lines);
        // The GKE entry is not an Event; everything else in these logs is.
        expect(report.input.notEvents).toBe(1);
        expect(report.malformed.count).toBe(0);
      }
      expect(replayed).toBeGreaterThan(10);
    });
  },
);
