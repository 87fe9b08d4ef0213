// Runs spec files through a real, in-process Vitest, the way a user's run
// would (the package's names resolve to src/), and says what happened: the
// tests that passed, every failure with its message, what was printed, and the
// exit code Vitest set. For tests of what auditspec does inside a Vitest run:
// generated specs, reporters, matchers whose failure is Vitest's own.
import { relative } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import type { InlineConfig } from 'vitest/node';
import { startVitest } from 'vitest/node';

export const repo = fileURLToPath(new URL('../../', import.meta.url));
const src = (path: string) => `${repo}src/${path}`;

/** The package's own names, as a consumer's spec imports them. */
const PACKAGE_ALIASES = {
  'auditspec/extend-expect': src('vitest/extend-expect.ts'),
  'auditspec/coverage': src('coverage/reporter.ts'),
  'auditspec/vitest': src('vitest/index.ts'),
  auditspec: src('index.ts'),
};

export interface SpecRun {
  passed: number;
  /** "<full test name>: <state> <messages and diffs>" for each test that did not pass, and module or unhandled errors. */
  failed: string[];
  /** Everything Vitest and the reporters printed. */
  logged: string;
  exitCode: number | string | undefined;
}

/** Options beyond the defaults; setupFiles are added after extend-expect. */
export type SpecRunOptions = Omit<InlineConfig, 'root' | 'config' | 'watch' | 'include'>;

export async function runSpecs(files: readonly string[], options: SpecRunOptions = {}): Promise<SpecRun> {
  let logged = '';
  const capture = () =>
    new Writable({
      write(chunk, _encoding, done) {
        logged += String(chunk);
        done();
      },
    }) as unknown as NodeJS.WriteStream;
  // Vitest sets process.exitCode for a failed run; this run's failures are the
  // caller's to judge, not the outer test run's.
  const previousExitCode = process.exitCode;
  process.exitCode = undefined;
  const vitest = await startVitest(
    'test',
    [],
    {
      reporters: [{}],
      ...options,
      root: repo,
      config: false,
      watch: false,
      include: files.map((file) => relative(repo, file)),
      setupFiles: [src('vitest/extend-expect.ts'), ...toArray(options.setupFiles)],
    },
    { resolve: { alias: PACKAGE_ALIASES } },
    { stdout: capture(), stderr: capture() },
  );
  const failed: string[] = [];
  let passed = 0;
  try {
    for (const module of vitest.state.getTestModules()) {
      for (const error of module.errors()) failed.push(`${module.moduleId}: ${error.message}`);
      for (const testCase of module.children.allTests()) {
        const result = testCase.result();
        if (result.state === 'passed') passed++;
        else failed.push(`${testCase.fullName}: ${result.state} ${result.errors?.map(describeError).join('; ') ?? ''}`);
      }
    }
    for (const error of vitest.state.getUnhandledErrors()) failed.push(`unhandled: ${String((error as Error).message ?? error)}`);
  } finally {
    await vitest.close();
  }
  const exitCode = process.exitCode;
  process.exitCode = previousExitCode;
  return { passed, failed, logged, exitCode };
}

/** The message, and the diff Vitest keeps beside it for a mismatch (a snapshot's, for one), without colour. */
function describeError(error: { message: string; diff?: string }): string {
  return stripVTControlCharacters(error.diff ? `${error.message}\n${error.diff}` : error.message);
}

function toArray(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
