// Loading an audit policy's text exactly as the chosen kube-apiserver version does
// (k8s.io/apiserver/pkg/audit/policy/reader.go, LoadPolicyFromBytes): decode
// strictly then leniently (decode.ts), insist on audit.k8s.io/v1, map the
// decoded Go values to the shared Policy type with a source position for every
// rule, key and resources entry, validate, refuse an empty rule list. Data goes
// one way: text -> JSON tree with positions -> Go values -> Policy -> validation.
// A refusal is a PolicyLoadError carrying kube-apiserver's own message text;
// whatever upstream forgives becomes a PolicyWarning. Callers with a file (or
// who want the error thrown) use the front door, load.ts.

import type { GroupResources, KubeVersion, Policy, PolicyRule, PolicyWarning, SourcePosition } from '../types.js';
import { DEFAULT_KUBE_VERSION } from '../types.js';
import { aggregateMessage, validatePolicy } from '../validation/validation.js';
import type { FieldError } from '../validation/validation.js';
import { behaviourOf } from '../versionBehaviour.js';
import { decodePolicyDocument, gvkString } from './decode.js';
import type { GoSlice, GoStruct, GoValue } from '../../go/json/decode.js';
import type { Loc } from '../../go/json/tree.js';
import { PolicyLoadError } from './loadError.js';
import { attachSource } from './sourceMap.js';
import type { FieldSource, ObjectSource } from './sourceMap.js';
import { policyWarnings } from './warnings.js';

export type { FieldError } from '../validation/validation.js';
export { PolicyLoadError } from './loadError.js';

export interface ReadPolicyOptions {
  /** Named in positions and messages; default "<inline>". */
  file?: string;
  /** The kube-apiserver version whose rules apply; default DEFAULT_KUBE_VERSION (where versions differ: versionBehaviour.ts). */
  kubeVersion?: KubeVersion;
}

export type ReadPolicyResult =
  | { ok: true; policy: Policy; warnings: PolicyWarning[] }
  | { ok: false; error: PolicyLoadError; warnings: PolicyWarning[] };

const INLINE = '<inline>';

function position(file: string, loc: Loc): SourcePosition {
  return { file, line: loc.line, col: loc.col };
}

function asStruct(v: GoValue | undefined): GoStruct | undefined {
  return v && typeof v === 'object' && v.kind === 'struct' ? v : undefined;
}

function asSlice(v: GoValue | undefined): GoSlice | undefined {
  return v && typeof v === 'object' && v.kind === 'slice' ? v : undefined;
}

function strings(v: GoValue | undefined): string[] {
  return asSlice(v)?.items.map((item) => (typeof item === 'string' ? item : '')) ?? [];
}

function sourceOfStruct(s: GoStruct, pos: SourcePosition, file: string): ObjectSource {
  const fields: Partial<Record<string, FieldSource>> = {};
  for (const [name, keyLoc] of s.keyLocs) {
    const valueLoc = s.valueLocs.get(name) ?? keyLoc;
    const source: FieldSource = { key: position(file, keyLoc), value: position(file, valueLoc) };
    const slice = asSlice(s.fields.get(name));
    if (slice) source.items = slice.itemLocs.map((l) => position(file, l));
    fields[name] = source;
  }
  return { pos, fields };
}

function fieldPositions(s: GoStruct, file: string): Partial<Record<string, SourcePosition>> {
  const out: Partial<Record<string, SourcePosition>> = {};
  for (const [name, loc] of s.keyLocs) out[name] = position(file, loc);
  return out;
}

function toGroupResources(s: GoStruct, pos: SourcePosition, file: string): GroupResources {
  const group = s.fields.get('group');
  const gr: GroupResources = {
    group: typeof group === 'string' ? group : '',
    resources: strings(s.fields.get('resources')),
    resourceNames: strings(s.fields.get('resourceNames')),
    pos,
  };
  attachSource(gr, sourceOfStruct(s, pos, file));
  return gr;
}

function toRule(s: GoStruct, pos: SourcePosition, file: string): PolicyRule {
  const level = s.fields.get('level');
  const omitManagedFields = s.fields.get('omitManagedFields');
  const resources = asSlice(s.fields.get('resources'));
  const rule: PolicyRule = {
    level: typeof level === 'string' ? level : '',
    users: strings(s.fields.get('users')),
    userGroups: strings(s.fields.get('userGroups')),
    verbs: strings(s.fields.get('verbs')),
    resources:
      resources?.items.map((item, i) =>
        toGroupResources(asStruct(item) ?? emptyStruct(item, resources.itemLocs[i]), position(file, resources.itemLocs[i]), file),
      ) ?? [],
    namespaces: strings(s.fields.get('namespaces')),
    nonResourceURLs: strings(s.fields.get('nonResourceURLs')),
    omitStages: strings(s.fields.get('omitStages')),
    omitManagedFields: typeof omitManagedFields === 'boolean' ? omitManagedFields : undefined,
    pos,
    fieldPos: fieldPositions(s, file),
  };
  attachSource(rule, sourceOfStruct(s, pos, file));
  return rule;
}

function emptyStruct(_v: GoValue, loc: Loc): GoStruct {
  return { kind: 'struct', type: { kind: 'struct', name: '', fields: [] }, fields: new Map(), keyLocs: new Map(), valueLocs: new Map(), loc };
}

/** The decoded audit.k8s.io/v1 Policy as the shared Policy type (what conversion to the internal type keeps). */
function toPolicy(decoded: GoStruct, file: string, apiVersion: string, kind: string): Policy {
  const rules = asSlice(decoded.fields.get('rules'));
  const omitManagedFields = decoded.fields.get('omitManagedFields');
  const policy: Policy = {
    apiVersion,
    kind,
    rules:
      rules?.items.map((item, i) =>
        toRule(asStruct(item) ?? emptyStruct(item, rules.itemLocs[i]), position(file, rules.itemLocs[i]), file),
      ) ?? [],
    omitStages: strings(decoded.fields.get('omitStages')),
    omitManagedFields: omitManagedFields === true,
    file,
  };
  attachSource(policy, sourceOfStruct(decoded, position(file, decoded.loc), file));
  return policy;
}

/** LoadPolicyFromBytes on a policy's text. Never throws for a bad policy: see `ok`. */
export function readPolicy(text: string, options: ReadPolicyOptions = {}): ReadPolicyResult {
  const file = options.file ?? INLINE;
  const kubeVersion = options.kubeVersion ?? DEFAULT_KUBE_VERSION;
  const decoded = decodePolicyDocument(text, behaviourOf(kubeVersion).schemeName);
  const fail = (reason: string, pos: SourcePosition | undefined): ReadPolicyResult => {
    const warnings = policyWarnings({ ...decoded, v1: decoded.ok && decoded.gvk.version === 'v1' }, undefined, file);
    return { ok: false, error: new PolicyLoadError(reason, file, { pos, text, warnings }), warnings };
  };

  if (!decoded.ok) return fail(decoded.message, decoded.loc ? position(file, decoded.loc) : undefined);
  const { gvk } = decoded;
  if (!(gvk.group === 'audit.k8s.io' && gvk.version === 'v1')) {
    return fail(`unknown group version field ${gvkString(gvk)} in policy`, position(file, decoded.policy.loc));
  }

  const policy = toPolicy(decoded.policy, file, `${gvk.group}/${gvk.version}`, gvk.kind);
  const warnings = policyWarnings({ ...decoded, v1: true }, policy, file);
  const errors = validatePolicy(policy, kubeVersion);
  if (errors.length > 0) {
    return { ok: false, error: new PolicyLoadError(aggregateMessage(errors), file, { pos: errors[0].pos, details: errors, text, warnings }), warnings };
  }
  if (policy.rules.length === 0) {
    const rulesKey = policy.rules.length === 0 ? decoded.policy.keyLocs.get('rules') : undefined;
    return {
      ok: false,
      error: new PolicyLoadError('loaded illegal policy with 0 rules', file, { pos: position(file, rulesKey ?? decoded.policy.loc), text, warnings }),
      warnings,
    };
  }
  return { ok: true, policy, warnings };
}
