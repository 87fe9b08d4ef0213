// The text of a starter spec: one describe block per caller, one test per
// request class, most frequent first, with comments saying where each class
// came from and where the policy given disagrees with the log.
import { formatPosition } from '../audit/policy/sourceMap.js';
import { describeUser } from '../request/identity.js';
import type { RequestAttributes } from '../request/types.js';
import { resourceTarget } from '../replay/requestClass.js';
import type { RecordedClass } from './record.js';
import { quote, type BuilderImport } from './requestCode.js';

export interface SpecInput {
  classes: RecordedClass[];
  policyPath: string | undefined;
  sources: string[];
  requests: number;
  omittedClasses: number;
  untrackedRequests: number;
  policyGiven: boolean;
}

/** The policy path written when none was given: the spec must be pointed at one. */
export const PLACEHOLDER_POLICY = 'audit-policy.yaml';

/** Text safe inside a // comment: no line breaks. */
const commentText = (text: string) => text.replace(/[\r\n\u2028\u2029]/g, ' ');

function testTitle(c: RecordedClass): string {
  const a: RequestAttributes = c.request.attributes;
  let what: string;
  if (!a.resourceRequest) what = `${a.verb} ${a.path}`;
  else {
    const target = resourceTarget(a).replace(/^core\//, '');
    const name = c.nameMatters && a.name !== '' ? ` ${a.name}` : '';
    const where = a.namespace === '' ? '' : c.namespaceMatters ? ` in ${a.namespace}` : ' in any namespace';
    what = `${a.verb} ${target}${name}${where}`;
  }
  return `${what} → ${c.level} (${c.count} request${c.count === 1 ? '' : 's'})`;
}

/** A rule of a module directory is named by its module file, not by the directory. */
const inModule = (ruleFile: string, policyPath: string): boolean => ruleFile.startsWith(`${policyPath}/`);

function ruleNote(c: RecordedClass, policyPath: string): string | undefined {
  const d = c.decision;
  if (d === undefined || d.level === c.level) return undefined;
  const by = d.ruleIndex === null || d.rule === null ? 'no rule matches (default None)' : `rule #${d.ruleIndex} at ${formatPosition(d.rule.pos, { file: inModule(d.rule.pos.file, policyPath) ? d.rule.pos.file : policyPath, column: false })}`;
  return `NOTE: recorded at ${c.level}, but ${policyPath} decides ${d.level} (${by}): the log was written under another policy, or the policy changed since.`;
}

export function writeSpec(input: SpecInput): string {
  const policyPath = input.policyPath ?? PLACEHOLDER_POLICY;
  const imports = new Set<BuilderImport>();
  for (const c of input.classes) for (const i of c.code.imports) imports.add(i);

  // Group by the caller the policy sees, callers with the most requests first.
  const groups = new Map<string, RecordedClass[]>();
  for (const c of input.classes) {
    const who = describeUser(c.request.attributes.user);
    const list = groups.get(who) ?? [];
    list.push(c);
    groups.set(who, list);
  }
  const ordered = [...groups].sort(
    ([a, x], [b, y]) => y.reduce((n, c) => n + c.count, 0) - x.reduce((n, c) => n + c.count, 0) || a.localeCompare(b),
  );

  const out: string[] = [];
  out.push('// Recorded by `auditspec record` from real traffic:');
  for (const source of input.sources) out.push(`//   ${commentText(source)}`);
  out.push(
    `// ${input.requests} requests in ${input.classes.length + input.omittedClasses} classes (caller, verb, resource or path,`,
    `// namespace${input.policyGiven ? ' and name where the policy can tell them apart' : ''}); each test expects the level the`,
    '// class was recorded at. A starting point: rename, merge, and add the requests that must',
    '// never be logged (the log cannot show those: kube-apiserver writes nothing for them).',
  );
  if (input.omittedClasses > 0) out.push(`// ${input.omittedClasses} less frequent classes were left out (--max-classes).`);
  if (input.untrackedRequests > 0) out.push(`// ${input.untrackedRequests} requests of further classes were not tracked.`);
  if (input.policyPath === undefined) {
    out.push(`// No --policy was given: point describePolicy at the policy these levels come from.`);
  }
  out.push("import { describe, expect, test } from 'vitest';");
  out.push(`import { ${['describePolicy', ...[...imports].sort()].join(', ')} } from 'auditspec';`);
  out.push('');
  out.push(`describePolicy(${quote(policyPath)}, () => {`);
  for (const [who, classes] of ordered) {
    out.push(`  describe(${quote(who)}, () => {`);
    const titles = new Map<string, number>();
    for (const c of classes) {
      let title = testTitle(c);
      const n = (titles.get(title) ?? 0) + 1;
      titles.set(title, n);
      if (n > 1) title = `${title} #${n}`;
      const example = c.request.http ? `${c.request.http.method} ${c.request.http.url}` : c.request.label;
      out.push(`    // e.g. ${commentText(example)} (${commentText(c.file.split('/').pop() ?? c.file)}:${c.line})`);
      const note = ruleNote(c, policyPath);
      if (note) out.push(`    // ${commentText(note)}`);
      out.push(`    test(${quote(title)}, () => {`);
      out.push(`      expect(${c.code.code}).toBeLoggedAt(${quote(c.level)});`);
      out.push('    });');
    }
    out.push('  });');
  }
  out.push('});');
  return `${out.join('\n')}\n`;
}
