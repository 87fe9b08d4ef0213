// YAML policy text -> the JSON kube-apiserver's decoder reads, with locations.
//
// kube-apiserver turns YAML into JSON with sigs.k8s.io/yaml (YAMLToJSON), which
// decodes with go.yaml.in/yaml/v2 into interface{} values and marshals them with
// encoding/json. That route has consequences that decide whether and how a
// policy loads, so they are reproduced here rather than using the `yaml`
// package's own data model:
//  - only the first document of a stream is read; later ones are never looked at;
//  - plain scalars resolve by YAML 1.1 rules (resolve.go): yes/no/on/off/y/n are
//    booleans, 0x1F and 017 are ints, ~ and empty are null, .inf is a float...
//    A boolean or number where a string is expected is a decode error later;
//  - a repeated key keeps its last value (the strict pass reports it);
//  - `<<` merge keys are applied, in go-yaml v2's order;
//  - map keys become strings (ints, floats and bools printed Go's way) and the
//    JSON object's keys come out sorted, which decides which decode error is
//    reported first.
// The `yaml` package is used only as a parser: its CST/AST gives locations
// and each scalar's source text and style; resolution is done here.
// Known parser differences left (found by differential runs, all exotic):
// a multi-line quoted scalar whose continuation lines are not indented past
// their mapping, and a plain scalar continued onto the next line inside an
// unclosed flow collection; libyaml accepts the first, and words the second's
// error one line further down.

import { LineCounter, parseAllDocuments } from 'yaml';
import type { Alias, Document, Node as YamlNode, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { isAlias, isMap, isScalar, isSeq } from 'yaml';
import { compareUtf8, goQuote } from './goFormat.js';
import type { JsonEntry, JsonNode, Loc } from './jsonTree.js';
import { describeYamlSyntaxError } from './yamlErrors.js';
import type { GoScalar } from './goYamlScalar.js';
import { decodeDoubleQuoted, resolvePlain, resolveTagged, ScalarError, shortTag, SIMPLE_KEY_MAX_LENGTH } from './goYamlScalar.js';

/** A key that go-yaml's strict pass would report as "already set in map". */
export interface DuplicateYamlKey {
  key: string;
  /** The repeated key as written (the value that wins). */
  loc: Loc;
  /** The key it repeats. */
  firstLoc: Loc;
  /** True when both came from different spellings (e.g. 1 and "1") whose winner upstream is not deterministic. */
  ambiguous: boolean;
}

export interface YamlAsJson {
  root: JsonNode;
  duplicateKeys: DuplicateYamlKey[];
  /** Where the second document starts, when there is one (kube-apiserver ignores it). */
  ignoredDocument?: Loc;
}

/** A failure YAMLToJSON reports; `message` is Go's error text. */
export class YamlToJsonError extends Error {
  constructor(
    message: string,
    readonly loc?: Loc,
  ) {
    super(message);
  }
}

// --- the decoded value, as go-yaml hands it to sigs.k8s.io/yaml --------------

type GoValue = GoScalarNode | GoMap | GoSeq;

interface GoScalarNode {
  kind: 'scalar';
  value: GoScalar;
  loc: Loc;
}

interface GoMapEntry {
  key: GoScalar;
  /** Identity of the key as a Go interface{} map key (type + value). */
  identity: string;
  keyLoc: Loc;
  value: GoValue;
}

interface GoMap {
  kind: 'map';
  entries: Map<string, GoMapEntry>;
  loc: Loc;
}

interface GoSeq {
  kind: 'seq';
  items: GoValue[];
  itemLocs: Loc[];
  loc: Loc;
}

function identityOf(key: GoScalar): string {
  switch (key.t) {
    case 'str':
      return 's:' + key.v;
    case 'bool':
      return 'b:' + key.v;
    case 'int':
      return 'i:' + key.v.toString();
    case 'float':
      return 'f:' + String(key.v);
    case 'null':
      return 'n:';
  }
}

class Converter {
  private readonly duplicates: DuplicateYamlKey[] = [];
  private readonly activeAliases = new Set<YamlNode>();

  constructor(
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  duplicateKeys(): DuplicateYamlKey[] {
    return this.duplicates;
  }

  loc(offset: number): Loc {
    const { line, col } = this.lines.linePos(offset);
    return { line, col };
  }

  private nodeLoc(node: YamlNode): Loc {
    return this.loc(node.range?.[0] ?? 0);
  }

  decode(node: YamlNode | null | undefined, fallback: Loc): GoValue {
    if (node === null || node === undefined) return { kind: 'scalar', value: { t: 'null' }, loc: fallback };
    if (isAlias(node)) return this.alias(node);
    if (isScalar(node)) return { kind: 'scalar', value: this.scalar(node), loc: this.nodeLoc(node) };
    if (isMap(node)) {
      const out: GoMap = { kind: 'map', entries: new Map(), loc: this.nodeLoc(node) };
      this.mapInto(node as YAMLMap.Parsed, out);
      return out;
    }
    if (isSeq(node)) return this.seq(node as YAMLSeq.Parsed);
    throw new YamlToJsonError('yaml: unknown node kind', this.nodeLoc(node));
  }

  private alias(node: Alias): GoValue {
    const target = node.resolve(this.doc);
    if (!target) {
      throw new YamlToJsonError(`yaml: unknown anchor '${node.source}' referenced`, this.nodeLoc(node));
    }
    if (this.activeAliases.has(target)) {
      throw new YamlToJsonError(`yaml: anchor '${node.source}' value contains itself`, this.nodeLoc(node));
    }
    this.activeAliases.add(target);
    try {
      return this.decode(target, this.nodeLoc(node));
    } finally {
      this.activeAliases.delete(target);
    }
  }

  private scalar(node: Scalar): GoScalar {
    let text = typeof node.source === 'string' ? node.source : String(node.value ?? '');
    if (node.type === 'QUOTE_DOUBLE' && node.srcToken && 'source' in node.srcToken) {
      // go-yaml's escapes differ from YAML 1.2's (\' yes, \/ no): decode the raw text its way.
      const raw = String(node.srcToken.source);
      const decoded = decodeDoubleQuoted(raw);
      if (typeof decoded !== 'string') {
        const { line } = this.loc(node.range?.[0] ?? 0);
        throw new YamlToJsonError(line === 1 ? `yaml: ${decoded.problem}` : `yaml: line ${line}: ${decoded.problem}`, this.nodeLoc(node));
      }
      text = decoded;
    }
    const tag = node.tag ? shortTag(node.tag) : undefined;
    const plain = node.type === 'PLAIN' || node.type === undefined;
    if (tag !== undefined && tag !== '!') {
      try {
        return resolveTagged(tag, text, plain);
      } catch (e) {
        if (e instanceof ScalarError) throw new YamlToJsonError(`yaml: ${e.message}`, this.nodeLoc(node));
        throw e;
      }
    }
    if (!plain || tag === '!') return { t: 'str', v: text };
    if (text === FLOW_DASH) return { t: 'str', v: '-' };
    return resolvePlain(text);
  }

  private seq(node: YAMLSeq.Parsed): GoSeq {
    const items: GoValue[] = [];
    const itemLocs: Loc[] = [];
    const token = node.srcToken;
    const dashOffsets: (number | undefined)[] = [];
    if (token && token.type === 'block-seq') {
      for (const item of token.items) {
        const dash = item.start.find((t) => t.type === 'seq-item-ind');
        dashOffsets.push(dash?.offset);
      }
    }
    node.items.forEach((child, i) => {
      const childNode = child as YamlNode | null;
      const dash = dashOffsets[i];
      const loc = dash !== undefined ? this.loc(dash) : childNode ? this.nodeLoc(childNode) : this.nodeLoc(node);
      itemLocs.push(loc);
      items.push(this.decode(childNode, loc));
    });
    return { kind: 'seq', items, itemLocs, loc: this.nodeLoc(node) };
  }

  /** decoder.mapping for a map[interface{}]interface{} target, merges included. */
  private mapInto(node: YAMLMap.Parsed, out: GoMap): void {
    const token = node.srcToken;
    const blockItems = token && token.type === 'block-map' ? token.items : undefined;
    (node.items as Pair<YamlNode | null, YamlNode | null>[]).forEach((pair, i) => {
      const keyNode = pair.key;
      const keyLoc = keyNode ? this.nodeLoc(keyNode) : this.nodeLoc(node);
      const explicit = blockItems?.[i]?.start.some((t) => t.type === 'explicit-key-ind') ?? false;
      if (blockItems && !explicit && keyNode?.range && keyNode.range[1] - keyNode.range[0] > SIMPLE_KEY_MAX_LENGTH) {
        // libyaml gives up on an implicit key longer than 1024 characters.
        throw new YamlToJsonError(
          keyLoc.line === 1 ? "yaml: could not find expected ':'" : `yaml: line ${keyLoc.line}: could not find expected ':'`,
          keyLoc,
        );
      }
      if (keyNode && isScalar(keyNode) && this.isMergeKey(keyNode)) {
        this.merge(pair.value, out, keyLoc);
        return;
      }
      const key = this.key(keyNode, keyLoc);
      const value = this.decode(pair.value, keyLoc);
      this.set(out, key, keyLoc, value);
    });
  }

  private isMergeKey(node: Scalar): boolean {
    return node.source === '<<' && (node.type === 'PLAIN' || node.type === undefined) && (!node.tag || shortTag(node.tag) === '!!merge');
  }

  private key(node: YamlNode | null, loc: Loc): GoScalar {
    const value = this.decode(node, loc);
    if (value.kind !== 'scalar') {
      throw new YamlToJsonError(`yaml: invalid map key: ${describeGoValue(value)}`, loc);
    }
    return value.value;
  }

  private set(out: GoMap, key: GoScalar, keyLoc: Loc, value: GoValue): void {
    const identity = identityOf(key);
    const previous = out.entries.get(identity);
    if (previous) {
      this.duplicates.push({ key: keyText(key), loc: keyLoc, firstLoc: previous.keyLoc, ambiguous: false });
      out.entries.delete(identity);
    }
    out.entries.set(identity, { key, identity, keyLoc, value });
  }

  /** decoder.merge: a map, an alias of one, or a sequence of them (later ones first, so earlier ones win). */
  private merge(valueNode: YamlNode | null, out: GoMap, loc: Loc): void {
    const wantMap = (): never => {
      throw new YamlToJsonError('yaml: map merge requires map or sequence of maps as the value', loc);
    };
    const mergeOne = (n: YamlNode | null): void => {
      if (!n) wantMap();
      let target: YamlNode | null | undefined = n;
      if (isAlias(n)) {
        target = n.resolve(this.doc);
        if (!target) throw new YamlToJsonError(`yaml: unknown anchor '${n.source}' referenced`, this.nodeLoc(n));
        if (this.activeAliases.has(target)) {
          throw new YamlToJsonError(`yaml: anchor '${n.source}' value contains itself`, this.nodeLoc(n));
        }
      }
      if (!target || !isMap(target)) wantMap();
      this.activeAliases.add(target as YamlNode);
      try {
        this.mapInto(target as YAMLMap.Parsed, out);
      } finally {
        this.activeAliases.delete(target as YamlNode);
      }
    };
    if (valueNode && isSeq(valueNode)) {
      const items = (valueNode as YAMLSeq.Parsed).items as (YamlNode | null)[];
      for (const item of items) if (!item || !(isMap(item) || isAlias(item))) wantMap();
      for (let i = items.length - 1; i >= 0; i--) mergeOne(items[i]);
      return;
    }
    if (valueNode && (isMap(valueNode) || isAlias(valueNode))) {
      mergeOne(valueNode);
      return;
    }
    wantMap();
  }
}

function keyText(key: GoScalar): string {
  switch (key.t) {
    case 'str':
      return key.v;
    case 'null':
      return '~';
    default:
      return String(key.v);
  }
}

/** Roughly what Go's %#v prints for a decoded YAML value (only used in messages about invalid keys). */
function describeGoValue(value: GoValue): string {
  if (value.kind === 'scalar') {
    const v = value.value;
    switch (v.t) {
      case 'str':
        return goQuote(v.v);
      case 'null':
        return '<nil>';
      default:
        return String(v.v);
    }
  }
  if (value.kind === 'seq') return `[]interface {}{${value.items.map(describeGoValue).join(', ')}}`;
  return 'map[interface {}]interface {}{...}';
}

// --- sigs.k8s.io/yaml: interface{} -> JSON ----------------------------------

/** strconv.FormatFloat(f, 'g', -1, 32): how sigs.k8s.io/yaml prints float map keys. */
function formatFloat32g(f: number): string {
  if (Number.isNaN(f)) return '.nan';
  if (f === Infinity) return '.inf';
  if (f === -Infinity) return '-.inf';
  const x = Math.fround(f);
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  // Shortest decimal digits that read back as the same float32.
  let digits = '';
  let exp = 0;
  for (let p = 1; p <= 9; p++) {
    const s = Math.abs(x).toExponential(p - 1);
    if (Math.fround(Number(s)) === Math.abs(x)) {
      const [mant, e] = s.split('e');
      digits = mant.replace('.', '');
      exp = Number(e);
      break;
    }
  }
  digits = digits.replace(/0+$/, '') || '0';
  const sign = x < 0 ? '-' : '';
  // With the shortest precision Go switches to %e when the exponent is < -4 or >= 6.
  if (exp < -4 || exp >= 6) {
    const mant = digits.length > 1 ? digits[0] + '.' + digits.slice(1) : digits;
    const e = Math.abs(exp);
    return `${sign}${mant}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' + e : e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return sign + digits + '0'.repeat(exp + 1 - digits.length);
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

function jsonKey(key: GoScalar, value: GoValue, loc: Loc): string {
  switch (key.t) {
    case 'str':
      return key.v;
    case 'int':
      return key.v.toString();
    case 'float':
      return formatFloat32g(key.v);
    case 'bool':
      return key.v ? 'true' : 'false';
    case 'null':
      throw new YamlToJsonError(
        `unsupported map key of type: %!s(<nil>), key: <nil>, value: ${describeGoValue(value)}`,
        loc,
      );
  }
}

/** encoding/json's text for a float64 (shortest round-trip, exponent outside [1e-6, 1e21)). */
function goJsonFloat(f: number): string {
  if (Object.is(f, -0)) return '-0';
  return String(f);
}

function toJson(value: GoValue): JsonNode {
  if (value.kind === 'scalar') {
    const v = value.value;
    switch (v.t) {
      case 'str':
        return { kind: 'string', value: v.v, loc: value.loc };
      case 'bool':
        return { kind: 'bool', value: v.v, loc: value.loc };
      case 'null':
        return { kind: 'null', loc: value.loc };
      case 'int':
        return { kind: 'number', text: v.v.toString(), loc: value.loc };
      case 'float':
        if (!Number.isFinite(v.v)) {
          const text = Number.isNaN(v.v) ? 'NaN' : v.v > 0 ? '+Inf' : '-Inf';
          throw new YamlToJsonError(`json: unsupported value: ${text}`, value.loc);
        }
        return { kind: 'number', text: goJsonFloat(v.v), loc: value.loc };
    }
  }
  if (value.kind === 'seq') {
    return { kind: 'array', items: value.items.map(toJson), itemLocs: value.itemLocs, loc: value.loc };
  }
  const byKey = new Map<string, { entry: GoMapEntry; jsonKey: string }>();
  for (const entry of value.entries.values()) {
    const k = jsonKey(entry.key, entry.value, entry.keyLoc);
    byKey.set(k, { entry, jsonKey: k });
  }
  const sorted = [...byKey.values()].sort((a, b) => compareUtf8(a.jsonKey, b.jsonKey));
  const entries: JsonEntry[] = sorted.map(({ entry, jsonKey: key }) => ({
    key,
    keyLoc: entry.keyLoc,
    value: toJson(entry.value),
  }));
  return { kind: 'object', entries, loc: value.loc };
}

/** convertToJSONableObject runs over the whole value before json.Marshal: a bad key anywhere fails first. */
function checkKeys(value: GoValue): void {
  if (value.kind === 'seq') for (const item of value.items) checkKeys(item);
  if (value.kind !== 'map') return;
  for (const entry of value.entries.values()) {
    jsonKey(entry.key, entry.value, entry.keyLoc);
    checkKeys(entry.value);
  }
}

/** Keys that collapse into one JSON key (e.g. 1 and "1"): upstream keeps one of them at random. */
function collisions(value: GoValue, out: DuplicateYamlKey[]): void {
  if (value.kind === 'seq') {
    for (const item of value.items) collisions(item, out);
    return;
  }
  if (value.kind !== 'map') return;
  const seen = new Map<string, Loc>();
  for (const entry of value.entries.values()) {
    let k: string;
    try {
      k = jsonKey(entry.key, entry.value, entry.keyLoc);
    } catch {
      continue; // checkKeys already refused it
    }
    const first = seen.get(k);
    if (first) out.push({ key: k, loc: entry.keyLoc, firstLoc: first, ambiguous: true });
    else seen.set(k, entry.keyLoc);
    collisions(entry.value, out);
  }
}

/**
 * Converts the first YAML document of `text` as kube-apiserver's decoder does.
 * Throws YamlToJsonError with Go's message when YAMLToJSON would fail.
 */
/** Stands in for a lone `-` in a flow collection while the `yaml` package parses (same length, so positions hold). */
const FLOW_DASH = '\ue000';

function parseYaml(text: string, lines: LineCounter): Document.Parsed[] {
  const docs = parseAllDocuments(text, {
    lineCounter: lines,
    keepSourceTokens: true,
    uniqueKeys: false,
    schema: 'failsafe',
    merge: false,
    strict: false,
    prettyErrors: false,
    version: '1.1',
  });
  return Array.isArray(docs) ? docs : [];
}

/**
 * libyaml reads `-` directly followed by `,`, `]` or `}` as the plain scalar
 * "-" ([-] is a list holding "-"); YAML 1.2 and the `yaml` package read a
 * block sequence there and fail. Those dashes are swapped for a placeholder
 * before parsing and turned back into "-" when scalars are read.
 */
function withFlowDashes(text: string, docs: Document.Parsed[]): string | undefined {
  if (text.includes(FLOW_DASH)) return undefined;
  const offsets = (docs[0]?.errors ?? [])
    .filter((e) => e.code === 'BLOCK_IN_FLOW' && text[e.pos[0]] === '-' && /[,\]}]/.test(text[e.pos[0] + 1] ?? ''))
    .map((e) => e.pos[0]);
  if (offsets.length === 0) return undefined;
  const chars = [...text.split('')];
  for (const o of offsets) chars[o] = FLOW_DASH;
  return chars.join('');
}

export function yamlToJson(text: string): YamlAsJson {
  let lines = new LineCounter();
  let list = parseYaml(text, lines);
  for (let patched = withFlowDashes(text, list); patched !== undefined; patched = withFlowDashes(text, list)) {
    text = patched;
    lines = new LineCounter();
    list = parseYaml(text, lines);
  }
  const start: Loc = { line: 1, col: 1 };
  if (list.length === 0) return { root: { kind: 'null', loc: start }, duplicateKeys: [] };
  const doc = list[0];
  // go-yaml reads %YAML 1.1 only.
  const version = doc.directives?.yaml;
  if (version?.explicit && version.version !== '1.1') {
    const at = lines.linePos(text.indexOf('%YAML') >= 0 ? text.indexOf('%YAML') : 0);
    throw new YamlToJsonError(
      at.line === 1 ? 'yaml: found incompatible YAML document' : `yaml: line ${at.line - 1}: found incompatible YAML document`,
      { line: at.line, col: at.col },
    );
  }
  // Escapes are judged by decodeDoubleQuoted (go-yaml's set, not YAML 1.2's).
  // libyaml refuses unknown directives (%FOO); the `yaml` package only warns about them.
  const error =
    doc.errors.find((e) => e.code !== 'BAD_DQ_ESCAPE') ?? doc.warnings.find((w) => w.code === 'BAD_DIRECTIVE');
  if (error) {
    const at = lines.linePos(Math.min(error.pos[0], text.length));
    throw new YamlToJsonError('yaml: ' + describeYamlSyntaxError(error, text), { line: at.line, col: at.col });
  }
  const converter = new Converter(doc, lines);
  const contents = doc.contents as YamlNode | null;
  const value = converter.decode(contents, contents?.range ? converter.loc(contents.range[0]) : start);
  const duplicateKeys = converter.duplicateKeys();
  checkKeys(value);
  collisions(value, duplicateKeys);
  // json.Marshal visits object keys in sorted order, so the first unsupported value is found that way.
  const root = toJson(value);
  const result: YamlAsJson = { root, duplicateKeys };
  if (list.length > 1) {
    const next = list[1];
    result.ignoredDocument = converter.loc(next.range[0]);
  }
  return result;
}
