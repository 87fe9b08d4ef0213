// readPolicy against kube-apiserver's own answers. Every expected message and
// decoded policy below was produced by policy.LoadPolicyFromBytes from
// k8s.io/apiserver v0.36.4 (a throwaway Go program), and the 1.35 message by
// v0.35.4; the TypeScript loader must reproduce them byte for byte.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PolicyLoadError, readPolicy } from '../../../src/audit/policy/reader.js';
import type { Policy, PolicyWarning } from '../../../src/audit/types.js';
import { corpusPath, corpusSkipReason } from '../../support/corpus.js';

const A254 = 'a'.repeat(254);

/** [case, policy text, LoadPolicyFromBytes' error text or "OK"]. */
const UPSTREAM: [string, string, string][] = [
  ["loads a minimal policy", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n", "OK"],
  ["loads the same policy written as JSON", "{\"apiVersion\": \"audit.k8s.io/v1\", \"kind\": \"Policy\", \"rules\": [{\"level\": \"Metadata\"}]}", "OK"],
  ["loads without kind: the decoder defaults it to Policy", "apiVersion: audit.k8s.io/v1\nrules:\n- level: Metadata\n", "OK"],
  ["rejects a missing apiVersion: it decodes into the internal version", "kind: Policy\nrules:\n- level: Metadata\n", "unknown group version field audit.k8s.io/__internal, Kind=Policy in policy"],
  ["rejects an empty file the same way", "", "unknown group version field audit.k8s.io/__internal, Kind=Policy in policy"],
  ["rejects a file with comments only the same way", "# nothing here\n", "unknown group version field audit.k8s.io/__internal, Kind=Policy in policy"],
  ["rejects audit.k8s.io/v1beta1 (removed in 1.24)", "apiVersion: audit.k8s.io/v1beta1\nkind: Policy\nrules:\n- level: Metadata\n", "failed decoding: no kind \"Policy\" is registered for version \"audit.k8s.io/v1beta1\" in scheme \"pkg/runtime/scheme.go:111\""],
  ["rejects audit.k8s.io/v1alpha1 (removed in 1.24)", "apiVersion: audit.k8s.io/v1alpha1\nkind: Policy\nrules:\n- level: Metadata\n", "failed decoding: no kind \"Policy\" is registered for version \"audit.k8s.io/v1alpha1\" in scheme \"pkg/runtime/scheme.go:111\""],
  ["rejects a core apiVersion", "apiVersion: v1\nkind: Policy\nrules:\n- level: Metadata\n", "failed decoding: no kind \"Policy\" is registered for version \"v1\" in scheme \"pkg/runtime/scheme.go:111\""],
  ["rejects an apiVersion with two slashes", "apiVersion: a/b/c\nkind: Policy\nrules:\n- level: Metadata\n", "failed decoding: unexpected GroupVersion string: a/b/c"],
  ["rejects an apiVersion with an empty version: it becomes the internal version", "apiVersion: audit.k8s.io/\nkind: Policy\nrules:\n- level: Metadata\n", "unknown group version field audit.k8s.io/__internal, Kind=Policy in policy"],
  ["rejects another group with an empty version, quoting the whole input", "apiVersion: foo/\nkind: Policy\nrules: []\n", "failed decoding: Object 'apiVersion' is missing in 'apiVersion: foo/\nkind: Policy\nrules: []\n'"],
  ["rejects an unknown kind", "apiVersion: audit.k8s.io/v1\nkind: Foo\nrules:\n- level: Metadata\n", "failed decoding: no kind \"Foo\" is registered for version \"audit.k8s.io/v1\" in scheme \"pkg/runtime/scheme.go:111\""],
  ["rejects a mis-cased kind", "apiVersion: audit.k8s.io/v1\nkind: policy\nrules:\n- level: Metadata\n", "failed decoding: no kind \"policy\" is registered for version \"audit.k8s.io/v1\" in scheme \"pkg/runtime/scheme.go:111\""],
  ["rejects another registered kind at conversion", "apiVersion: audit.k8s.io/v1\nkind: Event\nrules:\n- level: Metadata\n", "failed decoding: converting (v1.Event) to (audit.Policy): unknown conversion"],
  ["rejects an unversioned kind at conversion", "apiVersion: v1\nkind: Status\n", "failed decoding: converting (v1.Status) to (audit.Policy): unknown conversion"],
  ["rejects a kind unknown to the internal version when apiVersion is missing", "kind: Foo\n", "failed decoding: no kind \"Foo\" is registered for the internal version of group \"audit.k8s.io\" in scheme \"pkg/runtime/scheme.go:111\""],
  ["rejects a number apiVersion while sniffing apiVersion/kind", "apiVersion: 1\nkind: Policy\nrules:\n- level: Metadata\n", "failed decoding: couldn't get version/kind; json parse error: json: cannot unmarshal number into Go struct field .apiVersion of type string"],
  ["rejects a list kind while sniffing", "apiVersion: audit.k8s.io/v1\nkind: [Policy]\n", "failed decoding: couldn't get version/kind; json parse error: json: cannot unmarshal array into Go struct field .kind of type string"],
  ["rejects a document that is a list", "- a\n- b\n", "failed decoding: couldn't get version/kind; json parse error: json: cannot unmarshal array into Go value of type struct { APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind string \"json:\\\"kind,omitempty\\\"\" }"],
  ["rejects a document that is a string", "hello\n", "failed decoding: couldn't get version/kind; json parse error: json: cannot unmarshal string into Go value of type struct { APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind string \"json:\\\"kind,omitempty\\\"\" }"],
  ["sniffs apiVersion and kind ignoring case", "APIVersion: audit.k8s.io/v1\nKind: Policy\nrules:\n- level: Metadata\n", "OK"],
  ["rejects a policy without rules", "apiVersion: audit.k8s.io/v1\nkind: Policy\n", "loaded illegal policy with 0 rules"],
  ["rejects an empty rules list", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: []\n", "loaded illegal policy with 0 rules"],
  ["rejects rules: null", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: null\n", "loaded illegal policy with 0 rules"],
  ["rejects an unsupported level", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Foo\n", "rules[0].level: Unsupported value: \"Foo\": supported values: \"None\", \"Metadata\", \"Request\", \"RequestResponse\""],
  ["quotes the level as JSON (audit.Level is not a plain string)", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: \"a<b>&\\u00e9\"\n", "rules[0].level: Unsupported value: \"a\\u003cb\\u003e\\u0026\u00e9\": supported values: \"None\", \"Metadata\", \"Request\", \"RequestResponse\""],
  ["rejects a missing level", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- users: [alice]\n", "rules[0].level: Required value"],
  ["rejects level: null as missing", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: null\n", "rules[0].level: Required value"],
  ["rejects an empty level", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level:\n", "rules[0].level: Required value"],
  ["rejects a null rule as a rule without level", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- null\n- level: None\n", "rules[0].level: Required value"],
  ["aggregates several errors in order", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Foo\n- level: \"\"\n- {}\n", "[rules[0].level: Unsupported value: \"Foo\": supported values: \"None\", \"Metadata\", \"Request\", \"RequestResponse\", rules[1].level: Required value, rules[2].level: Required value]"],
  ["rejects non-resource URLs not starting with /", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  nonResourceURLs: [\"healthz\"]\n", "rules[0].nonResourceURLs[0]: Invalid value: \"healthz\": non-resource URL rules must begin with a '/' character"],
  ["rejects a wildcard that is not last", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  nonResourceURLs: [\"/api/*/x\"]\n", "rules[0].nonResourceURLs[0]: Invalid value: \"/api/*/x\": non-resource URL wildcards '*' must be the final character of the rule"],
  ["reports both URL problems of one entry", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  nonResourceURLs: [\"*\", \"\", \"/ok*\", \"x*y\"]\n", "[rules[0].nonResourceURLs[1]: Invalid value: \"\": non-resource URL rules must begin with a '/' character, rules[0].nonResourceURLs[3]: Invalid value: \"x*y\": non-resource URL rules must begin with a '/' character, rules[0].nonResourceURLs[3]: Invalid value: \"x*y\": non-resource URL wildcards '*' must be the final character of the rule]"],
  ["quotes URLs with Go's %q", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  nonResourceURLs: [\"caf\\u00e9\\t\"]\n", "rules[0].nonResourceURLs[0]: Invalid value: \"caf\u00e9\\t\": non-resource URL rules must begin with a '/' character"],
  ["rejects rules with non-resource URLs and resources", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  nonResourceURLs: [\"/api\"]\n  resources: [{group: \"\"}]\n", "rules[0].nonResourceURLs: Invalid value: [\"/api\"]: rules cannot apply to both regular resources and non-resource URLs"],
  ["rejects rules with non-resource URLs and namespaces", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  nonResourceURLs: [\"/api\", \"/a<b\"]\n  namespaces: [\"a\"]\n", "rules[0].nonResourceURLs: Invalid value: [\"/api\",\"/a\\u003cb\"]: rules cannot apply to both regular resources and non-resource URLs"],
  ["rejects a group with a version (no index in the field path)", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  resources:\n  - group: \"\"\n  - group: \"rbac.authorization.k8s.io/v1beta1\"\n", "rules[0].resources.group: Invalid value: \"rbac.authorization.k8s.io/v1beta1\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"],
  ["rejects an upper-case group", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  resources:\n  - group: Apps\n", "rules[0].resources.group: Invalid value: \"Apps\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"],
  ["deduplicates identical messages from two entries", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  resources:\n  - group: Apps\n  - group: Apps\n    resources: [pods]\n", "rules[0].resources.group: Invalid value: \"Apps\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"],
  ["rejects a group longer than 253 bytes", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  resources:\n  - group: " + A254 + "\n", "rules[0].resources.group: Invalid value: \"" + A254 + "\": must be no more than 253 characters"],
  ["joins both DNS problems of one group with a comma", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  resources:\n  - group: " + A254 + "-\n", "rules[0].resources.group: Invalid value: \"" + A254 + "-\": must be no more than 253 characters,a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"],
  ["accepts group '*' in 1.36", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  resources:\n  - group: \"*\"\n", "OK"],
  ["rejects resourceNames without resources", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  resources:\n  - group: apps\n    resourceNames: [\"x\", \"y\"]\n", "rules[0].resources.resourceNames: Invalid value: [\"x\",\"y\"]: using resourceNames requires at least one resource"],
  ["rejects unknown rule stages", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  omitStages: [\"ResponseStarted\", \"\", \"panic\"]\n", "[rules[0].omitStages[1]: Invalid value: \"\": allowed stages are RequestReceived,ResponseStarted,ResponseComplete,Panic, rules[0].omitStages[2]: Invalid value: \"panic\": allowed stages are RequestReceived,ResponseStarted,ResponseComplete,Panic]"],
  ["rejects unknown policy stages before rule errors", "apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [Foo]\nrules:\n- level: Bar\n", "[omitStages[0]: Invalid value: \"Foo\": allowed stages are RequestReceived,ResponseStarted,ResponseComplete,Panic, rules[0].level: Unsupported value: \"Bar\": supported values: \"None\", \"Metadata\", \"Request\", \"RequestResponse\"]"],
  ["fails decoding a number where a string is expected", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  users: [123]\n", "failed decoding: json: cannot unmarshal number into Go struct field PolicyRule.rules.users of type string"],
  ["fails decoding YAML 1.1 booleans where strings are expected", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  verbs: [get, on, list]\n", "failed decoding: json: cannot unmarshal bool into Go struct field PolicyRule.rules.verbs of type string"],
  ["fails decoding a string where a list is expected", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  verbs: get\n", "failed decoding: json: cannot unmarshal string into Go struct field PolicyRule.rules.verbs of type []string"],
  ["fails decoding a quoted boolean", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  omitManagedFields: \"true\"\n", "failed decoding: json: cannot unmarshal string into Go struct field PolicyRule.rules.omitManagedFields of type bool"],
  ["fails decoding a mapping where rules should be", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: {level: None}\n", "failed decoding: json: cannot unmarshal object into Go struct field Policy.rules of type []v1.PolicyRule"],
  ["fails decoding a float level", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: 1.5\n", "failed decoding: json: cannot unmarshal number into Go struct field PolicyRule.rules.level of type v1.Level"],
  ["fails decoding .nan: JSON cannot carry it", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: .nan\n", "failed decoding: json: unsupported value: NaN"],
  ["reports the first decode error in sorted key order", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  verbs: [1]\n  users: [true]\n", "failed decoding: json: cannot unmarshal bool into Go struct field PolicyRule.rules.users of type string"],
  ["fails decoding wrong metadata", "apiVersion: audit.k8s.io/v1\nkind: Policy\nmetadata: {labels: {a: 1}}\nrules:\n- level: Metadata\n", "failed decoding: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string"],
  ["fails decoding a bad metadata timestamp", "apiVersion: audit.k8s.io/v1\nkind: Policy\nmetadata: {creationTimestamp: \"2020-01-01\"}\nrules:\n- level: Metadata\n", "failed decoding: parsing time \"2020-01-01\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"\" as \"T\""],
  ["fails decoding an internal-version policy with wrong types", "kind: Policy\nRules: 5\n", "failed decoding: json: cannot unmarshal number into Go struct field Policy.Rules of type []audit.PolicyRule"],
  ["reports YAML syntax errors with libyaml's wording", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n users: [a]\n", "failed decoding: yaml: line 4: did not find expected key"],
  ["reports tabs used as indentation", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n\t- level: Metadata\n", "failed decoding: yaml: line 4: found character that cannot start any token"],
  ["reports a nested mapping value", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  verbs: get: list\n", "failed decoding: yaml: line 5: mapping values are not allowed in this context"],
  ["reports an unclosed flow sequence", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  users: [\"a\", \"b\"\n- level: None\n", "failed decoding: yaml: line 5: did not find expected ',' or ']'"],
  ["reports an unknown alias", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  users: *nope\n", "failed decoding: yaml: unknown anchor 'nope' referenced"],
  ["reports an unsupported %YAML version", "%YAML 1.2\n---\napiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n", "failed decoding: yaml: found incompatible YAML document"],
  ["reports go-yaml's unknown escape", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  users: [\"a\\/b\"]\n", "failed decoding: yaml: line 5: found unknown escape character"],
  ["reports JSON syntax errors as Go's json package does", "{\"apiVersion\": \"audit.k8s.io/v1\", \"kind\": \"Policy\", \"rules\": [{\"level\": \"Metadata\",}]}", "failed decoding: couldn't get version/kind; json parse error: invalid character '}' looking for beginning of object key string"],
  ["reports truncated JSON", "{\"apiVersion\": \"audit.k8s.io/v1\", \"kind\": \"Policy\", \"rules\": [{\"level\": \"Metadata\"}]", "failed decoding: couldn't get version/kind; json parse error: unexpected end of JSON input"],
  ["reports trailing text after JSON", "{\"apiVersion\": \"audit.k8s.io/v1\", \"kind\": \"Policy\", \"rules\": [{\"level\": \"Metadata\"}]} // x", "failed decoding: couldn't get version/kind; json parse error: invalid character '/' after top-level value"],
  ["reports a bad JSON literal", "{\"apiVersion\": \"audit.k8s.io/v1\", \"kind\": \"Policy\", \"rules\": [{\"level\": tru}]}", "failed decoding: couldn't get version/kind; json parse error: invalid character '}' in literal true (expecting 'e')"],
  ["reports an invalid non-ASCII character in JSON by its first byte", "{\"apiVersion\": \"audit.k8s.io/v1\", \"kind\": \"Policy\", \"rules\": [{\"level\": \"x\" \u00e9}]}", "failed decoding: couldn't get version/kind; json parse error: invalid character '\u00c3' after object key:value pair"],
  ["ignores documents after the first", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n---\nfoo: [\n", "OK"],
  ["reads a leading --- as the first document", "---\napiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n", "OK"],
  ["accepts YAML merge keys", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- &r\n  level: Metadata\n  verbs: [get]\n- <<: *r\n  level: None\n", "OK"],
  ["accepts a byte order mark", "\ufeffapiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n", "OK"],
  ["accepts CRLF line ends", "apiVersion: audit.k8s.io/v1\r\nkind: Policy\r\nrules:\r\n- level: Metadata\r\n  users: [a]\r\n", "OK"],
  ["sniffs kind with Go's Unicode case folding (Kelvin sign)", "apiVersion: audit.k8s.io/v1\n\u212aind: Event\nrules: [{level: None}]\n", "failed decoding: converting (v1.Event) to (audit.Policy): unknown conversion"],
  ["sniffs apiVersion with Go's Unicode case folding (long s)", "apiVer\u017fion: audit.k8s.io/v1beta1\nkind: Policy\nrules: [{level: None}]\n", "failed decoding: no kind \"Policy\" is registered for version \"audit.k8s.io/v1beta1\" in scheme \"pkg/runtime/scheme.go:111\""],
];

/** Upstream's decoded policy, in the shape auditspec returns (unset omitManagedFields as null). */
function shape(policy: Policy) {
  return {
    rules: policy.rules.map((r) => ({
      level: r.level,
      users: r.users,
      userGroups: r.userGroups,
      verbs: r.verbs,
      resources: r.resources.map((g) => ({ group: g.group, resources: g.resources, resourceNames: g.resourceNames })),
      namespaces: r.namespaces,
      nonResourceURLs: r.nonResourceURLs,
      omitStages: r.omitStages,
      omitManagedFields: r.omitManagedFields ?? null,
    })),
    omitStages: policy.omitStages,
    omitManagedFields: policy.omitManagedFields,
  };
}

function loaded(text: string): { policy: Policy; warnings: PolicyWarning[] } {
  const result = readPolicy(text, { file: 'policy.yaml' });
  if (!result.ok) throw new Error(`expected the policy to load, got: ${result.error.reason}`);
  return result;
}

describe('readPolicy accepts and rejects exactly as kube-apiserver 1.36', () => {
  it.each(UPSTREAM)('%s', (_name, text, expected) => {
    const result = readPolicy(text);
    if (expected === 'OK') {
      expect(result.ok ? 'OK' : result.error.reason).toBe('OK');
    } else {
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error).toBeInstanceOf(PolicyLoadError);
        expect(result.error.reason).toBe(expected);
      }
    }
  });
});

const DECODED: { name: string; text: string; policy: unknown; upstreamStrict: string }[] = [
  {
    name: "null list items decode as empty strings",
    text: "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  users: [a, null, ~, \"\", b]\n",
    policy: {"rules": [{"level": "Metadata", "users": ["a", "", "", "", "b"], "userGroups": [], "verbs": [], "resources": [], "namespaces": [], "nonResourceURLs": [], "omitStages": [], "omitManagedFields": null}], "omitStages": [], "omitManagedFields": false},
    upstreamStrict: "",
  },
  {
    name: "YAML 1.1 booleans decode into bool fields",
    text: "apiVersion: audit.k8s.io/v1\nkind: Policy\nomitManagedFields: yes\nrules:\n- level: Metadata\n  omitManagedFields: off\n- level: None\n  omitManagedFields: null\n",
    policy: {"rules": [{"level": "Metadata", "users": [], "userGroups": [], "verbs": [], "resources": [], "namespaces": [], "nonResourceURLs": [], "omitStages": [], "omitManagedFields": false}, {"level": "None", "users": [], "userGroups": [], "verbs": [], "resources": [], "namespaces": [], "nonResourceURLs": [], "omitStages": [], "omitManagedFields": null}], "omitStages": [], "omitManagedFields": true},
    upstreamStrict: "",
  },
  {
    name: "a repeated key keeps its last value",
    text: "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  level: None\n",
    policy: {"rules": [{"level": "None", "users": [], "userGroups": [], "verbs": [], "resources": [], "namespaces": [], "nonResourceURLs": [], "omitStages": [], "omitManagedFields": null}], "omitStages": [], "omitManagedFields": false},
    upstreamStrict: "strict decoding error: yaml: unmarshal errors:\n  line 5: key \"level\" already set in map",
  },
  {
    name: "mis-cased keys are ignored, not applied",
    text: "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  Level: None\n  Verbs: [get]\n",
    policy: {"rules": [{"level": "Metadata", "users": [], "userGroups": [], "verbs": [], "resources": [], "namespaces": [], "nonResourceURLs": [], "omitStages": [], "omitManagedFields": null}], "omitStages": [], "omitManagedFields": false},
    upstreamStrict: "strict decoding error: unknown field \"rules[0].Level\", unknown field \"rules[0].Verbs\"",
  },
  {
    name: "a verbs key under a resources entry is not the rule's verbs",
    text: "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  resources:\n  - group: \"\"\n    resources: [pods]\n    verbs: [get]\n",
    policy: {"rules": [{"level": "Metadata", "users": [], "userGroups": [], "verbs": [], "resources": [{"group": "", "resources": ["pods"], "resourceNames": []}], "namespaces": [], "nonResourceURLs": [], "omitStages": [], "omitManagedFields": null}], "omitStages": [], "omitManagedFields": false},
    upstreamStrict: "strict decoding error: unknown field \"rules[0].resources[0].verbs\"",
  },
  {
    name: "resource: instead of resources: leaves the entry without resources",
    text: "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  resources:\n  - group: apps\n    resource: [deployments]\n",
    policy: {"rules": [{"level": "Metadata", "users": [], "userGroups": [], "verbs": [], "resources": [{"group": "apps", "resources": [], "resourceNames": []}], "namespaces": [], "nonResourceURLs": [], "omitStages": [], "omitManagedFields": null}], "omitStages": [], "omitManagedFields": false},
    upstreamStrict: "strict decoding error: unknown field \"rules[0].resources[0].resource\"",
  },
  {
    name: "merge keys apply in go-yaml's order",
    text: "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- &r\n  level: Metadata\n  verbs: [get]\n- <<: *r\n  level: None\n- <<: [*r, {verbs: [list], users: [u]}]\n  users: [v]\n",
    policy: {"rules": [{"level": "Metadata", "users": [], "userGroups": [], "verbs": ["get"], "resources": [], "namespaces": [], "nonResourceURLs": [], "omitStages": [], "omitManagedFields": null}, {"level": "None", "users": [], "userGroups": [], "verbs": ["get"], "resources": [], "namespaces": [], "nonResourceURLs": [], "omitStages": [], "omitManagedFields": null}, {"level": "Metadata", "users": ["v"], "userGroups": [], "verbs": ["get"], "resources": [], "namespaces": [], "nonResourceURLs": [], "omitStages": [], "omitManagedFields": null}], "omitStages": [], "omitManagedFields": false},
    upstreamStrict: "strict decoding error: yaml: unmarshal errors:\n  line 8: key \"level\" already set in map\n  line 6: key \"verbs\" already set in map\n  line 10: key \"users\" already set in map",
  },
  {
    name: "timestamp-like and number-like quoted values stay strings",
    text: "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  users: [2001-01-01, \"123\", '0x1F', !!str 12, 1e]\n",
    policy: {"rules": [{"level": "Metadata", "users": ["2001-01-01", "123", "0x1F", "12", "1e"], "userGroups": [], "verbs": [], "resources": [], "namespaces": [], "nonResourceURLs": [], "omitStages": [], "omitManagedFields": null}], "omitStages": [], "omitManagedFields": false},
    upstreamStrict: "",
  },
  {
    name: "double-quoted escapes and folding follow go-yaml",
    text: "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  users: [\"a\\tb\\x41\\u00e9\", \"it\\'s\", \"x\n    y\"]\n",
    policy: {"rules": [{"level": "Metadata", "users": ["a\tbA\u00e9", "it's", "x y"], "userGroups": [], "verbs": [], "resources": [], "namespaces": [], "nonResourceURLs": [], "omitStages": [], "omitManagedFields": null}], "omitStages": [], "omitManagedFields": false},
    upstreamStrict: "",
  },
  {
    name: "a repeated JSON key decodes over the earlier value element by element",
    text: "{\"apiVersion\":\"audit.k8s.io/v1\",\"kind\":\"Policy\",\"rules\":[{\"level\":\"None\",\"verbs\":[\"get\"],\"users\":[\"a\"]},{\"level\":\"None\"}],\"rules\":[{\"level\":\"Metadata\",\"users\":[null]}]}",
    policy: {"rules": [{"level": "Metadata", "users": ["a"], "userGroups": [], "verbs": ["get"], "resources": [], "namespaces": [], "nonResourceURLs": [], "omitStages": [], "omitManagedFields": null}], "omitStages": [], "omitManagedFields": false},
    upstreamStrict: "strict decoding error: duplicate field \"rules\"",
  },
  {
    name: "only the first YAML document is read",
    text: "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n---\napiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n",
    policy: {"rules": [{"level": "Metadata", "users": [], "userGroups": [], "verbs": [], "resources": [], "namespaces": [], "nonResourceURLs": [], "omitStages": [], "omitManagedFields": null}], "omitStages": [], "omitManagedFields": false},
    upstreamStrict: "",
  },
  {
    name: "omitStages and every list field decode as written",
    text: "apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n- level: Request\n  users: [u]\n  userGroups: [g]\n  verbs: [get]\n  namespaces: [\"\", ns]\n  resources:\n  - group: \"*\"\n    resources: [\"*/scale\"]\n    resourceNames: [name1]\n  omitStages: [Panic]\n  omitManagedFields: true\n- level: None\n  nonResourceURLs: [\"/healthz*\"]\n",
    policy: {"rules": [{"level": "Request", "users": ["u"], "userGroups": ["g"], "verbs": ["get"], "resources": [{"group": "*", "resources": ["*/scale"], "resourceNames": ["name1"]}], "namespaces": ["", "ns"], "nonResourceURLs": [], "omitStages": ["Panic"], "omitManagedFields": true}, {"level": "None", "users": [], "userGroups": [], "verbs": [], "resources": [], "namespaces": [], "nonResourceURLs": ["/healthz*"], "omitStages": [], "omitManagedFields": null}], "omitStages": ["RequestReceived"], "omitManagedFields": false},
    upstreamStrict: "",
  },
];

describe('readPolicy decodes exactly what kube-apiserver decodes', () => {
  it.each(DECODED)('$name', ({ text, policy, upstreamStrict }) => {
    const result = loaded(text);
    expect(shape(result.policy)).toEqual(policy);
    // Whatever upstream's strict decoder complained about is a warning here, and nothing else is.
    const complaints = [...upstreamStrict.matchAll(/(unknown field|duplicate field) "([^"]+)"|key "([^"]+)" already set in map/g)];
    const fromDecoding = result.warnings.filter((w) => w.code !== 'ignored-document' && w.code !== 'null-item');
    expect(fromDecoding).toHaveLength(complaints.length);
    for (const [, kind, path, key] of complaints) {
      const needle = kind ? `${kind} "${path}"` : `key "${key}" already set in map`;
      expect(fromDecoding.some((w) => w.message.includes(needle)), needle).toBe(true);
    }
  });
});

describe('warnings say what upstream forgives and what it means for matching', () => {
  it('a verbs key indented under a resources entry: the rule matches every verb', () => {
    const text = [
      'apiVersion: audit.k8s.io/v1',
      'kind: Policy',
      'rules:',
      '  - level: Request',
      '    resources:',
      '      - group: ""',
      '        resources: ["pods"]',
      '        verbs: ["create"]',
      '',
    ].join('\n');
    const { policy, warnings } = loaded(text);
    expect(policy.rules[0].verbs).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ code: 'misplaced-field', pos: { file: 'policy.yaml', line: 8, col: 9 } });
    expect(warnings[0].message).toContain('unknown field "rules[0].resources[0].verbs"');
    expect(warnings[0].message).toContain('matches every verb');
  });

  it('resource: instead of resources: the entry matches every resource in its group', () => {
    const text = 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  resources:\n  - group: apps\n    resource: [deployments]\n';
    const { warnings } = loaded(text);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ code: 'unknown-field', pos: { line: 7, col: 5 } });
    expect(warnings[0].message).toContain('did you mean "resources"?');
    expect(warnings[0].message).toContain('matches every resource in API group "apps"');
  });

  it('a mis-cased key is ignored, and the rule keeps what it has', () => {
    const text = 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  Verbs: [get]\n  Level: None\n';
    const { policy, warnings } = loaded(text);
    expect(policy.rules[0].level).toBe('Metadata');
    expect(warnings.map((w) => [w.code, w.pos.line])).toEqual([
      ['case-mismatch', 5],
      ['case-mismatch', 6],
    ]);
    expect(warnings[0].message).toContain('did you mean "verbs"?');
    expect(warnings[0].message).toContain('matches every verb');
    expect(warnings[1].message).toContain(`The rule's own level ("Metadata") applies.`);
  });

  it('a mis-cased apiVersion still loads: the version sniffing ignores case', () => {
    const { policy, warnings } = loaded('APIVERSION: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n');
    expect(policy.apiVersion).toBe('audit.k8s.io/v1');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].code).toBe('case-mismatch');
    expect(warnings[0].message).toContain('still reads the apiVersion');
  });

  it('rule fields at the top level belong in a rule', () => {
    const { warnings } = loaded('apiVersion: audit.k8s.io/v1\nkind: Policy\nverbs: [get]\nrules:\n- level: None\n');
    expect(warnings).toMatchObject([{ code: 'misplaced-field', pos: { line: 3, col: 1 } }]);
  });

  it('an unrelated unknown key has no effect on matching', () => {
    const { warnings } = loaded('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n  comment: hello\n');
    expect(warnings).toMatchObject([{ code: 'unknown-field', pos: { line: 5, col: 3 } }]);
    expect(warnings[0].message).toContain('no effect on matching');
  });

  it('a repeated key: the last value wins', () => {
    const { policy, warnings } = loaded('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  verbs: [get]\n  verbs: [list]\n');
    expect(policy.rules[0].verbs).toEqual(['list']);
    expect(warnings).toMatchObject([{ code: 'duplicate-key', pos: { line: 6, col: 3 } }]);
    expect(warnings[0].message).toContain('first at line 5, column 3');
  });

  it('a repeated JSON key is reported as upstream words it', () => {
    const { warnings } = loaded('{"apiVersion": "audit.k8s.io/v1", "kind": "Policy", "rules": [{"level": "None", "level": "Metadata"}]}');
    expect(warnings).toMatchObject([{ code: 'duplicate-key', pos: { line: 1, col: 81 } }]);
    expect(warnings[0].message).toContain('duplicate field "rules[0].level"');
  });

  it('documents after the first are ignored', () => {
    const { warnings } = loaded('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n---\nrules: []\n');
    expect(warnings).toMatchObject([{ code: 'ignored-document', pos: { line: 5, col: 1 } }]);
  });

  it('a null list item is kept as "" (not dropped); in namespaces that means cluster-scoped resources', () => {
    const { policy, warnings } = loaded('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  namespaces: [kube-system, ~]\n');
    expect(policy.rules[0].namespaces).toEqual(['kube-system', '']);
    expect(warnings).toMatchObject([{ code: 'null-item', pos: { line: 5, col: 29 } }]);
    expect(warnings[0].message).toContain('rules[0].namespaces[1]');
    expect(warnings[0].message).toContain('cluster-scoped resources');
  });

  it('warnings come with a refused policy too', () => {
    const result = readPolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- leve: None\n', { file: 'p.yaml' });
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error.reason).toBe('rules[0].level: Required value');
    expect(result.warnings).toMatchObject([{ code: 'unknown-field', pos: { file: 'p.yaml', line: 4, col: 3 } }]);
    expect(result.warnings[0].message).toContain('did you mean "level"?');
  });

  it('a clean policy has no warnings', () => {
    expect(loaded('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n').warnings).toEqual([]);
  });
});

describe('positions', () => {
  const text = [
    'apiVersion: audit.k8s.io/v1', // 1
    'kind: Policy', // 2
    'omitStages: [RequestReceived]', // 3
    'rules:', // 4
    '  # the proxy', // 5
    '  - level: None', // 6
    '    users: ["system:kube-proxy"]', // 7
    '    verbs:', // 8
    '      - watch', // 9
    '    resources:', // 10
    '      - group: ""', // 11
    '        resources: ["endpoints", "services"]', // 12
    '      - group: "apps"', // 13
    '  - level: Request', // 14
    '    nonResourceURLs:', // 15
    '    - /healthz', // 16
    '',
  ].join('\n');

  it('every rule, key and resources entry keeps where it was written', () => {
    const { policy } = loaded(text);
    const [proxy, health] = policy.rules;
    expect(policy.file).toBe('policy.yaml');
    expect(proxy.pos).toEqual({ file: 'policy.yaml', line: 6, col: 3 });
    expect(proxy.fieldPos).toEqual({
      level: { file: 'policy.yaml', line: 6, col: 5 },
      users: { file: 'policy.yaml', line: 7, col: 5 },
      verbs: { file: 'policy.yaml', line: 8, col: 5 },
      resources: { file: 'policy.yaml', line: 10, col: 5 },
    });
    expect(proxy.resources.map((g) => [g.pos.line, g.pos.col])).toEqual([
      [11, 7],
      [13, 7],
    ]);
    expect(health.pos).toMatchObject({ line: 14, col: 3 });
    expect(health.fieldPos.nonResourceURLs).toMatchObject({ line: 15, col: 5 });
  });

  it('validation errors point at the offending value', () => {
    const bad = text
      .replace('level: None', 'level: Nope')
      .replace('group: "apps"', 'group: "Apps"')
      .replace('- /healthz', '- healthz')
      .replace('[RequestReceived]', '[RequestReceived, Later]');
    const result = readPolicy(bad, { file: 'policy.yaml' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.details.map((d) => [d.field, d.pos?.line, d.pos?.col])).toEqual([
      ['omitStages[1]', 3, 31],
      ['rules[0].level', 6, 12],
      ['rules[0].resources.group', 13, 16],
      ['rules[1].nonResourceURLs[0]', 16, 5],
    ]);
    expect(result.error.pos).toEqual(result.error.details[0].pos);
    expect(result.error.reason).toBe(`[${result.error.details.map((d) => d.message).join(', ')}]`);
  });

  it('decode errors point at the value that failed', () => {
    const result = readPolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  users: [alice, 42]\n', { file: 'p.yaml' });
    expect(result.ok ? undefined : result.error.pos).toEqual({ file: 'p.yaml', line: 5, col: 18 });
  });

  it('JSON input keeps positions too', () => {
    const { policy } = loaded('{\n  "apiVersion": "audit.k8s.io/v1",\n  "kind": "Policy",\n  "rules": [\n    {"level": "None", "verbs": ["get"]}\n  ]\n}\n');
    expect(policy.rules[0].pos).toMatchObject({ line: 5, col: 5 });
    expect(policy.rules[0].fieldPos.verbs).toMatchObject({ line: 5, col: 23 });
  });
});

describe('kubeVersion', () => {
  const wildcard = 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  resources:\n  - group: "*"\n    resources: ["pods"]\n  - group: "*"\n';

  it('group "*" loads from 1.36 on', () => {
    expect(readPolicy(wildcard).ok).toBe(true);
    expect(readPolicy(wildcard, { kubeVersion: '1.37' }).ok).toBe(true);
  });

  it('group "*" is the DNS subdomain error kube-apiserver 1.35 prints (once: identical messages are merged)', () => {
    const result = readPolicy(wildcard, { kubeVersion: '1.35' });
    expect(result.ok ? 'OK' : result.error.reason).toBe(
      `rules[0].resources.group: Invalid value: "*": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    );
    expect(result.ok ? [] : result.error.details).toHaveLength(2);
  });

  it('an unparsable kubeVersion is a usage error, not a policy error', () => {
    expect(() => readPolicy(wildcard, { kubeVersion: 'latest' as never })).toThrow(/invalid Kubernetes version/);
  });
});

// The shared corpus: real policies from projects and docs. Each outcome was
// checked with LoadPolicyFromBytes; a loaded policy is compared with
// upstream's decoded policy through a SHA-256 of shape(policy) as JSON.
const CORPUS = corpusPath('policies');
const corpusMissing = corpusSkipReason('policies');
const UPSTREAM_CORPUS: Record<string, { error: string } | { rules: number; sha256: string; strict: string }> = {
  'aks-engine-addon.yaml': {
    rules: 8,
    sha256: '310dcdd2ec7877cceaf5cba64e473a148e2811e87bb39adbdae28019f287e94d',
    strict: "",
  },
  'audicia-recommended.yaml': {
    rules: 3,
    sha256: '8e4000ab6ca00664c0f6eff074d3c0cf8ef4dc1e48b37c7da3a647df2bd046ac',
    strict: "",
  },
  'audit2rbac-demo-policy.yaml': {
    rules: 1,
    sha256: 'aab223bef41f824454202e4c692d7f6e67b0445f063a0cf58bc69f5445b66b43',
    strict: "",
  },
  'azure-defender-for-kubernetes.yaml': { error: "failed decoding: no kind \"Policy\" is registered for version \"audit.k8s.io/v1beta1\" in scheme \"pkg/runtime/scheme.go:111\"" },
  'banzaicloud-pke.yaml': { error: "failed decoding: no kind \"Policy\" is registered for version \"audit.k8s.io/v1beta1\" in scheme \"pkg/runtime/scheme.go:111\"" },
  'charmed-kubernetes-default.yaml': {
    rules: 5,
    sha256: '65eb668446145b301cae75cdea40da067cade5130cf866843856582c85477f5c',
    strict: "",
  },
  'datadog-docs-recommended.yaml': {
    rules: 5,
    sha256: 'ac62ef6c1ff023f2e8e36a68def1ec3a9140ad67fbb126b8dac3b51bd726e243',
    strict: "strict decoding error: unknown field \"rules[3].resources[0].verbs\"",
  },
  'disa-stig-aks-engine-azurestack.yaml': {
    rules: 1,
    sha256: '5c83fd7ea92ae7f779b6bbb2cc1e833d60dde9dea8230266e441657ca5351003',
    strict: "",
  },
  'eks-best-practices-documented.yaml': { error: "failed decoding: no kind \"Policy\" is registered for version \"audit.k8s.io/v1beta1\" in scheme \"pkg/runtime/scheme.go:111\"" },
  'falco-k8saudit-plugin.yaml': {
    rules: 11,
    sha256: '9f821136f25a9286f7fed280e81dd02f1d7f23406175466462f0cb229dca9c87',
    strict: "",
  },
  'gardener-example-custom.yaml': {
    rules: 1,
    sha256: '11fc68a6341c8abfa7f328a75a3cbe6a5de2f4d6c8d1ba9bdc33ea517b7e5e86',
    strict: "",
  },
  'gce-configure-helper-default.yaml': {
    rules: 17,
    sha256: 'b25de4326ccdc4380cff9220a4d7cfda452e3432408d6e28fdcb8686cbd6cbf3',
    strict: "",
  },
  'imjasonh-rbac-audit-kind.yaml': { error: "failed decoding: no kind \"Policy\" is registered for version \"audit.k8s.io/v1beta1\" in scheme \"pkg/runtime/scheme.go:111\"" },
  'k8s-website-audit-policy.yaml': {
    rules: 9,
    sha256: '28f13e2c0c6f441c07a3dc83852f8fadb5d2c33ee5c6621b01089164c2edca37',
    strict: "",
  },
  'kind-docs-metadata-all.yaml': {
    rules: 1,
    sha256: '5f5e78f42704e3fb87083d21a5b5afbefd9b4fd66a3dc558673b6cb10aa9464d',
    strict: "",
  },
  'kubemarine-default.yaml': {
    rules: 4,
    sha256: 'a558fee83537f6cf18180b9ba489a987ed699f957e1ff541632cdf289cbb1479',
    strict: "",
  },
  'kubermatic-preset-metadata.yaml': {
    rules: 1,
    sha256: '5f5e78f42704e3fb87083d21a5b5afbefd9b4fd66a3dc558673b6cb10aa9464d',
    strict: "",
  },
  'kubermatic-preset-minimal.yaml': {
    rules: 3,
    sha256: '881a4b67f5f99d01e710d562a0f08ec941cf75b989da713401632a49e609ca35',
    strict: "",
  },
  'kubermatic-preset-recommended.yaml': {
    rules: 3,
    sha256: 'bba8a7916afd23b61dce1b6c783017a94fa2131ed7f14d8ad1bb902a7911c7b1',
    strict: "",
  },
  'kubespray-default.yaml': {
    rules: 13,
    sha256: '40e1aa1f77f496ee299900c44f53ebc4fdb91da7433e52d2732c73a401911398',
    strict: "",
  },
  'openshift-allrequestbodies.yaml': {
    rules: 4,
    sha256: 'c2219944a9bff9b28c887b147bae72cd2dd1e0d59432437498619156a7654a01',
    strict: "strict decoding error: unknown field \"rules[2].resources[4].resource\"",
  },
  'openshift-default.yaml': {
    rules: 4,
    sha256: 'a4c33966e5b46b6cd1747d9a776dbf419848e2537846a27103d0535f419340a0',
    strict: "",
  },
  'openshift-multiplecr.yaml': {
    rules: 8,
    sha256: '96932b2bbe7e70cfb766c8d89b49028a362f1667c5ec798626df8cfa5320ad9e',
    strict: "strict decoding error: unknown field \"rules[2].resources[4].resource\", unknown field \"rules[5].resources[4].resource\"",
  },
  'openshift-none.yaml': {
    rules: 3,
    sha256: 'd29f3853a67b476222b24db46287b64a886a96b80ce810240ebfb7df37913173',
    strict: "",
  },
  'openshift-writerequestbodies.yaml': {
    rules: 5,
    sha256: 'fde4da863670f12bda8ab44f267a06a093eb0132ee139a4224ebfce34ce04ed0',
    strict: "strict decoding error: unknown field \"rules[2].resources[4].resource\"",
  },
  'rke2-default-none.yaml': {
    rules: 1,
    sha256: 'd26f6cd7266edbe1860914f9b00b0eedac6bf12744494b129010c9a3371a6b1f',
    strict: "",
  },
  'vmware-tkgs-default-as-documented.yaml': { error: "unknown group version field audit.k8s.io/__internal, Kind=Policy in policy" },
  'yandex-managed-k8s.yaml': {
    rules: 17,
    sha256: '6649df4ea8c810efcf35a1547d77899392093a05e637c1602a6418f2ac63b6aa',
    strict: "",
  },
};

describe('every policy in ../shared/corpus/policies', () => {
  // Without the corpus, the policies checked against upstream are still listed, each skipped with the reason.
  const files = corpusMissing === '' ? readdirSync(CORPUS).filter((f) => /\.(ya?ml|json)$/.test(f)).sort() : Object.keys(UPSTREAM_CORPUS);

  it.skipIf(corpusMissing !== '')(`has policies to check${corpusMissing}`, () => {
    expect(files.length).toBeGreaterThan(0);
  });

  (corpusMissing === '' ? it : it.skip).each(files)(`%s${corpusMissing}`, (file) => {
    const expected = UPSTREAM_CORPUS[file];
    expect(expected, `${file} has not been checked against upstream yet: run it through LoadPolicyFromBytes and add its outcome`).toBeDefined();
    const result = readPolicy(readFileSync(join(CORPUS, file), 'utf8'), { file });
    if ('error' in expected) {
      expect(result.ok ? 'OK' : result.error.reason).toBe(expected.error);
      return;
    }
    expect(result.ok ? 'OK' : result.error.reason).toBe('OK');
    if (!result.ok) return;
    expect(result.policy.rules).toHaveLength(expected.rules);
    expect(createHash('sha256').update(JSON.stringify(shape(result.policy))).digest('hex')).toBe(expected.sha256);
    const complaints = [...expected.strict.matchAll(/unknown field "([^"]+)"/g)].map((m) => m[1]);
    expect(result.warnings).toHaveLength(complaints.length);
    for (const path of complaints) expect(result.warnings.some((w) => w.message.includes(`unknown field "${path}"`))).toBe(true);
  });
});
