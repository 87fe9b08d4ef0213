// Upstream: none; the JSON value encoding/json's decode.go walks, with positions.
//
// The JSON document kube-apiserver's decoder actually reads, kept as a tree
// with source locations. A JSON policy file becomes this tree as written (key
// order and duplicate keys kept, as Go's decoder sees them); a YAML file
// becomes the JSON that sigs.k8s.io/yaml would have produced from it (see
// ../yaml/toJson.ts), still pointing back into the YAML source.

/** 1-based line and column in the source text. */
export interface Loc {
  line: number;
  col: number;
}

export type JsonNode = JsonObject | JsonArray | JsonString | JsonNumber | JsonBool | JsonNull;

export interface JsonObject {
  kind: 'object';
  entries: JsonEntry[];
  loc: Loc;
  /** Where the node's text ends (just after it); set by both readers. */
  end?: Loc;
}

export interface JsonEntry {
  key: string;
  keyLoc: Loc;
  value: JsonNode;
}

export interface JsonArray {
  kind: 'array';
  items: JsonNode[];
  /** Where each item starts; for a YAML block sequence, its `-`. */
  itemLocs: Loc[];
  /**
   * Where a new first item goes, as an offset (UTF-16 units) into the source:
   * just after `[`, or at the first item's `-` of a YAML block sequence.
   * Unset for an empty block sequence, which has no text of its own.
   */
  insertAt?: number;
  /** Written as `[…]` (always, in JSON), not as a YAML block sequence. */
  flow?: boolean;
  loc: Loc;
  /** Where the node's text ends (just after it); set by both readers. */
  end?: Loc;
}

export interface JsonString {
  kind: 'string';
  value: string;
  loc: Loc;
  /** Where the node's text ends (just after it); set by both readers. */
  end?: Loc;
}

export interface JsonNumber {
  kind: 'number';
  /** The number as JSON text (what Go's decoder quotes in "number 1.5" messages). */
  text: string;
  loc: Loc;
  /** Where the node's text ends (just after it); set by both readers. */
  end?: Loc;
}

export interface JsonBool {
  kind: 'bool';
  value: boolean;
  loc: Loc;
  /** Where the node's text ends (just after it); set by both readers. */
  end?: Loc;
}

export interface JsonNull {
  kind: 'null';
  loc: Loc;
  /** Where the node's text ends (just after it); set by both readers. */
  end?: Loc;
}

/** How encoding/json names a JSON value's kind in "cannot unmarshal X into ..." messages. */
export function jsonKindName(node: JsonNode): string {
  switch (node.kind) {
    case 'object':
      return 'object';
    case 'array':
      return 'array';
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'bool':
      return 'bool';
    case 'null':
      return 'null';
  }
}

/** Maps string offsets to 1-based line/column. */
/**
 * Lines as editors count them: a line ends at "\r\n", "\n" or a lone "\r"
 * (a file written with old Mac line ends is as many lines as it looks, and
 * go-yaml, which kube-apiserver reads it with, counts it so too).
 */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) this.starts.push(i + 1);
    }
  }

  loc(offset: number): Loc {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - this.starts[lo] + 1 };
  }
}
