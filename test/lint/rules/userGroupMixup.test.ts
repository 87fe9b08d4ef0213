import { describe, expect, it } from 'vitest';
import { lint } from '../lintFixture.js';

describe('user-group-mixup', () => {
  it('reports group names in users and user names in userGroups', () => {
    const findings = lint(
      'user-group-mixup',
      'rules:\n- level: None\n  users: ["system:nodes", "system:serviceaccounts:kube-system", "alice"]\n- level: None\n  userGroups: ["system:anonymous", "system:serviceaccount:kube-system:default", "dev"]\n',
    );
    expect(findings.map((f) => [f.ruleIndex, f.message.split(' ')[0]])).toEqual([
      [0, '"system:nodes"'],
      [0, '"system:serviceaccounts:kube-system"'],
      [1, '"system:anonymous"'],
      [1, '"system:serviceaccount:kube-system:default"'],
    ]);
    expect(findings[2].message).toContain('system:unauthenticated');
  });

  it('accepts users and groups in their places', () => {
    expect(
      lint(
        'user-group-mixup',
        'rules:\n- level: None\n  users: ["system:serviceaccount:kube-system:default", "system:node:n1", "system:apiserver"]\n  userGroups: ["system:nodes", "system:serviceaccounts", "system:authenticated"]\n',
      ),
    ).toEqual([]);
  });
});
