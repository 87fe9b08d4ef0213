// auditspec diff <old> <new>: every class of requests kube-apiserver would audit
// differently under the new policy, with an example request for each.
// Exit 0: equivalent; 1: behaviour changes; 2: bad arguments or a policy
// kube-apiserver would refuse.
import type { Command } from 'commander';
import { diffPolicies } from '../../diff/diffPolicies.js';
import { diffToJson, formatDiffMarkdown, formatDiffText } from '../../diff/format.js';
import { InvalidPolicyError, loadPolicyArgument, parseFormat, parseKubeVersion, kubeVersionOption } from '../options.js';
import type { RegisterCommand } from './index.js';

const FORMATS = ['text', 'json', 'markdown'] as const;

export const registerDiff: RegisterCommand = (program: Command, setExitCode) => {
  program
    .command('diff')
    .description('show every class of requests two audit policies audit differently, with an example request for each')
    .argument('<old>', 'the policy as it is (YAML or JSON file, or a module directory)')
    .argument('<new>', 'the policy as proposed (file or module directory)')
    .option('--format <format>', `output format: ${FORMATS.join(', ')}`, 'text')
    .addOption(kubeVersionOption())
    .action((oldPath: string, newPath: string, options: { format: string; kubeVersion: string }) => {
      const format = parseFormat(options.format, FORMATS, 'text');
      const kubeVersion = parseKubeVersion(options.kubeVersion);
      let oldPolicy;
      let newPolicy;
      try {
        oldPolicy = loadPolicyArgument(oldPath, kubeVersion);
        newPolicy = loadPolicyArgument(newPath, kubeVersion);
      } catch (err) {
        if (err instanceof InvalidPolicyError) {
          process.stderr.write(`auditspec: ${err.message}\n`);
          setExitCode(2);
          return;
        }
        throw err;
      }
      const diff = diffPolicies(oldPolicy, newPolicy);
      const output =
        format === 'json'
          ? `${JSON.stringify(diffToJson(diff), null, 2)}\n`
          : format === 'markdown'
            ? formatDiffMarkdown(diff)
            : formatDiffText(diff);
      process.stdout.write(output);
      setExitCode(diff.changes.length > 0 ? 1 : 0);
    });
};
