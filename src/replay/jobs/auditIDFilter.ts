// A set of auditIDs that may answer "maybe" for one never added (a Bloom
// filter): what a `--jobs` worker notes of the requests it began (see
// rangeDeferral.ts), for the main thread to check its carried requests
// against. A false "maybe" only makes the main thread count a range itself
// (slower, still exact); a "no" is always right. Unlike a list of the IDs it
// keeps no strings alive: an auditID cut from a line by a regular expression
// holds on to the whole line, and thousands of them per range made the
// workers' garbage collector copy lines it could otherwise drop at once.

import { twoHashes } from '../../stringHashes.js';

/** 2^20 bits (128 KiB): with the ~10 000 requests a range of a few MiB holds, about 1 false "maybe" in 2 500 lookups. */
const WORDS = 1 << 15;
const MASK = WORDS * 32 - 1;

/** The filter's two bit positions: the ID's two hashes. */
function positions(id: string): [number, number] {
  const [a, b] = twoHashes(id);
  return [a & MASK, b & MASK];
}

export function newAuditIDFilter(): Uint32Array<ArrayBuffer> {
  return new Uint32Array(WORDS);
}

export function addAuditID(filter: Uint32Array, id: string): void {
  const [p, q] = positions(id);
  filter[p >>> 5] |= 1 << (p & 31);
  filter[q >>> 5] |= 1 << (q & 31);
}

/** False only when `id` was never added. */
export function mayHaveAuditID(filter: Uint32Array, id: string): boolean {
  const [p, q] = positions(id);
  return (filter[p >>> 5] & (1 << (p & 31))) !== 0 && (filter[q >>> 5] & (1 << (q & 31))) !== 0;
}
