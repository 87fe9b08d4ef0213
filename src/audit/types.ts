// The audit.k8s.io/v1 Policy as auditspec holds it after loading: the same fields
// kube-apiserver's internal audit.Policy has, plus where each came from in the
// user's file so every message can point at file:line:col.

export const LEVELS = ['None', 'Metadata', 'Request', 'RequestResponse'] as const;
export type Level = (typeof LEVELS)[number];

/** The order kube-apiserver emits stages in for one request. */
export const STAGES = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'] as const;
export type Stage = (typeof STAGES)[number];

/** 1-based line and column in the policy source. */
export interface SourcePosition {
  file: string;
  line: number;
  col: number;
}

export interface GroupResources {
  /** "" is the core group; "*" is any group (kube-apiserver 1.36+). */
  group: string;
  resources: string[];
  resourceNames: string[];
  pos: SourcePosition;
}

export interface PolicyRule {
  /**
   * A string, not Level: a rule that failed validation still carries what the
   * user wrote, so messages can quote it. Loaded (valid) policies only hold Levels.
   */
  level: string;
  users: string[];
  userGroups: string[];
  verbs: string[];
  resources: GroupResources[];
  namespaces: string[];
  nonResourceURLs: string[];
  omitStages: string[];
  /** undefined = inherit the policy's omitManagedFields. */
  omitManagedFields: boolean | undefined;
  /** Position of the rule's list item. */
  pos: SourcePosition;
  /** Positions of the rule's own keys as written (e.g. "verbs", "resources"). */
  fieldPos: Partial<Record<string, SourcePosition>>;
}

export interface Policy {
  apiVersion: string;
  kind: string;
  rules: PolicyRule[];
  omitStages: string[];
  omitManagedFields: boolean;
  /** The file the policy came from ("<inline>" when given as text); a module directory for a composed policy. */
  file: string;
  /**
   * Set when the policy was composed from a module directory (src/audit/modules/):
   * its files in order. Each rule's pos names its module's file.
   */
  modules?: PolicyModule[];
}

/** One file of a module directory, as it sits in the composed policy. */
export interface PolicyModule {
  /** The module file as displayed (what its rules' positions name). */
  file: string;
  /** The module file as it was read (under the directory path the loader was given). */
  path: string;
  /** Its name inside the directory, e.g. "20-secrets.yaml": what specs and `build` comments call it. */
  name: string;
  /** Index of its first rule in the composed policy. */
  firstRule: number;
  ruleCount: number;
}

/** Something kube-apiserver would only log a warning about, reported with its position. */
export interface PolicyWarning {
  pos: SourcePosition;
  /** Machine-readable kind, e.g. "unknown-field", "duplicate-key", "case-mismatch". */
  code: string;
  message: string;
}

// The supported versions and the default live in kubeVersions.ts (one table).
export type { KubeVersion } from './kubeVersions.js';
export { DEFAULT_KUBE_VERSION } from './kubeVersions.js';
