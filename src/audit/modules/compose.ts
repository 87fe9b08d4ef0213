// Composing one policy from a module directory's modules. Each module has been
// loaded on its own through the loader (so it is a valid policy by itself,
// refused with the same message and file:line:col kube-apiserver would give
// it); here their rules are joined in file-name order: kube-apiserver takes one
// policy and stops at the first matching rule, so earlier modules take
// precedence. The rules stay the objects the loader returned, with their
// positions in their own module, so every message about a rule names the
// module's file:line.
//
// The policy-level fields (omitStages, omitManagedFields) apply to every rule,
// whichever module it came from; two modules setting them differently is a
// conflict nobody can resolve silently, so it is an error naming both files.
import { basename } from 'node:path';
import type { Policy, PolicyModule, SourcePosition } from '../types.js';
import { PolicyLoadError } from '../policy/loadError.js';
import { formatPosition, sourceOf } from '../policy/sourceMap.js';

/**
 * The modules, each valid on its own, do not make one policy: two set a
 * policy-level field differently (pointing at the later one, the message
 * naming both), or the directory holds none. Not kube-apiserver's refusal:
 * kube-apiserver only ever sees the composed file, so the message says so.
 */
export class ModuleCompositionError extends PolicyLoadError {
  override name = 'ModuleCompositionError';

  constructor(
    reason: string,
    file: string,
    pos?: SourcePosition,
    /** Where the earlier of two clashing modules set the field. */
    readonly earlier?: SourcePosition,
  ) {
    super(reason, file, { pos });
    this.message = `${formatPosition(pos, { file })}: the modules do not compose into one policy: ${reason}`;
  }
}

/** A module as loaded: its name in the directory, and the policy it loaded as. */
export interface LoadedModule {
  name: string;
  /** The file it was read from. */
  path: string;
  policy: Policy;
}

/** The policy-level fields a module may set, and how two settings are compared. */
const POLICY_LEVEL_FIELDS = {
  omitStages: (p: Policy) => JSON.stringify([...new Set(p.omitStages)].sort()),
  omitManagedFields: (p: Policy) => JSON.stringify(p.omitManagedFields),
} as const;

/** The first clash of a policy-level field between two modules, if any. */
function policyLevelClash(loaded: readonly LoadedModule[]): ModuleCompositionError | undefined {
  for (const [field, valueOf] of Object.entries(POLICY_LEVEL_FIELDS)) {
    let first: { policy: Policy; pos: SourcePosition } | undefined;
    for (const { policy } of loaded) {
      const pos = sourceOf(policy)?.fields[field]?.key;
      if (!pos) continue;
      if (!first) {
        first = { policy, pos };
        continue;
      }
      if (valueOf(first.policy) === valueOf(policy)) continue;
      return new ModuleCompositionError(
        `policy-level ${field} is set differently by two modules: ${formatPosition(first.pos)} sets ${valueOf(first.policy)}, ` +
          `${formatPosition(pos)} sets ${valueOf(policy)}; it applies to every module's rules, so set it in one module only`,
        pos.file,
        pos,
        first.pos,
      );
    }
  }
  return undefined;
}

/**
 * Joins loaded modules, in the order given, into one policy named `display`
 * (the directory). Throws ModuleCompositionError when there are none or two
 * set a policy-level field differently.
 */
export function composeModules(loaded: readonly LoadedModule[], display: string): Policy {
  if (loaded.length === 0) {
    throw new ModuleCompositionError(`the module directory ${display} holds no policy modules (*.yaml, *.yml or *.json files)`, display);
  }
  const clash = policyLevelClash(loaded);
  if (clash) throw clash;
  const modules: PolicyModule[] = [];
  let firstRule = 0;
  for (const { name, path, policy } of loaded) {
    modules.push({ file: policy.file, path, name, firstRule, ruleCount: policy.rules.length });
    firstRule += policy.rules.length;
  }
  // The one module that sets a policy-level field gives it (equal settings agree).
  const setting = (field: string) => loaded.find((m) => sourceOf(m.policy)?.fields[field])?.policy;
  return {
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Policy',
    rules: loaded.flatMap((m) => m.policy.rules),
    omitStages: setting('omitStages')?.omitStages ?? [],
    omitManagedFields: setting('omitManagedFields')?.omitManagedFields ?? false,
    file: display,
    modules,
  };
}

/** The module (of a composed policy) that rule `index` belongs to. */
export function moduleOfRule(policy: Policy, index: number): PolicyModule | undefined {
  return policy.modules?.find((m) => index >= m.firstRule && index < m.firstRule + m.ruleCount);
}

/** A module of a composed policy by its name in the directory ("20-secrets.yaml") or its displayed path. */
export function findModule(policy: Policy, name: string): PolicyModule | undefined {
  return policy.modules?.find((m) => m.name === name || m.file === name || basename(m.file) === name);
}
