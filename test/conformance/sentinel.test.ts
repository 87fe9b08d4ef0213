import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCase } from '../../conformance/generate/case.js';
import { Oracle } from '../../conformance/oracle/index.js';
import { withSentinelRule } from '../../src/e2e/sentinel.js';
import { canRunOracle, NO_ORACLE, ORACLE_START_TIMEOUT } from './support.js';

// The end-to-end runner prepends its sentinel rule to the user's policy text.
// Upstream's loader must accept every such text whenever it accepts the
// user's, with exactly one rule more — YAML or JSON, however it is written.

describe.skipIf(!canRunOracle)(`sentinel rule under upstream's loader${canRunOracle ? '' : ` (${NO_ORACLE})`}`, () => {
  let oracle: Oracle;
  beforeAll(async () => {
    oracle = await Oracle.start();
  }, ORACLE_START_TIMEOUT);
  afterAll(async () => {
    await oracle?.close();
  });

  it('keeps every accepted generated policy loadable, one rule longer', async () => {
    let checked = 0;
    let json = 0;
    const problems: string[] = [];
    for (let i = 0; i < 400; i++) {
      const { policy } = generateCase('sentinel', i);
      const original = await oracle.load(policy.text);
      if (!original.ok) continue;
      const extended = withSentinelRule(policy.text);
      if (!extended.ok) continue; // reported to the user as its own error
      checked++;
      if (policy.format === 'json') json++;
      const loaded = await oracle.load(extended.text);
      if (!loaded.ok) problems.push(`case ${i} (${policy.format}): ${loaded.error}`);
      else if (loaded.rules !== original.rules + 1) problems.push(`case ${i}: ${loaded.rules} rules, expected ${original.rules + 1}`);
      else if (loaded.policy.rules[0].users[0] !== 'auditspec:sentinel') problems.push(`case ${i}: sentinel is not rule 0`);
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(200);
    expect(json).toBeGreaterThan(20);
  }, 120_000);
});
