// What the matcher tests share: the fixture policy and the failure message a
// failing expectation throws, without colour codes, as a reader sees it.
import { stripVTControlCharacters } from 'node:util';
import { fileURLToPath } from 'node:url';
import { relative } from 'node:path';
import '../../../src/vitest/extend-expect.js';

/** Three rules: None for kube-proxy watches, Request for creates, Metadata for secrets; the rest falls to the default. */
export const FIXTURE = relative(process.cwd(), fileURLToPath(new URL('../fixtures/matchers.yaml', import.meta.url)));

/** The message `assertion` fails with; throws when it passes, so a test cannot mistake a pass for a failure. */
export function failureOf(assertion: () => void): string {
  try {
    assertion();
  } catch (err) {
    return stripVTControlCharacters((err as Error).message);
  }
  throw new Error('expected the assertion to fail, and it passed');
}

/**
 * What every failure message for alice reading secret prod/db ends with: the
 * request, the decision and the trace of the fixture's rules. Written out, not
 * computed, so that a change to the explanation fails these tests.
 */
export const SECRET_EXPLANATION = [
  'Request:  alice GET /api/v1/namespaces/prod/secrets/db',
  `Decision: Metadata, omitting RequestReceived (rule 2 at ${FIXTURE}:12)`,
  `Policy:   ${FIXTURE}`,
  `  ✗ rule 0 None ${FIXTURE}:5  users: user "alice" is not in users ["system:kube-proxy"]`,
  `  ✗ rule 1 Request ${FIXTURE}:8  verbs: verb "get" is not in verbs ["create"]`,
  `  ✓ rule 2 Metadata ${FIXTURE}:12  matches`,
];

/** A module directory: 10-system.yaml (None for kube-proxy), 20-secrets.yaml (Metadata for secrets, Request for creates). */
export const MODULES = relative(process.cwd(), fileURLToPath(new URL('../fixtures/modules', import.meta.url)));
