// Upstream: sigs.k8s.io/json internal/golang/encoding/json/decode.go (encoding/json's decode.go, case-sensitive, with strict errors).
//
// Decoding a JSON tree into the Go types kube-apiserver uses, with the
// semantics of sigs.k8s.io/json (the case-sensitive fork of encoding/json that
// apimachinery's serializer calls):
//  - keys match json names exactly; a mis-cased or unknown key is ignored and,
//    in strict mode, reported as `unknown field "rules[0].Level"`;
//  - a repeated key decodes again over the earlier value (strict: `duplicate
//    field`); arrays decode element-wise into the existing elements;
//  - null leaves strings, bools, numbers and structs as they were, and makes
//    lists, maps and pointers nil;
//  - a value of the wrong JSON type is skipped and the first such problem is
//    the decode error ("json: cannot unmarshal number into Go struct field
//    PolicyRule.rules.users of type string"), which fails the whole load.
// Every decoded struct, list and field keeps where it came from.

import { goTypeName, structShortName } from './types.js';
import type { GoField, GoStructType, GoType } from './types.js';
import type { JsonNode, Loc } from './tree.js';
import { jsonKindName } from './tree.js';
import { rfc3339ParseError } from '../time/format.js';

export interface GoStruct {
  kind: 'struct';
  type: GoStructType;
  /** Decoded fields by json name; an absent field holds its zero value. */
  fields: Map<string, GoValue>;
  /** Where each field's key and value were (last written). */
  keyLocs: Map<string, Loc>;
  valueLocs: Map<string, Loc>;
  loc: Loc;
}

export interface GoSlice {
  kind: 'slice';
  items: GoValue[];
  itemLocs: Loc[];
  loc: Loc;
}

export interface GoMapValue {
  kind: 'map';
  entries: Map<string, GoValue>;
  loc: Loc;
}

/** A decoded value: string, bool, int64 (bigint), nil (null), or a struct/slice/map. Pointers are their pointee or null. */
export type GoValue = string | boolean | bigint | null | GoStruct | GoSlice | GoMapValue | { kind: 'raw' };

export interface StrictIssue {
  type: 'unknown field' | 'duplicate field';
  /** The field path as sigs.k8s.io/json prints it, e.g. "rules[0].resources[0].verbs". */
  path: string;
  /** The key as written. */
  key: string;
  loc: Loc;
  /** The struct the key was found in (absent for map keys). */
  struct?: GoStructType;
  /** The JSON value under the key. */
  value: JsonNode;
  /** For a duplicate: where the key was first seen. */
  firstLoc?: Loc;
}

/** A null inside a list of strings: Go decodes it as "" and keeps the entry. */
export interface NullListItem {
  /** The item's path, e.g. "rules[0].users[1]". */
  path: string;
  loc: Loc;
}

export interface DecodeError {
  message: string;
  loc: Loc;
}

export interface DecodeResult {
  value: GoValue;
  strict: StrictIssue[];
  nullItems: NullListItem[];
  error?: DecodeError;
}

/** sigs.k8s.io/json stops collecting strict errors at this many. */
const MAX_STRICT_ERRORS = 100;

class Fatal extends Error {
  constructor(readonly decodeError: DecodeError) {
    super(decodeError.message);
  }
}

interface ErrorContext {
  struct?: GoStructType;
  fieldStack: string[];
}

export function zeroValue(t: GoType, loc: Loc): GoValue {
  switch (t.kind) {
    case 'string':
      return '';
    case 'bool':
      return false;
    case 'int':
      return 0n;
    case 'struct':
      return { kind: 'struct', type: t, fields: new Map(), keyLocs: new Map(), valueLocs: new Map(), loc };
    case 'time':
      return '';
    case 'raw':
      return { kind: 'raw' };
    default:
      return null;
  }
}

class Decoder {
  private saved?: DecodeError;
  private readonly strict: StrictIssue[] = [];
  private readonly nullItems: NullListItem[] = [];
  private readonly seenStrict = new Set<string>();
  private ctx: ErrorContext = { fieldStack: [] };
  private readonly strictStack: string[] = [];

  run(node: JsonNode, type: GoType): DecodeResult {
    const initial = zeroValue(type, node.loc);
    try {
      const value = this.value(node, type, initial);
      if (this.saved) return { value, strict: [], nullItems: [], error: this.saved };
      return { value, strict: this.strict, nullItems: this.nullItems };
    } catch (e) {
      if (e instanceof Fatal) return { value: initial, strict: [], nullItems: [], error: e.decodeError };
      throw e;
    }
  }

  /** decodeState.saveError: only the first problem is kept, with the field context at that moment. */
  private saveTypeError(what: string, type: GoType, loc: Loc): void {
    if (this.saved) return;
    this.saved = { message: this.typeErrorMessage(what, goTypeName(type)), loc };
  }

  private typeErrorMessage(what: string, typeName: string): string {
    const { struct, fieldStack } = this.ctx;
    if (struct || fieldStack.length > 0) {
      const structName = struct ? structShortName(struct) : '';
      return `json: cannot unmarshal ${what} into Go struct field ${structName}.${fieldStack.join('.')} of type ${typeName}`;
    }
    return `json: cannot unmarshal ${what} into Go value of type ${typeName}`;
  }

  private addStrict(issue: StrictIssue): void {
    if (this.strict.length >= MAX_STRICT_ERRORS) return;
    const id = issue.type + '\0' + issue.path;
    if (this.seenStrict.has(id)) return;
    this.seenStrict.add(id);
    this.strict.push(issue);
  }

  private strictPath(key: string): string {
    return this.strictStack.length > 0 ? this.strictStack.join('') + '.' + key : key;
  }

  private value(node: JsonNode, type: GoType, current: GoValue): GoValue {
    switch (type.kind) {
      case 'ptr':
        // A null makes the pointer nil; anything else decodes into the (possibly new) pointee.
        if (node.kind === 'null') return null;
        return this.value(node, type.elem, current ?? zeroValue(type.elem, node.loc));
      case 'time':
        return this.time(node);
      case 'raw':
        return { kind: 'raw' };
      case 'string':
        if (node.kind === 'string') return node.value;
        if (node.kind !== 'null') this.saveTypeError(jsonKindName(node), type, node.loc);
        return current;
      case 'bool':
        if (node.kind === 'bool') return node.value;
        if (node.kind !== 'null') this.saveTypeError(jsonKindName(node), type, node.loc);
        return current;
      case 'int':
        if (node.kind === 'number') {
          if (/^-?\d+$/.test(node.text)) {
            const n = BigInt(node.text);
            if (n >= -(2n ** 63n) && n < 2n ** 63n) return n;
          }
          this.saveTypeError('number ' + node.text, type, node.loc);
          return current;
        }
        if (node.kind !== 'null') this.saveTypeError(jsonKindName(node), type, node.loc);
        return current;
      case 'slice':
        return this.slice(node, type, current);
      case 'map':
        return this.map(node, type, current);
      case 'struct':
        return this.struct(node, type, current);
    }
  }

  /** metav1.Time.UnmarshalJSON: its errors are returned at once, not saved. */
  private time(node: JsonNode): GoValue {
    if (node.kind === 'null') return '';
    if (node.kind !== 'string') {
      // The inner json.Unmarshal's UnmarshalTypeError gets the outer field context added.
      throw new Fatal({ message: this.typeErrorMessage(jsonKindName(node), 'string'), loc: node.loc });
    }
    const problem = rfc3339ParseError(node.value);
    if (problem) throw new Fatal({ message: problem, loc: node.loc });
    return node.value;
  }

  private slice(node: JsonNode, type: Extract<GoType, { kind: 'slice' }>, current: GoValue): GoValue {
    if (node.kind === 'null') return null;
    if (node.kind !== 'array') {
      this.saveTypeError(jsonKindName(node), type, node.loc);
      return current;
    }
    const previous = current && typeof current === 'object' && current.kind === 'slice' ? current : undefined;
    const items: GoValue[] = [];
    const itemLocs: Loc[] = [];
    const base = this.strictStack.length;
    node.items.forEach((item, i) => {
      this.strictStack.push(`[${i}]`);
      if (item.kind === 'null' && type.elem.kind === 'string') {
        this.nullItems.push({ path: this.strictStack.join(''), loc: node.itemLocs[i] ?? item.loc });
      }
      // Go decodes into the element already there (a repeated key's earlier array), else a zero one.
      const existing = previous && i < previous.items.length ? previous.items[i] : zeroValue(type.elem, item.loc);
      items.push(this.value(item, type.elem, existing));
      itemLocs.push(node.itemLocs[i] ?? item.loc);
      this.strictStack.length = base;
    });
    return { kind: 'slice', items, itemLocs, loc: node.loc };
  }

  private map(node: JsonNode, type: Extract<GoType, { kind: 'map' }>, current: GoValue): GoValue {
    if (node.kind === 'null') return null;
    if (node.kind !== 'object') {
      this.saveTypeError(jsonKindName(node), type, node.loc);
      return current;
    }
    const out: GoMapValue =
      current && typeof current === 'object' && current.kind === 'map' ? current : { kind: 'map', entries: new Map(), loc: node.loc };
    const seen = new Map<string, Loc>();
    const base = this.strictStack.length;
    for (const entry of node.entries) {
      const first = seen.get(entry.key);
      if (first) {
        this.addStrict({ type: 'duplicate field', path: this.strictPath(entry.key), key: entry.key, loc: entry.keyLoc, value: entry.value, firstLoc: first });
      } else seen.set(entry.key, entry.keyLoc);
      this.strictStack.push(this.strictStack.length > 0 ? '.' : '', entry.key);
      out.entries.set(entry.key, this.value(entry.value, type.elem, zeroValue(type.elem, entry.value.loc)));
      this.strictStack.length = base;
    }
    return out;
  }

  private struct(node: JsonNode, type: GoStructType, current: GoValue): GoValue {
    if (node.kind === 'null') return current;
    if (node.kind !== 'object') {
      this.saveTypeError(jsonKindName(node), type, node.loc);
      return current;
    }
    const out = current && typeof current === 'object' && current.kind === 'struct' ? current : (zeroValue(type, node.loc) as GoStruct);
    const byName = new Map<string, GoField>(type.fields.map((f) => [f.json, f]));
    const seen = new Map<string, Loc>();
    const base = this.strictStack.length;
    for (const entry of node.entries) {
      const field = byName.get(entry.key);
      if (!field) {
        this.addStrict({ type: 'unknown field', path: this.strictPath(entry.key), key: entry.key, loc: entry.keyLoc, struct: type, value: entry.value });
        continue;
      }
      const first = seen.get(field.json);
      if (first) {
        this.addStrict({
          type: 'duplicate field',
          path: this.strictPath(field.json),
          key: entry.key,
          loc: entry.keyLoc,
          struct: type,
          value: entry.value,
          firstLoc: first,
        });
      } else seen.set(field.json, entry.keyLoc);
      const saved = this.ctx;
      this.ctx = { struct: type, fieldStack: [...saved.fieldStack, ...(field.via ? [field.via] : []), field.json] };
      this.strictStack.push(this.strictStack.length > 0 ? '.' : '', field.json);
      const before = out.fields.has(field.json) ? out.fields.get(field.json)! : zeroValue(field.type, entry.value.loc);
      out.fields.set(field.json, this.value(entry.value, field.type, before));
      out.keyLocs.set(field.json, entry.keyLoc);
      out.valueLocs.set(field.json, entry.value.loc);
      this.strictStack.length = base;
      this.ctx = saved;
    }
    return out;
  }
}

/** Decodes `node` into `type` as sigs.k8s.io/json's UnmarshalStrict does (values are the same as a lenient decode). */
export function decodeGoJson(node: JsonNode, type: GoType): DecodeResult {
  return new Decoder().run(node, type);
}
