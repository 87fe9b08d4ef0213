// A request as the audit policy sees it: the subset of authorizer.Attributes
// (k8s.io/apiserver/pkg/authorization/authorizer) that policy rules read.

/** The authenticated caller. Under impersonation this is the original caller. */
export interface UserInfo {
  name: string;
  groups: readonly string[];
}

export interface RequestAttributes {
  /** null when authentication failed: kube-apiserver evaluates the policy with no user. */
  user: UserInfo | null;
  verb: string;
  resourceRequest: boolean;
  /** Resource requests: "" for the core group. */
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  /** "" for cluster-scoped resources; a Namespace object carries its own name. */
  namespace: string;
  name: string;
  /** The URL path (no query). Non-resource rules match against it. */
  path: string;
}

/**
 * An HTTP request as a client sends it. This is also the JSON line shape that
 * `auditspec eval` and `auditspec probe` read:
 * `{"method": "GET", "url": "/api/v1/...", "user": {"username": "...", "groups": [...]}}`.
 */
export interface HttpRequest {
  method: string;
  /** Path plus optional query string, e.g. "/api/v1/pods?watch=1". */
  url: string;
  identity: Identity;
}

/**
 * Who sends the request, as the end-to-end runner must reproduce it. The policy
 * sees `policyUser(identity)`, never the impersonated user.
 */
export type Identity =
  | { kind: 'user'; name: string; groups: readonly string[] }
  | { kind: 'anonymous' }
  | { kind: 'failed-authentication' }
  | {
      kind: 'impersonating';
      /** The caller whose credentials are presented: the policy matches on this user. */
      caller: { name: string; groups: readonly string[] };
      as: { name: string; groups: readonly string[] };
    };

/**
 * One request a spec talks about. `attributes` is what the policy is evaluated
 * on; `http`, when present, is how the end-to-end runner really sends it (and
 * `attributes` was resolved from it). Requests described only by attributes
 * (e.g. upstream's test matrix) have no `http`.
 */
export interface AuditRequest {
  attributes: RequestAttributes;
  http?: HttpRequest;
  /** A short human description, e.g. `alice [dev] GET /api/v1/namespaces/prod/secrets/db`. */
  label: string;
}
