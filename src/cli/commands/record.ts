// auditspec record <audit.log…>: turns real traffic into a starter *.audit.spec.ts.
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Command } from 'commander';
import { recordSpec } from '../../record/record.js';
import { UsageError } from '../errors.js';
import { loadPolicyArgument, parseKubeVersion, kubeVersionOption, positiveInteger, requireLogFiles } from '../options.js';
import type { RegisterCommand } from './index.js';

interface RecordCommandOptions {
  out?: string;
  policy?: string;
  kubeVersion?: string;
  maxClasses: string;
}

export const registerRecord: RegisterCommand = (program: Command, setExitCode) => {
  program
    .command('record')
    .description('turn recorded audit logs into a starter *.audit.spec.ts: one test per request class, at its recorded level')
    .argument('<logs...>', 'audit log files of audit.k8s.io/v1 Events, one per line (.gz is detected)')
    .option('--out <file>', 'write the spec here instead of standard output')
    .option('--policy <policy>', 'the policy the spec is about (and that wrote the logs): keeps namespaces and names only where it can tell them apart, and flags classes it decides differently')
    .addOption(kubeVersionOption())
    .option('--max-classes <n>', 'tests to write, most frequent request classes first', '200')
    .action(async (logs: string[], options: RecordCommandOptions) => {
      const maxClasses = positiveInteger('--max-classes', options.maxClasses);
      requireLogFiles(logs);
      const policy = options.policy === undefined ? undefined : loadPolicyArgument(options.policy, parseKubeVersion(options.kubeVersion));
      const policyPath = options.policy === undefined ? undefined : relative(process.cwd(), options.policy) || options.policy;
      let result;
      try {
        result = await recordSpec(logs, { policy, policyPath, maxClasses });
      } catch (err) {
        throw new UsageError(`cannot record: ${(err as Error).message}`);
      }
      const notes: string[] = [
        `${result.requests} requests, ${result.classes.length} tests${result.omittedClasses ? ` (${result.omittedClasses} less frequent classes left out)` : ''}`,
      ];
      if (result.skippedLines.count > 0) {
        notes.push(`${result.skippedLines.count} lines skipped, e.g. ${result.skippedLines.examples.slice(0, 3).map((e) => `${e.file}:${e.line}: ${e.reason}`).join('; ')}`);
      }
      if (result.disagreements > 0) notes.push(`${result.disagreements} classes are decided differently by ${policyPath} than recorded (marked NOTE in the spec)`);
      if (policy === undefined) notes.push('no --policy: edit the describePolicy path in the spec');
      if (options.out !== undefined) {
        writeFileSync(options.out, result.spec);
        notes.unshift(`wrote ${options.out}`);
      } else if (!process.stdout.write(result.spec)) {
        await once(process.stdout, 'drain');
      }
      process.stderr.write(`auditspec record: ${notes.join('\n  ')}\n`);
    });
};
