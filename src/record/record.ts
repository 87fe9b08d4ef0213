// `auditspec record`: real traffic → a starter spec. Requests in audit logs are
// grouped into classes (who, verb, what, where), and each class becomes one test
// expecting the level it was recorded at: a spec that passes against the policy
// that wrote the log, for a person to prune, rename and extend.
import { relative } from 'node:path';
import type { Level, Policy } from '../audit/types.js';
import { compilePolicy, evaluatePolicy, type AuditDecision, type CompiledPolicy } from '../audit/policy/checker.js';
import { requestFromEvent } from '../request/event.js';
import type { AuditRequest, RequestAttributes } from '../request/types.js';
import { readLines } from '../replay/lines.js';
import { readRecordedEvent } from '../replay/recordedEvent.js';
import { resourceTarget } from '../replay/requestClass.js';
import { RequestWindow } from '../replay/requestWindow.js';
import { requestCode, type RequestCode } from './requestCode.js';
import { writeSpec } from './specWriter.js';

export interface RecordOptions {
  /** The policy the spec is about: decides which namespaces and names matter, and is checked against the log. */
  policy?: Policy;
  /** How the spec names the policy file (describePolicy resolves it from the working directory). */
  policyPath?: string;
  /** Tests written, most frequent classes first. Default 200. */
  maxClasses?: number;
  /** Distinct classes tracked while reading (memory bound). Default 100 000. */
  maxTrackedClasses?: number;
  /** auditIDs remembered to count each request once (memory bound). Default 100 000. */
  windowSize?: number;
}

export interface RecordedClass {
  request: AuditRequest;
  level: Level;
  /** Requests of this class in the logs. */
  count: number;
  file: string;
  line: number;
  namespaceMatters: boolean;
  nameMatters: boolean;
  /** The policy's decision, when a policy was given. */
  decision: AuditDecision | undefined;
  code: RequestCode;
}

export interface RecordResult {
  spec: string;
  classes: RecordedClass[];
  /** Classes beyond maxClasses, left out of the spec. */
  omittedClasses: number;
  /** Requests of classes that were not tracked once maxTrackedClasses was reached. */
  untrackedRequests: number;
  requests: number;
  events: number;
  skippedLines: { count: number; examples: { file: string; line: number; reason: string }[] };
  /** Classes the given policy decides at another level than recorded. */
  disagreements: number;
}

/** Which request attributes the policy can tell apart, so classes keep exactly those. */
export function distinctions(policy: Policy | undefined): (attrs: RequestAttributes) => { namespace: boolean; name: boolean } {
  if (policy === undefined) return () => ({ namespace: true, name: false });
  const namespaceRules = policy.rules.some((rule) => rule.namespaces.length > 0);
  const named = policy.rules.flatMap((rule) => rule.resources.filter((gr) => gr.resourceNames.length > 0));
  return (attrs) => {
    const name =
      attrs.resourceRequest &&
      named.some(
        (gr) =>
          (gr.group === '*' || gr.group === attrs.apiGroup) &&
          (gr.resources.length === 0 ||
            gr.resources.some(
              (p) =>
                p === '*' ||
                p === attrs.resource ||
                p === `${attrs.resource}/${attrs.subresource}` ||
                p === `${attrs.resource}/*` ||
                (attrs.subresource !== '' && p === `*/${attrs.subresource}`),
            )),
      );
    return { namespace: namespaceRules, name };
  };
}

function classKey(attrs: RequestAttributes, level: Level, keep: { namespace: boolean; name: boolean }): string {
  const user = attrs.user === null ? '\u0001' : `${attrs.user.name}\u0002${attrs.user.groups.join('\u0002')}`;
  const target = attrs.resourceRequest ? `${resourceTarget(attrs)}\u0000${keep.namespace ? attrs.namespace : '*'}\u0000${keep.name ? attrs.name : '*'}` : attrs.path;
  return `${user}\u0000${attrs.verb}\u0000${target}\u0000${level}`;
}

export async function recordSpec(files: readonly string[], options: RecordOptions = {}): Promise<RecordResult> {
  const maxClasses = options.maxClasses ?? 200;
  const maxTracked = options.maxTrackedClasses ?? 100_000;
  const compiled: CompiledPolicy | undefined = options.policy ? compilePolicy(options.policy) : undefined;
  const matters = distinctions(options.policy);
  const classes = new Map<string, Omit<RecordedClass, 'code' | 'decision'>>();
  const result: RecordResult = {
    spec: '',
    classes: [],
    omittedClasses: 0,
    untrackedRequests: 0,
    requests: 0,
    events: 0,
    skippedLines: { count: 0, examples: [] },
    disagreements: 0,
  };
  // Each request counts once, whichever of its stages are in the log.
  const seen = new RequestWindow<true>(options.windowSize ?? 100_000, () => {});

  for (const file of files) {
    const skip = (line: number, reason: string) => {
      result.skippedLines.count++;
      if (result.skippedLines.examples.length < 10) result.skippedLines.examples.push({ file, line, reason });
    };
    await readLines(file, (text, lineNumber) => {
      if (text.trim() === '') return;
      let record: unknown;
      try {
        record = JSON.parse(text);
      } catch (err) {
        skip(lineNumber, `not JSON: ${(err as Error).message}`);
        return;
      }
      const read = readRecordedEvent(record);
      if (read.kind !== 'event') {
        skip(lineNumber, read.reason);
        return;
      }
      result.events++;
      if (read.auditID !== '') {
        if (seen.get(read.auditID)) return;
        seen.add(read.auditID, true);
      }
      let request: AuditRequest;
      try {
        request = requestFromEvent(read.event);
      } catch (err) {
        skip(lineNumber, `cannot tell the request: ${(err as Error).message}`);
        return;
      }
      result.requests++;
      const keep = matters(request.attributes);
      const key = classKey(request.attributes, read.level, keep);
      const known = classes.get(key);
      if (known) known.count++;
      else if (classes.size >= maxTracked) result.untrackedRequests++;
      else {
        classes.set(key, { request, level: read.level, count: 1, file, line: lineNumber, namespaceMatters: keep.namespace, nameMatters: keep.name });
      }
    });
  }

  const ranked = [...classes.values()].sort((a, b) => b.count - a.count || a.file.localeCompare(b.file) || a.line - b.line);
  result.omittedClasses = Math.max(0, ranked.length - maxClasses);
  result.classes = ranked.slice(0, maxClasses).map((c) => {
    const decision = compiled ? evaluatePolicy(compiled, c.request.attributes) : undefined;
    if (decision && decision.level !== c.level) result.disagreements++;
    return { ...c, decision, code: requestCode(c.request) };
  });
  result.spec = writeSpec({
    classes: result.classes,
    policyPath: options.policyPath,
    sources: files.map((f) => relative(process.cwd(), f) || f),
    requests: result.requests,
    omittedClasses: result.omittedClasses,
    untrackedRequests: result.untrackedRequests,
    policyGiven: options.policy !== undefined,
  });
  return result;
}
