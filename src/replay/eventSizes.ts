// Measures the parts of a recorded audit event whose presence depends on the
// level (bodies), on omitManagedFields (managed fields) or on the stage (status
// and annotations). Sizes are those of the compact JSON kube-apiserver writes;
// re-serialising a parsed value gives the same bytes except for the few characters
// Go escapes and JavaScript does not (<, >, &), which is close enough for volume.
import type { Stage } from '../audit/types.js';
import { closingQuote } from './jsonScan.js';
import type { EventSample } from './volume.js';

type Json = Record<string, unknown>;

/** Size of `"key":value` plus the comma that separates it from its neighbour. */
function fieldBytes(key: string, value: unknown): number {
  if (value === undefined) return 0;
  const json = JSON.stringify(value);
  return key.length + 3 + Buffer.byteLength(json) + 1;
}

function managedFieldsOf(object: unknown): number {
  if (object === null || typeof object !== 'object') return 0;
  const metadata = (object as Json).metadata;
  const own = metadata !== null && typeof metadata === 'object' ? fieldBytes('managedFields', (metadata as Json).managedFields) : 0;
  return own;
}

/** Managed fields kube-apiserver drops under omitManagedFields: the object's, list items', table rows'. */
export function managedFieldsBytes(body: unknown): number {
  if (body === null || typeof body !== 'object') return 0;
  let total = managedFieldsOf(body);
  const items = (body as Json).items;
  if (Array.isArray(items)) for (const item of items) total += managedFieldsOf(item);
  const rows = (body as Json).rows;
  if (Array.isArray(rows)) for (const row of rows) total += managedFieldsOf((row as Json | null)?.object);
  return total;
}

export interface MeasureOptions {
  /**
   * Measure what kube-apiserver adds or completes after writing RequestReceived
   * (responseStatus, annotations, impersonatedUser, and the objectRef, which
   * gains the name and namespace of the request's object): only needed to derive
   * a RequestReceived the log lacks.
   */
  tail: boolean;
  /** Measure managed fields: only needed when some decision omits them. */
  managedFields: boolean;
  /**
   * The line is not the event itself (a cloud provider's record wrapping it), so
   * body sizes cannot be read off the line.
   */
  wrapped?: boolean;
}

const MANAGED_FIELDS_KEY = '"managedFields":';

/** The index just past the JSON value that starts at `i` (no validation: the line parsed already). */
export function skipJsonValue(text: string, i: number): number {
  const first = text.charCodeAt(i);
  if (first === 0x22 /* " */) return skipString(text, i);
  if (first !== 0x5b /* [ */ && first !== 0x7b /* { */) {
    // A number, true, false or null: up to the next delimiter.
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x2c || c === 0x5d || c === 0x7d || c === 0x20) break;
      i++;
    }
    return i;
  }
  let depth = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      i = skipString(text, i);
      continue;
    }
    if (c === 0x5b || c === 0x7b) depth++;
    else if (c === 0x5d || c === 0x7d) {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return i;
}

/** Just past the string that opens at `i`; a string left open runs to the end (see closingQuote). */
function skipString(text: string, i: number): number {
  const quote = closingQuote(text, i);
  return quote === text.length ? quote : quote + 1;
}

/**
 * Bytes of every `"managedFields":…` member between `from` and `to` in the line,
 * with one separating comma each: what omitManagedFields removes from bodies
 * written in kube-apiserver's compact layout.
 */
function managedFieldsByPosition(line: string, from: number, to: number): number {
  let total = 0;
  let at = line.indexOf(MANAGED_FIELDS_KEY, from);
  while (at !== -1 && at < to) {
    const end = skipJsonValue(line, at + MANAGED_FIELDS_KEY.length);
    total += Buffer.byteLength(line.slice(at, end)) + 1;
    at = line.indexOf(MANAGED_FIELDS_KEY, end);
  }
  return total;
}

const REQUEST_KEY = ',"requestObject":';
const RESPONSE_KEY = ',"responseObject":';
// kube-apiserver's Event struct puts requestObject, responseObject and then
// requestReceivedTimestamp (or, failing that, stageTimestamp / annotations) next
// to each other, so in its compact output the bodies are one contiguous stretch.
const AFTER_BODY_KEYS = [',"requestReceivedTimestamp":', ',"stageTimestamp":', ',"annotations":'];

/**
 * Body sizes read off the line by position, when it has kube-apiserver's field
 * order. A quote inside a JSON string is always escaped, so `,"key":` with bare
 * quotes is structure, never text. Returns undefined when the layout is not the
 * expected one (re-serialised logs, other field orders).
 */
interface BodyPositions {
  requestBytes: number;
  responseBytes: number;
  /** Where the response body starts (= end of the request body) and where the bodies end, in the line. */
  split: number;
  start: number;
  end: number;
}

function bodiesByPosition(line: string, hasRequest: boolean, hasResponse: boolean): BodyPositions | undefined {
  let end = -1;
  for (const key of AFTER_BODY_KEYS) {
    end = line.lastIndexOf(key);
    if (end !== -1) break;
  }
  if (end === -1) end = line.length - 1; // the closing brace
  const requestAt = hasRequest ? line.indexOf(REQUEST_KEY) : -1;
  const responseAt = hasResponse ? line.lastIndexOf(RESPONSE_KEY, end) : -1;
  if ((hasRequest && (requestAt === -1 || requestAt > end)) || (hasResponse && (responseAt === -1 || responseAt < requestAt))) {
    return undefined;
  }
  const bytes = (from: number, to: number) => Buffer.byteLength(line.slice(from, to));
  const start = hasRequest ? requestAt : responseAt;
  const split = hasResponse ? responseAt : end;
  return {
    requestBytes: hasRequest ? bytes(requestAt, split) : 0,
    responseBytes: hasResponse ? bytes(responseAt, end) : 0,
    start,
    split,
    end,
  };
}

/**
 * Measures one event whose line is `line` (`lineBytes` with its terminator). Body
 * sizes come from positions in the line when it has kube-apiserver's layout, and
 * from serialising the bodies again otherwise.
 */
export function measureEvent(event: Json, line: string, stage: Stage, lineBytes: number, options: MeasureOptions): EventSample {
  const requestObject = event.requestObject;
  const responseObject = event.responseObject;
  let requestBodyBytes = 0;
  let responseBodyBytes = 0;
  let requestManagedFieldsBytes = 0;
  let responseManagedFieldsBytes = 0;
  if (requestObject !== undefined || responseObject !== undefined) {
    const positions = options.wrapped ? undefined : bodiesByPosition(line, requestObject !== undefined, responseObject !== undefined);
    if (positions) {
      requestBodyBytes = positions.requestBytes;
      responseBodyBytes = positions.responseBytes;
      if (options.managedFields) {
        requestManagedFieldsBytes = managedFieldsByPosition(line, positions.start, positions.split);
        responseManagedFieldsBytes = managedFieldsByPosition(line, positions.split, positions.end);
      }
    } else {
      requestBodyBytes = fieldBytes('requestObject', requestObject);
      responseBodyBytes = fieldBytes('responseObject', responseObject);
      if (options.managedFields) {
        requestManagedFieldsBytes = managedFieldsBytes(requestObject);
        responseManagedFieldsBytes = managedFieldsBytes(responseObject);
      }
    }
  }
  const responseTailBytes = options.tail
    ? fieldBytes('responseStatus', event.responseStatus) +
      fieldBytes('annotations', event.annotations) +
      fieldBytes('impersonatedUser', event.impersonatedUser) +
      fieldBytes('objectRef', event.objectRef)
    : 0;
  return {
    stage,
    bytes: lineBytes,
    requestBodyBytes,
    responseBodyBytes,
    requestManagedFieldsBytes,
    responseManagedFieldsBytes,
    responseTailBytes,
  };
}

/** `,"key":value` in the line (its first top-level occurrence before `before`), in bytes with one comma; 0 when absent. */
function memberBytes(line: string, key: string, before: number): number {
  const at = line.indexOf(key);
  if (at === -1 || at > before) return 0;
  return Buffer.byteLength(line.slice(at, skipJsonValue(line, at + key.length)));
}

/**
 * Measures an event from its line alone, without parsing it: for the later
 * events of a request the replay has already decided, in kube-apiserver's
 * layout. Undefined when the layout is not the expected one (the caller then
 * parses the line). `bodiesFrom`: where the caller knows the metadata ends (the
 * bodies cannot start before), so the line is not searched from its start.
 */
export function measureEventLine(line: string, stage: Stage, lineBytes: number, options: MeasureOptions, bodiesFrom = 0): EventSample | undefined {
  const hasRequest = line.indexOf(REQUEST_KEY, bodiesFrom) !== -1;
  const hasResponse = line.indexOf(RESPONSE_KEY, bodiesFrom) !== -1;
  let requestBodyBytes = 0;
  let responseBodyBytes = 0;
  let requestManagedFieldsBytes = 0;
  let responseManagedFieldsBytes = 0;
  let bodiesStart = line.length;
  let bodiesEnd = 0;
  if (hasRequest || hasResponse) {
    const positions = bodiesByPosition(line, hasRequest, hasResponse);
    if (positions === undefined) return undefined;
    requestBodyBytes = positions.requestBytes;
    responseBodyBytes = positions.responseBytes;
    bodiesStart = positions.start;
    bodiesEnd = positions.end;
    if (options.managedFields) {
      requestManagedFieldsBytes = managedFieldsByPosition(line, positions.start, positions.split);
      responseManagedFieldsBytes = managedFieldsByPosition(line, positions.split, positions.end);
    }
  }
  let responseTailBytes = 0;
  if (options.tail) {
    // impersonatedUser and responseStatus come before the bodies, annotations last.
    responseTailBytes =
      memberBytes(line, ',"responseStatus":', bodiesStart) +
      memberBytes(line, ',"impersonatedUser":', bodiesStart) +
      memberBytes(line, ',"objectRef":', bodiesStart);
    const annotations = line.lastIndexOf(',"annotations":');
    if (annotations !== -1 && annotations >= bodiesEnd) {
      responseTailBytes += Buffer.byteLength(line.slice(annotations, skipJsonValue(line, annotations + ',"annotations":'.length)));
    }
  }
  return { stage, bytes: lineBytes, requestBodyBytes, responseBodyBytes, requestManagedFieldsBytes, responseManagedFieldsBytes, responseTailBytes };
}

/**
 * Bytes of `,"objectRef":{…}` as RequestReceived carries it: only what the
 * request itself names (audit.LogRequestMetadata), in ObjectReference's field
 * order, empty fields left out; 0 for a non-resource request.
 */
export function receivedObjectRefBytes(attrs: {
  resourceRequest: boolean;
  resource: string;
  namespace: string;
  name: string;
  apiGroup: string;
  apiVersion: string;
  subresource: string;
}): number {
  if (!attrs.resourceRequest) return 0;
  const ref: Record<string, string> = {};
  for (const key of ['resource', 'namespace', 'name', 'apiGroup', 'apiVersion', 'subresource'] as const) {
    if (attrs[key] !== '') ref[key] = attrs[key];
  }
  return fieldBytes('objectRef', ref);
}

