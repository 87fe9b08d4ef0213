// auditspec eval <policy> --requests <file.jsonl|->: one decision per input line,
// streamed, so a real audit log can be piped straight through (and into
// `head`: a closed pipe ends the run quietly). Exit 1 when any line was not a
// request, after printing every result.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { compilePolicy, evaluatePolicy } from '../../audit/policy/checker.js';
import { decisionJson } from '../../format/explanation.js';
import { parseRequestLine } from '../../request/jsonl.js';
import { droppedOriginNote } from '../../request/requestUrl.js';
import { UsageError } from '../errors.js';
import { loadPolicyArgument, parseKubeVersion, kubeVersionOption } from '../options.js';
import type { RegisterCommand } from './index.js';

/**
 * Standard output that may be closed by the reader (`eval … | head -1`): a
 * write then fails with EPIPE, which is the reader saying it has enough, not
 * an error. `closed` turns true and later writes are dropped.
 */
class Output {
  closed = false;
  private readonly onError = (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    this.closed = true;
  };

  constructor(private readonly stream: NodeJS.WriteStream) {
    stream.on('error', this.onError);
  }

  async write(text: string): Promise<void> {
    if (this.closed) return;
    if (this.stream.write(text)) return;
    // Wait for room, or for the reader to go away (then 'drain' never comes).
    await new Promise<void>((resolve) => {
      const done = () => {
        this.stream.off('drain', done);
        this.stream.off('error', done);
        this.stream.off('close', done);
        resolve();
      };
      this.stream.once('drain', done);
      this.stream.once('error', done);
      this.stream.once('close', done);
    });
  }

  release(): void {
    // Kept a moment longer: an EPIPE from the last write may still be on its way.
    setImmediate(() => this.stream.off('error', this.onError));
  }
}

export const registerEval: RegisterCommand = (program: Command, setExitCode) => {
  program
    .command('eval')
    .description('decide each request of a JSON-lines file (audit Events or {"method","url","user"}) under a policy; exit 1 when any line is invalid')
    .argument('<policy>', 'audit policy file (YAML or JSON), or a module directory')
    .requiredOption('--requests <file>', 'JSON lines of requests; "-" for standard input')
    .addOption(kubeVersionOption())
    .action(async (policyPath: string, options: { requests: string; kubeVersion: string }) => {
      const policy = loadPolicyArgument(policyPath, parseKubeVersion(options.kubeVersion));
      const compiled = compilePolicy(policy);
      let input: NodeJS.ReadableStream;
      if (options.requests === '-') input = process.stdin;
      else {
        const stream = createReadStream(options.requests);
        await new Promise<void>((resolveOpen, rejectOpen) => {
          stream.once('open', () => resolveOpen());
          stream.once('error', (err) => rejectOpen(new UsageError(`cannot read ${options.requests}: ${err.message}`)));
        });
        input = stream;
      }
      const out = new Output(process.stdout);
      let lineNumber = 0;
      let invalid = 0;
      let originNoted = false;
      const lines = createInterface({ input, crlfDelay: Infinity });
      try {
        for await (const line of lines) {
          lineNumber++;
          if (line.trim() === '') continue;
          const parsed = parseRequestLine(line);
          if (!parsed.ok) invalid++;
          if (parsed.ok && parsed.droppedOrigin !== undefined && !originNoted) {
            originNoted = true;
            process.stderr.write(`auditspec: line ${lineNumber} (and any later full URL): ${droppedOriginNote(parsed.droppedOrigin, parsed.request.http!.url)}\n`);
          }
          // Every line gets its result, invalid ones included, so outputs line up with inputs.
          const result = parsed.ok ? decisionJson(evaluatePolicy(compiled, parsed.request.attributes)) : { error: parsed.error, line: lineNumber };
          await out.write(`${JSON.stringify(result)}\n`);
          if (out.closed) break;
        }
      } finally {
        lines.close();
        out.release();
      }
      if (invalid > 0) process.stderr.write(`auditspec: ${invalid} of ${lineNumber} input line${lineNumber === 1 ? ' was' : 's were'} not a request (see their "error")\n`);
      setExitCode(invalid > 0 ? 1 : 0);
    });
};
