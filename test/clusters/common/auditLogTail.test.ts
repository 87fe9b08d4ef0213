import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RotatingLogTail } from '../../../src/clusters/common/auditLogTail.js';

describe('RotatingLogTail', () => {
  const dir = mkdtempSync(join(tmpdir(), 'auditspec-tail-'));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads only what was appended, keeping a partial last line (even mid-character) for later', async () => {
    const path = join(dir, 'audit.log');
    const tail = new RotatingLogTail(path);
    expect(await tail.readNew()).toEqual([]); // not there yet
    const first = JSON.stringify({ auditID: 'a', stage: 'RequestReceived', level: 'Metadata' });
    const second = Buffer.from(JSON.stringify({ auditID: 'é-b', stage: 'ResponseComplete', level: 'Metadata' }) + '\n');
    appendFileSync(path, `${first}\n`);
    // Cut the second line inside the two-byte "é".
    const cut = second.indexOf(Buffer.from('é')) + 1;
    appendFileSync(path, second.subarray(0, cut));
    expect((await tail.readNew()).map((e) => e.auditID)).toEqual(['a']);
    expect(await tail.readNew()).toEqual([]);
    appendFileSync(path, second.subarray(cut));
    expect((await tail.readNew()).map((e) => e.auditID)).toEqual(['é-b']);
    await tail.close();
  });
});
