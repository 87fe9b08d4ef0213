// Upstream: go.yaml.in/yaml/v2 parserc.go.
//
// The event parser of go-yaml v2 (parserc.go, a port of libyaml's parser), in
// TypeScript: the tokens of scanner.ts become STREAM/DOCUMENT/SEQUENCE/
// MAPPING start and end, SCALAR and ALIAS events, driven by the same state
// machine, so a broken document fails at the same token with the same problem
// ("did not find expected key", "did not find expected node content", ...).
//
// Two additions to libyaml's events: an item of a block sequence carries the
// position of its `-` (entry), which the loader reports as the item's position,
// and the start of a flow collection says so (flow), so that where a node's
// text ends is known (see nodes.ts).
//
// libyaml's licence (MIT, Copyright (c) 2006 Kirill Simonov) applies to this
// rendition too: see THIRD_PARTY_NOTICES.md.

import type { Mark, ScalarStyle, Token } from './scanner.js';
import { YamlScanner, YamlSyntaxError } from './scanner.js';

export type EventType =
  | 'STREAM-START'
  | 'STREAM-END'
  | 'DOCUMENT-START'
  | 'DOCUMENT-END'
  | 'ALIAS'
  | 'SCALAR'
  | 'SEQUENCE-START'
  | 'SEQUENCE-END'
  | 'MAPPING-START'
  | 'MAPPING-END';

export interface YamlEvent {
  type: EventType;
  start: Mark;
  end: Mark;
  anchor?: string;
  /** The resolved tag (handle replaced by its prefix); '' when there is none. */
  tag: string;
  /** Scalar value. */
  value: string;
  /** For scalars: plain and untagged (or tagged `!`), which is what go-yaml calls implicit. */
  implicit: boolean;
  style?: ScalarStyle;
  /** A scalar the parser made up where a node was left out (`key:` with nothing after it). */
  empty?: boolean;
  /** For an item of a block sequence: where its `-` is. */
  entry?: Mark;
  /** For the start of a flow collection (`[`, `{`): its end mark is just after the bracket. */
  flow?: boolean;
}

type State =
  | 'STREAM-START'
  | 'IMPLICIT-DOCUMENT-START'
  | 'DOCUMENT-START'
  | 'DOCUMENT-CONTENT'
  | 'DOCUMENT-END'
  | 'BLOCK-NODE'
  | 'BLOCK-NODE-OR-INDENTLESS-SEQUENCE'
  | 'FLOW-NODE'
  | 'BLOCK-SEQUENCE-FIRST-ENTRY'
  | 'BLOCK-SEQUENCE-ENTRY'
  | 'INDENTLESS-SEQUENCE-ENTRY'
  | 'BLOCK-MAPPING-FIRST-KEY'
  | 'BLOCK-MAPPING-KEY'
  | 'BLOCK-MAPPING-VALUE'
  | 'FLOW-SEQUENCE-FIRST-ENTRY'
  | 'FLOW-SEQUENCE-ENTRY'
  | 'FLOW-SEQUENCE-ENTRY-MAPPING-KEY'
  | 'FLOW-SEQUENCE-ENTRY-MAPPING-VALUE'
  | 'FLOW-SEQUENCE-ENTRY-MAPPING-END'
  | 'FLOW-MAPPING-FIRST-KEY'
  | 'FLOW-MAPPING-KEY'
  | 'FLOW-MAPPING-VALUE'
  | 'FLOW-MAPPING-EMPTY-VALUE'
  | 'END';

interface TagDirective {
  handle: string;
  prefix: string;
}

/** Handles every document knows; %TAG may not redefine them... but may define them first. */
const DEFAULT_TAG_DIRECTIVES: TagDirective[] = [
  { handle: '!', prefix: '!' },
  { handle: '!!', prefix: 'tag:yaml.org,2002:' },
];

function parserError(problem: string, problemMark: Mark, context = '', contextMark?: Mark): YamlSyntaxError {
  return new YamlSyntaxError('parser', problem, { ...problemMark }, context, contextMark ? { ...contextMark } : undefined);
}

export class YamlEventParser {
  private readonly scanner: YamlScanner;
  private state: State = 'STREAM-START';
  private readonly states: State[] = [];
  /** Where each open collection started (for "while parsing a block mapping" contexts). */
  private readonly marks: Mark[] = [];
  private tagDirectives: TagDirective[] = [];

  constructor(text: string) {
    this.scanner = new YamlScanner(text);
  }

  /** The next event, or undefined once the stream has ended. Throws YamlSyntaxError. */
  next(): YamlEvent | undefined {
    if (this.scanner.atStreamEnd || this.state === 'END') return undefined;
    return this.dispatch();
  }

  /** The token after the last event, without consuming it (where a following document would start). */
  peekToken(): Token {
    return this.scanner.peek();
  }

  private token(): Token {
    return this.scanner.peek();
  }

  private skipToken(): void {
    this.scanner.consume();
  }

  private pop(): void {
    this.state = this.states.pop()!;
  }

  private dispatch(): YamlEvent {
    switch (this.state) {
      case 'STREAM-START':
        return this.streamStart();
      case 'IMPLICIT-DOCUMENT-START':
        return this.documentStart(true);
      case 'DOCUMENT-START':
        return this.documentStart(false);
      case 'DOCUMENT-CONTENT':
        return this.documentContent();
      case 'DOCUMENT-END':
        return this.documentEnd();
      case 'BLOCK-NODE':
        return this.node(true, false);
      case 'BLOCK-NODE-OR-INDENTLESS-SEQUENCE':
        return this.node(true, true);
      case 'FLOW-NODE':
        return this.node(false, false);
      case 'BLOCK-SEQUENCE-FIRST-ENTRY':
        return this.blockSequenceEntry(true);
      case 'BLOCK-SEQUENCE-ENTRY':
        return this.blockSequenceEntry(false);
      case 'INDENTLESS-SEQUENCE-ENTRY':
        return this.indentlessSequenceEntry();
      case 'BLOCK-MAPPING-FIRST-KEY':
        return this.blockMappingKey(true);
      case 'BLOCK-MAPPING-KEY':
        return this.blockMappingKey(false);
      case 'BLOCK-MAPPING-VALUE':
        return this.blockMappingValue();
      case 'FLOW-SEQUENCE-FIRST-ENTRY':
        return this.flowSequenceEntry(true);
      case 'FLOW-SEQUENCE-ENTRY':
        return this.flowSequenceEntry(false);
      case 'FLOW-SEQUENCE-ENTRY-MAPPING-KEY':
        return this.flowSequenceEntryMappingKey();
      case 'FLOW-SEQUENCE-ENTRY-MAPPING-VALUE':
        return this.flowSequenceEntryMappingValue();
      case 'FLOW-SEQUENCE-ENTRY-MAPPING-END':
        return this.flowSequenceEntryMappingEnd();
      case 'FLOW-MAPPING-FIRST-KEY':
        return this.flowMappingKey(true);
      case 'FLOW-MAPPING-KEY':
        return this.flowMappingKey(false);
      case 'FLOW-MAPPING-VALUE':
        return this.flowMappingValue(false);
      case 'FLOW-MAPPING-EMPTY-VALUE':
        return this.flowMappingValue(true);
      case 'END':
        throw new Error('go-yaml parser: no event after the end of the stream');
    }
  }

  private event(type: EventType, start: Mark, end: Mark, extra: Partial<YamlEvent> = {}): YamlEvent {
    return { type, start: { ...start }, end: { ...end }, tag: '', value: '', implicit: false, ...extra };
  }

  private emptyScalar(mark: Mark): YamlEvent {
    return this.event('SCALAR', mark, mark, { implicit: true, style: 'plain', empty: true });
  }

  private streamStart(): YamlEvent {
    const token = this.token();
    if (token.type !== 'STREAM-START') throw parserError('did not find expected <stream-start>', token.start);
    this.state = 'IMPLICIT-DOCUMENT-START';
    this.skipToken();
    return this.event('STREAM-START', token.start, token.end);
  }

  private documentStart(implicit: boolean): YamlEvent {
    let token = this.token();
    if (!implicit) {
      // Extra `...` lines between documents are allowed.
      while (token.type === 'DOCUMENT-END') {
        this.skipToken();
        token = this.token();
      }
    }
    if (implicit && !['VERSION-DIRECTIVE', 'TAG-DIRECTIVE', 'DOCUMENT-START', 'STREAM-END'].includes(token.type)) {
      // A document without `---`.
      this.processDirectives();
      this.states.push('DOCUMENT-END');
      this.state = 'BLOCK-NODE';
      return this.event('DOCUMENT-START', token.start, token.end);
    }
    if (token.type !== 'STREAM-END') {
      const start = token.start;
      this.processDirectives();
      token = this.token();
      if (token.type !== 'DOCUMENT-START') throw parserError('did not find expected <document start>', token.start);
      this.states.push('DOCUMENT-END');
      this.state = 'DOCUMENT-CONTENT';
      const end = token.end;
      this.skipToken();
      return this.event('DOCUMENT-START', start, end);
    }
    this.state = 'END';
    this.skipToken();
    return this.event('STREAM-END', token.start, token.end);
  }

  private documentContent(): YamlEvent {
    const token = this.token();
    if (['VERSION-DIRECTIVE', 'TAG-DIRECTIVE', 'DOCUMENT-START', 'DOCUMENT-END', 'STREAM-END'].includes(token.type)) {
      this.pop();
      return this.emptyScalar(token.start);
    }
    return this.node(true, false);
  }

  private documentEnd(): YamlEvent {
    const token = this.token();
    const start = token.start;
    let end = token.start;
    if (token.type === 'DOCUMENT-END') {
      end = token.end;
      this.skipToken();
    }
    this.tagDirectives = [];
    this.state = 'DOCUMENT-START';
    return this.event('DOCUMENT-END', start, end);
  }

  /** A node: alias, scalar or collection start, with its anchor and tag. */
  private node(block: boolean, indentlessSequence: boolean): YamlEvent {
    let token = this.token();
    if (token.type === 'ALIAS') {
      this.pop();
      this.skipToken();
      return this.event('ALIAS', token.start, token.end, { anchor: token.value });
    }

    let start = token.start;
    let end = token.start;
    let anchor: string | undefined;
    let tagHandle: string | undefined;
    let tagSuffix = '';
    let tagMark = token.start;
    if (token.type === 'ANCHOR') {
      anchor = token.value;
      start = token.start;
      end = token.end;
      this.skipToken();
      token = this.token();
      if (token.type === 'TAG') {
        tagHandle = token.value ?? '';
        tagSuffix = token.suffix ?? '';
        tagMark = token.start;
        end = token.end;
        this.skipToken();
        token = this.token();
      }
    } else if (token.type === 'TAG') {
      tagHandle = token.value ?? '';
      tagSuffix = token.suffix ?? '';
      start = token.start;
      tagMark = token.start;
      end = token.end;
      this.skipToken();
      token = this.token();
      if (token.type === 'ANCHOR') {
        anchor = token.value;
        end = token.end;
        this.skipToken();
        token = this.token();
      }
    }

    let tag = '';
    if (tagHandle !== undefined) {
      if (tagHandle === '') {
        tag = tagSuffix;
      } else {
        const directive = this.tagDirectives.find((d) => d.handle === tagHandle);
        if (directive) tag = directive.prefix + tagSuffix;
        if (tag === '') throw parserError('found undefined tag handle', tagMark, 'while parsing a node', start);
      }
    }

    const implicit = tag === '';
    if (indentlessSequence && token.type === 'BLOCK-ENTRY') {
      this.state = 'INDENTLESS-SEQUENCE-ENTRY';
      return this.event('SEQUENCE-START', start, token.end, { anchor, tag, implicit });
    }
    if (token.type === 'SCALAR') {
      this.pop();
      this.skipToken();
      return this.event('SCALAR', start, token.end, {
        anchor,
        tag,
        value: token.value ?? '',
        implicit: (tag === '' && token.style === 'plain') || tag === '!',
        style: token.style,
      });
    }
    if (token.type === 'FLOW-SEQUENCE-START') {
      this.state = 'FLOW-SEQUENCE-FIRST-ENTRY';
      return this.event('SEQUENCE-START', start, token.end, { anchor, tag, implicit, flow: true });
    }
    if (token.type === 'FLOW-MAPPING-START') {
      this.state = 'FLOW-MAPPING-FIRST-KEY';
      return this.event('MAPPING-START', start, token.end, { anchor, tag, implicit, flow: true });
    }
    if (block && token.type === 'BLOCK-SEQUENCE-START') {
      this.state = 'BLOCK-SEQUENCE-FIRST-ENTRY';
      return this.event('SEQUENCE-START', start, token.end, { anchor, tag, implicit });
    }
    if (block && token.type === 'BLOCK-MAPPING-START') {
      this.state = 'BLOCK-MAPPING-FIRST-KEY';
      return this.event('MAPPING-START', start, token.end, { anchor, tag, implicit });
    }
    if (anchor !== undefined || tag !== '') {
      // An anchor or tag on nothing: an empty plain scalar.
      this.pop();
      return this.event('SCALAR', start, end, { anchor, tag, implicit, style: 'plain' });
    }
    throw parserError(
      'did not find expected node content',
      token.start,
      block ? 'while parsing a block node' : 'while parsing a flow node',
      start,
    );
  }

  private blockSequenceEntry(first: boolean): YamlEvent {
    if (first) {
      this.marks.push(this.token().start);
      this.skipToken();
    }
    let token = this.token();
    if (token.type === 'BLOCK-ENTRY') {
      const dash = token.start;
      const mark = token.end;
      this.skipToken();
      token = this.token();
      if (token.type !== 'BLOCK-ENTRY' && token.type !== 'BLOCK-END') {
        this.states.push('BLOCK-SEQUENCE-ENTRY');
        return { ...this.node(true, false), entry: { ...dash } };
      }
      this.state = 'BLOCK-SEQUENCE-ENTRY';
      return { ...this.emptyScalar(mark), entry: { ...dash } };
    }
    if (token.type === 'BLOCK-END') {
      this.pop();
      this.marks.pop();
      this.skipToken();
      return this.event('SEQUENCE-END', token.start, token.end);
    }
    const context = this.marks.pop()!;
    throw parserError("did not find expected '-' indicator", token.start, 'while parsing a block collection', context);
  }

  private indentlessSequenceEntry(): YamlEvent {
    let token = this.token();
    if (token.type === 'BLOCK-ENTRY') {
      const dash = token.start;
      const mark = token.end;
      this.skipToken();
      token = this.token();
      if (!['BLOCK-ENTRY', 'KEY', 'VALUE', 'BLOCK-END'].includes(token.type)) {
        this.states.push('INDENTLESS-SEQUENCE-ENTRY');
        return { ...this.node(true, false), entry: { ...dash } };
      }
      this.state = 'INDENTLESS-SEQUENCE-ENTRY';
      return { ...this.emptyScalar(mark), entry: { ...dash } };
    }
    this.pop();
    return this.event('SEQUENCE-END', token.start, token.start);
  }

  private blockMappingKey(first: boolean): YamlEvent {
    if (first) {
      this.marks.push(this.token().start);
      this.skipToken();
    }
    let token = this.token();
    if (token.type === 'KEY') {
      const mark = token.end;
      this.skipToken();
      token = this.token();
      if (!['KEY', 'VALUE', 'BLOCK-END'].includes(token.type)) {
        this.states.push('BLOCK-MAPPING-VALUE');
        return this.node(true, true);
      }
      this.state = 'BLOCK-MAPPING-VALUE';
      return this.emptyScalar(mark);
    }
    if (token.type === 'BLOCK-END') {
      this.pop();
      this.marks.pop();
      this.skipToken();
      return this.event('MAPPING-END', token.start, token.end);
    }
    const context = this.marks.pop()!;
    throw parserError('did not find expected key', token.start, 'while parsing a block mapping', context);
  }

  private blockMappingValue(): YamlEvent {
    let token = this.token();
    if (token.type === 'VALUE') {
      const mark = token.end;
      this.skipToken();
      token = this.token();
      if (!['KEY', 'VALUE', 'BLOCK-END'].includes(token.type)) {
        this.states.push('BLOCK-MAPPING-KEY');
        return this.node(true, true);
      }
      this.state = 'BLOCK-MAPPING-KEY';
      return this.emptyScalar(mark);
    }
    this.state = 'BLOCK-MAPPING-KEY';
    return this.emptyScalar(token.start);
  }

  private flowSequenceEntry(first: boolean): YamlEvent {
    if (first) {
      this.marks.push(this.token().start);
      this.skipToken();
    }
    let token = this.token();
    if (token.type !== 'FLOW-SEQUENCE-END') {
      if (!first) {
        if (token.type !== 'FLOW-ENTRY') {
          const context = this.marks.pop()!;
          throw parserError("did not find expected ',' or ']'", token.start, 'while parsing a flow sequence', context);
        }
        this.skipToken();
        token = this.token();
      }
      if (token.type === 'KEY') {
        // `[a: b]`: a single-pair mapping inside the sequence.
        this.state = 'FLOW-SEQUENCE-ENTRY-MAPPING-KEY';
        this.skipToken();
        return this.event('MAPPING-START', token.start, token.end, { implicit: true });
      }
      if (token.type !== 'FLOW-SEQUENCE-END') {
        this.states.push('FLOW-SEQUENCE-ENTRY');
        return this.node(false, false);
      }
    }
    this.pop();
    this.marks.pop();
    this.skipToken();
    return this.event('SEQUENCE-END', token.start, token.end);
  }

  private flowSequenceEntryMappingKey(): YamlEvent {
    const token = this.token();
    if (!['VALUE', 'FLOW-ENTRY', 'FLOW-SEQUENCE-END'].includes(token.type)) {
      this.states.push('FLOW-SEQUENCE-ENTRY-MAPPING-VALUE');
      return this.node(false, false);
    }
    const mark = token.end;
    this.skipToken();
    this.state = 'FLOW-SEQUENCE-ENTRY-MAPPING-VALUE';
    return this.emptyScalar(mark);
  }

  private flowSequenceEntryMappingValue(): YamlEvent {
    let token = this.token();
    if (token.type === 'VALUE') {
      this.skipToken();
      token = this.token();
      if (token.type !== 'FLOW-ENTRY' && token.type !== 'FLOW-SEQUENCE-END') {
        this.states.push('FLOW-SEQUENCE-ENTRY-MAPPING-END');
        return this.node(false, false);
      }
    }
    this.state = 'FLOW-SEQUENCE-ENTRY-MAPPING-END';
    return this.emptyScalar(token.start);
  }

  private flowSequenceEntryMappingEnd(): YamlEvent {
    const token = this.token();
    this.state = 'FLOW-SEQUENCE-ENTRY';
    return this.event('MAPPING-END', token.start, token.start);
  }

  private flowMappingKey(first: boolean): YamlEvent {
    if (first) {
      this.marks.push(this.token().start);
      this.skipToken();
    }
    let token = this.token();
    if (token.type !== 'FLOW-MAPPING-END') {
      if (!first) {
        if (token.type !== 'FLOW-ENTRY') {
          const context = this.marks.pop()!;
          throw parserError("did not find expected ',' or '}'", token.start, 'while parsing a flow mapping', context);
        }
        this.skipToken();
        token = this.token();
      }
      if (token.type === 'KEY') {
        this.skipToken();
        token = this.token();
        if (!['VALUE', 'FLOW-ENTRY', 'FLOW-MAPPING-END'].includes(token.type)) {
          this.states.push('FLOW-MAPPING-VALUE');
          return this.node(false, false);
        }
        this.state = 'FLOW-MAPPING-VALUE';
        return this.emptyScalar(token.start);
      }
      if (token.type !== 'FLOW-MAPPING-END') {
        // `{a}`: a key without a value.
        this.states.push('FLOW-MAPPING-EMPTY-VALUE');
        return this.node(false, false);
      }
    }
    this.pop();
    this.marks.pop();
    this.skipToken();
    return this.event('MAPPING-END', token.start, token.end);
  }

  private flowMappingValue(empty: boolean): YamlEvent {
    let token = this.token();
    if (empty) {
      this.state = 'FLOW-MAPPING-KEY';
      return this.emptyScalar(token.start);
    }
    if (token.type === 'VALUE') {
      this.skipToken();
      token = this.token();
      if (token.type !== 'FLOW-ENTRY' && token.type !== 'FLOW-MAPPING-END') {
        this.states.push('FLOW-MAPPING-KEY');
        return this.node(false, false);
      }
    }
    this.state = 'FLOW-MAPPING-KEY';
    return this.emptyScalar(token.start);
  }

  /** %YAML and %TAG before a document, then the default tag handles. */
  private processDirectives(): void {
    let token = this.token();
    let versionSeen = false;
    while (token.type === 'VERSION-DIRECTIVE' || token.type === 'TAG-DIRECTIVE') {
      if (token.type === 'VERSION-DIRECTIVE') {
        if (versionSeen) throw parserError('found duplicate %YAML directive', token.start);
        // go-yaml reads YAML 1.1 only.
        if (token.major !== 1 || token.minor !== 1) throw parserError('found incompatible YAML document', token.start);
        versionSeen = true;
      } else {
        this.appendTagDirective({ handle: token.value ?? '', prefix: token.suffix ?? '' }, false, token.start);
      }
      this.skipToken();
      token = this.token();
    }
    for (const directive of DEFAULT_TAG_DIRECTIVES) this.appendTagDirective(directive, true, token.start);
  }

  private appendTagDirective(directive: TagDirective, allowDuplicates: boolean, mark: Mark): void {
    if (this.tagDirectives.some((d) => d.handle === directive.handle)) {
      if (allowDuplicates) return;
      throw parserError('found duplicate %TAG directive', mark);
    }
    this.tagDirectives.push({ ...directive });
  }
}
