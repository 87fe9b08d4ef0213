import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareCase } from '../../conformance/compare.js';
import type { ConformanceCase } from '../../conformance/generate/case.js';
import { Oracle } from '../../conformance/oracle/index.js';
import { REGRESSIONS, type Regression } from '../../conformance/regressions.js';
import { createSubject } from '../../conformance/subject.js';
import { canRunOracle, NO_ORACLE, ORACLE_START_TIMEOUT } from './support.js';

// Each mismatch the conformance harness found, as a minimal case judged by the
// oracle. Open ones are `it.fails`: they turn red once fixed, to be flipped.

describe.skipIf(!canRunOracle)(`conformance regressions${canRunOracle ? '' : ` (${NO_ORACLE})`}`, () => {
  let oracle: Oracle;
  const subject = createSubject();
  beforeAll(async () => {
    oracle = await Oracle.start();
  }, ORACLE_START_TIMEOUT);
  afterAll(async () => {
    await oracle?.close();
  });

  async function mismatchesOf(r: Regression) {
    const c: ConformanceCase = {
      seed: 'regression',
      index: 0,
      policy: { text: r.policy, format: 'yaml', constructs: [], mentions: {} as never, render: () => r.policy },
      http: r.http ? [r.http] : [],
      attributes: r.attributes ? [r.attributes] : [],
    };
    const answer = await oracle.conformanceCase(
      r.policy,
      c.http.map((h) => ({ method: h.method, url: h.url, identity: h.identity })),
      c.attributes,
    );
    return compareCase(c, answer, subject);
  }

  it('the oracle answers every regression case', async () => {
    for (const r of REGRESSIONS) {
      const answer = await oracle.conformanceCase(
        r.policy,
        r.http ? [{ method: r.http.method, url: r.http.url, identity: r.http.identity }] : [],
        r.attributes ? [r.attributes] : [],
      );
      expect(answer.load).toHaveProperty('ok');
    }
  });

  for (const r of REGRESSIONS) {
    (r.open ? it.fails : it)(`${r.open ? '[open] ' : ''}${r.name} — ${r.owner}`, async () => {
      expect(await mismatchesOf(r)).toEqual([]);
    });
  }
});
