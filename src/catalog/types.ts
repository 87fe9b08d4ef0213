// One built-in resource kube-apiserver serves, as its discovery documents describe it.

export interface BuiltinSubresource {
  name: string;
  kind: string;
  /** Sorted; a subresource like pods/exec takes "create" (POST) and "get" (GET, e.g. over WebSocket). */
  verbs: readonly string[];
}

export interface BuiltinResource {
  /** "" for the core group. */
  group: string;
  /** The version clients use: the first in the group's priority order that serves this resource. */
  version: string;
  /** Every version that serves it when all APIs are enabled, in priority order. */
  versions: readonly string[];
  resource: string;
  kind: string;
  namespaced: boolean;
  /** Sorted. */
  verbs: readonly string[];
  shortNames: readonly string[];
  subresources: readonly BuiltinSubresource[];
  /** Served by a kube-apiserver started with its defaults (no --runtime-config, no feature gates). */
  enabledByDefault: boolean;
}
