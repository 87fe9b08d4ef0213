// Upstream: sigs.k8s.io/yaml yaml.go (YAMLToJSON), over go.yaml.in/yaml/v2.
//
// YAML policy text -> the JSON kube-apiserver's decoder reads, with locations.
//
// kube-apiserver turns YAML into JSON with sigs.k8s.io/yaml (YAMLToJSON), which
// decodes with go.yaml.in/yaml/v2 into interface{} values and marshals them with
// encoding/json. That route has consequences that decide whether and how a
// policy loads, so it is reproduced step by step rather than with a YAML
// library's own data model:
//  - the text is parsed by a port of go-yaml's libyaml scanner and parser
//    (scanner.ts, parser.ts, nodes.ts), so a broken file is
//    refused with the very message kube-apiserver prints, and YAML that
//    go-yaml accepts (and other parsers may not) loads;
//  - only the first document of a stream is read; later ones are never looked at;
//  - plain scalars resolve by YAML 1.1 rules (resolve.go): yes/no/on/off/y/n are
//    booleans, 0x1F and 017 are ints, ~ and empty are null, .inf is a float...
//    A boolean or number where a string is expected is a decode error later;
//  - a repeated key keeps its last value (the strict pass reports it);
//  - `<<` merge keys are applied, in go-yaml v2's order;
//  - map keys become strings (ints, floats and bools printed Go's way) and the
//    JSON object's keys come out sorted, which decides which decode error is
//    reported first.

import { compareUtf8 } from '../json/encode.js';
import { goQuote } from '../strconv/quote.js';
import type { Mark } from './scanner.js';
import type { YamlNode } from './nodes.js';
import { composeYamlDocument, YamlParseError } from './nodes.js';
import { LineIndex, type JsonEntry, type JsonNode, type Loc } from '../json/tree.js';
import type { GoScalar } from './resolve.js';
import { resolvePlain, resolveTagged, ScalarError, shortTag } from './resolve.js';

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
  end: Loc;
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
  end: Loc;
}

interface GoSeq {
  kind: 'seq';
  items: GoValue[];
  itemLocs: Loc[];
  loc: Loc;
  end: Loc;
  /** See JsonArray.insertAt and flow. */
  insertAt?: number;
  flow: boolean;
}

let nanKeys = 0;

function identityOf(key: GoScalar): string {
  switch (key.t) {
    case 'str':
      return 's:' + key.v;
    case 'bool':
      return 'b:' + key.v;
    case 'int':
      return 'i:' + key.v.toString();
    case 'float':
      // NaN is never equal to itself, so each NaN key is a key of its own in a Go map.
      return Number.isNaN(key.v) ? `f:NaN#${nanKeys++}` : 'f:' + String(key.v);
    case 'null':
      return 'n:';
  }
}

const MERGE_TAG = 'tag:yaml.org,2002:merge';

/** decode.go allowedAliasRatio: how much of a document may come from expanding aliases. */
function allowedAliasRatio(decodeCount: number): number {
  const low = 400_000;
  const high = 4_000_000;
  if (decodeCount <= low) return 0.99;
  if (decodeCount >= high) return 0.1;
  return 0.99 - 0.89 * ((decodeCount - low) / (high - low));
}

/**
 * Where each character of the text is, as 1-based line and column (UTF-16
 * units, lines as editors count them: LineIndex); libyaml's own marks count
 * code points, and NEL, LS and PS as line breaks too.
 */
class SourceLocator {
  private readonly offsets: number[] = [];
  private readonly lines: LineIndex;

  constructor(private readonly text: string) {
    // The scanner's characters: code points after a leading byte order mark.
    let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    while (i < text.length) {
      this.offsets.push(i);
      const c = text.charCodeAt(i);
      const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
      i += pair ? 2 : 1;
    }
    this.lines = new LineIndex(text);
  }

  /** The UTF-16 offset of the scanner's character `index`. */
  offset(index: number): number {
    return index < this.offsets.length ? this.offsets[index] : this.text.length;
  }

  loc(index: number): Loc {
    return this.lines.loc(this.offset(index));
  }

  at(mark: Mark): Loc {
    return this.loc(mark.index);
  }
}

/** go-yaml's decoder (decode.go) for an interface{} target, on the composed nodes. */
class Converter {
  private readonly duplicates: DuplicateYamlKey[] = [];
  /** Aliases being expanded (d.aliases): meeting one again means an anchor contains itself. */
  private readonly activeAliases = new Set<YamlNode>();
  // The document node counts as one decode.
  private decodeCount = 1;
  private aliasCount = 0;
  private aliasDepth = 0;

  constructor(private readonly source: SourceLocator) {}

  duplicateKeys(): DuplicateYamlKey[] {
    return this.duplicates;
  }

  private nodeLoc(node: YamlNode): Loc {
    return this.source.at(node.start);
  }

  /** d.unmarshal's bookkeeping against alias bombs ("billion laughs"). */
  private count(loc: Loc): void {
    this.decodeCount++;
    if (this.aliasDepth > 0) this.aliasCount++;
    if (this.aliasCount > 100 && this.decodeCount > 1000 && this.aliasCount / this.decodeCount > allowedAliasRatio(this.decodeCount)) {
      throw new YamlToJsonError('yaml: document contains excessive aliasing', loc);
    }
  }

  /** The value of a node; `fallback` locates a value that was left out (`key:` alone). */
  decode(node: YamlNode, fallback: Loc): GoValue {
    this.count(this.nodeLoc(node));
    switch (node.kind) {
      case 'alias':
        return this.alias(node, (target) => this.decode(target, this.nodeLoc(node)));
      case 'scalar':
        return { kind: 'scalar', value: this.scalar(node), loc: node.empty ? fallback : this.nodeLoc(node), end: this.source.at(node.end) };
      case 'mapping': {
        const out: GoMap = { kind: 'map', entries: new Map(), loc: this.nodeLoc(node), end: this.source.at(node.end) };
        this.mapInto(node, out);
        return out;
      }
      case 'sequence':
        return this.seq(node);
    }
  }

  private alias<T>(node: YamlNode, expand: (target: YamlNode) => T): T {
    if (this.activeAliases.has(node)) {
      throw new YamlToJsonError(`yaml: anchor '${node.value}' value contains itself`, this.nodeLoc(node));
    }
    this.activeAliases.add(node);
    this.aliasDepth++;
    try {
      return expand(node.target!);
    } finally {
      this.aliasDepth--;
      this.activeAliases.delete(node);
    }
  }

  /** decoder.scalar into interface{}: quoted is a string, plain resolves, a tag insists. */
  private scalar(node: YamlNode): GoScalar {
    if (node.tag === '' && !node.implicit) return { t: 'str', v: node.value };
    if (node.tag === '') return resolvePlain(node.value);
    try {
      return resolveTagged(shortTag(node.tag), node.value, node.implicit);
    } catch (e) {
      if (e instanceof ScalarError) throw new YamlToJsonError(`yaml: ${e.message}`, this.nodeLoc(node));
      throw e;
    }
  }

  private seq(node: YamlNode): GoSeq {
    const items: GoValue[] = [];
    const itemLocs: Loc[] = [];
    const loc = this.nodeLoc(node);
    for (const child of node.children) {
      const itemLoc = child.entry ? this.source.at(child.entry) : child.empty ? loc : this.nodeLoc(child);
      itemLocs.push(itemLoc);
      items.push(this.decode(child, itemLoc));
    }
    const first = node.flow ? node.bracket : node.children[0]?.entry;
    const insertAt = first ? this.source.offset(first.index) : undefined;
    return { kind: 'seq', items, itemLocs, loc, end: this.source.at(node.end), insertAt, flow: node.flow };
  }

  /** decoder.mapping for a map[interface{}]interface{} target, merges included. */
  private mapInto(node: YamlNode, out: GoMap): void {
    for (let i = 0; i < node.children.length; i += 2) {
      const keyNode = node.children[i];
      const valueNode = node.children[i + 1];
      const keyLoc = keyNode.empty ? out.loc : this.nodeLoc(keyNode);
      if (isMergeKey(keyNode)) {
        this.merge(valueNode, out, keyLoc);
        continue;
      }
      const key = this.decode(keyNode, keyLoc);
      if (key.kind !== 'scalar') throw new YamlToJsonError(`yaml: invalid map key: ${goSharpV(key)}`, keyLoc);
      const value = this.decode(valueNode, keyLoc);
      this.set(out, key.value, keyLoc, value);
    }
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

  /** A mapping (or an alias of one) decoded into an existing map, as a merge does. */
  private mergeInto(node: YamlNode, out: GoMap): void {
    this.count(this.nodeLoc(node));
    if (node.kind === 'alias') this.alias(node, (target) => this.mergeInto(target, out));
    else this.mapInto(node, out);
  }

  /** decoder.merge: a map, an alias of one, or a sequence of them (later ones first, so earlier ones win). */
  private merge(valueNode: YamlNode, out: GoMap, loc: Loc): void {
    const wantMap = (): never => {
      throw new YamlToJsonError('yaml: map merge requires map or sequence of maps as the value', loc);
    };
    const isMapOrAliasOfOne = (n: YamlNode): boolean =>
      n.kind === 'mapping' || (n.kind === 'alias' && n.target!.kind === 'mapping');
    switch (valueNode.kind) {
      case 'mapping':
      case 'alias':
        if (!isMapOrAliasOfOne(valueNode)) wantMap();
        this.mergeInto(valueNode, out);
        return;
      case 'sequence':
        for (let i = valueNode.children.length - 1; i >= 0; i--) {
          const item = valueNode.children[i];
          if (!isMapOrAliasOfOne(item)) wantMap();
          this.mergeInto(item, out);
        }
        return;
      default:
        wantMap();
    }
  }
}

/** isMerge: a `<<` key, plain (or tagged `!`) or tagged !!merge. */
function isMergeKey(node: YamlNode): boolean {
  return node.kind === 'scalar' && node.value === '<<' && (node.implicit || node.tag === MERGE_TAG);
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

const INT64_MAX = 2n ** 63n - 1n;

/** resolve() gives uint64 only to integers above int64's range. */
function isUint64(v: bigint): boolean {
  return v > INT64_MAX;
}

/**
 * Go's %#v (and %+#v, the same here) of a decoded value, as go-yaml's
 * "invalid map key" and sigs.k8s.io/yaml's "unsupported map key" errors print
 * it. `nested`: inside a slice or map, where a nil interface is spelled out.
 */
function goSharpV(value: GoValue, nested = false): string {
  if (value.kind === 'scalar') return goSharpVScalar(value.value, nested);
  if (value.kind === 'seq') return `[]interface {}{${value.items.map((item) => goSharpV(item, true)).join(', ')}}`;
  // fmt prints map entries sorted by key (internal/fmtsort).
  const entries = [...value.entries.values()].sort((a, b) => compareGoKeys(a.key, b.key));
  return `map[interface {}]interface {}{${entries.map((e) => `${goSharpVScalar(e.key, true)}:${goSharpV(e.value, true)}`).join(', ')}}`;
}

function goSharpVScalar(v: GoScalar, nested: boolean): string {
  switch (v.t) {
    case 'str':
      return goQuote(v.v);
    case 'null':
      return nested ? 'interface {}(nil)' : '<nil>';
    case 'bool':
      return String(v.v);
    case 'int':
      // %#v prints unsigned integers in hex.
      return isUint64(v.v) ? `0x${v.v.toString(16)}` : v.v.toString();
    case 'float':
      return formatFloat64g(v.v);
  }
}

/**
 * fmtsort's order of interface{} map keys: nil first, then by dynamic type,
 * then by value. Types compare by the address of their descriptor in the
 * binary; for these types the Go toolchain lays them out as below (observed
 * on upstream's code built with go 1.26).
 */
const GO_TYPE_ORDER = ['str', 'uint64', 'int', 'float', 'bool'];

function goTypeOf(v: GoScalar): string {
  return v.t === 'int' && isUint64(v.v) ? 'uint64' : v.t;
}

function compareGoKeys(a: GoScalar, b: GoScalar): number {
  if (a.t === 'null' || b.t === 'null') return (a.t === 'null' ? 0 : 1) - (b.t === 'null' ? 0 : 1);
  const ta = GO_TYPE_ORDER.indexOf(goTypeOf(a));
  const tb = GO_TYPE_ORDER.indexOf(goTypeOf(b));
  if (ta !== tb) return ta - tb;
  if (a.t === 'str' && b.t === 'str') return compareUtf8(a.v, b.v);
  if (a.t === 'int' && b.t === 'int') return a.v < b.v ? -1 : a.v > b.v ? 1 : 0;
  if (a.t === 'float' && b.t === 'float') {
    // NaN sorts before every other float.
    if (Number.isNaN(a.v) || Number.isNaN(b.v)) return (Number.isNaN(a.v) ? 0 : 1) - (Number.isNaN(b.v) ? 0 : 1);
    return a.v - b.v;
  }
  if (a.t === 'bool' && b.t === 'bool') return Number(a.v) - Number(b.v);
  return 0;
}

// --- sigs.k8s.io/yaml: interface{} -> JSON ----------------------------------

/** strconv's 'g' layout of shortest digits: %e when the exponent is < -4 or >= 6 (the shortest form's precision). */
function layoutG(negative: boolean, shortestDigits: string, exp: number): string {
  const digits = shortestDigits.replace(/0+$/, '') || '0';
  const sign = negative ? '-' : '';
  if (exp < -4 || exp >= 6) {
    const mant = digits.length > 1 ? digits[0] + '.' + digits.slice(1) : digits;
    const e = Math.abs(exp);
    return `${sign}${mant}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' + e : e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return sign + digits + '0'.repeat(exp + 1 - digits.length);
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/** strconv.FormatFloat(f, 'g', -1, 32): how sigs.k8s.io/yaml prints float map keys. */
function formatFloat32g(f: number): string {
  if (Number.isNaN(f)) return '.nan';
  if (f === Infinity) return '.inf';
  if (f === -Infinity) return '-.inf';
  const x = Math.fround(f);
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  // Shortest decimal digits that read back as the same float32.
  for (let p = 1; p <= 9; p++) {
    const s = Math.abs(x).toExponential(p - 1);
    if (Math.fround(Number(s)) === Math.abs(x)) {
      const [mant, e] = s.split('e');
      return layoutG(x < 0, mant.replace('.', ''), Number(e));
    }
  }
  return String(x);
}

/** fmt's %v of a float64: strconv 'g' with the shortest digits, "+Inf", "NaN". */
function formatFloat64g(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  // toExponential() without a precision gives the shortest digits that read back as f.
  const [mant, e] = Math.abs(f).toExponential().split('e');
  return layoutG(f < 0, mant.replace('.', ''), Number(e));
}

function jsonKey(key: GoScalar, value: GoValue, loc: Loc): string {
  switch (key.t) {
    case 'str':
      return key.v;
    case 'int':
      // sigs.k8s.io/yaml knows int and int64 keys, not the uint64 that integers past int64 become.
      if (isUint64(key.v)) {
        throw new YamlToJsonError(`unsupported map key of type: uint64, key: ${goSharpVScalar(key, false)}, value: ${goSharpV(value)}`, loc);
      }
      return key.v.toString();
    case 'float':
      return formatFloat32g(key.v);
    case 'bool':
      return key.v ? 'true' : 'false';
    case 'null':
      throw new YamlToJsonError(`unsupported map key of type: %!s(<nil>), key: <nil>, value: ${goSharpV(value)}`, loc);
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
        return { kind: 'string', value: v.v, loc: value.loc, end: value.end };
      case 'bool':
        return { kind: 'bool', value: v.v, loc: value.loc, end: value.end };
      case 'null':
        return { kind: 'null', loc: value.loc, end: value.end };
      case 'int':
        return { kind: 'number', text: v.v.toString(), loc: value.loc, end: value.end };
      case 'float':
        if (!Number.isFinite(v.v)) {
          const text = Number.isNaN(v.v) ? 'NaN' : v.v > 0 ? '+Inf' : '-Inf';
          throw new YamlToJsonError(`json: unsupported value: ${text}`, value.loc);
        }
        return { kind: 'number', text: goJsonFloat(v.v), loc: value.loc, end: value.end };
    }
  }
  if (value.kind === 'seq') {
    return { kind: 'array', items: value.items.map(toJson), itemLocs: value.itemLocs, loc: value.loc, end: value.end, insertAt: value.insertAt, flow: value.flow };
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
  return { kind: 'object', entries, loc: value.loc, end: value.end };
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
export function yamlToJson(text: string): YamlAsJson {
  const source = new SourceLocator(text);
  let document;
  try {
    document = composeYamlDocument(text);
  } catch (e) {
    if (e instanceof YamlParseError) throw new YamlToJsonError(e.message, e.at !== undefined ? source.loc(e.at) : undefined);
    throw e;
  }
  const start: Loc = { line: 1, col: 1 };
  if (!document.root) return { root: { kind: 'null', loc: start }, duplicateKeys: [] };
  try {
    const converter = new Converter(source);
    const value = converter.decode(document.root, source.at(document.root.start));
    const duplicateKeys = converter.duplicateKeys();
    checkKeys(value);
    collisions(value, duplicateKeys);
    // json.Marshal visits object keys in sorted order, so the first unsupported value is found that way.
    const root = toJson(value);
    const result: YamlAsJson = { root, duplicateKeys };
    if (document.following) result.ignoredDocument = source.at(document.following);
    return result;
  } catch (e) {
    // Go's stacks grow; ours do not. Thousands of nested collections are no policy anyone writes.
    if (e instanceof RangeError) {
      throw new YamlToJsonError('auditspec: the document nests collections too deeply to be decoded here', source.at(document.root.start));
    }
    throw e;
  }
}
