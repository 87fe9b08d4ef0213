// The differential harness's comparison of two versions' answers: every kind
// of disagreement is found, reported once per request, and grouped so that one
// upstream change is one class whatever names and numbers it involves.
import { describe, expect, it } from 'vitest';
import { diffAnswers, differenceSignature } from '../../conformance/differential.js';
import { generateCase } from '../../conformance/generate/case.js';
import type { OracleCaseAnswer, OracleResolved } from '../../conformance/oracle/protocol.js';

const c = generateCase('differential-test', 0, { httpPerCase: 1, attributesPerCase: 1 });
const decision = { level: 'Metadata', omitStages: [], omitManagedFields: false, ruleIndex: 0 };
const resolved: OracleResolved = {
  info: { isResourceRequest: false, path: '/healthz', verb: 'get' } as never,
  attributes: { user: { name: 'alice', groups: ['system:authenticated'] } } as never,
  decision,
};
const answer = (over: Partial<OracleCaseAnswer> = {}): OracleCaseAnswer => ({
  load: { ok: true, rules: 1, strictError: '', policy: { rules: [], omitStages: [], omitManagedFields: false } },
  http: [resolved],
  attributes: [decision],
  ...over,
});

describe('diffAnswers', () => {
  it('finds nothing between equal answers', () => {
    expect(diffAnswers(c, answer(), answer())).toEqual([]);
  });

  it('tells a changed verdict from a changed message', () => {
    const refused = (error: string) => answer({ load: { ok: false, error, strictError: '' }, attributes: null });
    expect(diffAnswers(c, refused('a'), answer()).map((d) => d.kind)).toEqual(['load-verdict']);
    expect(diffAnswers(c, refused('a'), refused('b')).map((d) => d.kind)).toEqual(['load-message']);
  });

  it('reports a request once, at the first stage that differs (RequestInfo before user before decision)', () => {
    const withHttp = (r: Partial<OracleResolved>) => answer({ http: [{ ...resolved, ...r }] });
    expect(diffAnswers(c, answer(), withHttp({ info: { ...resolved.info!, verb: 'list' }, decision: { ...decision, level: 'None' } })).map((d) => d.kind)).toEqual([
      'request-info',
    ]);
    expect(diffAnswers(c, answer(), withHttp({ attributes: { user: { name: 'bob', groups: [] } } as never })).map((d) => d.kind)).toEqual(['user']);
    expect(diffAnswers(c, answer(), withHttp({ decision: { ...decision, ruleIndex: 1 } }))[0]).toMatchObject({ kind: 'decision-http', requestIndex: 0 });
    expect(diffAnswers(c, answer(), answer({ attributes: [{ ...decision, level: 'None' }] })).map((d) => d.kind)).toEqual(['decision-attributes']);
  });

  it('groups differences that differ only in names and numbers', () => {
    const message = (field: string, n: number) => ({ kind: 'load-message' as const, caseIndex: n, older: `rules[${n}].${field}: Invalid value: []string{"a"}`, newer: `rules[${n}].${field}: Invalid value: ["a"]` });
    expect(differenceSignature(message('resourceNames', 1))).toBe(differenceSignature(message('resourceNames', 7)));
    expect(differenceSignature(message('resourceNames', 1))).not.toBe(differenceSignature(message('nonResourceURLs', 1)));
  });
});
