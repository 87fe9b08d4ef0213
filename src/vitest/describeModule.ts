// Per-module specs. A module only means something inside the composed policy
// (an earlier module's rule may take its requests), so a describeModule block
// binds the whole module directory, as describePolicy does, and names one of
// its modules: inside it `toBeDecidedByModule()` asks that this module, not an
// earlier or later one, decides the request.
//
//   describeModule('clusters/modules', '20-secrets.yaml', () => {
//     test('secrets at Metadata, by the secrets module', () => {
//       const read = as('alice').get('secrets', 'db', { namespace: 'prod' });
//       expect(read).toBeLoggedAt('Metadata');
//       expect(read).toBeDecidedByModule();
//     });
//   });
import { afterEach, beforeEach, describe, test } from 'vitest';
import type { PolicyModule } from '../audit/types.js';
import { findModule } from '../audit/modules/compose.js';
import { type PolicyBinding, type PolicyBindingOptions, usePolicyInBlock, collectUnderVersion } from './policyBinding.js';

const stack: PolicyModule[] = [];

/** The module the running test's describeModule block names, if any. */
export function activeModule(): PolicyModule | undefined {
  return stack[stack.length - 1];
}

/** The names a module directory's modules go by, for messages. */
export function moduleNamesOf(binding: PolicyBinding): string {
  return (binding.policy.modules ?? []).map((m) => m.name).join(', ');
}

export function describeModule(
  dir: string,
  name: string,
  fn: (binding: PolicyBinding, module: PolicyModule) => void,
  options: PolicyBindingOptions = {},
): void {
  describe(`module ${name} of ${dir}`, () => {
    const binding = usePolicyInBlock(dir, options);
    if (!binding) return;
    const module = binding.policy.modules ? findModule(binding.policy, name) : undefined;
    if (!module) {
      const why = binding.policy.modules
        ? `it has no module ${JSON.stringify(name)}; its modules: ${moduleNamesOf(binding)}`
        : 'it is a policy file, not a module directory';
      test(`${dir} has the module ${name}`, () => {
        throw new Error(`describeModule: ${binding.displayPath}: ${why}`);
      });
      return;
    }
    beforeEach(() => {
      stack.push(module);
    });
    afterEach(() => {
      if (stack.pop() !== module) throw new Error('auditspec: module bindings were popped out of order');
    });
    collectUnderVersion(binding, () => fn(binding, module));
  });
}
