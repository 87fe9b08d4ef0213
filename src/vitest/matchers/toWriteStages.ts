import type { MatcherState } from 'vitest';
import type { Stage } from '../../audit/types.js';
import { subjectFor } from '../subject.js';
import { result, words } from './message.js';

const list = (stages: readonly string[]) => words(`[${stages.map((s) => JSON.stringify(s)).join(', ')}]`);

/**
 * expect(request).toWriteStages(['RequestReceived', 'ResponseComplete']): exactly
 * the events kube-apiserver writes for this request, in order.
 */
export function toWriteStages(this: MatcherState, received: unknown, stages: readonly Stage[]) {
  const subject = subjectFor(received);
  const written = subject.decision.stages;
  const pass = written.length === stages.length && written.every((s, i) => s === stages[i]);
  return result(this, 'toWriteStages', subject, pass, { expected: list(stages), received: list(written), argument: 'stages' });
}
