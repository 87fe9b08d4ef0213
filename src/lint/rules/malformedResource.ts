// Resource patterns are compared with the request's resource and subresource,
// each of which is one URL path segment (requestinfo.go splits the path on "/"),
// and resource names are lower-case plurals (CRD validation requires the same).
// A pattern no such pair can equal is accepted by validation yet never matches.
import type { LintFinding, LintRule } from '../types.js';
import { quote } from '../describe.js';

const CODE = 'malformed-resource';

const segment = (s: string) => s !== '' && !s.includes('/');

/** Why `pattern` can match no request, or undefined when some request can match it. */
export function whyPatternNeverMatches(pattern: string): string | undefined {
  if (pattern === '*' || pattern === '*/*') return undefined; // "*/*" has its own rule
  if (pattern === '') return 'an empty resource matches no request';
  const slash = pattern.indexOf('/');
  if (slash < 0) {
    return pattern !== pattern.toLowerCase()
      ? `resource names are lower-case plurals and compared literally (${quote(pattern.toLowerCase())}, not ${quote(pattern)})`
      : undefined;
  }
  const resource = pattern.slice(0, slash);
  const subresource = pattern.slice(slash + 1);
  if (!segment(resource) || !segment(subresource)) {
    return 'a resource pattern is "resource", "resource/subresource", "resource/*", "*/subresource" or "*", each part one path segment';
  }
  if (pattern !== pattern.toLowerCase()) {
    return `resource and subresource names are lower case and compared literally (${quote(pattern.toLowerCase())}, not ${quote(pattern)})`;
  }
  return undefined;
}

export const malformedResource: LintRule = {
  code: CODE,
  summary: 'a resource pattern that no request can match (empty parts, extra "/", upper case)',
  check({ policy }) {
    const findings: LintFinding[] = [];
    policy.rules.forEach((rule, ruleIndex) => {
      for (const gr of rule.resources) {
        for (const pattern of gr.resources) {
          const why = whyPatternNeverMatches(pattern);
          if (why === undefined) continue;
          findings.push({
            code: CODE,
            severity: 'warning',
            message: `resources entry ${quote(pattern)} never matches: ${why}.`,
            pos: gr.pos,
            ruleIndex,
          });
        }
      }
    });
    return findings;
  },
};
