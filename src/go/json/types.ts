// Upstream: reflect (Type.String) and encoding/json's field selection (encode.go typeFields).
//
// Go types described as data, for the decoder (decode.ts) to decode into: the
// JSON key that selects each struct field (its json tag, or the Go name when
// untagged), which fields are promoted from embedded structs, and the type
// names Go prints in decode errors ("... of type []v1.PolicyRule",
// reflect.Type.String()). The types themselves belong to whoever decodes:
// the audit policy's are in src/audit/policy/apiTypes.ts.

export type GoType =
  | { kind: 'string'; name: string }
  | { kind: 'bool'; name: string }
  | { kind: 'int'; name: string }
  | { kind: 'ptr'; elem: GoType }
  | { kind: 'slice'; elem: GoType }
  | { kind: 'map'; elem: GoType }
  | GoStructType
  /** metav1.Time: a json.Unmarshaler reading an RFC 3339 string. */
  | { kind: 'time'; name: string }
  /** metav1.FieldsV1: a json.Unmarshaler that keeps any JSON as is. */
  | { kind: 'raw'; name: string };

export interface GoStructType {
  kind: 'struct';
  /** Package-qualified name, e.g. "v1.PolicyRule". */
  name: string;
  fields: GoField[];
}

export interface GoField {
  /** The key that selects this field (json tag name, or the Go name when untagged). */
  json: string;
  type: GoType;
  /** Go name of the embedded struct this field is promoted from. */
  via?: string;
}

/** The unqualified struct name Go's decode errors print ("Go struct field PolicyRule.rules.users"). */
export function structShortName(t: GoStructType): string {
  return t.name.slice(t.name.lastIndexOf('.') + 1);
}

/** reflect.Type.String() of a type, as in "of type []v1.PolicyRule". */
export function goTypeName(t: GoType): string {
  switch (t.kind) {
    case 'string':
    case 'bool':
    case 'int':
    case 'struct':
    case 'time':
    case 'raw':
      return t.name;
    case 'ptr':
      return '*' + goTypeName(t.elem);
    case 'slice':
      return '[]' + goTypeName(t.elem);
    case 'map':
      return 'map[string]' + goTypeName(t.elem);
  }
}
