import { describe, expect, it } from 'vitest';
import { commandFailure, policyWarnings } from '../../../src/clusters/common/apiserverOutput.js';

describe("kube-apiserver's output", () => {
  it('takes the last "command failed" error, unquoted as Go quoted it', () => {
    const lines = [
      'W1121 18:16:06.653209   24722 logging.go:55] [core] grpc: addrConn.createTransport failed',
      'E1121 18:16:06.656790   24722 run.go:72] "command failed" err="loading audit policy file: rules[1].level: Unsupported value: \\"Bogus\\": supported values: \\"None\\", \\"Metadata\\": from file bad.yaml"',
    ];
    expect(commandFailure(lines)).toBe(
      'loading audit policy file: rules[1].level: Unsupported value: "Bogus": supported values: "None", "Metadata": from file bad.yaml',
    );
  });

  it("falls back to cobra's Error: line, and to nothing", () => {
    expect(commandFailure(['Error: unknown flag: --nope', 'Usage:'])).toBe('unknown flag: --nope');
    expect(commandFailure(['I1121 started'])).toBeUndefined();
  });

  it('collects lenient-decoding warnings', () => {
    const line =
      'W1121 18:16:06.1 1 reader.go:80] Audit policy contains errors, falling back to lenient decoding: strict decoding error: unknown field "rules[0].foo"';
    expect(policyWarnings([line, 'other'])).toEqual(['strict decoding error: unknown field "rules[0].foo"']);
  });
});
