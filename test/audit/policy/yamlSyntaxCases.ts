// Broken YAML and what kube-apiserver says about it, shared by the unit test
// (our loader gives these exact messages) and the conformance test (upstream's
// loader, asked through go/oracle, gives them too).
//
// The expected texts were read from upstream: sigs.k8s.io/yaml v1.6.0
// YAMLToJSON over go.yaml.in/yaml/v2 v2.4.3, which LoadPolicyFromBytes
// (k8s.io/apiserver v0.36.4) reports as "failed decoding: <error>".

export const H = 'apiVersion: audit.k8s.io/v1\nkind: Policy\n';

/** [what, policy text, upstream's load error]. */
export const REFUSED: [string, string, string][] = [
  // An unquoted `*` starts an alias, whose name may only be [0-9A-Za-z_-]+ followed by a blank or indicator.
  ['an unquoted */scale subresource', `${H}rules:\n- level: Metadata\n  resources:\n  - group: apps\n    resources:\n    - */scale\n`, 'yaml: line 8: did not find expected alphabetic or numeric character'],
  ['an unquoted ** in a flow sequence', `${H}rules:\n- level: Metadata\n  resources:\n  - group: ""\n    resources: [**]\n`, 'yaml: line 7: did not find expected alphabetic or numeric character'],
  ['an unquoted */status in a flow sequence', `${H}rules:\n- level: Metadata\n  resources:\n  - resources: [*/status]\n`, 'yaml: line 6: did not find expected alphabetic or numeric character'],
  ['an unquoted lone *', `${H}rules:\n- level: Metadata\n  users:\n  - *\n`, 'yaml: line 6: did not find expected alphabetic or numeric character'],
  ['an anchor name that is not alphanumeric', `${H}rules:\n- &/x level: Metadata\n`, 'yaml: line 4: did not find expected alphabetic or numeric character'],
  // Parser errors name the line before the token (0-based mark); the end of input counts as a line.
  ['a flow sequence left open at the end', `${H}rules: [\n`, 'yaml: line 3: did not find expected node content'],
  ['a flow sequence left open, no final newline', `${H}rules: [`, 'yaml: line 3: did not find expected node content'],
  ['a block sequence inside an open flow sequence', `${H}rules: [\n- level: None\n`, 'yaml: line 3: did not find expected node content'],
  ['an unterminated quote inside a flow sequence', `${H}rules:\n- userGroups: [", system:unauthenticated]\n- level: "Request"\n`, "yaml: line 4: did not find expected ',' or ']'"],
  // Tabs: refused where libyaml expects indentation, with three different messages.
  ['a tab indenting a key after a plain scalar', `${H}rules:\n- level: Metadata\n\tuserGroups: ["*"]\n`, 'yaml: line 5: found a tab character that violates indentation'],
  ['a tab in a plain scalar continuation line', `${H}rules:\n- level: Metadata\n  verbs: get\n\t  list\n`, 'yaml: line 6: found a tab character that violates indentation'],
  ['a tab indenting a block scalar line', `${H}rules:\n- level: |\n    Metadata\n\t  x\n`, 'yaml: line 6: found a tab character where an indentation space is expected'],
  ['a tab before a dash', `${H}rules:\n\t- level: Metadata\n`, 'yaml: line 4: found character that cannot start any token'],
  // go-yaml fails on an unknown alias while parsing, so whichever comes first wins.
  ['an unknown alias before a syntax error', `${H}rules:\n  - resources:\n      - resources: [*pods]\n  - namespaces:\n      - *\n`, "yaml: unknown anchor 'pods' referenced"],
  ['a syntax error before an unknown alias', `${H}rules:\n  - namespaces:\n      - *\n  - resources:\n      - resources: [*pods]\n`, 'yaml: line 5: did not find expected alphabetic or numeric character'],
  // libyaml decodes 512 bytes at a time and refuses a control character as soon as its chunk is decoded.
  ['a control character', `${H}rules:\n- level: Metadata\n  users: ["a\u007fb"]\n`, 'yaml: control characters are not allowed'],
  ['a control character in the same chunk as an earlier syntax error', `${H}rules:\n- level: Metadata\n users: [a]\n- users: ["\u0001"]\n`, 'yaml: control characters are not allowed'],
  ['a control character a chunk after a syntax error', `${H}rules:\n- level: Metadata\n users: [a]\n${'#'.repeat(600)}\n- users: ["\u0001"]\n`, 'yaml: line 4: did not find expected key'],
  ['a nested mapping value', `${H}rules:\n- level: Metadata\n  verbs: get: list\n`, 'yaml: line 5: mapping values are not allowed in this context'],
  ['a key indented less than its siblings', `${H}rules:\n- level: Metadata\n users: [a]\n`, 'yaml: line 4: did not find expected key'],
  ['a dash indented less than its siblings', `${H}rules:\n- level: Metadata\n  verbs:\n  - get\n - list\n`, 'yaml: line 6: did not find expected key'],
  ['a stray colon', `${H}rules:\n- level: Metadata\n  : users\n`, 'yaml: line 4: did not find expected key'],
  ['a key split over two lines', `${H}rules:\n- level\n  : Metadata\n`, 'yaml: line 4: did not find expected key'],
];

/** YAML other parsers refuse but go-yaml reads: [what, policy text, upstream's load error]. */
export const ACCEPTED: [string, string, string][] = [
  ['a first line indented deeper than the rest (one mapping)', '  bad indentation: x\nrules: null\n', 'unknown group version field audit.k8s.io/__internal, Kind=Policy in policy'],
  ['a quoted scalar continued at column 0', `${H}rules:\n- level: "Meta\ndata"\n`, 'rules[0].level: Unsupported value: "Meta data": supported values: "None", "Metadata", "Request", "RequestResponse"'],
];
