import { describe, expect, test } from 'vitest';
import { as } from '../../../src/request/builder.js';
import { describeModule } from '../../../src/vitest/describeModule.js';
import { describePolicy } from '../../../src/vitest/policyBinding.js';
import { FIXTURE, MODULES, failureOf } from './support.js';

// The fixture directory: 10-system.yaml (rule 0: None for kube-proxy), then
// 20-secrets.yaml (rule 1: Metadata for secrets, rule 2: Request for creates).
const secret = as('alice').get('secrets', 'db', { namespace: 'prod' });
const proxy = as('system:kube-proxy').get('secrets', 'db', { namespace: 'prod' });
const other = as('alice').get('pods', 'web', { namespace: 'prod' });
const S = `${MODULES}/20-secrets.yaml`;
const P = `${MODULES}/10-system.yaml`;

describe('toBeDecidedByModule', () => {
  describePolicy(MODULES, () => {
    test('passes when a rule of the named module decides; by the module\'s rule index or a line of its file', () => {
      expect(secret).toBeDecidedByModule('20-secrets.yaml');
      expect(secret).toBeDecidedByModule('20-secrets.yaml', 0);
      expect(secret).toBeDecidedByModule('20-secrets.yaml', { line: 6 });
      expect(proxy).toBeDecidedByModule('10-system.yaml');
      expect(proxy).not.toBeDecidedByModule('20-secrets.yaml');
      expect(other).not.toBeDecidedByModule('10-system.yaml');
    });

    test('fails naming the module and rule that did decide', () => {
      expect(failureOf(() => expect(proxy).toBeDecidedByModule('20-secrets.yaml'))).toBe(
        [
          'expect(request).toBeDecidedByModule(module)',
          '',
          'Expected: module 20-secrets.yaml',
          `Received: module 10-system.yaml (rule 0 at ${P}:4)`,
          '',
          'Request:  system:kube-proxy GET /api/v1/namespaces/prod/secrets/db',
          `Decision: None (rule 0 at ${P}:4)`,
          `Policy:   ${MODULES}`,
          `  ✓ rule 0 None ${P}:4  matches`,
        ].join('\n'),
      );
      expect(failureOf(() => expect(secret).toBeDecidedByModule('20-secrets.yaml', 1))).toContain(
        `Expected: module 20-secrets.yaml (rule 1 at ${S}:8)\nReceived: module 20-secrets.yaml (rule 0 at ${S}:4)`,
      );
      expect(failureOf(() => expect(other).toBeDecidedByModule('20-secrets.yaml'))).toContain('Received: default (no rule matched)');
    });

    test('.not fails on the deciding module', () => {
      expect(failureOf(() => expect(secret).not.toBeDecidedByModule('20-secrets.yaml'))).toContain(
        `expect(request).not.toBeDecidedByModule(module)\n\nExpected: not module 20-secrets.yaml\nReceived: module 20-secrets.yaml (rule 0 at ${S}:4)`,
      );
    });

    test('an unknown module, rule or line is a usage error listing what there is', () => {
      expect(() => expect(secret).toBeDecidedByModule('30-nope.yaml')).toThrow(`${MODULES} has no module "30-nope.yaml"; its modules: 10-system.yaml, 20-secrets.yaml`);
      expect(() => expect(secret).toBeDecidedByModule('20-secrets.yaml', 2)).toThrow('20-secrets.yaml has no rule 2 (it has 2 rules, 0–1)');
      expect(() => expect(secret).toBeDecidedByModule('20-secrets.yaml', { line: 2 })).toThrow(`line 2 of ${S} is not inside a rule`);
      expect(() => expect(secret).toBeDecidedByModule()).toThrow('name the module (or call it inside describeModule)');
      expect(() => expect(secret).toBeDecidedBy({ line: 4 })).toThrow('name the module: toBeDecidedByModule(name, { line: 4 })');
    });
  });

  describeModule(MODULES, '20-secrets.yaml', () => {
    test('inside describeModule the name may be left out', () => {
      expect(secret).toBeDecidedByModule();
      expect(proxy).not.toBeDecidedByModule();
    });
  });

  describePolicy(FIXTURE, () => {
    test('on a policy file it says to use toBeDecidedBy', () => {
      expect(() => expect(secret).toBeDecidedByModule('20-secrets.yaml')).toThrow('is a policy file, not a module directory; use toBeDecidedBy');
    });
  });
});
