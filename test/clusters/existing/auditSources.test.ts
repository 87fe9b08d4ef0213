import { appendFile, mkdtemp, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandSource, parseAuditLogSpec, RotatingLogTail } from '../../../src/clusters/existing/auditSources.js';
import type { AuditEvent } from '../../../src/clusters/types.js';

const line = (auditID: string, stage = 'ResponseComplete') =>
  `${JSON.stringify({ kind: 'Event', apiVersion: 'audit.k8s.io/v1', auditID, stage, level: 'Metadata' })}\n`;
const ids = (events: AuditEvent[]) => events.map((e) => e.auditID);

describe('parseAuditLogSpec', () => {
  it('tells a path, a command and the webhook apart', () => {
    expect(parseAuditLogSpec('webhook')).toEqual({ kind: 'webhook' });
    expect(parseAuditLogSpec('/var/log/kube-apiserver/audit.log')).toEqual({ kind: 'file', path: '/var/log/kube-apiserver/audit.log' });
    expect(parseAuditLogSpec('file:webhook')).toEqual({ kind: 'file', path: 'webhook' });
    expect(parseAuditLogSpec('command: ssh cp-1 sudo tail -F -n 0 /var/log/audit.log')).toEqual({
      kind: 'command',
      command: 'ssh cp-1 sudo tail -F -n 0 /var/log/audit.log',
    });
    expect(parseAuditLogSpec('cmd:kubectl logs -f x')).toEqual({ kind: 'command', command: 'kubectl logs -f x' });
    expect(() => parseAuditLogSpec('command:  ')).toThrow(/names no command/);
    expect(() => parseAuditLogSpec(' ')).toThrow(/empty/);
  });
});

describe('RotatingLogTail', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'auditspec-tail-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads only what was appended, keeps half-written lines for later, and follows rotation', async () => {
    const path = join(dir, 'audit.log');
    const tail = new RotatingLogTail(path);
    expect(await tail.readNew()).toEqual([]);
    expect(tail.silenceHints()[0]).toMatch(/does not exist/);
    await writeFile(path, line('a') + line('b').slice(0, 10));
    expect(ids(await tail.readNew())).toEqual(['a']);
    await appendFile(path, line('b').slice(10) + line('c'));
    expect(ids(await tail.readNew())).toEqual(['b', 'c']);
    // lumberjack-style rotation: the file is renamed after a last write, a new one is created.
    await appendFile(path, line('d'));
    await rename(path, join(dir, 'audit-2026-11-21T18-00-00.000.log'));
    await writeFile(path, line('e'));
    expect(ids(await tail.readNew())).toEqual(['d', 'e']);
    await appendFile(path, line('f'));
    expect(ids(await tail.readNew())).toEqual(['f']);
    // copytruncate-style: same file, emptied.
    await truncate(path, 0);
    await appendFile(path, line('g'));
    expect(ids(await tail.readNew())).toEqual(['g']);
    await tail.close();
  });

  it('starts at the end of a long-lived log, skipping a line being written', async () => {
    const path = join(dir, 'staging.log');
    await writeFile(path, line('old-1') + line('old-2') + line('partial').slice(0, 15));
    const tail = new RotatingLogTail(path, true);
    expect(await tail.readNew()).toEqual([]);
    await appendFile(path, line('partial').slice(15) + line('new'));
    expect(ids(await tail.readNew())).toEqual(['new']);
    await tail.close();
  });

  it('skips lines that are not JSON events and says so when nothing else came', async () => {
    const path = join(dir, 'legacy.log');
    await writeFile(path, '2026-11-21T18:00:00Z AUDIT: id="x" stage="ResponseComplete"\n');
    const tail = new RotatingLogTail(path);
    expect(await tail.readNew()).toEqual([]);
    expect(tail.silenceHints().join('\n')).toMatch(/--audit-log-format=json/);
    await tail.close();
  });
});

describe('CommandSource', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'auditspec-command-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function readUntil(source: CommandSource, count: number): Promise<string[]> {
    const seen: string[] = [];
    for (let i = 0; i < 100 && seen.length < count; i++) {
      seen.push(...ids(await source.readNew()));
      await sleep(50);
    }
    return seen;
  }

  it('follows a command that streams the log', async () => {
    const log = join(dir, 'stream.log');
    await writeFile(log, '');
    const source = new CommandSource(`tail -n +1 -F ${log}`);
    try {
      await source.readNew();
      await appendFile(log, line('a') + line('b'));
      expect(await readUntil(source, 2)).toEqual(['a', 'b']);
      await appendFile(log, line('c'));
      expect(await readUntil(source, 1)).toEqual(['c']);
    } finally {
      await source.close();
    }
  });

  it('re-runs a command that prints the whole log and exits, returning each event once', async () => {
    const log = join(dir, 'oneshot.log');
    await writeFile(log, line('a') + line('a', 'RequestReceived'));
    const source = new CommandSource(`cat ${log}`);
    try {
      expect(await readUntil(source, 2)).toEqual(['a', 'a']);
      await appendFile(log, line('b'));
      expect(await readUntil(source, 1)).toEqual(['b']);
    } finally {
      await source.close();
    }
  });

  it('fails with the command\'s own error output when it exits non-zero', async () => {
    const source = new CommandSource('echo "ssh: connect to host cp-1 port 22: Connection refused" >&2; exit 255');
    try {
      let error: unknown;
      for (let i = 0; i < 100 && !error; i++) {
        await source.readNew().catch((err: unknown) => {
          error = err;
        });
        await sleep(20);
      }
      expect(String((error as Error).message)).toMatch(/exited with code 255[\s\S]*Connection refused/);
    } finally {
      await source.close();
    }
  });
});
