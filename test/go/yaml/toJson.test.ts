// YAML -> JSON as kube-apiserver's decoder sees it (sigs.k8s.io/yaml over
// go-yaml v2). Each scalar outcome below was read back from
// LoadPolicyFromBytes (k8s.io/apiserver v0.36.4) with the scalar as a
// `users:` item: a string loads as that user, a number or boolean fails
// decoding as one, and null becomes "" (and a missing level).

import { describe, expect, it } from 'vitest';
import type { JsonNode } from '../../../src/go/json/tree.js';
import { yamlToJson, YamlToJsonError } from '../../../src/go/yaml/toJson.js';

type Expected = 'bool' | 'number' | 'null' | { string: string } | { error: string };

const SCALARS: [string, Expected][] = [
  ["yes", 'bool'],
  ["Yes", 'bool'],
  ["YES", 'bool'],
  ["y", 'bool'],
  ["Y", 'bool'],
  ["n", 'bool'],
  ["N", 'bool'],
  ["no", 'bool'],
  ["NO", 'bool'],
  ["on", 'bool'],
  ["On", 'bool'],
  ["ON", 'bool'],
  ["off", 'bool'],
  ["Off", 'bool'],
  ["true", 'bool'],
  ["True", 'bool'],
  ["TRUE", 'bool'],
  ["false", 'bool'],
  ["FALSE", 'bool'],
  ["tRUE", { string: "tRUE" }],
  ["~", 'null'],
  ["null", 'null'],
  ["Null", 'null'],
  ["NULL", 'null'],
  ["nULL", { string: "nULL" }],
  ["''", { string: "" }],
  ["\"\"", { string: "" }],
  ["0", 'number'],
  ["-0", 'number'],
  ["+12", 'number'],
  ["1_000", 'number'],
  ["0x1F", 'number'],
  ["0X1f", 'number'],
  ["0o17", 'number'],
  ["017", 'number'],
  ["08", 'number'],
  ["0b101", 'number'],
  ["-0b101", 'number'],
  ["1.5", 'number'],
  ["1.", 'number'],
  ["+.5", 'number'],
  [".5", 'number'],
  ["-.5e3", 'number'],
  ["1e3", 'number'],
  ["1e400", { string: "1e400" }],
  ["99999999999999999999", 'number'],
  [".inf", { error: "json: unsupported value: +Inf" }],
  ["-.Inf", { error: "json: unsupported value: -Inf" }],
  ["+.INF", { error: "json: unsupported value: +Inf" }],
  [".nan", { error: "json: unsupported value: NaN" }],
  [".NaN", { error: "json: unsupported value: NaN" }],
  ["12:30", { string: "12:30" }],
  ["2001-12-14", { string: "2001-12-14" }],
  ["2001-12-14t21:59:43.10-05:00", { string: "2001-12-14t21:59:43.10-05:00" }],
  ["0x", { string: "0x" }],
  ["1e", { string: "1e" }],
  ["+", { string: "+" }],
  ["-", { string: "-" }],
  [".", { string: "." }],
  ["..", { string: ".." }],
  [".e5", { string: ".e5" }],
  ["0.0.1", { string: "0.0.1" }],
  ["v1", { string: "v1" }],
  ["get", { string: "get" }],
  ["'yes'", { string: "yes" }],
  ["\"123\"", { string: "123" }],
  ["!!str 12", { string: "12" }],
  ["!!str yes", { string: "yes" }],
  ["!!int '12'", 'number'],
  ["!!bool 'on'", 'bool'],
  ["'<<'", { string: "<<" }],
];

function root(text: string): JsonNode {
  return yamlToJson(text).root;
}

function objectKeys(node: JsonNode): string[] {
  if (node.kind !== 'object') throw new Error(`expected an object, got ${node.kind}`);
  return node.entries.map((e) => e.key);
}

describe('scalars resolve as go-yaml v2 resolves them (YAML 1.1)', () => {
  it.each(SCALARS)('%s', (scalar, expected) => {
    let item: JsonNode | undefined;
    let error: unknown;
    try {
      const r = root(`users: [${scalar}]\n`);
      if (r.kind === 'object' && r.entries[0].value.kind === 'array') item = r.entries[0].value.items[0];
    } catch (e) {
      error = e;
    }
    if (typeof expected === 'object' && 'error' in expected) {
      expect(error).toBeInstanceOf(YamlToJsonError);
      expect((error as Error).message).toBe(expected.error);
      return;
    }
    expect(error).toBeUndefined();
    if (typeof expected === 'object') expect(item).toMatchObject({ kind: 'string', value: expected.string });
    else expect(item?.kind).toBe(expected);
  });
});

describe('mappings', () => {
  it("sorts keys in Go's byte order, as json.Marshal of a map does", () => {
    expect(objectKeys(root('b: 1\nZ: 2\na: 3\n"é": 4\n_: 5\n'))).toEqual(['Z', '_', 'a', 'b', 'é']);
  });

  it('prints non-string keys as sigs.k8s.io/yaml does', () => {
    // Checked against upstream's strict errors (unknown field "rules[0].<key>").
    const cases: [string, string][] = [
      ['1', '1'],
      ['true', 'true'],
      ['yes', 'true'],
      ['1.5', '1.5'],
      ['0x10', '16'],
      ['1e10', '1e+10'],
      ['1e6', '1e+06'],
      ['100000', '100000'],
      ['0.000012345', '1.2345e-05'],
      ['3.14159265358979', '3.1415927'],
      ['-0.0', '-0'],
      ['.inf', '.inf'],
      ['.nan', '.nan'],
    ];
    for (const [key, json] of cases) expect(objectKeys(root(`${key}: x\n`)), key).toEqual([json]);
  });

  it('refuses a null key with the error upstream prints', () => {
    expect(() => root('~: x\n')).toThrow('unsupported map key of type: %!s(<nil>), key: <nil>, value: "x"');
  });

  it('keeps the last of repeated keys and reports the repetition', () => {
    const result = yamlToJson('a: 1\nb: 2\na: 3\n');
    expect(result.root).toMatchObject({ entries: [{ key: 'a', value: { text: '3' } }, { key: 'b' }] });
    expect(result.duplicateKeys).toEqual([{ key: 'a', loc: { line: 3, col: 1 }, firstLoc: { line: 1, col: 1 }, ambiguous: false }]);
  });

  it('flags keys that collapse into one JSON key (1 and "1"): upstream picks one at random', () => {
    const result = yamlToJson('1: x\n"1": y\n');
    expect(result.duplicateKeys).toMatchObject([{ key: '1', ambiguous: true }]);
  });

  it('applies merge keys: explicit keys after them win, earlier maps in a list win over later ones', () => {
    const r = root('base: &b {level: Metadata, verbs: [get]}\nm: {<<: [{verbs: [list]}, *b], level: None}\n');
    if (r.kind !== 'object') throw new Error('object expected');
    const m = r.entries.find((e) => e.key === 'm')!.value;
    expect(m).toMatchObject({
      kind: 'object',
      entries: [
        { key: 'level', value: { value: 'None' } },
        { key: 'verbs', value: { items: [{ value: 'list' }] } },
      ],
    });
  });

  it('refuses an integer key beyond int64: go-yaml makes it a uint64, which sigs.k8s.io/yaml does not convert', () => {
    // Read back from sigs.k8s.io/yaml v1.6.0 YAMLToJSON.
    expect(() => root('9223372036854775808: x\n')).toThrow('unsupported map key of type: uint64, key: 0x8000000000000000, value: "x"');
    expect(objectKeys(root('9223372036854775807: x\n'))).toEqual(['9223372036854775807']);
  });

  it("prints the refused key's value with Go's %#v (keys sorted, nil and uint64 spelled Go's way)", () => {
    // Read back from sigs.k8s.io/yaml v1.6.0 YAMLToJSON.
    expect(() => root('~: {b: 1, a: [1, ~, 2.0, 1e7, .inf, "é\\n", 18446744073709551615, {}, []]}\n')).toThrow(
      'unsupported map key of type: %!s(<nil>), key: <nil>, value: map[interface {}]interface {}{"a":[]interface {}{1, interface {}(nil), 2, 1e+07, +Inf, "é\\n", 0xffffffffffffffff, map[interface {}]interface {}{}, []interface {}{}}, "b":1}',
    );
    expect(() => root('~: {~: 1, true: e, 2: d, b: c}\n')).toThrow(
      'value: map[interface {}]interface {}{interface {}(nil):1, "b":"c", 2:"d", true:"e"}',
    );
    expect(() => root('? {a: 1, b: [x]}\n: y\n')).toThrow('yaml: invalid map key: map[interface {}]interface {}{"a":1, "b":[]interface {}{"x"}}');
  });

  it('refuses a merge of something that is not a mapping', () => {
    expect(() => root('a: {<<: 5}\n')).toThrow('yaml: map merge requires map or sequence of maps as the value');
  });
});

describe('documents, aliases and positions', () => {
  it('reads the first document only and says where the ignored one starts', () => {
    const result = yamlToJson('a: 1\n---\nb: [\n');
    expect(objectKeys(result.root)).toEqual(['a']);
    expect(result.ignoredDocument).toEqual({ line: 2, col: 1 });
  });

  it('says where content after an explicit document end starts, though no `---` opens it', () => {
    const result = yamlToJson('a: 1\n...\nb: 2\n');
    expect(objectKeys(result.root)).toEqual(['a']);
    expect(result.ignoredDocument).toEqual({ line: 3, col: 1 });
    expect(yamlToJson('a: 1\n...\n').ignoredDocument).toBeUndefined();
  });

  it('treats an empty stream as null', () => {
    expect(root('')).toMatchObject({ kind: 'null' });
    expect(root('# nothing\n')).toMatchObject({ kind: 'null' });
  });

  it('expands aliases and refuses unknown ones as go-yaml does', () => {
    expect(root('a: &x [1]\nb: *x\n')).toMatchObject({ entries: [{ key: 'a' }, { key: 'b', value: { kind: 'array' } }] });
    expect(() => root('b: *x\n')).toThrow("yaml: unknown anchor 'x' referenced");
  });

  it('reads [-] as a list holding "-", as libyaml does', () => {
    expect(root('a: [-, x]\n')).toMatchObject({ entries: [{ value: { items: [{ kind: 'string', value: '-' }, { value: 'x' }] } }] });
  });

  it('puts each block sequence item at its dash', () => {
    const r = root('items:\n  -   a: 1\n  - b\n');
    expect(r).toMatchObject({ entries: [{ value: { itemLocs: [{ line: 2, col: 3 }, { line: 3, col: 3 }] } }] });
  });

  it('decodes double-quoted escapes the way go-yaml does', () => {
    expect(root('a: "\\x41\\u00e9\\t\\\'"\n')).toMatchObject({ entries: [{ value: { value: "Aé\t'" } }] });
    expect(() => root('a: "\\/"\n')).toThrow('yaml: found unknown escape character');
  });
});

describe('where nodes end, and where a first list item goes', () => {
  it('a block sequence: at its first "-"; a block mapping ends where its last value does, before comments and blank lines', () => {
    const text = 'rules:\n  # first\n  - level: None\n    users: [a]\n\n  # trailing\n  - {level: Metadata}\nx: 1\n';
    const rules = root(text);
    if (rules.kind !== 'object' || rules.entries[0].value.kind !== 'array') throw new Error('no rules list');
    const list = rules.entries[0].value;
    expect(list.flow).toBe(false);
    expect(text.slice(list.insertAt, list.insertAt! + 7)).toBe('- level');
    expect(list.items[0].end).toEqual({ line: 4, col: 15 });
    expect(list.items[1].end).toEqual({ line: 7, col: 22 });
    expect(list.end).toEqual({ line: 7, col: 22 });
  });

  it('a flow sequence: just after "[", ending after "]"; an alias is where its anchor\'s node is written', () => {
    const text = 'a: &l [1,\r  2]\rb: *l\r';
    const doc = root(text);
    if (doc.kind !== 'object') throw new Error('not an object');
    for (const entry of doc.entries) {
      expect(entry.value).toMatchObject({ kind: 'array', flow: true, end: { line: 2, col: 5 } });
      if (entry.value.kind === 'array') expect(text[entry.value.insertAt! - 1]).toBe('[');
    }
  });
});
