// Minimal repros of every mismatch the conformance harness has found, each
// naming the module that owns the behaviour. They are checked against the
// oracle (upstream's code), never against answers written down here.
//
// `open: true` marks a mismatch not fixed yet: its test is an `it.fails`, so
// the suite stays green while it is open and turns red the day it is fixed
// (then drop `open`). `signature` recognises the same problem in a generated
// batch, so the fixed-seed batch test can tell known-open mismatches from new
// ones; it never hides anything from `npm run conformance`, which reports all.

import type { HttpRequest, RequestAttributes } from '../src/request/types.js';
import type { Mismatch } from './compare.js';

export interface Regression {
  name: string;
  /** The module whose behaviour differs from upstream. */
  owner: string;
  policy: string;
  http?: HttpRequest;
  attributes?: RequestAttributes;
  open?: boolean;
  /** For open ones: whether a mismatch from a generated case is this same problem. */
  signature?: (m: Mismatch) => boolean;
}

const YAML_READER = 'src/go/yaml/scanner.ts + parser.ts + nodes.ts (readPolicy)';
const REQUEST_TARGET = 'src/request/requestTarget.ts (resolveRequestInfo)';

const header = 'apiVersion: audit.k8s.io/v1\nkind: Policy\n';

export const REGRESSIONS: Regression[] = [
  {
    name: 'a quote inside kind is escaped in "no kind ... is registered" (Go %q)',
    owner: 'src/audit/policy/decode.ts (readPolicy)',
    policy: 'apiVersion: audit.k8s.io/v1\nkind: Policy"\n',
  },
  {
    name: 'a quote inside apiVersion is escaped in "no kind ... is registered" (Go %q)',
    owner: 'src/audit/policy/decode.ts (readPolicy)',
    policy: 'apiVersion: audit.k8s.io/v1"\n',
  },
  {
    name: 'an alias whose name starts with a non-alphanumeric character is a scanner error, not an unknown anchor',
    owner: YAML_READER,
    policy: `${header}rules:\n- level: Metadata\n  resources:\n  - resources: [*/status]\n`,
  },
  {
    name: 'an unclosed flow sequence at the end of the file: "did not find expected node content"',
    owner: YAML_READER,
    policy: `${header}rules: [\n`,
  },
  {
    name: 'a tab used for indentation: "found a tab character that violates indentation"',
    owner: YAML_READER,
    policy: `${header}rules:\n- level: Metadata\n\tuserGroups: ["*"]\n`,
  },
  {
    name: 'an unterminated double-quoted scalar inside a flow sequence is reported where go-yaml reports it',
    owner: YAML_READER,
    policy: `${header}rules:\n- userGroups: [", system:unauthenticated]\n- level: "Request"\n`,
  },
  {
    name: 'an unterminated quote in a flow sequence: go-yaml stops at the next line, "did not find expected alphabetic or numeric character"',
    owner: YAML_READER,
    policy: `${header}rules:\n- level: Request\n  userGroups: [", "*"]\n`,
  },
  {
    name: 'a tab indenting a block scalar: "found a tab character where an indentation space is expected"',
    owner: YAML_READER,
    policy: 'kind: >-\n\tPolicy\n',
  },
  {
    name: 'a first line indented deeper than the rest is still a mapping for go-yaml',
    owner: YAML_READER,
    policy: '  bad indentation: x\nrules: null\n',
  },
  {
    name: 'go-yaml reports an unknown anchor before a scanner error further down',
    owner: YAML_READER,
    policy: `${header}rules:\n  - resources:\n      - resources: [*pods]\n  - namespaces:\n      - *\n`,
  },
  {
    name: 'an unquoted */scale in a block sequence is a scanner error at its line',
    owner: YAML_READER,
    policy: `${header}rules:\n- level: Metadata\n  resources:\n  - group: apps\n    resources:\n    - */scale\n`,
  },
  {
    name: 'a control character is refused when libyaml decodes its 512-byte chunk, before an earlier syntax error in that chunk',
    owner: YAML_READER,
    policy: `${header}rules:\n- level: Metadata\n users: [a]\n- users: ["\u0001"]\n`,
  },
  {
    name: 'a control character a chunk after a syntax error leaves the syntax error first',
    owner: YAML_READER,
    policy: `${header}rules:\n- level: Metadata\n users: [a]\n${'#'.repeat(600)}\n- users: ["\u0001"]\n`,
  },
  {
    name: 'CONNECT with an authority-form target "*" reaches kube-apiserver with path ""',
    owner: REQUEST_TARGET,
    policy: `${header}rules:\n- level: Metadata\n`,
    http: { method: 'CONNECT', url: '*', identity: { kind: 'user', name: 'bob', groups: [] } },
  },
  {
    name: 'CONNECT with an empty target reaches kube-apiserver with path "" (Go parses it as http://)',
    owner: REQUEST_TARGET,
    policy: `${header}rules:\n- level: Metadata\n`,
    http: { method: 'CONNECT', url: '', identity: { kind: 'anonymous' } },
  },
  {
    name: 'CONNECT with "host/path" keeps only the path after the authority',
    owner: REQUEST_TARGET,
    policy: `${header}rules:\n- level: Metadata\n`,
    http: { method: 'CONNECT', url: 'api/v1/pods', identity: { kind: 'anonymous' } },
  },
  {
    name: 'an absolute-form target (http://host/path) reaches kube-apiserver with its path',
    owner: REQUEST_TARGET,
    policy: `${header}rules:\n- level: Metadata\n`,
    http: { method: 'GET', url: 'http://kube/api/v1/namespaces/prod/pods', identity: { kind: 'anonymous' } },
  },
];

/** The open regression a generated mismatch is an instance of, if any. */
export function knownOpenRegression(m: Mismatch): Regression | undefined {
  return REGRESSIONS.find((r) => r.open && r.signature?.(m));
}
