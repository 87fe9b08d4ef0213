// The decoding half of kube-apiserver's LoadPolicyFromBytes
// (k8s.io/apiserver/pkg/audit/policy/reader.go): the universal decoder of
// audit.Scheme, first strict, then lenient. Reproduced step by step because
// each step decides what loads and what message a rejected file gets:
//  1. JSON if the text starts with `{`, else YAML converted to JSON
//     (serializer/json Serializer.Decode with Yaml on);
//  2. apiVersion and kind sniffed with case-*insensitive* encoding/json
//     (SimpleMetaFactory.Interpret), then defaulted from the target type: a
//     missing kind becomes Policy, a missing apiVersion the internal version;
//  3. the object created for that group/version/kind (runtime.UseOrCreateObject),
//     decoded case-sensitively; unknown and duplicate fields are "strict"
//     errors that make upstream log a warning and decode again leniently,
//     any other problem fails the load with "failed decoding: ...";
//  4. conversion to the internal type, which only audit.k8s.io/v1 Policy has.
// Upstream's "failed lenient decoding" branch never fires: the lenient decode
// stores the same values and fails only where the strict one already failed
// with a non-strict error. Known simplification: for another kind the scheme
// knows (kind: Event, ...) we go straight to the conversion error, whereas a
// type error while decoding into that kind would be reported first upstream.

import { goFoldName } from '../../go/json/fold.js';
import { goQuote } from '../../go/strconv/quote.js';
import { decodeGoJson } from '../../go/json/decode.js';
import type { GoStruct, NullListItem, StrictIssue } from '../../go/json/decode.js';
import { INTERNAL_POLICY, V1_POLICY } from './apiTypes.js';
import { JsonSyntaxError, looksLikeJson, parseJsonText } from '../../go/json/text.js';
import type { JsonArray, JsonNode, Loc } from '../../go/json/tree.js';
import { jsonKindName } from '../../go/json/tree.js';
import { yamlToJson, YamlToJsonError } from '../../go/yaml/toJson.js';
import type { DuplicateYamlKey } from '../../go/yaml/toJson.js';

const INTERNAL_VERSION = '__internal';
const AUDIT_GROUP = 'audit.k8s.io';

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** schema.GroupVersionKind.String(). */
export function gvkString(gvk: GroupVersionKind): string {
  return `${gvk.group}/${gvk.version}, Kind=${gvk.kind}`;
}

/** schema.GroupVersion.String(). */
function gvString(group: string, version: string): string {
  if (group === '' && version === '') return '';
  return group === '' ? version : `${group}/${version}`;
}

export type DecodedDocument =
  | {
      ok: true;
      gvk: GroupVersionKind;
      /** The decoded v1.Policy (or internal audit.Policy when there was no apiVersion). */
      policy: GoStruct;
      strict: StrictIssue[];
      nullItems: NullListItem[];
      duplicateYamlKeys: DuplicateYamlKey[];
      ignoredDocument?: Loc;
      format: 'json' | 'yaml';
    }
  | {
      ok: false;
      /** The error text kube-apiserver prints, e.g. "failed decoding: ...". */
      message: string;
      loc?: Loc;
      strict: StrictIssue[];
      nullItems: NullListItem[];
      duplicateYamlKeys: DuplicateYamlKey[];
      ignoredDocument?: Loc;
      format: 'json' | 'yaml';
    };

/**
 * Kinds audit.Scheme knows besides Policy (k8s.io/apiserver/pkg/audit/scheme.go:
 * metav1.AddToGroupVersion for "v1", audit v1 and internal types), with the Go
 * type the decoder would create. Decoding one of them "succeeds" and then
 * fails converting to audit.Policy.
 */
const OTHER_KINDS: Record<string, Record<string, string>> = {
  'audit.k8s.io/v1': {
    Event: 'v1.Event',
    EventList: 'v1.EventList',
    PolicyList: 'v1.PolicyList',
    WatchEvent: 'v1.WatchEvent',
    CreateOptions: 'v1.CreateOptions',
    DeleteOptions: 'v1.DeleteOptions',
    GetOptions: 'v1.GetOptions',
    ListOptions: 'v1.ListOptions',
    PatchOptions: 'v1.PatchOptions',
    UpdateOptions: 'v1.UpdateOptions',
  },
  'audit.k8s.io/__internal': {
    Event: 'audit.Event',
    EventList: 'audit.EventList',
    PolicyList: 'audit.PolicyList',
    WatchEvent: 'v1.InternalEvent',
  },
  '/v1': {
    WatchEvent: 'v1.WatchEvent',
    CreateOptions: 'v1.CreateOptions',
    DeleteOptions: 'v1.DeleteOptions',
    GetOptions: 'v1.GetOptions',
    ListOptions: 'v1.ListOptions',
    PatchOptions: 'v1.PatchOptions',
    UpdateOptions: 'v1.UpdateOptions',
  },
  '/__internal': { WatchEvent: 'v1.InternalEvent' },
};

/** Registered as unversioned: created for any group/version. */
const UNVERSIONED_KINDS: Record<string, string> = {
  Status: 'v1.Status',
  APIVersions: 'v1.APIVersions',
  APIGroupList: 'v1.APIGroupList',
  APIGroup: 'v1.APIGroup',
  APIResourceList: 'v1.APIResourceList',
};

const TYPE_META_SNIFFER =
  'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }';

/**
 * SimpleMetaFactory.Interpret: encoding/json into {apiVersion, kind}, which
 * matches keys case-insensitively and lets the last match win.
 */
function sniffTypeMeta(root: JsonNode): { apiVersion: string; kind: string } | { error: string; loc: Loc } {
  const found = { apiVersion: '', kind: '' };
  if (root.kind === 'null') return found;
  if (root.kind !== 'object') {
    return { error: `json: cannot unmarshal ${jsonKindName(root)} into Go value of type ${TYPE_META_SNIFFER}`, loc: root.loc };
  }
  const folded = { apiVersion: goFoldName('apiVersion'), kind: goFoldName('kind') };
  let firstError: { error: string; loc: Loc } | undefined;
  for (const entry of root.entries) {
    const key = goFoldName(entry.key);
    const field = key === folded.apiVersion ? 'apiVersion' : key === folded.kind ? 'kind' : undefined;
    if (!field) continue;
    const v = entry.value;
    if (v.kind === 'string') found[field] = v.value;
    else if (v.kind !== 'null' && !firstError) {
      firstError = { error: `json: cannot unmarshal ${jsonKindName(v)} into Go struct field .${field} of type string`, loc: v.loc };
    }
  }
  return firstError ?? found;
}

/** schema.ParseGroupVersion. */
function parseGroupVersion(apiVersion: string): { group: string; version: string } | { error: string } {
  if (apiVersion === '' || apiVersion === '/') return { group: '', version: '' };
  const slashes = apiVersion.split('/').length - 1;
  if (slashes === 0) return { group: '', version: apiVersion };
  if (slashes === 1) {
    const i = apiVersion.indexOf('/');
    return { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
  }
  return { error: `unexpected GroupVersion string: ${apiVersion}` };
}

/** gvkWithDefaults against the decode target, the internal audit.Policy. */
function withDefaults(actual: GroupVersionKind): GroupVersionKind {
  const out = { ...actual };
  if (out.kind === '') out.kind = 'Policy';
  if (out.version === '' && out.group === '') {
    out.group = AUDIT_GROUP;
    out.version = INTERNAL_VERSION;
  }
  if (out.version === '' && out.group === AUDIT_GROUP) out.version = INTERNAL_VERSION;
  return out;
}

/** runtime.notRegisteredErr for a kind the scheme cannot create. */
function notRegistered(gvk: GroupVersionKind, schemeName: string): string {
  if (gvk.version === INTERNAL_VERSION) {
    return `no kind ${goQuote(gvk.kind)} is registered for the internal version of group ${goQuote(gvk.group)} in scheme ${goQuote(schemeName)}`;
  }
  // Upstream formats each with %q: a quote inside apiVersion or kind comes out escaped.
  return `no kind ${goQuote(gvk.kind)} is registered for version ${goQuote(gvString(gvk.group, gvk.version))} in scheme ${goQuote(schemeName)}`;
}

export type PolicyTree =
  | { ok: true; format: 'json' | 'yaml'; root: JsonNode; duplicateYamlKeys: DuplicateYamlKey[]; ignoredDocument?: Loc }
  | { ok: false; format: 'json' | 'yaml'; message: string; loc?: Loc };

/**
 * Step 1 alone: the JSON document kube-apiserver's decoder reads, with where
 * each part of it is written (go/json/tree.ts). The one reader of policy text:
 * the end-to-end sentinel and coverage's rule ranges use it too, so they see
 * the document exactly as kube-apiserver does (merge keys, a second YAML
 * document, old Mac line ends, a JSON key written twice).
 */
export function readPolicyTree(text: string): PolicyTree {
  if (looksLikeJson(text)) {
    try {
      return { ok: true, format: 'json', root: parseJsonText(text), duplicateYamlKeys: [] };
    } catch (e) {
      if (!(e instanceof JsonSyntaxError)) throw e;
      // The syntax is first checked by Interpret's json.Unmarshal.
      return { ok: false, format: 'json', message: `couldn't get version/kind; json parse error: ${e.message}`, loc: e.loc };
    }
  }
  try {
    const converted = yamlToJson(text);
    return { ok: true, format: 'yaml', root: converted.root, duplicateYamlKeys: converted.duplicateKeys, ignoredDocument: converted.ignoredDocument };
  } catch (e) {
    if (!(e instanceof YamlToJsonError)) throw e;
    return { ok: false, format: 'yaml', message: e.message, loc: e.loc };
  }
}

/**
 * The list kube-apiserver's decoder reads rules from: the value of each
 * top-level "rules" key that is a list, in order. Usually one; a JSON file may
 * write the key twice, and Go decodes the later list into the earlier one's
 * elements (YAML keeps only the last, so the tree holds one).
 */
export function topLevelRules(root: JsonNode): JsonArray[] {
  if (root.kind !== 'object') return [];
  return root.entries.flatMap((entry) => (entry.key === 'rules' && entry.value.kind === 'array' ? [entry.value] : []));
}

/**
 * Runs kube-apiserver's strict-then-lenient decode of a policy file.
 * schemeName is runtime.NewScheme's name for audit.Scheme, as its errors print
 * it (it depends on the version: VersionBehaviour.schemeName).
 */
export function decodePolicyDocument(text: string, schemeName: string): DecodedDocument {
  const tree = readPolicyTree(text);
  const { format } = tree;
  const duplicateYamlKeys = tree.ok ? tree.duplicateYamlKeys : [];
  const ignoredDocument = tree.ok ? tree.ignoredDocument : undefined;
  const fail = (message: string, loc?: Loc, strict: StrictIssue[] = []): DecodedDocument => ({
    ok: false,
    message: `failed decoding: ${message}`,
    loc,
    strict,
    nullItems: [],
    duplicateYamlKeys,
    ignoredDocument,
    format,
  });
  if (!tree.ok) return fail(tree.message, tree.loc);
  const { root } = tree;

  const sniffed = sniffTypeMeta(root);
  if ('error' in sniffed) return fail(`couldn't get version/kind; json parse error: ${sniffed.error}`, sniffed.loc);
  const gv = parseGroupVersion(sniffed.apiVersion);
  if ('error' in gv) return fail(gv.error, typeMetaLoc(root, 'apiVersion'));
  const gvk = withDefaults({ group: gv.group, version: gv.version, kind: sniffed.kind });
  if (gvk.version === '') {
    // runtime.NewMissingVersionErr quotes the whole input.
    return fail(`Object 'apiVersion' is missing in '${text}'`, typeMetaLoc(root, 'apiVersion'));
  }

  const isPolicy = gvk.kind === 'Policy' && gvk.group === AUDIT_GROUP;
  if (!(isPolicy && (gvk.version === 'v1' || gvk.version === INTERNAL_VERSION))) {
    const other = OTHER_KINDS[`${gvk.group}/${gvk.version}`];
    const goType = other?.[gvk.kind] ?? UNVERSIONED_KINDS[gvk.kind];
    const loc = typeMetaLoc(root, 'kind') ?? typeMetaLoc(root, 'apiVersion');
    // Decoding into another registered kind succeeds; converting it to audit.Policy does not.
    if (goType) return fail(`converting (${goType}) to (audit.Policy): unknown conversion`, loc);
    return fail(notRegistered(gvk, schemeName), loc);
  }

  const target = gvk.version === 'v1' ? V1_POLICY : INTERNAL_POLICY;
  const decoded = decodeGoJson(root, target);
  if (decoded.error) return fail(decoded.error.message, decoded.error.loc);
  // A strict failure makes upstream decode again leniently, which stores exactly the same values.
  return {
    ok: true,
    gvk,
    policy: decoded.value as GoStruct,
    strict: decoded.strict,
    nullItems: decoded.nullItems,
    duplicateYamlKeys,
    ignoredDocument,
    format,
  };
}

function typeMetaLoc(root: JsonNode, field: 'apiVersion' | 'kind'): Loc | undefined {
  if (root.kind !== 'object') return undefined;
  const folded = goFoldName(field);
  let loc: Loc | undefined;
  for (const entry of root.entries) if (goFoldName(entry.key) === folded) loc = entry.value.loc;
  return loc;
}
