// Every auditspec matcher, one per file, registered together by extend-expect:
// the one registry, and the one augmentation of Vitest's Matchers below.
import type { Level, Stage } from '../../audit/types.js';
import { toBeDecidedBy, type RuleReference } from './toBeDecidedBy.js';
import { toBeDecidedByModule, type ModuleRuleReference } from './toBeDecidedByModule.js';
import { toBeLogged } from './toBeLogged.js';
import { toBeLoggedAt } from './toBeLoggedAt.js';
import { toHitDefault } from './toHitDefault.js';
import { toMatchAuditSnapshot } from './toMatchAuditSnapshot.js';
import { toOmitManagedFields } from './toOmitManagedFields.js';
import { toOmitStage } from './toOmitStage.js';
import { toWriteStages } from './toWriteStages.js';

export { toBeDecidedBy, toBeDecidedByModule, toBeLogged, toBeLoggedAt, toHitDefault, toMatchAuditSnapshot, toOmitManagedFields, toOmitStage, toWriteStages };
export type { ModuleRuleReference, RuleReference };

export const auditMatchers = {
  toBeLoggedAt,
  toBeLogged,
  toOmitStage,
  toWriteStages,
  toOmitManagedFields,
  toBeDecidedBy,
  toBeDecidedByModule,
  toHitDefault,
  toMatchAuditSnapshot,
};

export interface AuditMatchers<R = unknown> {
  /** The request is logged at exactly this level. */
  toBeLoggedAt(level: Level): R;
  /** The request is logged at all (any level above None); `.not.toBeLogged()` for None. */
  toBeLogged(): R;
  /** The stage is omitted for this request (policy-level ∪ rule-level omitStages). */
  toOmitStage(stage: Stage): R;
  /** Exactly these stages are written, in this order. */
  toWriteStages(stages: readonly Stage[]): R;
  /** managedFields are omitted from logged request/response bodies. */
  toOmitManagedFields(): R;
  /** The deciding rule is this one (0-based index, the rule object, or `{ line }`). */
  toBeDecidedBy(rule: RuleReference): R;
  /**
   * In a policy composed from a module directory, the deciding rule is one of
   * this module's (by file name, e.g. "20-secrets.yaml"; inside describeModule
   * it may be left out), or that module's rule `rule` (index within the module, or `{ line }` in its file).
   */
  toBeDecidedByModule(name?: string, rule?: ModuleRuleReference): R;
  /** No rule matched: kube-apiserver's default (None) decided. */
  toHitDefault(): R;
  /** The decisions for these requests (a list, or an object of labelled requests) match the stored snapshot table. */
  toMatchAuditSnapshot(hint?: string): R;
}

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Matchers<T = any> extends AuditMatchers<T> {}
}
