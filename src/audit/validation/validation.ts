// The audit policy validation kube-apiserver runs after decoding
// (k8s.io/apiserver/pkg/apis/audit/validation/validation.go, ValidatePolicy),
// with the same checks, field paths, messages and order. Note upstream's own
// path quirk: a bad group or resourceNames is reported at
// "rules[i].resources.group" / "rules[i].resources.resourceNames", without the
// index of the resources entry (positions still point at the exact entry).

import { sourceOf, valuePosition } from '../policy/sourceMap.js';
import type { GroupResources, KubeVersion, Policy, PolicyRule, SourcePosition } from '../types.js';
import { DEFAULT_KUBE_VERSION, LEVELS, STAGES } from '../types.js';
import { behaviourOf, type VersionBehaviour } from '../versionBehaviour.js';
import type { FieldError } from './fieldErrors.js';
import { invalidString, invalidStringList, notSupportedNamedString, requiredError } from './fieldErrors.js';

export type { FieldError } from './fieldErrors.js';
export { aggregateMessage } from './fieldErrors.js';

const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL}(\\.${DNS1123_LABEL})*`;
const DNS1123_SUBDOMAIN = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
const DNS1123_SUBDOMAIN_ERROR =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

/** validation.IsDNS1123Subdomain's messages (apimachinery/pkg/util/validation). */
export function dnsSubdomainProblems(value: string): string[] {
  const problems: string[] = [];
  if (Buffer.byteLength(value, 'utf8') > DNS1123_SUBDOMAIN_MAX_LENGTH) {
    problems.push(`must be no more than ${DNS1123_SUBDOMAIN_MAX_LENGTH} characters`);
  }
  if (!DNS1123_SUBDOMAIN.test(value)) {
    problems.push(`${DNS1123_SUBDOMAIN_ERROR} (e.g. 'example.com', regex used for validation is '${DNS1123_SUBDOMAIN_FMT}')`);
  }
  return problems;
}

function rulePosition(rule: PolicyRule, field: string, item?: number): SourcePosition | undefined {
  return valuePosition(rule, field, item) ?? rule.fieldPos[field] ?? rule.pos;
}

function validateLevel(rule: PolicyRule, path: string, behaviour: VersionBehaviour): FieldError[] {
  const level = rule.level;
  if ((LEVELS as readonly string[]).includes(level)) return [];
  const pos = rulePosition(rule, 'level');
  if (level === '') return [requiredError(path, pos)];
  return [notSupportedNamedString(path, level, LEVELS, pos, behaviour.fieldErrorValues)];
}

function validateNonResourceURLs(rule: PolicyRule, path: string): FieldError[] {
  const errors: FieldError[] = [];
  rule.nonResourceURLs.forEach((url, i) => {
    if (url === '*') return;
    const pos = rulePosition(rule, 'nonResourceURLs', i);
    if (!url.startsWith('/')) {
      errors.push(invalidString(`${path}[${i}]`, url, "non-resource URL rules must begin with a '/' character", pos));
    }
    if (url !== '' && url.slice(0, -1).includes('*')) {
      errors.push(invalidString(`${path}[${i}]`, url, "non-resource URL wildcards '*' must be the final character of the rule", pos));
    }
  });
  return errors;
}

function groupResourcePosition(gr: GroupResources, field: string): SourcePosition {
  return valuePosition(gr, field) ?? sourceOf(gr)?.fields[field]?.key ?? gr.pos;
}

function validateResources(rule: PolicyRule, path: string, behaviour: VersionBehaviour): FieldError[] {
  const errors: FieldError[] = [];
  const wildcardOk = behaviour.wildcardGroup;
  for (const gr of rule.resources) {
    if (gr.group.length !== 0 && !(wildcardOk && gr.group === '*')) {
      const problems = dnsSubdomainProblems(gr.group);
      if (problems.length > 0) {
        errors.push(invalidString(`${path}.group`, gr.group, problems.join(','), groupResourcePosition(gr, 'group')));
      }
    }
    if (gr.resourceNames.length > 0 && gr.resources.length === 0) {
      errors.push(
        invalidStringList(
          `${path}.resourceNames`,
          gr.resourceNames,
          'using resourceNames requires at least one resource',
          groupResourcePosition(gr, 'resourceNames'),
          behaviour.fieldErrorValues,
        ),
      );
    }
  }
  return errors;
}

function validateOmitStages(stages: readonly string[], path: string, position: (i: number) => SourcePosition | undefined): FieldError[] {
  const errors: FieldError[] = [];
  stages.forEach((stage, i) => {
    if (!(STAGES as readonly string[]).includes(stage)) {
      errors.push(invalidString(`${path}[${i}]`, stage, `allowed stages are ${STAGES.join(',')}`, position(i)));
    }
  });
  return errors;
}

function validateRule(rule: PolicyRule, path: string, behaviour: VersionBehaviour): FieldError[] {
  const errors = [
    ...validateLevel(rule, `${path}.level`, behaviour),
    ...validateNonResourceURLs(rule, `${path}.nonResourceURLs`),
    ...validateResources(rule, `${path}.resources`, behaviour),
    ...validateOmitStages(rule.omitStages, `${path}.omitStages`, (i) => rulePosition(rule, 'omitStages', i)),
  ];
  if (rule.nonResourceURLs.length > 0 && (rule.resources.length > 0 || rule.namespaces.length > 0)) {
    errors.push(
      invalidStringList(
        `${path}.nonResourceURLs`,
        rule.nonResourceURLs,
        'rules cannot apply to both regular resources and non-resource URLs',
        rule.fieldPos.nonResourceURLs ?? rule.pos,
        behaviour.fieldErrorValues,
      ),
    );
  }
  return errors;
}

/**
 * ValidatePolicy: every problem kube-apiserver `kubeVersion` reports for a
 * decoded policy, in its order. Empty when the policy is valid. (A policy with
 * no rules passes validation; the loader rejects it afterwards.)
 */
export function validatePolicy(policy: Policy, kubeVersion: KubeVersion = DEFAULT_KUBE_VERSION): FieldError[] {
  const behaviour = behaviourOf(kubeVersion);
  const errors = validateOmitStages(policy.omitStages, 'omitStages', (i) => valuePosition(policy, 'omitStages', i));
  policy.rules.forEach((rule, i) => errors.push(...validateRule(rule, `rules[${i}]`, behaviour)));
  return errors;
}
