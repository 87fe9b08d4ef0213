// Rule hit counts as they travel from Vitest workers to the reporter. They ride
// on Vitest's task meta, which is serialised to the main process, so they are
// plain JSON: policy file → rule ("0", "1", … or "default") → mode → hits.

export const COVERAGE_META_KEY = 'auditspecRuleCoverage';
export const DEFAULT_RULE_KEY = 'default';

export type RuleHitCounts = Record<string, Record<string, Record<string, number>>>;

export function ruleKey(ruleIndex: number | null): string {
  return ruleIndex === null ? DEFAULT_RULE_KEY : String(ruleIndex);
}

export function addHit(counts: RuleHitCounts, policyFile: string, ruleIndex: number | null, mode: string, hits = 1): void {
  const byRule = (counts[policyFile] ??= {});
  const byMode = (byRule[ruleKey(ruleIndex)] ??= {});
  byMode[mode] = (byMode[mode] ?? 0) + hits;
}

/** Adds `from` into `into`. */
export function mergeHitCounts(into: RuleHitCounts, from: unknown): void {
  if (from === null || typeof from !== 'object') return;
  for (const [policyFile, byRule] of Object.entries(from as RuleHitCounts)) {
    if (byRule === null || typeof byRule !== 'object') continue;
    for (const [rule, byMode] of Object.entries(byRule)) {
      if (byMode === null || typeof byMode !== 'object') continue;
      for (const [mode, hits] of Object.entries(byMode)) {
        if (typeof hits !== 'number' || !Number.isFinite(hits)) continue;
        const target = ((into[policyFile] ??= {})[rule] ??= {});
        target[mode] = (target[mode] ?? 0) + hits;
      }
    }
  }
}

export function isEmpty(counts: RuleHitCounts): boolean {
  for (const _ in counts) return false;
  return true;
}
