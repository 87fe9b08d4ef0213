// auditspec eval <policy> --requests <file.jsonl|->: one decision per input line,
// streamed, so a real audit log can be piped straight through.
import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { compilePolicy, evaluatePolicy, type AuditDecision } from '../../audit/policy/checker.js';
import { parseRequestLine } from '../../request/jsonl.js';
import { UsageError } from '../errors.js';
import { loadPolicyArgument, parseKubeVersion } from '../options.js';
import type { RegisterCommand } from './index.js';

export function decisionJson(decision: AuditDecision) {
  return {
    level: decision.level,
    rule: decision.ruleIndex,
    omitStages: decision.omitStages,
    omitManagedFields: decision.omitManagedFields,
    stages: decision.stages,
    ruleLocation: decision.rule ? `${decision.rule.pos.file}:${decision.rule.pos.line}` : null,
  };
}

async function write(text: string): Promise<void> {
  if (!process.stdout.write(text)) await once(process.stdout, 'drain');
}

export const registerEval: RegisterCommand = (program: Command, setExitCode) => {
  program
    .command('eval')
    .description('decide each request of a JSON-lines file (audit Events or {"method","url","user"}) under a policy')
    .argument('<policy>', 'audit policy file (YAML or JSON)')
    .requiredOption('--requests <file>', 'JSON lines of requests; "-" for standard input')
    .option('--kube-version <version>', 'kube-apiserver version whose behaviour to reproduce', '1.36')
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
      let lineNumber = 0;
      for await (const line of createInterface({ input, crlfDelay: Infinity })) {
        lineNumber++;
        if (line.trim() === '') continue;
        const parsed = parseRequestLine(line);
        const out = parsed.ok
          ? decisionJson(evaluatePolicy(compiled, parsed.request.attributes))
          : { error: parsed.error, line: lineNumber };
        await write(`${JSON.stringify(out)}\n`);
      }
    });
};
