// Upstream: go.yaml.in/yaml/v2 yaml.go and decode.go (parser.fail).
//
// YAML syntax errors worded the way kube-apiserver prints them.
//
// kube-apiserver parses YAML with go-yaml v2, whose libyaml port records a
// problem, a problem mark and maybe a context mark (scanner.ts,
// parser.ts); go-yaml's parser.fail() turns them into the text the
// policy loader reports. Its line number has quirks worth knowing when
// reading one:
//  - marks are 0-based, and only a scanner error adds one, so a parser error
//    ("did not find expected key") names the line *before* the offending token;
//  - the end of a stream that does not end with a line break counts as one
//    more line;
//  - a line of 0 is not printed ("yaml: mapping values are not allowed in
//    this context" for a problem on the first line), and reader errors
//    ("control characters are not allowed") never have one.

import type { YamlSyntaxError } from './scanner.js';

/** go-yaml's parser.fail(): "yaml: line N: <problem>" (or "yaml: <problem>"). */
export function goYamlErrorMessage(error: YamlSyntaxError): string {
  let line = 0;
  if (error.problemMark && error.problemMark.line !== 0) {
    line = error.problemMark.line + (error.stage === 'scanner' ? 1 : 0);
  } else if (error.contextMark && error.contextMark.line !== 0) {
    line = error.contextMark.line;
  }
  const where = line !== 0 ? `line ${line}: ` : '';
  return `yaml: ${where}${error.problem === '' ? 'unknown problem parsing YAML content' : error.problem}`;
}
