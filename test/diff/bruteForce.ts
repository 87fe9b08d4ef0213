// The diff against brute force (shared by bruteForce.test.ts, a small batch in
// npm test, and bruteForce.conformance.ts, a large one in CI's conformance step):
// random small policy pairs over a small alphabet,
// every request over that alphabet plus "other" values evaluated with the
// evaluator under both policies. The diff must report a change exactly when some
// request's written outcome differs, every such request must lie in a reported
// class of its own (old rule, new rule) pair, no unchanged request may lie in
// any reported class, and every example must really differ as reported.
import { expect } from 'vitest';
import { compilePolicy, evaluatePolicy } from '../../src/audit/policy/checker.js';
import type { Policy } from '../../src/audit/types.js';
import { diffPolicies } from '../../src/diff/diffPolicies.js';
import { regionContains } from '../../src/diff/example.js';
import { partitionChanges } from '../../src/diff/partition.js';
import { allRequests, generator, LEVELS, written } from './generate.js';
import { buildPolicy } from './policyBuilder.js';

const REQUESTS = allRequests();

export function checkPair(oldPolicy: Policy, newPolicy: Policy): { changed: boolean } {
  const oldCompiled = compilePolicy(oldPolicy);
  const newCompiled = compilePolicy(newPolicy);
  const diff = diffPolicies(oldPolicy, newPolicy);
  const { classes } = partitionChanges(oldPolicy, newPolicy);
  const byPair = new Map(classes.map((c) => [`${c.oldRule}:${c.newRule}`, c]));
  let someDiffer = false;
  for (const [index, request] of REQUESTS.entries()) {
    const before = evaluatePolicy(oldCompiled, request);
    const after = evaluatePolicy(newCompiled, request);
    const differs = written(before) !== written(after);
    someDiffer ||= differs;
    const own = byPair.get(`${before.ruleIndex}:${after.ruleIndex}`);
    const inOwnClass = own !== undefined && own.regions.some((region) => regionContains(region, request));
    if (differs && !inOwnClass) {
      throw new Error(`missed: ${JSON.stringify(request)} ${written(before)} -> ${written(after)}`);
    }
    // Scanning every class for every unchanged request is the slow part. Every
    // seventh request will do: 7 is coprime with each dimension's size, so every
    // combination of values still comes up.
    if (!differs && index % 7 === 0) {
      for (const c of classes) {
        if (c.regions.some((region) => regionContains(region, request))) {
          throw new Error(`unchanged request reported in class ${c.oldRule}:${c.newRule}: ${JSON.stringify(request)}`);
        }
      }
    }
  }
  expect(diff.classesChanged > 0).toBe(someDiffer);
  expect(diff.classesChanged).toBe(diff.changes.length);
  for (const change of diff.changes) {
    const before = evaluatePolicy(oldCompiled, change.attributes);
    const after = evaluatePolicy(newCompiled, change.attributes);
    expect(written(before)).not.toBe(written(after));
    expect(before.ruleIndex).toBe(change.old.ruleIndex);
    expect(after.ruleIndex).toBe(change.new.ruleIndex);
    expect({ level: before.level, omitStages: before.omitStages, omitManagedFields: before.omitManagedFields }).toEqual({
      level: change.old.level,
      omitStages: change.old.omitStages,
      omitManagedFields: change.old.omitManagedFields,
    });
    expect({ level: after.level, omitStages: after.omitStages, omitManagedFields: after.omitManagedFields }).toEqual({
      level: change.new.level,
      omitStages: change.new.omitStages,
      omitManagedFields: change.new.omitManagedFields,
    });
  }
  return { changed: someDiffer };
}


/** `count` independent random pairs; returns how many changed something. */
export function randomPairs(seed: number, count: number): { changed: number } {
  const gen = generator(seed);
  let changed = 0;
  for (let i = 0; i < count; i++) if (checkPair(gen.policy('old.yaml'), gen.policy('new.yaml')).changed) changed++;
  return { changed };
}

/** `count` pairs that differ by one small edit (swap, removal, insertion, level); returns how many changed nothing. */
export function editedPairs(seed: number, count: number): { equivalent: number } {
  const gen = generator(seed);
  let equivalent = 0;
  for (let i = 0; i < count; i++) {
    const rules = Array.from({ length: 2 + Math.floor(gen.next() * 4) }, gen.rule);
    const edited = [...rules];
    const at = Math.floor(gen.next() * rules.length);
    const edit = gen.next();
    if (edit < 0.3 && at + 1 < rules.length) [edited[at], edited[at + 1]] = [edited[at + 1], edited[at]];
    else if (edit < 0.5) edited.splice(at, 1);
    else if (edit < 0.7) edited.splice(at, 0, gen.rule());
    else edited[at] = { ...edited[at], level: gen.pick(LEVELS) };
    const oldPolicy = buildPolicy({ file: 'old.yaml', rules });
    const newPolicy = buildPolicy({ file: 'new.yaml', rules: edited });
    if (!checkPair(oldPolicy, newPolicy).changed) equivalent++;
  }
  return { equivalent };
}
