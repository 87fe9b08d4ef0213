// Type test: the matchers are visible on Vitest 4.1's expect() with the right
// argument types once 'auditspec' is imported. Run by `vitest --typecheck`.
import { describe, expect, expectTypeOf, test } from 'vitest';
import 'auditspec/extend-expect';
import type { AuditRequest, Level, PolicyRule } from 'auditspec';

declare const request: AuditRequest;
declare const rule: PolicyRule;

describe('auditspec matchers', () => {
  test('accept levels, stages and rule references', () => {
    expect(request).toBeLoggedAt('Metadata');
    expect(request).not.toBeLogged();
    expect(request).toOmitStage('RequestReceived');
    expect(request).toWriteStages(['ResponseStarted']);
    expect(request).toOmitManagedFields();
    expect(request).toBeDecidedBy(3);
    expect(request).toBeDecidedBy(rule);
    expect(request).toBeDecidedBy({ line: 12 });
    expect(request).toHitDefault();
    expectTypeOf<Parameters<ReturnType<typeof expect<AuditRequest>>['toBeLoggedAt']>[0]>().toEqualTypeOf<Level>();
  });
  test('reject what kube-apiserver does not have', () => {
    // @ts-expect-error "Verbose" is not an audit level
    expect(request).toBeLoggedAt('Verbose');
    // @ts-expect-error "ResponseSent" is not a stage
    expect(request).toOmitStage('ResponseSent');
  });
});
