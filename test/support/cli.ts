// Runs the CLI in-process and captures what it writes, for command tests.
import { Readable } from 'node:stream';
import { vi } from 'vitest';
import { main } from '../../src/cli/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], stdin?: string): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += chunk.toString();
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += chunk.toString();
    return true;
  });
  const stdinDescriptor = Object.getOwnPropertyDescriptor(process, 'stdin');
  if (stdin !== undefined) Object.defineProperty(process, 'stdin', { value: Readable.from([stdin]), configurable: true });
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    if (stdinDescriptor) Object.defineProperty(process, 'stdin', stdinDescriptor);
  }
}
