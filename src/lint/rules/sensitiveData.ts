// Request and RequestResponse put bodies in the audit log. For a few resources
// the bodies are credentials, and an audit log is usually far less protected than
// etcd. For each rule logging bodies we ask (exactly, via requestSpace) whether
// some request for such a resource reaches this rule, i.e. is matched by it and by
// no earlier rule — wildcards ("*" resources, group "*", no resources at all)
// included.
//
// Which bodies hold the secret decides which levels leak:
// - secrets: the data is in the request body of create/update/patch and in every
//   response;
// - configmaps: same shapes; they are not meant for secrets but routinely hold
//   credentials, and upstream's reference policies (cluster/gce configure-helper,
//   the kubernetes.io example) keep them at Metadata beside secrets;
// - serviceaccounts/token (TokenRequest): the request only names audiences, the
//   response is a fresh bearer token, so only RequestResponse leaks;
// - tokenreviews: the request body is the bearer token under review (and the
//   response echoes it), so Request already leaks.
import type { Level } from '../../audit/types.js';
import type { LintFinding, LintRule } from '../types.js';
import { constraintBox, findUncovered, intersectRegions, requestSpaceOf, ruleRegion, type Box } from '../requestSpace.js';
import { describeRequest } from '../describe.js';

const CODE = 'sensitive-data-logged';

interface SensitiveResource {
  label: string;
  apiGroup: string;
  resource: readonly [string, string];
  /** Per body-logging level, the verbs whose logged bodies hold the secret (undefined = every verb). */
  leaks: Partial<Record<Level, readonly string[] | undefined>>;
  why: string;
}

const WRITES = ['create', 'update', 'patch'];

export const SENSITIVE_RESOURCES: readonly SensitiveResource[] = [
  {
    label: 'secrets',
    apiGroup: '',
    resource: ['secrets', ''],
    leaks: { Request: WRITES, RequestResponse: undefined },
    why: 'secret values are in the bodies',
  },
  {
    label: 'configmaps',
    apiGroup: '',
    resource: ['configmaps', ''],
    leaks: { Request: WRITES, RequestResponse: undefined },
    why: 'configmaps routinely hold credentials and keys (upstream\'s reference policies keep them at Metadata beside secrets)',
  },
  {
    label: 'serviceaccounts/token',
    apiGroup: '',
    resource: ['serviceaccounts', 'token'],
    leaks: { RequestResponse: undefined },
    why: 'the TokenRequest response is a freshly minted service account token',
  },
  {
    label: 'tokenreviews',
    apiGroup: 'authentication.k8s.io',
    resource: ['tokenreviews', ''],
    leaks: { Request: undefined, RequestResponse: undefined },
    why: 'the TokenReview request body is the bearer token under review',
  },
];

export const sensitiveData: LintRule = {
  code: CODE,
  summary: 'secrets, configmaps, serviceaccounts/token or tokenreviews logged with bodies (Request or RequestResponse)',
  check({ policy }) {
    const space = requestSpaceOf(policy);
    const regions = policy.rules.map((rule) => ruleRegion(space, rule));
    const findings: LintFinding[] = [];
    policy.rules.forEach((rule, index) => {
      const level = rule.level as Level;
      if (level !== 'Request' && level !== 'RequestResponse') return;
      const earlier: Box[] = regions.slice(0, index).flat();
      for (const sensitive of SENSITIVE_RESOURCES) {
        if (!(level in sensitive.leaks)) continue;
        const verbs = sensitive.leaks[level];
        const box = constraintBox(space, {
          resourceRequest: true,
          apiGroups: [sensitive.apiGroup],
          resources: [sensitive.resource],
          ...(verbs ? { verbs } : {}),
        });
        if (!box) continue;
        const reaching = intersectRegions(regions[index], [box]);
        const coverage = findUncovered(space, reaching, earlier);
        if (coverage.covered !== false) continue;
        findings.push({
          code: CODE,
          severity: 'warning',
          message:
            `${sensitive.label} ${verbs ? `${verbs.join('/')} requests ` : ''}reach this rule and are logged at ${level}, but ${sensitive.why}, ` +
            `so the audit log would hold them (e.g. ${describeRequest(coverage.witness)}). ` +
            `Log ${sensitive.label} at Metadata in a rule before this one.`,
          pos: rule.pos,
          ruleIndex: index,
        });
      }
    });
    return findings;
  },
};
