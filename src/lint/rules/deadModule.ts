// A module of a module directory none of whose rules can ever decide a
// request: earlier modules' rules match everything each of its rules matches
// (or a rule matches nothing at all). The module's owners believe it does
// something; in the composed policy kube-apiserver never gets to it. Decided
// exactly with requestSpace, as shadowed-rule is; reported once, at the
// module's first rule, naming the modules that take its requests.
import { moduleOfRule } from '../../audit/modules/compose.js';
import type { LintFinding, LintRule } from '../types.js';
import { findUncovered, intersectRegions, requestSpaceOf, ruleRegion, type Box } from '../requestSpace.js';

const CODE = 'dead-module';
const NO_WITNESS = { typicalWitness: false };

export const deadModule: LintRule = {
  code: CODE,
  summary: 'a module (of a module directory) none of whose rules can ever decide a request',
  check({ policy }) {
    if (!policy.modules || policy.modules.length < 2) return [];
    const space = requestSpaceOf(policy);
    const regions = policy.rules.map((rule) => ruleRegion(space, rule));
    const findings: LintFinding[] = [];
    for (const module of policy.modules.slice(1)) {
      const earlier: Box[] = regions.slice(0, module.firstRule).flat();
      const takers = new Set<string>();
      let dead = true;
      for (let index = module.firstRule; index < module.firstRule + module.ruleCount && dead; index++) {
        const region = regions[index];
        if (findUncovered(space, region, [], NO_WITNESS).covered === true) continue; // matches nothing
        if (findUncovered(space, region, earlier, NO_WITNESS).covered !== true) {
          dead = false;
          break;
        }
        // Which earlier modules' rules take its requests: rule i does when some request is
        // in both and no rule before i matches it (the first match decides).
        for (let i = 0; i < module.firstRule; i++) {
          const both = intersectRegions(region, regions[i]);
          if (findUncovered(space, both, regions.slice(0, i).flat(), NO_WITNESS).covered !== false) continue;
          const taker = moduleOfRule(policy, i);
          if (taker) takers.add(taker.file);
        }
      }
      if (!dead) continue;
      const first = policy.rules[module.firstRule];
      const by = takers.size > 0 ? `the earlier module${takers.size > 1 ? 's' : ''} ${[...takers].join(', ')}` : 'earlier modules';
      findings.push({
        code: CODE,
        severity: 'warning',
        message:
          `no rule of the module ${module.name} can ever decide a request: ${by} match${takers.size === 1 ? 'es' : ''} everything its rules match, ` +
          `and kube-apiserver uses the first matching rule. Rename it to sort before ${takers.size === 1 ? 'that module' : 'them'}, ` +
          `or narrow ${takers.size === 1 ? 'its' : 'their'} rules.`,
        pos: first.pos,
        ruleIndex: module.firstRule,
      });
    }
    return findings;
  },
};
