// auditspec probe <policy> --requests <file.jsonl|-> --cluster <backend>: what a
// real kube-apiserver running the policy logs for each request.
import { readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { BinariesUnavailableError } from '../../binaries/index.js';
import { ClusterError, UnknownBackendError, clusterBackendNames } from '../../clusters/index.js';
import { formatProbeText, probeLines } from '../../e2e/probe.js';
import { AuditSession } from '../../e2e/session.js';
import { addClusterFlags, clusterSettings } from '../clusterFlags.js';
import { UsageError } from '../errors.js';
import { kubeVersionOption, parseFormat, parseKubeVersion } from '../options.js';
import type { RegisterCommand } from './index.js';

interface ProbeOptions extends Record<string, unknown> {
  requests: string;
  cluster: string;
  format?: string;
  kubeVersion?: string;
}

function readRequests(path: string): string[] {
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8').split(/\r?\n/);
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as Error).message}`);
  }
}

export const registerProbe: RegisterCommand = (program: Command, setExitCode) => {
  const command = program
    .command('probe')
    .description('send JSON-line requests to a real kube-apiserver running the policy; print what it logged for each')
    .argument('<policy>', 'audit policy file (YAML or JSON), or a module directory')
    .requiredOption('--requests <file>', 'JSON lines {"method","url","user":{"username","groups"}}; "-" for standard input')
    .option('--cluster <backend>', `where to run kube-apiserver (${clusterBackendNames().join(', ')})`, 'local')
    .option('--format <format>', 'json (one object per line) or text', 'json')
    .addOption(kubeVersionOption());
  addClusterFlags(command).action(async (policyPath: string, options: ProbeOptions) => {
      const format = parseFormat(options.format, ['json', 'text'] as const, 'json');
      const cluster = clusterSettings(options.cluster, options)!;
      const kubeVersion = parseKubeVersion(options.kubeVersion);
      try {
        const stat = statSync(policyPath);
        if (!stat.isFile() && !stat.isDirectory()) throw new Error('not a file or module directory');
      } catch (err) {
        throw new UsageError(`cannot read policy ${policyPath}: ${(err as Error).message}`);
      }
      const lines = readRequests(options.requests);
      const session = new AuditSession(cluster.backend, { ...cluster.options, kubeVersion, log: (line) => process.stderr.write(`${line}\n`) });
      try {
        const results = await probeLines(session, policyPath, lines);
        const nonBlank = lines.filter((l) => l.trim() !== '');
        const out = results.map((r, i) => {
          if (format === 'json') return JSON.stringify(r);
          let label: string | undefined;
          try {
            const v = JSON.parse(nonBlank[i]) as { method?: string; url?: string };
            label = v.method && v.url ? `${v.method.toUpperCase()} ${v.url}` : undefined;
          } catch {
            label = undefined;
          }
          return formatProbeText(r, label);
        });
        process.stdout.write(out.length > 0 ? `${out.join('\n')}\n` : '');
        setExitCode(0);
      } catch (err) {
        // kube-apiserver refused the policy, crashed, could not be had: a runtime failure,
        // reported with kube-apiserver's own message (and its last log lines, in the message).
        const known = err instanceof ClusterError || err instanceof BinariesUnavailableError || err instanceof UnknownBackendError;
        process.stderr.write(`auditspec probe: ${known ? (err as Error).message : String((err as Error)?.stack ?? err)}\n`);
        setExitCode(1);
      } finally {
        await session.stop();
      }
    });
};
