// Measures the parts of a recorded audit event whose presence depends on the
// level (bodies), on omitManagedFields (managed fields) or on the stage (status
// and annotations). Sizes are those of the compact JSON kube-apiserver writes;
// re-serialising a parsed value gives the same bytes except for the few characters
// Go escapes and JavaScript does not (<, >, &), which is close enough for volume.
import type { Stage } from '../audit/types.js';
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

/**
 * Measures one event. `measureTail` asks for the responseStatus/annotations size,
 * which is only needed when a RequestReceived event must be derived from it.
 */
export function measureEvent(event: Json, stage: Stage, lineBytes: number, measureTail: boolean): EventSample {
  const requestObject = event.requestObject;
  const responseObject = event.responseObject;
  let requestBodyBytes = 0;
  let responseBodyBytes = 0;
  let requestManagedFieldsBytes = 0;
  let responseManagedFieldsBytes = 0;
  if (requestObject !== undefined) {
    requestBodyBytes = fieldBytes('requestObject', requestObject);
    requestManagedFieldsBytes = managedFieldsBytes(requestObject);
  }
  if (responseObject !== undefined) {
    // The response is usually the larger body: size it by difference rather than
    // serialising it again.
    const { requestObject: _req, responseObject: _resp, ...rest } = event;
    const restBytes = Buffer.byteLength(JSON.stringify(rest)) + 1; // + line terminator
    responseBodyBytes = Math.max(0, lineBytes - restBytes - requestBodyBytes);
    responseManagedFieldsBytes = managedFieldsBytes(responseObject);
  }
  const responseTailBytes = measureTail ? fieldBytes('responseStatus', event.responseStatus) + fieldBytes('annotations', event.annotations) : 0;
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
