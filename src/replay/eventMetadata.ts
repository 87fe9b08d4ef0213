// Reads an event's metadata straight from a line in kube-apiserver's layout,
// without JSON.parse: the replay decides on a handful of members (level,
// auditID, stage, requestURI, verb, user, impersonatedUser, objectRef), and
// JSON.parse of even the metadata alone builds every string and object of it
// (sourceIPs, userAgent, user.extra, …), which was a quarter of a replay's time.
//
// The reader accepts only what kube-apiserver's encoder writes, and less than
// JSON.parse does, so that whatever it accepts reads exactly as JSON.parse of the
// metadata would: the Event's members in the order of its Go struct (each at
// most once), each of the JSON type its Go field has, the members of user,
// impersonatedUser and objectRef likewise, no whitespace, strings without raw
// control characters and with only JSON's escapes. One regular expression
// checks all of that and captures the values in a single native pass (a
// reader written in JavaScript, character by character or key by key, cost
// more than JSON.parse); a captured string with a backslash is decoded by
// JSON.parse of that string alone. Anything else returns undefined, and the
// caller parses the line as before (see parseLine in eventLine.ts).
import type { AuditEventRecord } from '../request/event.js';

/**
 * A JSON string's characters: anything but a quote, a backslash or a control
 * character, or one of JSON's escapes. Written as runs of plain characters
 * between escapes rather than as a choice per character, which the regular
 * expression engine runs a third faster.
 */
const PLAIN = String.raw`[^"\\\u0000-\u001f]*`;
const CHARS = String.raw`${PLAIN}(?:\\(?:["\\/bfnrt]|u[0-9A-Fa-f]{4})${PLAIN})*`;
const STRING = `"${CHARS}"`;
/** A string, its characters captured. */
const CAPTURED = `"(${CHARS})"`;
const STRINGS = String.raw`\[(?:${STRING}(?:,${STRING})*)?\]`;
/** An array of strings, its elements' text captured. */
const CAPTURED_STRINGS = String.raw`\[((?:${STRING}(?:,${STRING})*)?)\]`;

/**
 * An object's optional members, in order, as Go writes a struct: a comma
 * before each but the first, found by looking back at the character before
 * (only the object's `{` precedes its first member; no value ends with `{`).
 */
function orderedMembers(members: string[]): string {
  const [first, ...others] = members;
  return String.raw`\{(?:${first})?${others.map((member) => String.raw`(?:(?:(?<=\{)|(?<!\{),)${member})?`).join('')}\}`;
}

/**
 * The members that end the metadata, as metadataPrefixEnd (eventLine.ts) finds
 * them by their text: the reader must cut where it does, so UserInfo.extra may
 * not use their names.
 */
const AFTER_METADATA = ['responseStatus', 'requestObject', 'responseObject', 'requestReceivedTimestamp'];
const EXTRA_NAME = `(?!"(?:${AFTER_METADATA.join('|')})")${STRING}`;
const EXTRA = String.raw`\{(?:${EXTRA_NAME}:${STRINGS}(?:,${EXTRA_NAME}:${STRINGS})*)?\}`;
/** authentication.k8s.io UserInfo, username and groups captured. */
const USER = orderedMembers([`"username":${CAPTURED}`, `"uid":${STRING}`, `"groups":${CAPTURED_STRINGS}`, `"extra":${EXTRA}`]);
/** The same, uncaptured: impersonatedUser is captured whole (it is rare, and a size measure may serialise it). */
const IMPERSONATED_USER = orderedMembers([`"username":${STRING}`, `"uid":${STRING}`, `"groups":${STRINGS}`, `"extra":${EXTRA}`]);
const OBJECT_REF_MEMBERS = ['resource', 'namespace', 'name', 'uid', 'apiGroup', 'apiVersion', 'resourceVersion', 'subresource'] as const;
const OBJECT_REF = orderedMembers(OBJECT_REF_MEMBERS.map((name) => `"${name}":${CAPTURED}`));

/** The Event's members up to the first that is not metadata, in the order of audit.k8s.io/v1 Event's Go fields. */
const LAYOUT = new RegExp(
  [
    '^\\{"kind":"Event","apiVersion":"audit\\.k8s\\.io/v1"',
    `(?:,"level":${CAPTURED})?`,
    `(?:,"auditID":${CAPTURED})?`,
    `(?:,"stage":${CAPTURED})?`,
    `(?:,"requestURI":${CAPTURED})?`,
    `(?:,"verb":${CAPTURED})?`,
    // An empty capture marks a member that is there, without building its text.
    `(?:,"user":()${USER})?`,
    `(?:,"impersonatedUser":(${IMPERSONATED_USER}))?`,
    `(?:,"sourceIPs":${STRINGS})?`,
    `(?:,"userAgent":${STRING})?`,
    `(?:,"objectRef":()${OBJECT_REF})?`,
    `,"(${AFTER_METADATA.join('|')})":`,
  ].join(''),
);
// The capture groups, in the order they open.
const LEVEL = 1;
const AUDIT_ID = 2;
const STAGE = 3;
const REQUEST_URI = 4;
const VERB = 5;
const USER_PRESENT = 6;
const USERNAME = 7;
const GROUPS = 8;
const IMPERSONATED = 9;
const OBJECT_REF_PRESENT = 10;
const OBJECT_REF_FIELDS = 11;
const AFTER = OBJECT_REF_FIELDS + OBJECT_REF_MEMBERS.length;

type UserInfo = NonNullable<AuditEventRecord['user']>;
type ObjectRef = NonNullable<AuditEventRecord['objectRef']>;

export interface EventMetadata {
  /**
   * The members the replay reads, as JSON.parse gives them (a member the line
   * lacks is undefined), except that `user` carries only username and groups
   * (all the replay reads of it); impersonatedUser and objectRef are complete.
   */
  record: AuditEventRecord;
  /** Where the metadata ends: the comma before the first member that is not metadata. */
  end: number;
}

/**
 * A captured string's value: as it stands, or decoded by JSON.parse when it has
 * escapes (all valid: the pattern allows no other). `plain`: the metadata has
 * no backslash at all (looked for once, rather than in each string).
 */
function stringValue(chars: string, plain: boolean): string;
function stringValue(chars: string | undefined, plain: boolean): string | undefined;
function stringValue(chars: string | undefined, plain: boolean): string | undefined {
  if (plain || chars === undefined || chars.indexOf('\\') === -1) return chars;
  return JSON.parse(`"${chars}"`) as string;
}

/** The elements of a captured array of strings. */
function stringsValue(elements: string, plain: boolean): string[] {
  if (elements === '') return [];
  if (!plain && elements.indexOf('\\') !== -1) return JSON.parse(`[${elements}]`) as string[];
  // Without a backslash no element holds a quote, so `","` only ever separates two.
  // Found by indexOf rather than split, which cost more for the two or three groups a user has.
  const values: string[] = [];
  let from = 1;
  for (let separator = elements.indexOf('","', from); separator !== -1; separator = elements.indexOf('","', from)) {
    values.push(elements.slice(from, separator));
    from = separator + 3;
  }
  values.push(elements.slice(from, elements.length - 1));
  return values;
}

/**
 * The metadata of a line in kube-apiserver's layout, or undefined when the line
 * is not in it (see the head of this file). Members after the metadata are not
 * looked at, except that a line with `,"responseStatus":` after a metadata that
 * ends at another member is refused, as metadataPrefixEnd would cut there.
 */
export function readEventMetadata(text: string): EventMetadata | undefined {
  if (text.charCodeAt(text.length - 1) !== 0x7d /* } */) return undefined;
  const match = LAYOUT.exec(text);
  if (match === null) return undefined;
  const after = match[AFTER];
  const end = match[0].length - after.length - 4;
  if (after !== 'responseStatus' && text.indexOf(',"responseStatus":', end) !== -1) return undefined;
  const backslash = text.indexOf('\\');
  const plain = backslash === -1 || backslash > end;
  let user: UserInfo | undefined;
  if (match[USER_PRESENT] !== undefined) {
    const groups = match[GROUPS];
    user = { username: stringValue(match[USERNAME], plain), groups: groups === undefined ? undefined : stringsValue(groups, plain) };
  }
  const impersonated = match[IMPERSONATED];
  let objectRef: ObjectRef | undefined;
  if (match[OBJECT_REF_PRESENT] !== undefined) {
    objectRef = {
      resource: stringValue(match[OBJECT_REF_FIELDS], plain),
      namespace: stringValue(match[OBJECT_REF_FIELDS + 1], plain),
      name: stringValue(match[OBJECT_REF_FIELDS + 2], plain),
      uid: stringValue(match[OBJECT_REF_FIELDS + 3], plain),
      apiGroup: stringValue(match[OBJECT_REF_FIELDS + 4], plain),
      apiVersion: stringValue(match[OBJECT_REF_FIELDS + 5], plain),
      resourceVersion: stringValue(match[OBJECT_REF_FIELDS + 6], plain),
      subresource: stringValue(match[OBJECT_REF_FIELDS + 7], plain),
    };
  }
  return {
    record: {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: stringValue(match[LEVEL], plain),
      auditID: stringValue(match[AUDIT_ID], plain),
      stage: stringValue(match[STAGE], plain),
      requestURI: stringValue(match[REQUEST_URI], plain),
      verb: stringValue(match[VERB], plain),
      user,
      impersonatedUser: impersonated === undefined ? undefined : (JSON.parse(impersonated) as UserInfo),
      objectRef,
    },
    end,
  };
}

/**
 * A copy of a string read from a line that does not keep the line in memory.
 * What the reader captures (like any substring V8 takes of 13 characters or
 * more) points into the line, so an auditID kept in the request window, or a
 * requestURI kept as an example, would keep its whole line (bodies and all)
 * alive; JSON.parse, which the reader replaces, copied every string. Whatever
 * outlives its line is copied with this: prefixed and sliced again, the string
 * is flattened into a new one of its own length. The value is unchanged.
 */
export function detached(s: string): string {
  return s.length < 13 ? s : ` ${s}`.slice(1);
}
