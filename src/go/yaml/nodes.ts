// Upstream: go.yaml.in/yaml/v2 decode.go (type parser).
//
// go-yaml v2's node tree (decode.go, type parser): the events of the first
// document of a stream composed into scalar, sequence, mapping and alias
// nodes, as yaml.Unmarshal does before decoding anything.
//
// Two of go-yaml's errors come from this step rather than from libyaml, and
// their order against syntax errors is observable: an alias to an anchor not
// defined before it fails *while parsing* ("unknown anchor 'x' referenced"),
// so it wins over a syntax error further down but not over one further up.
// Only the first document is read; where a following one starts is reported
// so the loader can warn that kube-apiserver ignores it.

import type { Mark, ScalarStyle } from './scanner.js';
import { YamlSyntaxError } from './scanner.js';
import type { EventType, YamlEvent } from './parser.js';
import { YamlEventParser } from './parser.js';
import { goYamlErrorMessage } from './errors.js';

export interface YamlNode {
  kind: 'scalar' | 'sequence' | 'mapping' | 'alias';
  start: Mark;
  /**
   * Where the node's text ends: after a scalar, an alias or a flow
   * collection's closing bracket; for a block collection, where its last
   * item's text ends (libyaml's own end mark there is the next token, past any
   * comments and blank lines that follow).
   */
  end: Mark;
  /** A flow collection (`[…]`, `{…}`); `bracket` is just after its `[` or `{`. */
  flow: boolean;
  bracket?: Mark;
  /** The resolved tag, '' when none was written. */
  tag: string;
  /** A scalar's value; an alias's anchor name. */
  value: string;
  /** go-yaml's "implicit": a plain, untagged scalar (or one tagged `!`). */
  implicit: boolean;
  style?: ScalarStyle;
  /** A scalar the parser supplied for a missing node. */
  empty: boolean;
  /** For an item of a block sequence: where its `-` is. */
  entry?: Mark;
  /** Sequence items; mapping keys and values, alternating. */
  children: YamlNode[];
  /** For an alias: the node its anchor named when the alias was read. */
  target?: YamlNode;
}

/** A failure of go-yaml's parser: a libyaml error or one of go-yaml's own (failf). */
export class YamlParseError extends Error {
  constructor(
    message: string,
    /** The character (index into the scanner's code points) it is about, when known. */
    readonly at?: number,
  ) {
    super(message);
  }
}

export interface YamlDocument {
  /** The first document's root; undefined for a stream with no document (empty, or only comments). */
  root?: YamlNode;
  /** Where something after the first document starts (kube-apiserver never reads it). */
  following?: Mark;
}

class Composer {
  private pending: YamlEvent | undefined;
  private anchors = new Map<string, YamlNode>();

  constructor(private readonly parser: YamlEventParser) {}

  private peek(): YamlEvent {
    if (!this.pending) this.pending = this.nextEvent();
    return this.pending;
  }

  private nextEvent(): YamlEvent {
    let event: YamlEvent | undefined;
    try {
      event = this.parser.next();
    } catch (e) {
      if (e instanceof YamlSyntaxError) throw new YamlParseError(goYamlErrorMessage(e), (e.problemMark ?? e.contextMark)?.index ?? e.characterIndex);
      throw e;
    }
    if (!event) throw new Error('go-yaml parser: no event after the end of the stream');
    return event;
  }

  private expect(type: EventType): YamlEvent {
    const event = this.peek();
    this.pending = undefined;
    if (event.type === 'STREAM-END' && type !== 'STREAM-END') {
      throw new YamlParseError('yaml: attempted to go past the end of stream; corrupted value?', event.start.index);
    }
    if (event.type !== type) throw new Error(`go-yaml parser: expected ${type} event but got ${event.type}`);
    return event;
  }

  /** parser.parse() at the top: the first document, or nothing for an empty stream. */
  firstDocument(): YamlDocument {
    this.expect('STREAM-START');
    if (this.peek().type === 'STREAM-END') return {};
    this.anchors = new Map();
    this.expect('DOCUMENT-START');
    const root = this.node();
    this.expect('DOCUMENT-END');
    return { root, following: this.following() };
  }

  /** What comes after the first document, looked at without affecting the result. */
  private following(): Mark | undefined {
    try {
      const event = this.parser.next();
      return event && event.type !== 'STREAM-END' ? event.start : undefined;
    } catch (e) {
      if (e instanceof YamlSyntaxError) return e.problemMark ?? e.contextMark;
      throw e;
    }
  }

  private create(kind: YamlNode['kind'], event: YamlEvent): YamlNode {
    return {
      kind,
      start: event.start,
      end: event.end,
      flow: event.flow === true,
      bracket: event.flow === true ? event.end : undefined,
      tag: event.tag,
      value: event.value,
      implicit: event.implicit,
      style: event.style,
      empty: event.empty === true,
      entry: event.entry,
      children: [],
    };
  }

  private remember(node: YamlNode, event: YamlEvent): void {
    if (event.anchor !== undefined) this.anchors.set(event.anchor, node);
  }

  /**
   * A node and everything inside it. parser.parse() recurses; this keeps the
   * open collections on a stack of its own, so that nesting as deep as
   * libyaml allows (10000 levels) fails with libyaml's error, not ours.
   */
  private node(): YamlNode {
    const open: YamlNode[] = [];
    for (;;) {
      const event = this.peek();
      let done: YamlNode;
      switch (event.type) {
        case 'SCALAR':
          done = this.create('scalar', event);
          this.remember(done, event);
          this.expect('SCALAR');
          break;
        case 'ALIAS':
          done = this.create('alias', event);
          done.value = event.anchor ?? '';
          done.target = this.anchors.get(done.value);
          if (!done.target) throw new YamlParseError(`yaml: unknown anchor '${done.value}' referenced`, event.start.index);
          this.expect('ALIAS');
          break;
        case 'SEQUENCE-START':
        case 'MAPPING-START': {
          // The anchor names the node from here on, so an alias inside it refers to it.
          const node = this.create(event.type === 'SEQUENCE-START' ? 'sequence' : 'mapping', event);
          this.remember(node, event);
          this.expect(event.type);
          open.push(node);
          continue;
        }
        case 'SEQUENCE-END':
        case 'MAPPING-END':
          if (open.length === 0) throw new Error(`go-yaml parser: attempted to parse unknown event: ${event.type}`);
          this.expect(event.type);
          done = open.pop()!;
          done.end = done.flow ? event.end : (done.children.at(-1)?.end ?? done.end);
          break;
        default:
          throw new Error(`go-yaml parser: attempted to parse unknown event: ${event.type}`);
      }
      if (open.length === 0) return done;
      open[open.length - 1].children.push(done);
    }
  }
}

/**
 * The first document of `text` as go-yaml's parser composes it. Throws
 * YamlParseError with go-yaml's message for a document it refuses.
 */
export function composeYamlDocument(text: string): YamlDocument {
  return new Composer(new YamlEventParser(text)).firstDocument();
}
