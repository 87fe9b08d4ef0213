import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { anonymous, as, failedAuthentication, serviceAccount } from '../../src/request/builder.js';
import { readAuditRecord, requestFromEvent } from '../../src/request/event.js';
import type { AuditRequest } from '../../src/request/types.js';
import { quote, requestCode } from '../../src/record/requestCode.js';
import { corpusPath, hasCorpus } from '../support/corpus.js';

/** Runs generated code the way a spec would, with the real builder. */
function run(code: string): AuditRequest {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const fn = new Function('as', 'serviceAccount', 'anonymous', 'failedAuthentication', `return (${code});`);
  return fn(as, serviceAccount, anonymous, failedAuthentication) as AuditRequest;
}

describe('quote', () => {
  test('round-trips any text as a single-quoted literal', () => {
    for (const text of ["it's", 'back\\slash', 'line\nbreak', 'ünïcode', '\u2028', '']) {
      expect(new Function(`return ${quote(text)};`)()).toBe(text);
    }
  });
});

describe('requestCode', () => {
  const alice = as('alice', ['dev']);
  const requests: [AuditRequest, RegExp][] = [
    [alice.get('secrets', 'db', { namespace: 'prod' }), /^as\('alice', \['dev'\]\)\.get\('secrets', 'db', \{ namespace: 'prod' \}\)$/],
    [alice.list('pods'), /\.list\('pods'\)$/],
    [alice.watch('configmaps', { namespace: 'a', name: 'cfg' }), /\.watch\('configmaps', \{ namespace: 'a', name: 'cfg' \}\)$/],
    [alice.create('deployments', { namespace: 'a' }), /\.create\('deployments', \{ namespace: 'a' \}\)$/],
    [alice.update('deployments', 'web', { namespace: 'a', version: 'v1' }), /\.update\('deployments', 'web'/],
    [alice.patch('nodes', 'n1'), /\.patch\('nodes', 'n1'\)$/],
    [alice.delete('namespaces', 'old'), /\.delete\('namespaces', 'old'\)$/],
    [alice.deleteCollection('pods', { namespace: 'a' }), /\.deleteCollection\(/],
    [alice.subresource('update', 'deployments', 'web', 'scale', { namespace: 'a' }), /\.subresource\('update', 'deployments', 'web', 'scale'/],
    [alice.exec('web-0', { namespace: 'a' }), /\.exec\('web-0', \{ namespace: 'a' \}\)$/],
    [alice.exec('web-0', { namespace: 'a', websocket: true }), /websocket: true/],
    [alice.logs('web-0', { namespace: 'a' }), /\.logs\('web-0'/],
    [alice.create('widgets', { namespace: 'a', group: 'example.com', version: 'v1' }), /group: 'example.com', version: 'v1'/],
    [serviceAccount('kube-system', 'kube-proxy').watch('endpoints'), /^serviceAccount\('kube-system', 'kube-proxy'\)\.watch\('endpoints'\)$/],
    [anonymous().nonResource('GET', '/healthz'), /^anonymous\(\)\.nonResource\('GET', '\/healthz'\)$/],
    [failedAuthentication().list('pods'), /^failedAuthentication\(\)/],
    [as('root', ['system:masters']).impersonating('bob', ['qa']).get('pods', 'x', { namespace: 'a' }), /\.impersonating\('bob', \['qa'\]\)\.get/],
    [alice.http('GET /api/v1/watch/namespaces/a/pods'), /\.http\('GET \/api\/v1\/watch\/namespaces\/a\/pods'\)$/],
  ];
  test.each(requests.map(([request, pattern]) => ({ label: request.label, request, pattern })))('$label', ({ request, pattern }) => {
    const generated = requestCode(request);
    expect(generated.code).toMatch(pattern);
    const rebuilt = run(generated.code);
    expect(rebuilt.attributes).toEqual(request.attributes);
  });

  test('a user no authenticator can produce (no system:authenticated) is written as attributes', () => {
    const attributes = { ...alice.get('pods', 'x', { namespace: 'a' }).attributes, user: { name: 'alice', groups: ['dev'] } };
    const generated = requestCode({ attributes, label: 'odd' });
    expect(generated.form).toBe('attributes');
    expect(run(generated.code).attributes).toEqual(attributes);
  });

  test.skipIf(!hasCorpus('logs/falco-k8s-audit-trace-files.jsonl'))('every corpus event: the code rebuilds exactly what the policy saw (skipped without ../shared/corpus)', () => {
    const forms = new Set<string>();
    for (const log of ['logs/falco-k8s-audit-trace-files.jsonl', 'logs/audit2rbac-demo.log', 'logs/elastic-integrations-test-audit.log']) {
      for (const line of readFileSync(corpusPath(log), 'utf8').split('\n')) {
        if (line.trim() === '') continue;
        const parsed = JSON.parse(line);
        const read = readAuditRecord(parsed.kind === 'Event' && !('apiVersion' in parsed) ? { ...parsed, apiVersion: 'audit.k8s.io/v1' } : parsed);
        if (!read.ok) continue;
        const request = requestFromEvent(read.event);
        const generated = requestCode(request);
        forms.add(generated.form);
        expect(run(generated.code).attributes, `${log}: ${line.slice(0, 120)}`).toEqual(request.attributes);
      }
    }
    expect(forms.has('builder')).toBe(true);
  });
});
