// requestinfo.go gives cluster-scoped resources the namespace "" — except the
// Namespace objects themselves: /api/v1/namespaces/{name}[/status|/finalize]
// carries {name} as its namespace. So a rule restricted to namespaces that do not
// include "" cannot match a resources entry made only of (other) cluster-scoped
// resources. Scope comes from the built-in catalogue; anything it does not know
// (CRDs, "*", whole groups) may be namespaced and is left alone.
import type { GroupResources } from '../../audit/types.js';
import { catalogueFor, type Catalogue } from '../../catalog/index.js';
import type { LintFinding, LintRule } from '../types.js';
import { fieldPosition, quote, quoteList } from '../describe.js';

const CODE = 'namespaces-on-cluster-scoped';

/** Whether every request this entry matches is for a cluster-scoped resource with namespace "". */
function onlyClusterScoped(catalogue: Catalogue, gr: GroupResources): boolean {
  if (gr.group === '*' || gr.resources.length === 0) return false;
  return gr.resources.every((pattern) => {
    if (pattern === '*' || pattern.startsWith('*/')) return false;
    const resource = pattern.split('/')[0];
    if (gr.group === '' && resource === 'namespaces') return false;
    return catalogue.findResource(gr.group, resource)?.namespaced === false;
  });
}

export const clusterScopedNamespaces: LintRule = {
  code: CODE,
  summary: 'namespaces (without "") on a rule whose resources are cluster-scoped',
  check({ policy, kubeVersion }) {
    const catalogue = catalogueFor(kubeVersion);
    const findings: LintFinding[] = [];
    policy.rules.forEach((rule, ruleIndex) => {
      if (rule.namespaces.length === 0 || rule.namespaces.includes('')) return;
      const dead = rule.resources.filter((gr) => onlyClusterScoped(catalogue, gr));
      if (dead.length === 0) return;
      const whole = dead.length === rule.resources.length;
      for (const gr of dead) {
        findings.push({
          code: CODE,
          severity: 'warning',
          message:
            `${quoteList(gr.resources)} ${gr.resources.length > 1 ? 'are' : 'is'} cluster-scoped: requests for ${gr.resources.length > 1 ? 'them' : 'it'} have namespace "", ` +
            `which namespaces [${quoteList(rule.namespaces)}] does not include, so ${whole ? 'this rule never matches' : 'this entry never matches'}. ` +
            `Add ${quote('')} to namespaces, or move ${gr.resources.length > 1 ? 'these resources' : 'it'} to a rule without namespaces.`,
          pos: whole && dead.length === 1 ? fieldPosition(rule, 'namespaces') : gr.pos,
          ruleIndex,
        });
      }
    });
    return findings;
  },
};
