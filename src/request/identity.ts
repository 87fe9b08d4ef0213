// Who the audit policy sees for a caller. kube-apiserver authenticates first
// (WithAuthentication), then evaluates the audit policy (WithAudit), and only
// after that applies impersonation: the policy always sees the authenticated
// caller, never the impersonated user (which the event records separately).
import { serviceAccountGroups, serviceAccountUsername, splitServiceAccountUsername } from './serviceAccount.js';
import type { Identity, UserInfo } from './types.js';

export { SERVICE_ACCOUNTS_GROUP } from './serviceAccount.js';

/** user.Anonymous, user.AllUnauthenticated, user.AllAuthenticated. */
export const ANONYMOUS_USER = 'system:anonymous';
export const UNAUTHENTICATED_GROUP = 'system:unauthenticated';
export const AUTHENTICATED_GROUP = 'system:authenticated';

/**
 * kube-apiserver's AuthenticatedGroupAdder, which wraps every authenticator but
 * the anonymous one: system:authenticated is appended last, unless the user is
 * system:anonymous or already has system:authenticated or system:unauthenticated.
 */
export function withAuthenticatedGroup(name: string, groups: readonly string[]): UserInfo {
  if (name === ANONYMOUS_USER || groups.includes(AUTHENTICATED_GROUP) || groups.includes(UNAUTHENTICATED_GROUP)) {
    return { name, groups: [...groups] };
  }
  return { name, groups: [...groups, AUTHENTICATED_GROUP] };
}

/** The user the audit policy is evaluated with; null when authentication failed. */
export function policyUser(identity: Identity): UserInfo | null {
  switch (identity.kind) {
    case 'user':
      return withAuthenticatedGroup(identity.name, identity.groups);
    case 'anonymous':
      // The anonymous authenticator sits outside the group adder.
      return { name: ANONYMOUS_USER, groups: [UNAUTHENTICATED_GROUP] };
    case 'failed-authentication':
      // WithFailedAuthenticationAudit evaluates the policy with no user at all.
      return null;
    case 'impersonating':
      return withAuthenticatedGroup(identity.caller.name, identity.caller.groups);
  }
}

/**
 * A caller whose credentials an authenticator maps to `name` and `groups`
 * (system:authenticated is added for you). A service account's username
 * (system:serviceaccount:<ns>:<name>) comes with the groups its token carries,
 * system:serviceaccounts and system:serviceaccounts:<ns>, first and once.
 * (A client certificate could name such a user without them, but that is not
 * how a service account authenticates, and rules on those groups are written
 * for service accounts.)
 */
export function user(name: string, groups: readonly string[] = []): Identity {
  const account = splitServiceAccountUsername(name);
  const implied = account ? serviceAccountGroups(account.namespace).filter((g) => !groups.includes(g)) : [];
  return { kind: 'user', name, groups: [...implied, ...groups] };
}

/**
 * A service account token's user, as kube-apiserver's service account
 * authenticator gives it: system:serviceaccount:<ns>:<name> in groups
 * system:serviceaccounts and system:serviceaccounts:<ns>.
 */
export function serviceAccount(namespace: string, name: string): Identity {
  const username = serviceAccountUsername(namespace, name);
  if (!splitServiceAccountUsername(username)) {
    throw new Error(`${JSON.stringify(namespace)}/${JSON.stringify(name)} is not a service account kube-apiserver can authenticate: the namespace must be a DNS-1123 label and the name a DNS-1123 subdomain`);
  }
  return user(username, serviceAccountGroups(namespace));
}

/** No credentials, anonymous authentication enabled. */
export const anonymous: Identity = Object.freeze({ kind: 'anonymous' });

/** Credentials that no authenticator accepts (e.g. a bad token): answered 401. */
export const failedAuthentication: Identity = Object.freeze({ kind: 'failed-authentication' });

/** `caller` (a user identity) sending Impersonate-User/Impersonate-Group for `as`. */
export function impersonate(
  caller: Identity | { name: string; groups?: readonly string[] },
  as: { name: string; groups?: readonly string[] },
): Identity {
  let from: { name: string; groups: readonly string[] };
  if ('kind' in caller) {
    if (caller.kind !== 'user') throw new Error(`only an authenticated user can impersonate, not ${caller.kind}`);
    from = { name: caller.name, groups: [...caller.groups] };
  } else {
    from = { name: caller.name, groups: [...(caller.groups ?? [])] };
  }
  return { kind: 'impersonating', caller: from, as: { name: as.name, groups: [...(as.groups ?? [])] } };
}

/**
 * An identity the end-to-end runner can present so that the policy sees exactly
 * `seen`, or undefined when none can (e.g. an authenticated user without
 * system:authenticated: the group adder always adds it).
 */
export function identityForPolicyUser(seen: UserInfo | null): Identity | undefined {
  if (seen === null) return failedAuthentication;
  if (seen.name === ANONYMOUS_USER && seen.groups.length === 1 && seen.groups[0] === UNAUTHENTICATED_GROUP) {
    return anonymous;
  }
  const candidate = user(seen.name, seen.groups);
  const result = policyUser(candidate)!;
  return sameUser(result, seen) ? candidate : undefined;
}

export function sameUser(a: UserInfo | null, b: UserInfo | null): boolean {
  if (a === null || b === null) return a === b;
  return a.name === b.name && a.groups.length === b.groups.length && a.groups.every((g, i) => g === b.groups[i]);
}

/** "alice [dev]", "system:anonymous", "<unauthenticated>", "admin [system:masters] as bob [x]". */
export function describeIdentity(identity: Identity): string {
  const who = (name: string, groups: readonly string[]) => (groups.length ? `${name} [${groups.join(', ')}]` : name);
  switch (identity.kind) {
    case 'user':
      return who(identity.name, identity.groups);
    case 'anonymous':
      return ANONYMOUS_USER;
    case 'failed-authentication':
      return '<unauthenticated>';
    case 'impersonating':
      return `${who(identity.caller.name, identity.caller.groups)} as ${who(identity.as.name, identity.as.groups)}`;
  }
}

/** How a policy user is shown in labels for requests that have no Identity. */
export function describeUser(u: UserInfo | null): string {
  if (u === null) return '<unauthenticated>';
  return u.groups.length ? `${u.name} [${u.groups.join(', ')}]` : u.name;
}
