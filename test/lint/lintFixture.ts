// Lints policy text exactly as `auditspec check` does: load with the reader,
// then run the chosen lint rules.
import { expect } from 'vitest';
import { readPolicy } from '../../src/audit/policy/reader.js';
import type { Policy } from '../../src/audit/types.js';
import { lintPolicy, type LintFinding } from '../../src/lint/index.js';

const HEADER = 'apiVersion: audit.k8s.io/v1\nkind: Policy\n';

/** Loads `rules` (YAML, the text under "rules:" or a whole document) as kube-apiserver would; it must load. */
export function load(yaml: string): { policy: Policy; warnings: ReturnType<typeof readPolicy>['warnings'] } {
  const text = yaml.startsWith('apiVersion') ? yaml : `${HEADER}${yaml}`;
  const result = readPolicy(text, { file: 'policy.yaml' });
  if (!result.ok) expect.fail(`policy does not load: ${result.error.message}`);
  return { policy: result.policy, warnings: result.warnings };
}

/** The findings of one lint rule on a policy. */
export function lint(code: string, yaml: string): LintFinding[] {
  const { policy, warnings } = load(yaml);
  const findings = lintPolicy(policy, { warnings, only: [code] });
  for (const f of findings) expect(f.code).toBe(code);
  return findings;
}
