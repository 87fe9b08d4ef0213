// kube-up's GCE audit policy against upstream's own test matrix
// (cluster/gce/gci/audit_policy_test.go, 618 cases, expanded as data in
// ../shared/corpus). Every case must come out exactly as upstream's test says.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { canSendEndToEnd, describePolicy, endToEndBackend, type AuditRequest, type Level } from 'auditspec';

const corpus = fileURLToPath(new URL('../../shared/corpus/', import.meta.url));
const policyFile = `${corpus}policies/gce-configure-helper-default.yaml`;
const casesFile = `${corpus}expectations/gce-audit-policy-test-cases.jsonl`;

interface GceCase {
  user: string;
  groups: string[];
  verb: string;
  resourceRequest: boolean;
  apiGroup?: string;
  apiVersion?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  path?: string;
  expectedLevel: Level;
  expectedOmitStages: string[] | null;
}

function requestOf(c: GceCase): AuditRequest {
  const attributes = {
    user: { name: c.user, groups: c.groups },
    verb: c.verb,
    resourceRequest: c.resourceRequest,
    apiGroup: c.apiGroup ?? '',
    apiVersion: c.apiVersion ?? '',
    resource: c.resource ?? '',
    subresource: c.subresource ?? '',
    namespace: c.namespace ?? '',
    name: '',
    path: c.path ?? '',
  };
  const what = c.resourceRequest
    ? `${c.resource}${c.subresource ? `/${c.subresource}` : ''} in ${c.apiGroup || 'core'}${c.namespace ? ` ns ${c.namespace}` : ''}`
    : c.path;
  return { attributes, label: `${c.user} ${c.verb} ${what}` };
}

const present = existsSync(policyFile) && existsSync(casesFile);
if (!present) console.warn(`skipping the GCE matrix: ${corpus} is absent (it sits beside the repo in CI)`);

describe.skipIf(!present)('GCE policy, upstream test matrix', () => {
  const cases: GceCase[] = present
    ? readFileSync(casesFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as GceCase)
    : [];

  test('the matrix is the whole upstream test', () => {
    expect(cases).toHaveLength(618);
  });

  // Upstream's matrix builds attributes directly, and some of them no HTTP
  // request produces (e.g. verb "get" without a name). End to end, those can
  // only be checked offline, so they are left out and counted here.
  const all = cases.map((c) => ({ ...c, request: requestOf(c) }));
  const backend = endToEndBackend();
  const rows = backend ? all.filter((c) => canSendEndToEnd(c.request)) : all;
  if (rows.length < all.length) {
    console.warn(`GCE matrix on ${backend}: ${all.length - rows.length} of ${all.length} cases have no HTTP form and are checked offline only (run without --cluster)`);
  }

  // describe.skipIf still collects its body, so only bind the policy when it exists.
  if (present) describePolicy(policyFile, () => {
    test.each(rows)('$request.label → $expectedLevel', ({ request, expectedLevel, expectedOmitStages }) => {
      expect(request).toBeLoggedAt(expectedLevel);
      for (const stage of expectedOmitStages ?? []) expect(request).toOmitStage(stage as 'RequestReceived');
    });
  });
});
