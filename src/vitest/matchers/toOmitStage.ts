import type { MatcherState } from 'vitest';
import { STAGES, type Stage } from '../../audit/types.js';
import { subjectFor } from '../subject.js';
import { result, words } from './message.js';

const list = (stages: readonly string[]) => `[${stages.map((s) => JSON.stringify(s)).join(', ')}]`;

/** expect(request).toOmitStage('RequestReceived'): the stage is in the effective omitStages (policy ∪ rule). */
export function toOmitStage(this: MatcherState, received: unknown, stage: Stage) {
  if (!(STAGES as readonly string[]).includes(stage)) {
    throw new TypeError(`toOmitStage: stage must be one of ${STAGES.join(', ')}; got ${JSON.stringify(stage)}`);
  }
  const subject = subjectFor(received);
  const omitted = subject.decision.omitStages;
  // Both sides are the omitStages list, so expected and received compare like with like.
  return result(this, 'toOmitStage', subject, omitted.includes(stage), {
    expected: words(`omitStages containing ${JSON.stringify(stage)}`),
    negated: words(`omitStages without ${JSON.stringify(stage)}`),
    received: words(`omitStages ${list(omitted)}`),
    argument: 'stage',
  });
}
