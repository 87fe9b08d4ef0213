// Two independent 32-bit hashes of a string (FNV-1a with different seeds and
// mixing), for structures that need two positions or a wider key from one
// text: the policy diff's region merging (diff/mergeRegions.ts) and replay's
// Bloom filter of auditIDs (replay/jobs/auditIDFilter.ts).

export function twoHashes(text: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 13);
  }
  return [a >>> 0, b >>> 0];
}
