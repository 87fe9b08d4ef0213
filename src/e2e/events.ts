// What one request left in the audit log, summarised the way specs talk about it.
import { LEVELS, type Level, STAGES, type Stage } from '../audit/types.js';
import type { AuditEvent } from '../clusters/types.js';

export interface LoggedSummary {
  /** As logged; "None" when no event was written. */
  level: Level;
  /** In the order they appear in the log. */
  stages: Stage[];
}

export function summariseEvents(events: readonly AuditEvent[]): LoggedSummary {
  if (events.length === 0) return { level: 'None', stages: [] };
  const level = events[0].level;
  if (!(LEVELS as readonly string[]).includes(level)) throw new Error(`audit event with unknown level ${JSON.stringify(level)}`);
  const stages = events.map((e) => {
    if (!(STAGES as readonly string[]).includes(e.stage)) throw new Error(`audit event with unknown stage ${JSON.stringify(e.stage)}`);
    return e.stage as Stage;
  });
  return { level: level as Level, stages };
}
