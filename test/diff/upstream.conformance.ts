// The diff judged by kube-apiserver's own code (go/oracle: upstream's policy
// loader, RequestInfo resolver and evaluator). For random policy pairs, every
// request over a small alphabet is decided by upstream under both policies: the
// diff must report a change exactly when upstream's outcomes differ somewhere,
// and each such request must lie in the reported class of upstream's own rule
// pair. Every example, sent as the HTTP request it is reported as, must be
// resolved and decided by upstream exactly as reported.
//
// Generative and behind the Go oracle (5 to 10 s warm, minutes on a cold Go
// cache): part of CI's conformance step (`npx vitest run --project
// conformance`), not of npm test.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Oracle } from '../../conformance/oracle/index.js';
import type { OracleDecision } from '../../conformance/oracle/index.js';
import { readPolicy } from '../../src/audit/policy/reader.js';
import type { Policy } from '../../src/audit/types.js';
import { diffPolicies, type DecisionSide, type PolicyDiff } from '../../src/diff/diffPolicies.js';
import { regionContains } from '../../src/diff/example.js';
import { partitionChanges } from '../../src/diff/partition.js';
import { parseRequestValue } from '../../src/request/jsonl.js';
import { allRequests, generator, policyText, written } from './generate.js';
import { corpusPath, corpusSkipReason } from '../support/corpus.js';
import { canRunOracle, NO_ORACLE, ORACLE_START_TIMEOUT } from '../conformance/support.js';

const CORPUS = corpusPath('policies');
const corpusMissing = corpusSkipReason('policies');

function load(text: string, file: string): Policy {
  const result = readPolicy(text, { file });
  if (!result.ok) throw result.error;
  return result.policy;
}

function asReported(decision: OracleDecision | undefined) {
  return decision && { level: decision.level, omitStages: decision.omitStages, omitManagedFields: decision.omitManagedFields, ruleIndex: decision.ruleIndex };
}

const reported = (side: DecisionSide) => ({ level: side.level, omitStages: side.omitStages, omitManagedFields: side.omitManagedFields, ruleIndex: side.ruleIndex });

describe.skipIf(!canRunOracle)(`diff judged by upstream (go/oracle)${canRunOracle ? '' : ` (${NO_ORACLE})`}`, () => {
  let oracle: Oracle;
  beforeAll(async () => {
    oracle = await Oracle.start();
  }, ORACLE_START_TIMEOUT);
  afterAll(async () => {
    await oracle?.close();
  });

  /** Each example's HTTP form, resolved and decided by upstream under both policies. */
  async function expectExamplesUpstream(diff: PolicyDiff, oldText: string, newText: string): Promise<void> {
    for (const change of diff.changes) {
      const attributesOld = asReported((await oracle.eval({ policy: oldText }, [change.attributes]))[0]);
      const attributesNew = asReported((await oracle.eval({ policy: newText }, [change.attributes]))[0]);
      expect(attributesOld).toEqual(reported(change.old));
      expect(attributesNew).toEqual(reported(change.new));
      if (change.http === null) continue;
      const parsed = parseRequestValue(change.http);
      if (!parsed.ok) throw new Error(parsed.error);
      const request = { method: parsed.request.http!.method, url: parsed.request.http!.url, identity: parsed.request.http!.identity };
      const [before] = await oracle.resolve([request], { policy: oldText });
      const [after] = await oracle.resolve([request], { policy: newText });
      expect(before.attributes).toEqual(change.attributes);
      expect(asReported(before.decision)).toEqual(reported(change.old));
      expect(asReported(after.decision)).toEqual(reported(change.new));
    }
  }

  it('random pairs: a change is reported exactly where upstream decides differently', async () => {
    const gen = generator(424242);
    const requests = allRequests();
    let changedPairs = 0;
    for (let i = 0; i < 12; i++) {
      const oldText = policyText(gen.spec('old.yaml'));
      const newText = policyText(gen.spec('new.yaml'));
      const oldPolicy = load(oldText, 'old.yaml');
      const newPolicy = load(newText, 'new.yaml');
      const before = await oracle.eval({ policy: oldText }, requests);
      const after = await oracle.eval({ policy: newText }, requests);
      const { classes } = partitionChanges(oldPolicy, newPolicy);
      const byPair = new Map(classes.map((c) => [`${c.oldRule}:${c.newRule}`, c]));
      let upstreamDiffers = false;
      for (const [k, request] of requests.entries()) {
        if (written(before[k]) === written(after[k])) continue;
        upstreamDiffers = true;
        const own = byPair.get(`${before[k].ruleIndex}:${after[k].ruleIndex}`);
        if (!own?.regions.some((region) => regionContains(region, request))) {
          throw new Error(`upstream differs, diff does not: ${JSON.stringify(request)}\nold: ${oldText}\nnew: ${newText}`);
        }
      }
      const diff = diffPolicies(oldPolicy, newPolicy);
      expect(diff.classesChanged > 0).toBe(upstreamDiffers);
      if (upstreamDiffers) changedPairs++;
      await expectExamplesUpstream(diff, oldText, newText);
    }
    expect(changedPairs).toBeGreaterThan(3);
  }, 300_000);

  it.skipIf(corpusMissing !== '')(`corpus pairs: every example is decided by upstream as reported${corpusMissing}`, async () => {
    const names = ['openshift-default.yaml', 'openshift-writerequestbodies.yaml', 'openshift-allrequestbodies.yaml', 'openshift-none.yaml', 'gce-configure-helper-default.yaml', 'kubespray-default.yaml'];
    expect(readdirSync(CORPUS)).toEqual(expect.arrayContaining(names));
    const texts = names.map((name) => readFileSync(join(CORPUS, name), 'utf8'));
    for (const [i, oldText] of texts.entries()) {
      for (const [j, newText] of texts.entries()) {
        if (i === j) continue;
        const diff = diffPolicies(load(oldText, names[i]), load(newText, names[j]));
        await expectExamplesUpstream(diff, oldText, newText);
      }
    }
  }, 300_000);
});
