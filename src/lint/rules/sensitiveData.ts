// Request and RequestResponse put bodies in the audit log. For a few resources
// the bodies are credentials, and an audit log is usually far less protected than
// etcd. For each rule logging bodies we ask (exactly, via requestSpace) whether
// some request for such a resource reaches this rule, i.e. is matched by it and by
// no earlier rule — wildcards ("*" resources, group "*", no resources at all)
// included.
//
// Which bodies hold the secret decides which levels leak:
// - secrets: the data is in the request body of create/update/patch and in the
//   response of every verb that returns objects (delete and deletecollection
//   return what they deleted);
// - configmaps: same shapes; they are not meant for secrets but routinely hold
//   credentials, and upstream's reference policies (cluster/gce configure-helper,
//   the kubernetes.io example) keep them at Metadata beside secrets;
// - serviceaccounts/token (TokenRequest, create only): the request only names
//   audiences, the response is a fresh bearer token, so only RequestResponse leaks;
// - tokenreviews (create only): the request body is the bearer token under review
//   (and the response echoes it), so Request already leaks.
import type { Level } from '../../audit/types.js';
import type { LintFinding, LintRule } from '../types.js';
import { constraintBox, findUncovered, intersectRegions, requestSpaceOf, ruleRegion, type Box } from '../requestSpace.js';
import { describeRequest } from '../describe.js';

const CODE = 'sensitive-data-logged';

interface SensitiveResource {
  label: string;
  apiGroup: string;
  resource: readonly [string, string];
  /** Per body-logging level, the verbs whose logged bodies hold the secret. */
  leaks: Partial<Record<Level, readonly string[]>>;
  why: string;
}

/** Requests whose body carries the object. */
const WRITES = ['create', 'update', 'patch'];
/** Requests whose response carries objects (delete and deletecollection return what they deleted). */
const READS_AND_WRITES = ['get', 'list', 'watch', ...WRITES, 'delete', 'deletecollection'];

export const SENSITIVE_RESOURCES: readonly SensitiveResource[] = [
  {
    label: 'secrets',
    apiGroup: '',
    resource: ['secrets', ''],
    leaks: { Request: WRITES, RequestResponse: READS_AND_WRITES },
    why: 'secret values are in the bodies',
  },
  {
    label: 'configmaps',
    apiGroup: '',
    resource: ['configmaps', ''],
    leaks: { Request: WRITES, RequestResponse: READS_AND_WRITES },
    why: 'configmaps routinely hold credentials and keys (upstream\'s reference policies keep them at Metadata beside secrets)',
  },
  {
    label: 'serviceaccounts/token',
    apiGroup: '',
    resource: ['serviceaccounts', 'token'],
    leaks: { RequestResponse: ['create'] },
    why: 'the TokenRequest response is a freshly minted service account token',
  },
  {
    label: 'tokenreviews',
    apiGroup: 'authentication.k8s.io',
    resource: ['tokenreviews', ''],
    leaks: { Request: ['create'], RequestResponse: ['create'] },
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
        // The leaking verbs that really reach this rule, each checked exactly;
        // verbs only odd requests reach (a create naming its object in the URL)
        // are named only when nothing else reaches.
        const reaching = sensitive.leaks[level]!.flatMap((verb) => {
          const box = constraintBox(space, {
            resourceRequest: true,
            apiGroups: [sensitive.apiGroup],
            resources: [sensitive.resource],
            verbs: [verb],
          });
          if (!box) return [];
          const coverage = findUncovered(space, intersectRegions(regions[index], [box]), earlier);
          return coverage.covered === false ? [{ verb, witness: coverage.witness, typical: coverage.typical }] : [];
        });
        if (reaching.length === 0) continue;
        const shown = reaching.some((r) => r.typical) ? reaching.filter((r) => r.typical) : reaching;
        const verbs = shown.map((r) => r.verb);
        const example = shown[0].witness;
        findings.push({
          code: CODE,
          severity: 'warning',
          message:
            `${sensitive.label} requests (${verbs.join(', ')}) reach this rule and are logged at ${level}, but ${sensitive.why}, ` +
            `so the audit log would hold them (e.g. ${describeRequest(example)}). ` +
            `Log ${sensitive.label} at Metadata in a rule before this one.`,
          pos: rule.pos,
          ruleIndex: index,
        });
      }
    });
    return findings;
  },
};
