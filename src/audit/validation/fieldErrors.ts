// Field errors worded as k8s.io/apimachinery/pkg/util/validation/field prints
// them: "<field>: <type>[: <value>][: <detail>]", where the value is %q for a
// plain string and, for anything else (including named string types such as
// audit.Level), JSON or Go syntax (%#v) depending on the version
// (VersionBehaviour.fieldErrorValues); and a list of them aggregated as
// ErrorList.ToAggregate() does.

import type { SourcePosition } from '../types.js';
import { goSyntaxStringList } from '../../go/fmt/goSyntax.js';
import { goJsonString, goJsonStringList } from '../../go/json/encode.js';
import { goQuote } from '../../go/strconv/quote.js';
import type { VersionBehaviour } from '../versionBehaviour.js';

type ValueFormat = VersionBehaviour['fieldErrorValues'];

export interface FieldError {
  /** The field path, e.g. "rules[0].level" or "rules[2].resources.group". */
  field: string;
  /** The full "field: body" text, as upstream's field.Error.Error(). */
  message: string;
  /** Where the offending value (or the closest thing to it) was written. */
  pos?: SourcePosition;
}

function make(field: string, body: string, pos: SourcePosition | undefined): FieldError {
  const error: FieldError = { field, message: `${field}: ${body}` };
  if (pos) error.pos = pos;
  return error;
}

/** field.Required with no detail. */
export function requiredError(field: string, pos?: SourcePosition): FieldError {
  return make(field, 'Required value', pos);
}

/** field.Invalid with a Go string value (printed with %q). */
export function invalidString(field: string, value: string, detail: string, pos?: SourcePosition): FieldError {
  return make(field, `Invalid value: ${goQuote(value)}: ${detail}`, pos);
}

/** field.Invalid with a []string value (printed as JSON, or Go syntax before apimachinery v0.34). */
export function invalidStringList(
  field: string,
  value: readonly string[] | null,
  detail: string,
  pos: SourcePosition | undefined,
  format: ValueFormat,
): FieldError {
  const printed = format === 'json' ? goJsonStringList(value) : goSyntaxStringList(value);
  return make(field, `Invalid value: ${printed}: ${detail}`, pos);
}

/**
 * field.NotSupported for a value of a named string type (audit.Level): not a
 * plain `string`, so ErrorBody prints it as JSON (%#v, which quotes it as %q
 * does, before apimachinery v0.34). The supported values are %q.
 */
export function notSupportedNamedString(
  field: string,
  value: string,
  supported: readonly string[],
  pos: SourcePosition | undefined,
  format: ValueFormat,
): FieldError {
  const printed = format === 'json' ? goJsonString(value) : goQuote(value);
  return make(field, `Unsupported value: ${printed}: supported values: ${supported.map(goQuote).join(', ')}`, pos);
}

/** ErrorList.ToAggregate().Error(): messages deduplicated; one as is, several as "[a, b]". */
export function aggregateMessage(errors: readonly FieldError[]): string {
  const seen = new Set<string>();
  const messages: string[] = [];
  for (const e of errors) {
    if (seen.has(e.message)) continue;
    seen.add(e.message);
    messages.push(e.message);
  }
  if (messages.length === 1) return messages[0];
  return `[${messages.join(', ')}]`;
}
