// auditspec check <policy|dir>: would kube-apiserver start with this policy, and
// does the policy do what it appears to say? Exit codes: 0 loads (lint findings
// are warnings), 1 kube-apiserver would refuse it (or --strict and any finding),
// 2 usage errors and unreadable files.
import type { Command } from 'commander';
import type { PolicyWarning, SourcePosition } from '../../audit/types.js';
import { ModuleCompositionError } from '../../audit/modules/compose.js';
import { loadPolicy, type LoadedPolicy } from '../../audit/policy/load.js';
import { PolicyLoadError } from '../../audit/policy/loadError.js';
import type { FieldError } from '../../audit/policy/reader.js';
import { formatPosition } from '../../audit/policy/sourceMap.js';
import { lintPolicy, type LintFinding } from '../../lint/index.js';
import { UsageError } from '../errors.js';
import { parseFormat, parseKubeVersion, kubeVersionOption } from '../options.js';
import type { RegisterCommand } from './index.js';

interface CheckOptions {
  kubeVersion?: string;
  format?: string;
  strict?: boolean;
}

/** The JSON document `check --format json` prints. */
export interface CheckReport {
  file: string;
  valid: boolean;
  /** kube-apiserver's error text exactly, when it would refuse the policy. */
  error: string | null;
  /** The individual validation errors behind `error`, with positions. */
  errors: FieldError[];
  /** What kube-apiserver's message leaves unsaid (an empty file, no apiVersion, go-yaml's line count). */
  hints: string[];
  /** What kube-apiserver's lenient decoding silently forgives. */
  warnings: PolicyWarning[];
  lint: LintFinding[];
  /** For a module directory whose modules each load: false when they do not compose (a clash, no modules). */
  composable?: boolean;
}

const where = (pos: SourcePosition | undefined, file: string) => formatPosition(pos, { file: pos?.file ?? file });

/**
 * Loads and lints one policy file. `errorPos` is where kube-apiserver's error
 * points (decoding errors have a position but no field errors).
 */
export function checkPolicyFile(
  path: string,
  kubeVersion: ReturnType<typeof parseKubeVersion>,
): { report: CheckReport; errorPos?: SourcePosition } {
  let loaded: LoadedPolicy;
  try {
    loaded = loadPolicy({ file: path }, { kubeVersion });
  } catch (err) {
    if (!(err instanceof PolicyLoadError)) throw err;
    if (err.unreadable !== undefined) throw new UsageError(err.message);
    return {
      report: {
        file: path,
        valid: false,
        error: err.reason,
        errors: err.details,
        hints: err.hints,
        warnings: err.warnings,
        lint: [],
        ...(err instanceof ModuleCompositionError ? { composable: false } : {}),
      },
      errorPos: err.pos,
    };
  }
  return {
    report: {
      file: path,
      valid: true,
      error: null,
      errors: [],
      hints: [],
      warnings: loaded.warnings,
      lint: lintPolicy(loaded.policy, { warnings: loaded.warnings, kubeVersion }),
    },
  };
}

function formatText(report: CheckReport, loadErrorPos: SourcePosition | undefined): string {
  const lines: string[] = [];
  if (!report.valid) {
    lines.push(`${where(loadErrorPos, report.file)}: error: ${report.error}`);
    for (const hint of report.hints) lines.push(`${where(loadErrorPos, report.file)}: hint: ${hint}`);
    // Several validation errors share one aggregated message; point at each.
    if (report.errors.length > 1) {
      for (const e of report.errors) lines.push(`${where(e.pos, report.file)}: note: ${e.message}`);
    }
    // Lint needs a loaded policy; what lenient decoding dropped often explains the error.
    for (const w of report.warnings) lines.push(`${where(w.pos, report.file)}: warning: ${w.message} [${w.code}]`);
    // Modules that do not compose are auditspec's refusal: kube-apiserver only ever sees the composed file.
    lines.push(`${report.file}: ${report.composable === false ? 'the modules do not compose into one policy' : 'kube-apiserver would refuse to start with this policy'}`);
  } else {
    for (const f of report.lint) lines.push(`${where(f.pos, report.file)}: warning: ${f.message} [${f.code}]`);
    const n = report.lint.length;
    lines.push(`${report.file}: kube-apiserver would load this policy${n > 0 ? `; ${n} warning${n === 1 ? '' : 's'}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

export const registerCheck: RegisterCommand = (program: Command, setExitCode) => {
  program
    .command('check')
    .description('check that kube-apiserver would load a policy, and lint it for rules that do not do what they say')
    .argument('<policy>', 'audit policy file (YAML or JSON), or a module directory')
    .addOption(kubeVersionOption())
    .option('--format <format>', 'text or json', 'text')
    .option('--strict', 'exit 1 when there is any warning')
    .action((path: string, options: CheckOptions) => {
      const format = parseFormat(options.format, ['text', 'json'] as const, 'text');
      const kubeVersion = parseKubeVersion(options.kubeVersion);
      const { report, errorPos } = checkPolicyFile(path, kubeVersion);
      process.stdout.write(format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatText(report, errorPos));
      setExitCode(!report.valid || (options.strict && report.lint.length > 0) ? 1 : 0);
    });
};
