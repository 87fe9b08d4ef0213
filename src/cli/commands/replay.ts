// auditspec replay <policy> <audit.log…>: decides every recorded request again
// under a policy and reports what would change (levels, rules, log volume).
import { once } from 'node:events';
import type { Command } from 'commander';
import { formatReplayText } from '../../replay/format.js';
import { progressBar } from '../../replay/progress.js';
import { replayAuditLogs } from '../../replay/replay.js';
import { UsageError } from '../errors.js';
import { loadPolicyArgument, parseFormat, parseKubeVersion, kubeVersionOption, positiveInteger, requireLogFiles } from '../options.js';
import type { RegisterCommand } from './index.js';

interface ReplayCommandOptions {
  baseline?: string;
  format?: string;
  kubeVersion?: string;
  window: string;
  top: string;
  jobs: string;
}

export const registerReplay: RegisterCommand = (program: Command, setExitCode) => {
  program
    .command('replay')
    .description('replay recorded audit logs (JSON lines, plain or gzip) through a policy and report what would change')
    .argument('<policy>', 'audit policy file to evaluate, or a module directory')
    .argument('<logs...>', 'audit log files of audit.k8s.io/v1 Events, one per line (.gz is detected)')
    .option('--baseline <policy>', 'compare with this policy instead of the levels recorded in the logs')
    .option('--format <format>', 'text or json', 'text')
    .addOption(kubeVersionOption())
    .option('--window <requests>', 'requests kept open while waiting for their other stages', '100000')
    .option('--top <n>', 'changed request classes to list', '20')
    .option('--jobs <n>', 'worker threads reading and deciding (the report is the same for any n)', '1')
    .action(async (policyPath: string, logs: string[], options: ReplayCommandOptions) => {
      const format = parseFormat(options.format, ['text', 'json'] as const, 'text');
      const kubeVersion = parseKubeVersion(options.kubeVersion);
      const windowSize = positiveInteger('--window', options.window);
      const topClasses = positiveInteger('--top', options.top);
      const jobs = positiveInteger('--jobs', options.jobs);
      requireLogFiles(logs);
      const policy = loadPolicyArgument(policyPath, kubeVersion);
      const baseline = options.baseline === undefined ? undefined : loadPolicyArgument(options.baseline, kubeVersion);
      const progress = progressBar(process.stderr);
      let report;
      try {
        report = await replayAuditLogs(logs, { policy, baseline, windowSize, topClasses, jobs, onProgress: progress.update });
      } catch (err) {
        // Read errors (a truncated .gz, a file that vanished) are about the input.
        throw new UsageError(`cannot replay: ${(err as Error).message}`);
      } finally {
        progress.done();
      }
      const text = format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatReplayText(report);
      if (!process.stdout.write(text)) await once(process.stdout, 'drain');
    });
};
