// Composing one policy from a module directory. Each module file is loaded on
// its own through the policy loader (so it is a valid policy by itself, refused
// with the same message and file:line:col kube-apiserver would give it), then
// their rules are joined in file-name order: kube-apiserver takes one policy and
// stops at the first matching rule, so earlier modules take precedence. The
// rules stay the objects the loader returned, with their positions in their own
// module, so every message about a rule names the module's file:line.
//
// The policy-level fields (omitStages, omitManagedFields) apply to every rule,
// whichever module it came from; two modules setting them differently is a
// conflict nobody can resolve silently, so it is an error naming both files.
import { basename, join } from 'node:path';
import type { KubeVersion, Policy, PolicyModule, PolicyWarning, SourcePosition } from '../types.js';
import { PolicyLoadError, readPolicyFile, type ReadPolicyResult } from '../policy/reader.js';
import { sourceOf } from '../policy/sourceMap.js';
import { moduleNames } from './discover.js';

export interface ComposeOptions {
  /** The directory as displayed; module files are named `<file>/<name>`. Default: the path given. */
  file?: string;
  kubeVersion?: KubeVersion;
}

/**
 * The modules, each valid on its own, do not make one policy: two set a
 * policy-level field differently (pointing at the later one, the message
 * naming both), or the directory holds none. Not kube-apiserver's refusal:
 * kube-apiserver only ever sees the composed file.
 */
export class ModuleCompositionError extends PolicyLoadError {
  override name = 'ModuleCompositionError';

  constructor(
    message: string,
    file: string,
    pos?: SourcePosition,
    /** Where the earlier of two clashing modules set the field. */
    readonly earlier?: SourcePosition,
  ) {
    super(message, file, pos);
  }
}

/** The policy-level fields a module may set, and how two settings are compared. */
const POLICY_LEVEL_FIELDS = {
  omitStages: (p: Policy) => JSON.stringify([...new Set(p.omitStages)].sort()),
  omitManagedFields: (p: Policy) => JSON.stringify(p.omitManagedFields),
} as const;

const where = (pos: SourcePosition) => `${pos.file}:${pos.line}:${pos.col}`;

/** The first clash of a policy-level field between two modules, if any. */
function policyLevelClash(loaded: readonly Policy[]): ModuleCompositionError | undefined {
  for (const [field, valueOf] of Object.entries(POLICY_LEVEL_FIELDS)) {
    let first: { policy: Policy; pos: SourcePosition } | undefined;
    for (const policy of loaded) {
      const pos = sourceOf(policy)?.fields[field]?.key;
      if (!pos) continue;
      if (!first) {
        first = { policy, pos };
        continue;
      }
      if (valueOf(first.policy) === valueOf(policy)) continue;
      return new ModuleCompositionError(
        `policy-level ${field} is set differently by two modules: ${where(first.pos)} sets ${valueOf(first.policy)}, ` +
          `${where(pos)} sets ${valueOf(policy)}; it applies to every module's rules, so set it in one module only`,
        pos.file,
        pos,
        first.pos,
      );
    }
  }
  return undefined;
}

/**
 * Loads every module of `dir` and composes them. Never throws for a bad
 * module: the first module kube-apiserver would refuse (or a clash) is the
 * `ok: false` error, with the warnings of the modules read so far. A file that
 * cannot be read throws, as readPolicyFile does.
 */
export function composeModules(dir: string, options: ComposeOptions = {}): ReadPolicyResult {
  const display = options.file ?? dir;
  const names = moduleNames(dir);
  const warnings: PolicyWarning[] = [];
  if (names.length === 0) {
    const error = new ModuleCompositionError(`the module directory ${display} holds no policy modules (*.yaml, *.yml or *.json files)`, display);
    return { ok: false, error, warnings };
  }
  const loaded: Policy[] = [];
  for (const name of names) {
    const result = readPolicyFile(join(dir, name), { kubeVersion: options.kubeVersion, file: join(display, name) });
    warnings.push(...result.warnings);
    if (!result.ok) return { ok: false, error: result.error, warnings };
    loaded.push(result.policy);
  }
  const clash = policyLevelClash(loaded);
  if (clash) return { ok: false, error: clash, warnings };

  const modules: PolicyModule[] = [];
  let firstRule = 0;
  for (const [i, policy] of loaded.entries()) {
    modules.push({ file: policy.file, path: join(dir, names[i]), name: names[i], firstRule, ruleCount: policy.rules.length });
    firstRule += policy.rules.length;
  }
  // The one module that sets a policy-level field gives it (equal settings agree).
  const setting = (field: string) => loaded.find((p) => sourceOf(p)?.fields[field]);
  const policy: Policy = {
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Policy',
    rules: loaded.flatMap((p) => p.rules),
    omitStages: setting('omitStages')?.omitStages ?? [],
    omitManagedFields: setting('omitManagedFields')?.omitManagedFields ?? false,
    file: display,
    modules,
  };
  return { ok: true, policy, warnings };
}

/** The module (of a composed policy) that rule `index` belongs to. */
export function moduleOfRule(policy: Policy, index: number): PolicyModule | undefined {
  return policy.modules?.find((m) => index >= m.firstRule && index < m.firstRule + m.ruleCount);
}

/** A module of a composed policy by its name in the directory ("20-secrets.yaml") or its displayed path. */
export function findModule(policy: Policy, name: string): PolicyModule | undefined {
  return policy.modules?.find((m) => m.name === name || m.file === name || basename(m.file) === name);
}
