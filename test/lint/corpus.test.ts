// The linter over every policy in the shared corpus: it must not crash, every
// finding must point into the file, and a few findings checked by hand are pinned.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPolicy } from '../../src/audit/policy/reader.js';
import { compilePolicy, evaluatePolicy } from '../../src/audit/policy/checker.js';
import { attributesFromHttp } from '../../src/request/attributes.js';
import { lintPolicy, type LintFinding } from '../../src/lint/index.js';
import { corpusPath, corpusSkipReason } from '../support/corpus.js';

const POLICIES = corpusPath('policies');
const missing = corpusSkipReason('policies');

function lintCorpusFile(name: string): LintFinding[] {
  const result = readPolicy(readFileSync(join(POLICIES, name), 'utf8'), { file: name });
  if (!result.ok) throw new Error(`${name} does not load: ${result.error.message}`);
  return lintPolicy(result.policy, { warnings: result.warnings });
}

describe.skipIf(missing !== '')(`lint over the corpus (../shared/corpus/policies)${missing}`, { timeout: 60_000 }, () => {
  // Without the corpus one skipped test stands for the per-file table, which would otherwise be empty and vanish.
  if (missing !== '') {
    it('every corpus policy lints without crashing', () => {});
    return;
  }
  const files = readdirSync(POLICIES).filter((f) => /\.ya?ml$/.test(f)).sort();

  it.each(files)('%s: lints without crashing, findings point into the file', (name) => {
    const result = readPolicy(readFileSync(join(POLICIES, name), 'utf8'), { file: name });
    // Policies kube-apiserver 1.36 refuses (e.g. audit.k8s.io/v1beta1) are check's exit 1, not lint's business.
    if (!result.ok) return;
    const findings = lintPolicy(result.policy, { warnings: result.warnings });
    for (const f of findings) {
      expect(f.severity).toBe('warning');
      expect(f.pos.file).toBe(name);
      expect(f.pos.line).toBeGreaterThan(0);
      expect(f.message.length).toBeGreaterThan(20);
      if (f.ruleIndex !== undefined) expect(result.policy.rules[f.ruleIndex]).toBeDefined();
    }
  });

  it('gce-configure-helper-default: only the legacy identities, nothing about matching', () => {
    const findings = lintCorpusFile('gce-configure-helper-default.yaml');
    // Hand-checked: secrets/configmaps/token/tokenreviews hit the Metadata rule before any
    // body-logging rule, the last rule is a catch-all, logging rules omit RequestReceived.
    expect(new Set(findings.map((f) => f.code))).toEqual(new Set(['stale-identity']));
    expect(findings.map((f) => `${f.pos.line}:${f.message.split(' ')[1]}`)).toEqual([
      '15:"system:kube-proxy"',
      '23:"system:unsecured"',
      '30:"kubelet"',
      '89:"kubelet"',
    ]);
  });

  it('falco-k8saudit-plugin: "deployments" listed in the core group, where kube-apiserver has none', () => {
    const finding = lintCorpusFile('falco-k8saudit-plugin.yaml').find((f) => f.code === 'unknown-resource');
    expect(finding).toMatchObject({ ruleIndex: 0, pos: { line: 16, col: 5 } });
    expect(finding!.message).toContain('"apps"');
    // Indeed: a deployment update is not logged by that RequestResponse rule.
    const result = readPolicy(readFileSync(join(POLICIES, 'falco-k8saudit-plugin.yaml'), 'utf8'));
    if (!result.ok) throw result.error;
    const update = attributesFromHttp({
      method: 'PUT',
      url: '/apis/apps/v1/namespaces/a/deployments/web',
      identity: { kind: 'user', name: 'alice', groups: [] },
    });
    expect(evaluatePolicy(compilePolicy(result.policy), update).ruleIndex).not.toBe(0);
  });

  it('datadog-docs-recommended: "verbs" indented under a resources entry is dropped, so the rule logs every verb', () => {
    const finding = lintCorpusFile('datadog-docs-recommended.yaml').find((f) => f.code === 'silently-ignored');
    expect(finding).toMatchObject({ pos: { line: 49, col: 13 } });
    expect(finding!.message).toContain('matches every verb');
  });

  it('kubermatic-preset-minimal: no catch-all, and the usersshkeys secret is logged with bodies', () => {
    const findings = lintCorpusFile('kubermatic-preset-minimal.yaml');
    expect(findings.map((f) => f.code).sort()).toEqual(['no-catch-all', 'sensitive-data-logged']);
    expect(findings.find((f) => f.code === 'sensitive-data-logged')!.message).toContain('secrets requests (update, patch, delete)');
  });
});
