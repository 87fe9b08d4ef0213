// Resources are compared literally with what requestinfo.go reads from the URL,
// so a resource that kube-apiserver does not serve in the named group only matches
// custom or aggregated APIs. Checked against the built-in catalogue of the version
// the policy is judged as (src/catalog, generated from that kube-apiserver's discovery). Groups the catalogue does not know
// are usually CRDs and are left alone, except where they cannot be: a CRD's group
// always contains a dot (apiextensions validation: "should be a domain with at
// least one dot") and *.k8s.io groups are reserved for Kubernetes' own APIs — there
// a resource that exists built in elsewhere is almost certainly in the wrong group
// (e.g. deployments under the removed "extensions" group).
import { catalogueFor, type Catalogue } from '../../catalog/index.js';
import type { LintFinding, LintRule } from '../types.js';
import { quote, quoteList } from '../describe.js';
import { whyPatternNeverMatches } from './malformedResource.js';

const CODE = 'unknown-resource';

/** Aggregated APIs that legitimately serve resources named like built-in ones (metrics-server: pods, nodes). */
const AGGREGATED_GROUPS = new Set(['metrics.k8s.io', 'custom.metrics.k8s.io', 'external.metrics.k8s.io']);

const groupLabel = (group: string) => (group === '' ? 'the core group ("")' : `group ${quote(group)}`);

/** Built-in resources or subresources whose kind this name spells (e.g. "tokenrequests" → serviceaccounts/token). */
function byKind(catalogue: Catalogue, name: string): string[] {
  const lower = name.toLowerCase();
  const kinds = new Set([lower, lower.replace(/s$/, ''), lower.replace(/es$/, '')]);
  const found = new Set<string>();
  for (const r of catalogue.resources) {
    if (kinds.has(r.kind.toLowerCase()) || r.shortNames.includes(lower)) found.add(`${quote(r.resource)} in ${groupLabel(r.group)}`);
    for (const sub of r.subresources) {
      if (sub.kind !== r.kind && kinds.has(sub.kind.toLowerCase())) found.add(`${quote(`${r.resource}/${sub.name}`)} in ${groupLabel(r.group)}`);
    }
  }
  return [...found];
}

function suggestion(catalogue: Catalogue, resource: string): string {
  const groups = catalogue.groupsForResource(resource);
  if (groups.length > 0) return `built-in ${quote(resource)} is in ${groups.map(groupLabel).join(' and ')}`;
  const named = byKind(catalogue, resource);
  if (named.length > 0 && named.length <= 3) return `did you mean ${named.join(' or ')}?`;
  return '';
}

/** The finding's text for one pattern, or undefined when it names something kube-apiserver serves (or may). */
function whyUnknown(catalogue: Catalogue, group: string, pattern: string): string | undefined {
  if (pattern === '*' || pattern.startsWith('*/') || whyPatternNeverMatches(pattern) !== undefined) return undefined;
  const slash = pattern.indexOf('/');
  const resource = slash < 0 ? pattern : pattern.slice(0, slash);
  const subresource = slash < 0 ? '' : pattern.slice(slash + 1);
  if (catalogue.groups.has(group)) {
    const builtin = catalogue.findResource(group, resource);
    if (!builtin) {
      const hint = suggestion(catalogue, resource);
      return `kube-apiserver ${catalogue.release} serves no resource ${quote(resource)} in ${groupLabel(group)}, so this only matches a custom resource of that name there${hint ? `; ${hint}` : ''}`;
    }
    if (subresource !== '' && subresource !== '*' && !builtin.subresources.some((s) => s.name === subresource)) {
      const known = builtin.subresources.map((s) => s.name);
      return `${quote(resource)} has no subresource ${quote(subresource)}${known.length > 0 ? ` (it has ${quoteList(known)})` : ' (it has none)'}, so this never matches`;
    }
    return undefined;
  }
  if (AGGREGATED_GROUPS.has(group)) return undefined;
  const cannotBeCRD = !group.includes('.') || group.endsWith('.k8s.io');
  if (!cannotBeCRD) return undefined;
  const elsewhere = catalogue.groupsForResource(resource);
  if (elsewhere.length === 0) return undefined;
  return (
    `kube-apiserver ${catalogue.release} has no API group ${quote(group)}` +
    (group.includes('.') ? '' : ' (and custom resource groups always contain a dot)') +
    `; built-in ${quote(resource)} is in ${elsewhere.map(groupLabel).join(' and ')}, so this entry probably names the wrong group`
  );
}

export const unknownResource: LintRule = {
  code: CODE,
  summary: 'a resource kube-apiserver does not serve in the named group (with the group that does)',
  check({ policy, kubeVersion }) {
    const catalogue = catalogueFor(kubeVersion);
    const findings: LintFinding[] = [];
    policy.rules.forEach((rule, ruleIndex) => {
      for (const gr of rule.resources) {
        // "*" is every group; "core" is reported by core-group.
        if (gr.group === '*' || gr.group === 'core') continue;
        for (const pattern of new Set(gr.resources)) {
          const why = whyUnknown(catalogue, gr.group, pattern);
          if (why === undefined) continue;
          findings.push({ code: CODE, severity: 'warning', message: `resources entry ${quote(pattern)}: ${why}.`, pos: gr.pos, ruleIndex });
        }
      }
    });
    return findings;
  },
};
