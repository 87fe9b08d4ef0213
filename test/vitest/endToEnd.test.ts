// The live comparison behind `--cluster`: each request a matcher decided is
// sent through the installed observer, and what kube-apiserver wrote (level,
// stages) must be what the offline evaluator predicted. Observers here are
// stand-ins for a cluster: one that agrees, one that does not.
import { afterEach, describe, expect, test } from 'vitest';
import type { EndToEndTally } from '../../src/e2e/tally.js';
import { formatTally } from '../../src/e2e/tally.js';
import type { AuditRequest } from '../../src/request/types.js';
import { as } from '../../src/request/builder.js';
import { flushEndToEndChecks } from '../../src/vitest/endToEnd.js';
import { installObserver, type ObservedResult } from '../../src/vitest/observer.js';
import { describePolicy } from '../../src/vitest/policyBinding.js';
import { FIXTURE } from './matchers/support.js';

/** An observer that answers `answer(request)` and keeps the tallies it is given. */
function standIn(answer: (request: AuditRequest) => Omit<ObservedResult, 'auditID' | 'status'>) {
  const tallies: EndToEndTally[] = [];
  const sent: string[] = [];
  installObserver({
    backend: 'stand-in',
    async observe(_policyFile, request) {
      sent.push(request.label);
      return { auditID: 'x', status: 200, ...answer(request) };
    },
    async tally(counts) {
      tallies.push(counts);
    },
  });
  return { tallies, sent };
}

afterEach(() => installObserver(undefined));

const secret = as('alice').get('secrets', 'db', { namespace: 'prod' });
// Attributes only, with verb get and no name: no HTTP request resolves to them.
const noHttpForm = { attributes: { ...secret.attributes, name: '', path: '/api/v1/namespaces/prod/secrets' }, label: 'get secrets without a name' };

describe('the live comparison', () => {
  describePolicy(FIXTURE, () => {
    test('an observer that writes what was predicted: proven live, counted', async () => {
      const { tallies, sent } = standIn(() => ({ level: 'Metadata', stages: ['ResponseComplete'] }));
      expect(secret).toBeLoggedAt('Metadata');
      expect(secret).toWriteStages(['ResponseComplete']);
      await flushEndToEndChecks();
      // Two matchers on one request: sent once.
      expect(sent).toEqual(['alice GET /api/v1/namespaces/prod/secrets/db']);
      expect(tallies).toEqual([{ provenLive: 1, disagreed: 0, noHttpForm: 0, otherVersion: 0 }]);
    });

    test('an observer that disagrees: the comparison fails with both sides and the rule trace', async () => {
      const { tallies } = standIn(() => ({ level: 'RequestResponse', stages: ['ResponseComplete'] }));
      // The spec's own assertion holds offline; the live run is what catches the difference.
      expect(secret).toBeLoggedAt('Metadata');
      const failure = await flushEndToEndChecks().then(
        () => undefined,
        (err: Error) => err.message,
      );
      expect(failure).toBe(
        [
          'auditspec BUG: the offline evaluator disagrees with kube-apiserver (stand-in).',
          'Request:  alice GET /api/v1/namespaces/prod/secrets/db',
          `Policy:   ${FIXTURE}`,
          `Offline:  Metadata, omitting RequestReceived (rule 2 at ${FIXTURE}:12); stages written [ResponseComplete]`,
          'Observed: RequestResponse; stages written [ResponseComplete] (HTTP 200, auditID x)',
          `  ✗ rule 0 None ${FIXTURE}:5  users: user "alice" is not in users ["system:kube-proxy"]`,
          `  ✗ rule 1 Request ${FIXTURE}:8  verbs: verb "get" is not in verbs ["create"]`,
          `  ✓ rule 2 Metadata ${FIXTURE}:12  matches`,
          'Please report this with the policy and request above: kube-apiserver is the judge, so auditspec is wrong here.',
        ].join('\n'),
      );
      expect(tallies).toEqual([{ provenLive: 0, disagreed: 1, noHttpForm: 0, otherVersion: 0 }]);
    });

    test('a stage written that was not predicted fails too', async () => {
      standIn(() => ({ level: 'Metadata', stages: ['RequestReceived', 'ResponseComplete'] }));
      expect(secret).toBeLogged();
      await expect(flushEndToEndChecks()).rejects.toThrow('Observed: Metadata; stages written [RequestReceived, ResponseComplete]');
    });

  });

  describePolicy(
    FIXTURE,
    () => {
      test('a block judged as another version than the cluster runs is decided offline only, not sent, and counted', async () => {
        const { tallies, sent } = standIn(() => ({ level: 'Metadata', stages: ['ResponseComplete'] }));
        expect(secret).toBeLoggedAt('Metadata');
        await flushEndToEndChecks();
        expect(sent).toEqual([]);
        expect(tallies).toEqual([{ provenLive: 0, disagreed: 0, noHttpForm: 0, otherVersion: 1 }]);
      });
    },
    { kubeVersion: '1.33' },
  );

  describePolicy(FIXTURE, () => {
    test('a request with no HTTP form is decided offline only, not sent, and counted', async () => {
      const { tallies, sent } = standIn(() => ({ level: 'Metadata', stages: ['ResponseComplete'] }));
      expect(noHttpForm).toBeLoggedAt('Metadata');
      await flushEndToEndChecks();
      expect(sent).toEqual([]);
      expect(tallies).toEqual([{ provenLive: 0, disagreed: 0, noHttpForm: 1, otherVersion: 0 }]);
    });
  });
});

describe('formatTally', () => {
  test('says what was proven live and what was not', () => {
    expect(formatTally({ provenLive: 512, disagreed: 0, noHttpForm: 106, otherVersion: 0 }, 'local')).toBe(
      '512 requests proven live on kube-apiserver (local): the level logged and the stages written, per request; 106 requests with no HTTP form, decided offline only',
    );
    expect(formatTally({ provenLive: 1, disagreed: 2, noHttpForm: 0, otherVersion: 0 }, 'kind')).toBe(
      '1 request proven live on kube-apiserver (kind): the level logged and the stages written, per request; 2 requests where kube-apiserver disagreed with the offline decision (reported as failures); 0 requests with no HTTP form, decided offline only',
    );
    expect(formatTally({ provenLive: 3, disagreed: 0, noHttpForm: 0, otherVersion: 2 }, 'local')).toBe(
      "3 requests proven live on kube-apiserver (local): the level logged and the stages written, per request; 0 requests with no HTTP form, decided offline only; 2 requests judged as another Kubernetes version than the cluster's, decided offline only",
    );
  });

  test('a run that asserted nothing about requests says so, not "0 requests proven live"', () => {
    expect(formatTally({ provenLive: 0, disagreed: 0, noHttpForm: 0, otherVersion: 0 }, 'local')).toBe('no request was asserted, so none was sent to kube-apiserver (local)');
  });
});
