// expect(request).toBeDecidedByModule('20-secrets.yaml'): in a policy composed
// from a module directory, the rule that decides the request is one of this
// module's; optionally a particular one, by its index within the module or by
// a line of the module file. Inside describeModule the name may be left out.
import type { MatcherState } from 'vitest';
import type { PolicyModule } from '../../audit/types.js';
import { findModule, moduleOfRule } from '../../audit/modules/compose.js';
import { formatRuleLocation } from '../../format/explanation.js';
import { activeModule, moduleNamesOf } from '../describeModule.js';
import { subjectFor, type MatcherSubject } from '../subject.js';
import { ruleRanges } from './toBeDecidedBy.js';
import { result, words } from './message.js';

/** A rule of the module: its 0-based index within the module, or any line it occupies in the module file. */
export type ModuleRuleReference = number | { line: number };

function resolveModule(subject: MatcherSubject, name: string | undefined): PolicyModule {
  const { binding } = subject;
  if (!binding.policy.modules) {
    throw new TypeError(`toBeDecidedByModule: ${binding.displayPath} is a policy file, not a module directory; use toBeDecidedBy`);
  }
  const wanted = name ?? activeModule()?.name;
  if (wanted === undefined) throw new TypeError('toBeDecidedByModule: name the module (or call it inside describeModule)');
  const module = findModule(binding.policy, wanted);
  if (!module) throw new RangeError(`toBeDecidedByModule: ${binding.displayPath} has no module ${JSON.stringify(wanted)}; its modules: ${moduleNamesOf(binding)}`);
  return module;
}

/** The composed policy's index of the module's rule `ref`. */
function resolveRule(subject: MatcherSubject, module: PolicyModule, ref: ModuleRuleReference): number {
  if (typeof ref === 'number') {
    if (!Number.isInteger(ref) || ref < 0 || ref >= module.ruleCount) {
      throw new RangeError(`toBeDecidedByModule: ${module.name} has no rule ${ref} (it has ${module.ruleCount} rules, 0–${module.ruleCount - 1})`);
    }
    return module.firstRule + ref;
  }
  const ranges = ruleRanges(subject.binding).slice(module.firstRule, module.firstRule + module.ruleCount);
  const local = ranges.findIndex((r) => r.start <= ref.line && ref.line <= r.end);
  if (local < 0) {
    const each = ranges.map((r, i) => `  rule ${i}: lines ${r.start}–${r.end}`).join('\n');
    throw new RangeError(`toBeDecidedByModule: line ${ref.line} of ${module.file} is not inside a rule. Its rules:\n${each}`);
  }
  return module.firstRule + local;
}

function describeDecider(subject: MatcherSubject, index: number | null) {
  if (index === null) return words('default (no rule matched)');
  const module = moduleOfRule(subject.binding.policy, index);
  const rule = subject.binding.policy.rules[index];
  return words(`module ${module?.name ?? '?'} (rule ${index - (module?.firstRule ?? 0)} at ${formatRuleLocation(rule)})`);
}

export function toBeDecidedByModule(this: MatcherState, received: unknown, name?: string, ref?: ModuleRuleReference) {
  const subject = subjectFor(received);
  const module = resolveModule(subject, name);
  const actual = subject.decision.ruleIndex;
  const decidingModule = actual === null ? undefined : moduleOfRule(subject.binding.policy, actual);
  if (ref === undefined) {
    return result(this, 'toBeDecidedByModule', subject, decidingModule === module, {
      expected: words(`module ${module.name}`),
      received: describeDecider(subject, actual),
      argument: 'module',
    });
  }
  const index = resolveRule(subject, module, ref);
  return result(this, 'toBeDecidedByModule', subject, actual === index, {
    expected: words(`module ${module.name} (rule ${index - module.firstRule} at ${formatRuleLocation(subject.binding.policy.rules[index])})`),
    received: describeDecider(subject, actual),
    argument: 'module, rule',
  });
}
