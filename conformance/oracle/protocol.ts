// The oracle's JSON-lines protocol as TypeScript types (go/oracle/README.md
// is the reference). Attributes reuse RequestAttributes: the oracle mirrors it.

import type { Identity, RequestAttributes } from '../../src/request/types.js';
import type { RequestInfo } from '../../src/request/requestInfo.js';

export interface OracleUser {
  name: string;
  groups: readonly string[];
}

export interface OracleDecision {
  level: string;
  /** Each stage once, in emission order. */
  omitStages: string[];
  omitManagedFields: boolean;
  ruleIndex: number | null;
}

export interface OracleGroupResources {
  group: string;
  resources: string[];
  resourceNames: string[];
}

export interface OracleRule {
  level: string;
  users: string[];
  userGroups: string[];
  verbs: string[];
  resources: OracleGroupResources[];
  namespaces: string[];
  nonResourceURLs: string[];
  omitStages: string[];
  omitManagedFields: boolean | null;
}

export interface OraclePolicy {
  rules: OracleRule[];
  omitStages: string[];
  omitManagedFields: boolean;
}

export type OracleLoadAnswer =
  | { ok: true; rules: number; strictError: string; policy: OraclePolicy }
  | { ok: false; error: string; strictError: string };

/** Upstream's RequestInfo as the oracle sends it: the same fields, by design, as ours. */
export type OracleRequestInfo = RequestInfo;

/** What upstream's WithRequestDeadline, which runs before authentication, did with a request. */
export interface OracleRequestDeadline {
  /** rejected: a bad `timeout` was answered 400 and audited with no user. */
  outcome: 'long-running' | 'passed' | 'rejected';
  /** Only when rejected. */
  status?: number;
  /** Only when rejected: the stages written for a policy auditing everything at Metadata. */
  auditStages?: string[];
}

export interface OracleResolved {
  urlError?: string;
  error?: string;
  info: OracleRequestInfo | null;
  attributes: RequestAttributes | null;
  /** Absent when the request never got a RequestInfo (urlError, error). */
  requestDeadline?: OracleRequestDeadline;
  decision?: OracleDecision;
}

/**
 * `user` is the user the policy sees, as is; `identity` instead lets upstream's
 * authenticators work it out (system:authenticated added, anonymous, none).
 */
export type OracleHttpRequest =
  | { method: string; url: string; user: OracleUser | null }
  | { method: string; url: string; identity: Identity };

/** Where eval/resolve/bench find their policy: kept by name, or inline text. */
export type PolicySource = { policyRef: string } | { policy: string };

export interface OracleCaseAnswer {
  load: OracleLoadAnswer;
  http: OracleResolved[];
  /** null when the policy did not load. */
  attributes: OracleDecision[] | null;
}
