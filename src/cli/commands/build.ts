// auditspec build <dir> [-o policy.yaml] [--check]: composes a module directory
// into the one policy file kube-apiserver is given (see src/audit/modules/).
// CI keeps the built file committed, since that is what gets deployed, and runs
// `--check` to fail when someone edited a module without rebuilding. Exit codes:
// 0 built (or up to date), 1 a module kube-apiserver would refuse, a clash, or
// --check found the file stale, 2 usage errors.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { renderPolicy } from '../../audit/modules/render.js';
import { UsageError } from '../errors.js';
import { loadPolicyArgument, parseKubeVersion, kubeVersionOption } from '../options.js';
import type { RegisterCommand } from './index.js';

interface BuildOptions {
  output?: string;
  check?: boolean;
  kubeVersion?: string;
}

/** The first line where `built` and `current` differ, 1-based, for the --check message. */
function firstDifference(built: string, current: string): number {
  const a = built.split('\n');
  const b = current.split('\n');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i + 1;
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UsageError(`cannot read ${path}: ${(err as Error).message}`);
  }
}

export const registerBuild: RegisterCommand = (program: Command, setExitCode) => {
  program
    .command('build')
    .description('compose a module directory (its YAML/JSON files in name order) into the one policy file kube-apiserver is given')
    .argument('<dir>', 'module directory')
    .option('-o, --output <file>', 'write the policy here (default: standard output)')
    .option('--check', 'write nothing; exit 1 when the --output file is not what build would write')
    .addOption(kubeVersionOption())
    .action((dir: string, options: BuildOptions) => {
      let isDirectory = false;
      try {
        isDirectory = statSync(dir).isDirectory();
      } catch {
        // reported just below
      }
      if (!isDirectory) throw new UsageError(`build takes a module directory; ${dir} is not one`);
      if (options.check && options.output === undefined) throw new UsageError('--check needs --output <file>: the built file to compare');
      const built = renderPolicy(loadPolicyArgument(dir, parseKubeVersion(options.kubeVersion)));
      if (options.output === undefined) {
        process.stdout.write(built);
        setExitCode(0);
        return;
      }
      if (options.check) {
        const current = readIfExists(options.output);
        if (current === built) {
          process.stdout.write(`${options.output} is up to date with ${dir}\n`);
          setExitCode(0);
          return;
        }
        const why = current === undefined ? 'it does not exist' : `it differs from line ${firstDifference(built, current)}`;
        process.stderr.write(`auditspec: ${options.output} is stale (${why}); rebuild it with \`auditspec build ${dir} -o ${options.output}\`\n`);
        setExitCode(1);
        return;
      }
      mkdirSync(dirname(options.output), { recursive: true });
      writeFileSync(options.output, built);
      setExitCode(0);
    });
};
