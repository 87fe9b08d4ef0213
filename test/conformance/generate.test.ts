import { describe, expect, it } from 'vitest';
import { generateCase } from '../../conformance/generate/case.js';
import { caseRandom, Random } from '../../conformance/generate/random.js';

const withoutRender = (c: ReturnType<typeof generateCase>) => ({ ...c, policy: { ...c.policy, render: undefined } });

describe('conformance generators', () => {
  it('are a pure function of (seed, index)', () => {
    for (const i of [0, 1, 17, 999]) {
      expect(withoutRender(generateCase(7, i))).toEqual(withoutRender(generateCase(7, i)));
    }
    // Generating other cases first changes nothing: each case has its own stream.
    generateCase(7, 5);
    expect(withoutRender(generateCase(7, 17))).toEqual(withoutRender(generateCase('7', 17)));
  });

  it('differ between seeds and between cases', () => {
    const texts = new Set<string>();
    for (let i = 0; i < 50; i++) texts.add(generateCase('a', i).policy.text);
    expect(texts.size).toBeGreaterThan(45);
    expect(generateCase('a', 3).policy.text).not.toBe(generateCase('b', 3).policy.text);
  });

  it('draws uniformly enough', () => {
    const r = new Random('uniform');
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i++) counts[r.int(4)]++;
    for (const n of counts) expect(Math.abs(n - 10_000)).toBeLessThan(500);
    expect(caseRandom(1, 2).next()).toBe(caseRandom(1, 2).next());
  });

  const sample = Array.from({ length: 3000 }, (_, i) => generateCase('coverage', i));
  const constructs = new Set(sample.flatMap((c) => c.policy.constructs));

  it.each([
    'wildcard:star',
    'wildcard:starSub',
    'wildcard:resStar',
    'wildcard:starSlashStar',
    'nonResource:prefix',
    'nonResource:star',
    'namespaces:empty',
    'namespaces:literalStar',
    'users:empty',
    'users:literalStar',
    'verbs:empty',
    'verbs:literalStar',
    'userGroups',
    'userGroups:literalStar',
    'resourceNames',
    'group:star',
    'group:omitted',
    'groupResources:allResources',
    'omitStages:policy',
    'omitStages:rule',
    'omitManagedFields:policy',
    'omitManagedFields:rule',
    'unknownField',
    'misCasedField',
    'duplicateKey',
    'duplicateRule',
    'metadata:extra',
    'bad:level',
    'bad:stage',
    'bad:url',
    'bad:group',
    'bad:resourceNamesWithoutResources',
    'bad:urlsAndResources',
    'bad:zeroRules',
    'bad:apiVersion',
    'bad:kind',
    'bad:wrongType',
    'bad:omitManagedFields',
    'bad:syntax',
    'missing:apiVersion',
    'missing:kind',
    'yaml:trapWord',
    'format:yaml',
    'format:json',
  ])('cover %s', (construct) => {
    expect(constructs).toContain(construct);
  });

  it('write both YAML and JSON, and mostly files that are not broken on purpose', () => {
    const json = sample.filter((c) => c.policy.format === 'json');
    expect(json.length).toBeGreaterThan(300);
    expect(json.filter((c) => c.policy.doc).every((c) => c.policy.text.trimStart().startsWith('{'))).toBe(true);
    const clean = sample.filter((c) => !c.policy.constructs.some((t) => t.startsWith('bad:') || t.startsWith('missing:')));
    expect(clean.length / sample.length).toBeGreaterThan(0.55);
  });

  it('send requests of every shape and identity', () => {
    const http = sample.flatMap((c) => c.http);
    const kinds = new Set(http.map((h) => h.identity.kind));
    expect([...kinds].sort()).toEqual(['anonymous', 'failed-authentication', 'impersonating', 'user']);
    const methods = new Set(http.map((h) => h.method));
    for (const m of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']) expect(methods).toContain(m);
    const urls = http.map((h) => h.url);
    expect(urls.some((u) => u.startsWith('/apis/'))).toBe(true);
    expect(urls.some((u) => /^\/api\/v1\/namespaces\/[^/]+\/pods/.test(u))).toBe(true);
    expect(urls.some((u) => u.includes('/watch/'))).toBe(true);
    expect(urls.some((u) => u.includes('fieldSelector=metadata.name'))).toBe(true);
    expect(urls.some((u) => u.includes('%'))).toBe(true);
    const attributes = sample.flatMap((c) => c.attributes);
    expect(attributes.some((a) => a.user === null)).toBe(true);
    expect(attributes.some((a) => !a.resourceRequest)).toBe(true);
    expect(attributes.some((a) => a.resource === '*')).toBe(true);
  });

  it('send timeouts valid and not, repeated, on long-running and ordinary requests', () => {
    const timed = sample.flatMap((c) => c.http).map((h) => h.url).filter((u) => /[?&]timeout=/.test(u));
    const values = timed.flatMap((u) => [...u.matchAll(/[?&]timeout=([^&]*)/g)].map((m) => m[1]));
    for (const v of ['5s', '1h30m', '0', '-1s', '300ms', 'soon', '10', '1x', '']) expect(values).toContain(v);
    expect(timed.some((u) => (u.match(/[?&]timeout=/g) ?? []).length > 1)).toBe(true);
    expect(timed.some((u) => /[?&]watch/.test(u) || u.includes('/watch/'))).toBe(true);
    expect(timed.some((u) => !/[?&]watch|\/watch\/|\/proxy\//.test(u))).toBe(true);
  });

  it('aim requests at what the policy mentions', () => {
    let aimed = 0;
    let total = 0;
    for (const c of sample) {
      if (c.policy.mentions.users.length === 0) continue;
      for (const a of c.attributes) {
        if (a.user === null) continue;
        total++;
        if (c.policy.mentions.users.includes(a.user.name)) aimed++;
      }
    }
    expect(aimed / total).toBeGreaterThan(0.6);
  });
});
