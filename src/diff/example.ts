// One concrete request standing for a whole changed class: readable, a member of
// the class, and — whenever the class has one — a request kube-apiserver can
// actually receive, given as the HTTP-shaped input `auditspec eval` reads.
import type { RequestAttributes, UserInfo } from '../request/types.js';
import { pathSetHas, samplePaths } from './pathSet.js';
import type { Region } from './region.js';
import { sampleValues, valueSetHas } from './valueSet.js';

/** The JSON line `auditspec eval` reads: no `user` means failed authentication. */
export interface HttpExample {
  method: string;
  url: string;
  user?: { username: string; groups: string[] };
}

export interface RealizedRequest {
  http: HttpExample;
  /** What kube-apiserver resolves `http` to (for a resource request, with the path it chose). */
  attributes: RequestAttributes;
}

/**
 * The HTTP request whose resolution gives exactly `attributes` (a resource
 * request's path aside), or null when kube-apiserver can never see such
 * attributes (e.g. "get" without a name).
 */
export type RealizeRequest = (attributes: RequestAttributes) => RealizedRequest | null;

export interface Example {
  attributes: RequestAttributes;
  /** null when no request of the class can be sent over HTTP. */
  http: HttpExample | null;
  /** Which of the class's regions the example comes from. */
  regionIndex: number;
}

const AUTHENTICATED = 'system:authenticated';
const UNAUTHENTICATED = 'system:unauthenticated';
const ANONYMOUS = 'system:anonymous';

/** Verbs requestinfo.go can give a resource request, commonest first ("" for methods it does not map). */
const RESOURCE_VERBS = ['get', 'list', 'create', 'update', 'patch', 'delete', 'watch', 'deletecollection', 'proxy', ''];
/** Non-resource verbs are the lower-cased HTTP method. */
const NON_RESOURCE_VERBS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];
/** Verbs whose requests name an object: a nameless GET is a list, a nameless DELETE a deletecollection. */
const NAMED_VERBS = new Set(['get', 'update', 'patch', 'delete', 'proxy']);

/** Whether `attributes` lie in `region` (used to keep examples honest). */
export function regionContains(region: Region, attributes: RequestAttributes): boolean {
  const user = attributes.user;
  if (region.authenticated !== null && region.authenticated !== (user !== null)) return false;
  if (user !== null) {
    if (!valueSetHas(region.userName, user.name)) return false;
    for (const [group, member] of region.groups) if (user.groups.includes(group) !== member) return false;
  }
  if (!valueSetHas(region.verb, attributes.verb)) return false;
  if (region.resourceRequest !== null && region.resourceRequest !== attributes.resourceRequest) return false;
  if (attributes.resourceRequest) {
    return (
      valueSetHas(region.apiGroup, attributes.apiGroup) &&
      valueSetHas(region.resource, attributes.resource) &&
      valueSetHas(region.subresource, attributes.subresource) &&
      valueSetHas(region.namespace, attributes.namespace) &&
      valueSetHas(region.name, attributes.name)
    );
  }
  return pathSetHas(region.path, attributes.path);
}

/** Users of the region, most realistic first; null stands for failed authentication. */
function sampleUsers(region: Region): (UserInfo | null)[] {
  const users: (UserInfo | null)[] = [];
  if (region.authenticated !== false) {
    const required = [...region.groups].filter(([, member]) => member).map(([group]) => group);
    const allows = (group: string): boolean => region.groups.get(group) !== false;
    for (const name of sampleValues(region.userName, ['other-user'], 2)) {
      if (name === ANONYMOUS) continue;
      // kube-apiserver adds system:authenticated to every authenticated user but the anonymous one.
      if (allows(AUTHENTICATED) && !required.includes(AUTHENTICATED)) users.push({ name, groups: [...required, AUTHENTICATED] });
      else if (!allows(AUTHENTICATED) && allows(UNAUTHENTICATED) && !required.includes(UNAUTHENTICATED)) {
        // ...except one that already carries system:unauthenticated (odd, but an authenticator may return it).
        users.push({ name, groups: [...required, UNAUTHENTICATED] });
      } else users.push({ name, groups: required });
    }
    // The anonymous user carries exactly system:unauthenticated.
    if (
      valueSetHas(region.userName, ANONYMOUS) &&
      required.every((group) => group === UNAUTHENTICATED) &&
      allows(UNAUTHENTICATED)
    ) {
      users.push({ name: ANONYMOUS, groups: [UNAUTHENTICATED] });
    }
    if (users.length === 0) users.push({ name: ANONYMOUS, groups: required });
  }
  if (region.authenticated !== true) users.push(null);
  return users;
}

function* resourceRequests(region: Region): Generator<Omit<RequestAttributes, 'user'>> {
  const verbs = sampleValues(region.verb, RESOURCE_VERBS, 4);
  const groups = sampleValues(region.apiGroup, ['', 'other.example.com'], 2);
  const resources = sampleValues(region.resource, ['other-resources'], 2);
  const subresources = sampleValues(region.subresource, ['', 'other-subresource'], 2);
  const namespaces = sampleValues(region.namespace, ['other-namespace', ''], 2);
  const names = sampleValues(region.name, ['', 'other-name'], 2);
  for (const verb of verbs) {
    // Subresources and named verbs need a name; try names first then.
    for (const subresource of subresources) {
      const byName = NAMED_VERBS.has(verb) || subresource !== '' ? [...names].sort((a, b) => Number(a === '') - Number(b === '')) : names;
      for (const name of byName) {
        for (const resource of resources) {
          for (const namespace of namespaces) {
            for (const apiGroup of groups) {
              yield {
                verb,
                resourceRequest: true,
                apiGroup,
                apiVersion: 'v1',
                resource,
                subresource,
                namespace,
                name,
                path: '',
              };
            }
          }
        }
      }
    }
  }
}

function* nonResourceRequests(region: Region): Generator<Omit<RequestAttributes, 'user'>> {
  for (const path of samplePaths(region.path, 3)) {
    for (const verb of sampleValues(region.verb, NON_RESOURCE_VERBS, 3)) {
      yield { verb, resourceRequest: false, apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '', name: '', path };
    }
  }
}

/** Requests of the region, most readable first. */
export function* sampleRequests(region: Region): Generator<RequestAttributes> {
  const kinds = region.resourceRequest === null ? [true, false] : [region.resourceRequest];
  for (const user of sampleUsers(region)) {
    for (const resourceRequest of kinds) {
      for (const request of resourceRequest ? resourceRequests(region) : nonResourceRequests(region)) {
        yield { user, ...request };
      }
    }
  }
}

/** How many candidates to try per region before settling for an attributes-only example. */
const ATTEMPTS_PER_REGION = 400;
/** How many regions of a class to draw examples from before picking the most natural. */
const REGIONS_CONSIDERED = 30;

const STANDARD_METHODS = new Set(NON_RESOURCE_VERBS);

/**
 * How unusual a request is as an example (lower is better): sendable over HTTP
 * first, then by an authenticated user, then a resource request, then a verb a
 * client sends every day.
 */
function unusualness(attributes: RequestAttributes, sendable: boolean): number {
  let score = sendable ? 0 : 100;
  if (attributes.user === null) score += 4;
  else if (attributes.user.name === ANONYMOUS) score += 2;
  if (!attributes.resourceRequest) {
    score += 1;
    if (!STANDARD_METHODS.has(attributes.verb)) score += 8;
  } else if (attributes.verb === '' || attributes.verb === 'proxy') score += 8;
  return score;
}

/**
 * Picks the class's example: in each of its first regions, the first readable
 * candidate kube-apiserver can receive (or, if none, the first candidate as
 * attributes only); of those, the most natural, earlier regions winning ties.
 */
export function chooseExample(regions: readonly Region[], realize: RealizeRequest): Example {
  let best: { example: Example; score: number } | null = null;
  for (const [regionIndex, region] of regions.slice(0, REGIONS_CONSIDERED).entries()) {
    let fallback: Example | null = null;
    let found: Example | null = null;
    let attempts = 0;
    for (const attributes of sampleRequests(region)) {
      fallback ??= { attributes, http: null, regionIndex };
      const realized = realize(attributes);
      if (realized !== null) {
        found = { ...realized, regionIndex };
        break;
      }
      if (++attempts >= ATTEMPTS_PER_REGION) break;
    }
    const example = found ?? fallback;
    if (example === null) continue;
    const score = unusualness(example.attributes, example.http !== null);
    if (best === null || score < best.score) best = { example, score };
    if (score === 0) break;
  }
  if (best === null) throw new Error('auditspec diff: a changed class has no regions');
  return best.example;
}
