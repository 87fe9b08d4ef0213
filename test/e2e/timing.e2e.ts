// Measures (does not assert) how long the local control plane takes: targets are
// ready ≤ 20 s cold and a policy switch ≤ 5 s on two cores. Printed for the record.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LocalControlPlane } from '../../src/clusters/local/index.js';
import { withSentinelRule } from '../../src/e2e/sentinel.js';
import { obtainBinaries, writePolicies } from './support.js';

const { binaries, reason } = await obtainBinaries();
const policies = writePolicies({
  a: 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n',
  b: 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Request\n',
});
const install = (file: string) => {
  const s = withSentinelRule(readFileSync(file, 'utf8'));
  if (!s.ok) throw new Error(s.problem);
  return { file, withSentinel: s.text };
};

describe.skipIf(!binaries)(`local control plane timings${reason ? ` — ${reason}` : ''}`, () => {
  it('cold start and policy switches', async () => {
    const plane = await LocalControlPlane.start(install(policies.a), { binaries });
    try {
      const cold = { total: plane.timings.coldStartMs, ...plane.timings.phases };
      const switches: object[] = [];
      for (const file of [policies.b, policies.a, policies.b]) {
        await plane.switchPolicy(install(file));
        switches.push({ total: plane.timings.switchMs.at(-1), ...plane.timings.phases });
      }
      process.stderr.write(`local control plane timings (ms): cold ${JSON.stringify(cold)}\n`);
      for (const s of switches) process.stderr.write(`  switch ${JSON.stringify(s)}\n`);
      expect(plane.timings.switchMs).toHaveLength(3);
    } finally {
      await plane.stop();
    }
  });
});
