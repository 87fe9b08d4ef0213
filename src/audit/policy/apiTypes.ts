// The Go types kube-apiserver decodes a policy file into, described as data
// (the model is src/go/json/types.ts): JSON field names, Go type names (they
// appear in decode errors such as "... of type v1.Level"), and which fields are
// promoted from embedded structs. audit.k8s.io/v1 types carry json tags
// (k8s.io/apiserver/pkg/apis/audit/v1/types.go); the internal audit types
// (k8s.io/apiserver/pkg/apis/audit/types.go, used when a file has no
// apiVersion) have none, so their JSON names are the Go field names and e.g.
// "rules" is an unknown field there.

import type { GoField, GoStructType, GoType } from '../../go/json/types.js';

const str: GoType = { kind: 'string', name: 'string' };
const strings: GoType = { kind: 'slice', elem: str };
const bool: GoType = { kind: 'bool', name: 'bool' };
const int64: GoType = { kind: 'int', name: 'int64' };
const uid: GoType = { kind: 'string', name: 'types.UID' };
const time: GoType = { kind: 'time', name: 'v1.Time' };

const ownerReference: GoStructType = {
  kind: 'struct',
  name: 'v1.OwnerReference',
  fields: [
    { json: 'apiVersion', type: str },
    { json: 'kind', type: str },
    { json: 'name', type: str },
    { json: 'uid', type: uid },
    { json: 'controller', type: { kind: 'ptr', elem: bool } },
    { json: 'blockOwnerDeletion', type: { kind: 'ptr', elem: bool } },
  ],
};

const managedFieldsEntry: GoStructType = {
  kind: 'struct',
  name: 'v1.ManagedFieldsEntry',
  fields: [
    { json: 'manager', type: str },
    { json: 'operation', type: { kind: 'string', name: 'v1.ManagedFieldsOperationType' } },
    { json: 'apiVersion', type: str },
    { json: 'time', type: { kind: 'ptr', elem: time } },
    { json: 'fieldsType', type: str },
    { json: 'fieldsV1', type: { kind: 'ptr', elem: { kind: 'raw', name: 'v1.FieldsV1' } } },
    { json: 'subresource', type: str },
  ],
};

/** metav1.ObjectMeta's fields (k8s.io/apimachinery/pkg/apis/meta/v1/types.go). */
const objectMetaFields: GoField[] = [
  { json: 'name', type: str },
  { json: 'generateName', type: str },
  { json: 'namespace', type: str },
  { json: 'selfLink', type: str },
  { json: 'uid', type: uid },
  { json: 'resourceVersion', type: str },
  { json: 'generation', type: int64 },
  { json: 'creationTimestamp', type: time },
  { json: 'deletionTimestamp', type: { kind: 'ptr', elem: time } },
  { json: 'deletionGracePeriodSeconds', type: { kind: 'ptr', elem: int64 } },
  { json: 'labels', type: { kind: 'map', elem: str } },
  { json: 'annotations', type: { kind: 'map', elem: str } },
  { json: 'ownerReferences', type: { kind: 'slice', elem: ownerReference } },
  { json: 'finalizers', type: strings },
  { json: 'managedFields', type: { kind: 'slice', elem: managedFieldsEntry } },
];

const objectMeta: GoStructType = { kind: 'struct', name: 'v1.ObjectMeta', fields: objectMetaFields };

const typeMetaFields: GoField[] = [
  { json: 'kind', type: str, via: 'TypeMeta' },
  { json: 'apiVersion', type: str, via: 'TypeMeta' },
];

// --- audit.k8s.io/v1 (k8s.io/apiserver/pkg/apis/audit/v1/types.go) ----------

const v1Stage: GoType = { kind: 'string', name: 'v1.Stage' };

export const V1_GROUP_RESOURCES: GoStructType = {
  kind: 'struct',
  name: 'v1.GroupResources',
  fields: [
    { json: 'group', type: str },
    { json: 'resources', type: strings },
    { json: 'resourceNames', type: strings },
  ],
};

export const V1_POLICY_RULE: GoStructType = {
  kind: 'struct',
  name: 'v1.PolicyRule',
  fields: [
    { json: 'level', type: { kind: 'string', name: 'v1.Level' } },
    { json: 'users', type: strings },
    { json: 'userGroups', type: strings },
    { json: 'verbs', type: strings },
    { json: 'resources', type: { kind: 'slice', elem: V1_GROUP_RESOURCES } },
    { json: 'namespaces', type: strings },
    { json: 'nonResourceURLs', type: strings },
    { json: 'omitStages', type: { kind: 'slice', elem: v1Stage } },
    { json: 'omitManagedFields', type: { kind: 'ptr', elem: bool } },
  ],
};

export const V1_POLICY: GoStructType = {
  kind: 'struct',
  name: 'v1.Policy',
  fields: [
    ...typeMetaFields,
    { json: 'metadata', type: objectMeta },
    { json: 'rules', type: { kind: 'slice', elem: V1_POLICY_RULE } },
    { json: 'omitStages', type: { kind: 'slice', elem: v1Stage } },
    { json: 'omitManagedFields', type: bool },
  ],
};

// --- audit.k8s.io/__internal (k8s.io/apiserver/pkg/apis/audit/types.go) -----

const internalStage: GoType = { kind: 'string', name: 'audit.Stage' };

const INTERNAL_GROUP_RESOURCES: GoStructType = {
  kind: 'struct',
  name: 'audit.GroupResources',
  fields: [
    { json: 'Group', type: str },
    { json: 'Resources', type: strings },
    { json: 'ResourceNames', type: strings },
  ],
};

const INTERNAL_POLICY_RULE: GoStructType = {
  kind: 'struct',
  name: 'audit.PolicyRule',
  fields: [
    { json: 'Level', type: { kind: 'string', name: 'audit.Level' } },
    { json: 'Users', type: strings },
    { json: 'UserGroups', type: strings },
    { json: 'Verbs', type: strings },
    { json: 'Resources', type: { kind: 'slice', elem: INTERNAL_GROUP_RESOURCES } },
    { json: 'Namespaces', type: strings },
    { json: 'NonResourceURLs', type: strings },
    { json: 'OmitStages', type: { kind: 'slice', elem: internalStage } },
    { json: 'OmitManagedFields', type: { kind: 'ptr', elem: bool } },
  ],
};

export const INTERNAL_POLICY: GoStructType = {
  kind: 'struct',
  name: 'audit.Policy',
  fields: [
    ...typeMetaFields,
    ...objectMetaFields.map((f) => ({ ...f, via: 'ObjectMeta' })),
    { json: 'Rules', type: { kind: 'slice', elem: INTERNAL_POLICY_RULE } },
    { json: 'OmitStages', type: { kind: 'slice', elem: internalStage } },
    { json: 'OmitManagedFields', type: bool },
  ],
};
