// What the replay reads of an event's metadata, for comparing a reader of log
// lines with JSON.parse: the members the decision and the report use, user only
// by username and groups (all the replay reads of it; see
// src/replay/eventMetadata.ts), and a member that is there but undefined the
// same as one that is not (as JSON has it).

export function readEventMembers(record: Record<string, unknown>): Record<string, unknown> {
  const user = record.user as { username?: unknown; groups?: unknown } | null | undefined;
  const json = (value: unknown) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));
  return {
    kind: record.kind,
    apiVersion: record.apiVersion,
    level: record.level,
    auditID: record.auditID,
    stage: record.stage,
    requestURI: record.requestURI,
    verb: record.verb,
    user: user === null || typeof user !== 'object' ? user : json({ username: user.username, groups: user.groups }),
    impersonatedUser: json(record.impersonatedUser),
    objectRef: json(record.objectRef),
  };
}
