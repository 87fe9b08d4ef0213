// kube-apiserver decodes the policy strictly first and, when that fails only on
// unknown or duplicate fields, falls back to lenient decoding with nothing but a
// log line (pkg/audit/policy/reader.go, LoadPolicyFromBytes). Lenient decoding
// drops unknown fields (field names are case-sensitive, so "Verbs" is unknown
// too) and keeps the last of duplicate keys. The reader reports each such field
// as a PolicyWarning; this rule says what dropping it does to matching.
import type { Policy, PolicyRule, PolicyWarning, SourcePosition } from '../../audit/types.js';
import type { LintFinding, LintRule } from '../types.js';
import { quote } from '../describe.js';

const CODE = 'dropped-field';

type Context = 'policy' | 'rule' | 'resources';

const FIELDS: Record<Context, readonly string[]> = {
  policy: ['apiVersion', 'kind', 'metadata', 'rules', 'omitStages', 'omitManagedFields'],
  rule: ['level', 'users', 'userGroups', 'verbs', 'resources', 'namespaces', 'nonResourceURLs', 'omitStages', 'omitManagedFields'],
  resources: ['group', 'resources', 'resourceNames'],
};

/** What an absent field means, per context. */
const ABSENT: Record<Context, Record<string, string>> = {
  policy: {
    rules: 'the policy has no rules',
    omitStages: 'no stage is omitted policy-wide',
    omitManagedFields: 'managed fields stay in logged bodies (omitManagedFields defaults to false)',
  },
  rule: {
    users: 'the rule matches every user',
    userGroups: 'the rule matches every user group',
    verbs: 'the rule matches every verb',
    namespaces: 'the rule matches every namespace',
    resources: 'the rule matches every resource',
    nonResourceURLs: 'the rule is not limited to those URLs and matches resource requests too',
    omitStages: 'the rule omits only the policy-wide stages',
    omitManagedFields: "the rule uses the policy's omitManagedFields",
    level: 'the rule has no level',
  },
  resources: {
    group: 'the entry applies to the core group ("")',
    resources: 'the entry matches every resource of its group',
    resourceNames: 'the entry matches every object name',
  },
};

/** A field path such as rules[2].resources[0].resource, from the warning's text. */
function pathFromMessage(message: string): (string | number)[] | undefined {
  for (const match of message.matchAll(/"([^"]+)"/g)) {
    const text = match[1];
    if (!/^[A-Za-z0-9_$-]+(\[\d+\])*(\.[A-Za-z0-9_$-]+(\[\d+\])*)*$/.test(text)) continue;
    const segments: (string | number)[] = [];
    for (const part of text.split('.')) {
      const [name, ...indices] = part.split('[');
      segments.push(name);
      for (const index of indices) segments.push(Number(index.slice(0, -1)));
    }
    return segments;
  }
  return undefined;
}

const before = (a: SourcePosition, b: SourcePosition) => a.line < b.line || (a.line === b.line && a.col <= b.col);

/** Where a warning sits when its message carries only the key: by position in block-style YAML. */
function locate(policy: Policy, pos: SourcePosition): { rule?: number; entry?: number } {
  let rule = -1;
  policy.rules.forEach((r, i) => {
    if (before(r.pos, pos)) rule = i;
  });
  if (rule < 0) return {};
  const r = policy.rules[rule];
  const keyCols = Object.values(r.fieldPos).map((p) => p!.col);
  const ruleKeyCol = keyCols.length > 0 ? Math.min(...keyCols) : r.pos.col;
  let entry = -1;
  if (pos.col > ruleKeyCol) {
    r.resources.forEach((gr, i) => {
      if (before(gr.pos, pos)) entry = i;
    });
  }
  return entry >= 0 ? { rule, entry } : { rule };
}

/** The field that was meant: same name in another case, or a missing/extra plural "s". */
function intended(key: string, context: Context): string | undefined {
  const fields = FIELDS[context];
  const lower = key.toLowerCase();
  return (
    fields.find((f) => f.toLowerCase() === lower) ??
    fields.find((f) => f.toLowerCase() === `${lower}s` || `${f.toLowerCase()}s` === lower) ??
    fields.find((f) => f.toLowerCase() === `${lower}urls` || f.toLowerCase() === lower.replace(/url$/, 'urls'))
  );
}

function ruleHas(rule: PolicyRule, field: string, entry?: number): boolean {
  if (entry !== undefined) {
    const gr = rule.resources[entry];
    if (!gr) return false;
    if (field === 'group') return gr.group !== '';
    if (field === 'resources') return gr.resources.length > 0;
    if (field === 'resourceNames') return gr.resourceNames.length > 0;
    return false;
  }
  return rule.fieldPos[field] !== undefined;
}

function consequence(policy: Policy, warning: PolicyWarning): { text: string; ruleIndex?: number } {
  const path = pathFromMessage(warning.message);
  let key: string | undefined;
  let ruleIndex: number | undefined;
  let entry: number | undefined;
  if (path && path.length > 1 && path[0] === 'rules' && typeof path[1] === 'number') {
    ruleIndex = path[1];
    if (path[2] === 'resources' && typeof path[3] === 'number') entry = path[3];
    key = String(path[path.length - 1]);
  } else {
    key = path ? String(path[path.length - 1]) : undefined;
    if (!path || path.length === 1) {
      const where = locate(policy, warning.pos);
      ruleIndex = where.rule;
      entry = where.entry;
    }
  }
  if (ruleIndex !== undefined && !policy.rules[ruleIndex]) ruleIndex = undefined;
  const context: Context = ruleIndex === undefined ? 'policy' : entry !== undefined ? 'resources' : 'rule';

  if (warning.code === 'duplicate-key') {
    return {
      text: `kube-apiserver keeps only the last ${key ? quote(key) : 'value'} of the ${context === 'policy' ? 'policy' : context === 'rule' ? 'rule' : 'resources entry'} and silently ignores the earlier one; merge them into one list`,
      ruleIndex,
    };
  }
  if (key === undefined) return { text: 'kube-apiserver drops it without an error', ruleIndex };
  const meant = intended(key, context);
  if (meant === undefined || meant === key) {
    return { text: `kube-apiserver drops ${quote(key)} without an error (it is not a field of ${context === 'policy' ? 'the policy' : context === 'rule' ? 'a rule' : 'a resources entry'})`, ruleIndex };
  }
  const rule = ruleIndex === undefined ? undefined : policy.rules[ruleIndex];
  const alsoSet = context === 'policy' ? false : ruleHas(rule!, meant, entry);
  const effect = alsoSet
    ? `${quote(meant)} is also set, so only its value counts`
    : `${ABSENT[context][meant] ?? `${quote(meant)} is unset`}`;
  return {
    text: `kube-apiserver drops ${quote(key)} without an error (field names are case-sensitive; did you mean ${quote(meant)}?), so ${effect}`,
    ruleIndex,
  };
}

export const droppedField: LintRule = {
  code: CODE,
  summary: 'a field kube-apiserver silently drops (unknown or mis-cased) or a duplicate key it silently overrides',
  check({ policy, warnings }) {
    return warnings.map((warning) => {
      const { text, ruleIndex } = consequence(policy, warning);
      return {
        code: CODE,
        severity: 'warning' as const,
        message: `${warning.message}: ${text}.`,
        pos: warning.pos,
        ...(ruleIndex !== undefined ? { ruleIndex } : {}),
      };
    });
  },
};
