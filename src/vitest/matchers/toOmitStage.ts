import type { MatcherState } from 'vitest';
import { STAGES, type Stage } from '../../audit/types.js';
import { subjectFor } from '../subject.js';
import { result } from './message.js';

/** expect(request).toOmitStage('RequestReceived'): the stage is in the effective omitStages (policy ∪ rule). */
export function toOmitStage(this: MatcherState, received: unknown, stage: Stage) {
  if (!(STAGES as readonly string[]).includes(stage)) {
    throw new TypeError(`toOmitStage: stage must be one of ${STAGES.join(', ')}; got ${JSON.stringify(stage)}`);
  }
  const subject = subjectFor(received);
  const omitted = subject.decision.omitStages;
  return result(this, 'toOmitStage', subject, omitted.includes(stage), stage, [...omitted], 'stage');
}
