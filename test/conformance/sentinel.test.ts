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

  async function sentinelProblem(text: string): Promise<string | undefined> {
    const original = await oracle.load(text);
    if (!original.ok) return undefined;
    const extended = withSentinelRule(text);
    if (!extended.ok) return undefined; // reported to the user as its own error
    const loaded = await oracle.load(extended.text);
    if (!loaded.ok) return loaded.error;
    if (loaded.rules !== original.rules + 1) return `${loaded.rules} rules, expected ${original.rules + 1}`;
    if (loaded.policy.rules[0].users[0] !== 'auditspec:sentinel') return 'the sentinel is not rule 0';
    if (JSON.stringify(loaded.policy.rules.slice(1)) !== JSON.stringify(original.policy.rules)) return 'the rules after the sentinel differ from the original ones';
    return undefined;
  }

  /**
   * A JSON file with the "rules" key twice: Go's JSON decoder decodes the
   * second list INTO the first one's elements (field by field), so the
   * sentinel goes first in every top-level "rules" list, keeping each rule
   * aligned with the one it merges with.
   */
  it('JSON policy with "rules" twice: the sentinel goes first in both lists, the merged rules stay as they were', async () => {
    const text =
      '{"apiVersion":"audit.k8s.io/v1","kind":"Policy",' +
      '"rules":[{"level":"None","namespaces":["n"]},{"level":"Request","nonResourceURLs":["/x"]}],' +
      '"rules":[{"level":"None","namespaces":["n"]},{"level":"Request","nonResourceURLs":["/x"]}]}\n';
    expect(await sentinelProblem(text)).toBeUndefined();
    const shorter =
      '{"apiVersion":"audit.k8s.io/v1","kind":"Policy",' +
      '"rules":[{"level":"None","namespaces":["n"]},{"level":"Request","nonResourceURLs":["/x"]}],' +
      '"rules":[{"users":["u"]}]}\n';
    expect(await sentinelProblem(shorter)).toBeUndefined();
  });

  it.each([
    ['CR-only line ends', 'apiVersion: audit.k8s.io/v1\rkind: Policy\rrules:\r- level: None\r  users: [a]\r- level: Metadata\r'],
    ['NEL line ends', 'apiVersion: audit.k8s.io/v1\u0085kind: Policy\u0085rules:\u0085  - level: None\u0085    users: [a]\u0085  - level: Metadata\u0085'],
    ['merge keys', 'base: &b\n  rules:\n  - level: None\n    users: [a]\n  - level: Metadata\n<<: *b\napiVersion: audit.k8s.io/v1\nkind: Policy\n'],
    ['a second YAML document', 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n---\nrules:\n- level: None\n'],
  ])('%s: loads with the sentinel first and the same rules after it', async (_, text) => {
    expect((await oracle.load(text)).ok).toBe(true);
    expect(await sentinelProblem(text)).toBeUndefined();
  });

  it('keeps every accepted generated policy loadable, one rule longer', async () => {
    let checked = 0;
    let json = 0;
    const problems: string[] = [];
    for (let i = 0; i < 400; i++) {
      const { policy } = generateCase('sentinel', i);
      const extended = withSentinelRule(policy.text);
      if (!extended.ok) continue;
      const problem = await sentinelProblem(policy.text);
      if ((await oracle.load(policy.text)).ok) {
        checked++;
        if (policy.format === 'json') json++;
      }
      if (problem) problems.push(`case ${i} (${policy.format}): ${problem}`);
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(200);
    expect(json).toBeGreaterThan(20);
  }, 120_000);
});
