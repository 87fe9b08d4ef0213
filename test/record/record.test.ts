// The acceptance test of `auditspec record`: a spec generated from a real log
// type-checks and passes when run, through Vitest, against the policy that wrote
// the log.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, test } from 'vitest';
import { loadPolicy } from '../../src/audit/policy/load.js';
import { recordSpec } from '../../src/record/record.js';
import { corpusPath, hasCorpus } from '../support/corpus.js';
import { repo, runSpecs } from '../support/vitestRun.js';

// Inside the repository (and git-ignored) so that 'vitest' and 'auditspec' resolve as for any spec.
const workDir = join(repo, '.auditspec', `record-test-${process.pid}`);
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

function typeErrors(file: string): string[] {
  const configPath = join(repo, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, repo);
  const program = ts.createProgram([file], { ...parsed.options, noEmit: true });
  const source = program.getSourceFile(file);
  if (!source) return [`${file} was not part of the program`];
  return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((d) => {
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    return `${where ? `${where.line + 1}:${where.character + 1} ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

describe.skipIf(!hasCorpus('logs/audit2rbac-demo.log', 'policies/audit2rbac-demo-policy.yaml'))(
  'record from audit2rbac-demo.log (skipped without ../shared/corpus)',
  () => {
    test('the generated spec type-checks and passes against the policy that wrote the log', async () => {
      const policyFile = corpusPath('policies/audit2rbac-demo-policy.yaml');
      const result = await recordSpec([corpusPath('logs/audit2rbac-demo.log')], {
        policy: loadPolicy({ file: policyFile }).policy,
        policyPath: relative(process.cwd(), policyFile),
      });
      expect(result.requests).toBe(37);
      expect(result.disagreements).toBe(0);
      expect(result.classes.length).toBeGreaterThan(5);
      // Readable: the builder, not raw attributes, for every class of this log.
      expect(result.classes.every((c) => c.code.form === 'builder')).toBe(true);
      expect(result.spec).toContain(".impersonating('bob'");

      mkdirSync(workDir, { recursive: true });
      const file = join(workDir, 'audit2rbac-demo.audit.spec.ts');
      writeFileSync(file, result.spec);
      expect(typeErrors(file)).toEqual([]);

      const run = await runSpecs([file]);
      expect(run.failed).toEqual([]);
      expect(run.passed).toBe(result.classes.length);
    }, 240_000);

    test('against a policy that decides otherwise, the classes are flagged in the spec', async () => {
      const { readPolicy } = await import('../../src/audit/policy/reader.js');
      const read = readPolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n  resources: [{group: "", resources: ["secrets"]}]\n- level: Metadata\n', { file: 'other.yaml' });
      if (!read.ok) throw read.error;
      const result = await recordSpec([corpusPath('logs/audit2rbac-demo.log')], { policy: read.policy, policyPath: 'other.yaml' });
      expect(result.disagreements).toBe(1);
      expect(result.spec).toMatch(/NOTE: recorded at Metadata, but other\.yaml decides None \(rule #0 at other\.yaml:4\)/);
    });
  },
);
