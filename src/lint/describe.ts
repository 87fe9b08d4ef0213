// Short English for lint messages: which rule, which request.
import type { PolicyRule, SourcePosition } from '../audit/types.js';
import type { RequestAttributes } from '../request/types.js';

export const quote = (value: string): string => JSON.stringify(value);
export const quoteList = (values: readonly string[]): string => values.map(quote).join(', ');

/**
 * "the rule at line 12 (level None)"; when the finding is about a rule of
 * another file (a module directory's other module), that file is named too:
 * "the rule at 10-noise.yaml:12 (level None)".
 */
export function ruleReference(rule: PolicyRule, from?: PolicyRule): string {
  return `the rule at ${ruleLine(rule, from)} (level ${rule.level})`;
}

/** "line 12", or "<file>:12" when `rule` is in another file than `from`. */
export function ruleLine(rule: PolicyRule, from?: PolicyRule): string {
  return from && from.pos.file !== rule.pos.file ? `${rule.pos.file}:${rule.pos.line}` : `line ${rule.pos.line}`;
}

/** Where a field of a rule was written, falling back to the rule itself. */
export function fieldPosition(rule: PolicyRule, field: string): SourcePosition {
  return rule.fieldPos[field] ?? rule.pos;
}

/** e.g. `get of pods "web" in namespace "prod" by user "alice"`. */
export function describeRequest(attrs: RequestAttributes): string {
  const who =
    attrs.user === null
      ? 'from a client whose authentication failed'
      : `by user ${quote(attrs.user.name)}${attrs.user.groups.length > 0 ? ` (groups ${quoteList(attrs.user.groups)})` : ''}`;
  const verb = attrs.verb === '' ? 'a request with no verb (e.g. OPTIONS)' : `${quote(attrs.verb)}`;
  if (!attrs.resourceRequest) return `${verb} of the non-resource URL ${quote(attrs.path)} ${who}`;
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  const group = attrs.apiGroup === '' ? 'the core group' : `group ${quote(attrs.apiGroup)}`;
  const name = attrs.name ? ` named ${quote(attrs.name)}` : '';
  const namespace = attrs.namespace ? ` in namespace ${quote(attrs.namespace)}` : '';
  return `${verb} of ${quote(resource)} in ${group}${name}${namespace} ${who}`;
}
