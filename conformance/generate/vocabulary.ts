// The strings generated policies and requests are made of. Policies draw from
// these; requests draw mostly from what the policy at hand mentions, so rules
// actually fire, and partly from here, so near misses are tried too.

export const USERS = [
  'alice',
  'bob',
  'Alice',
  'system:kube-proxy',
  'system:kube-controller-manager',
  'system:apiserver',
  'system:anonymous',
  'system:serviceaccount:kube-system:default',
  'system:serviceaccount:prod:builder',
  'admin@example.com',
  '',
  '*',
  'system:*',
  'zoë',
  '用户',
];

export const GROUPS = [
  'system:authenticated',
  'system:unauthenticated',
  'system:masters',
  'system:nodes',
  'system:serviceaccounts',
  'system:serviceaccounts:kube-system',
  'dev',
  'ops',
  'Dev',
  'équipe',
  '',
  '*',
];

export const VERBS = [
  'get',
  'list',
  'watch',
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
  'proxy',
  'impersonate',
  'GET',
  'Get',
  '',
  '*',
];

export const API_GROUPS = [
  '',
  'apps',
  'batch',
  'rbac.authorization.k8s.io',
  'networking.k8s.io',
  'coordination.k8s.io',
  'authentication.k8s.io',
  'apiextensions.k8s.io',
  'example.com',
  '*',
];

/** Groups upstream's validation refuses (not lower-case DNS subdomains). */
export const BAD_API_GROUPS = ['Apps', 'apps/v1', 'a_b', '-apps', 'apps.', '*.k8s.io', 'apps..io', 'x'.repeat(254), ' apps'];

export const API_VERSIONS = ['v1', 'v1beta1', 'v2', 'v1alpha1'];

export const RESOURCES = [
  'pods',
  'secrets',
  'configmaps',
  'namespaces',
  'nodes',
  'services',
  'events',
  'deployments',
  'leases',
  'tokenreviews',
  'serviceaccounts',
  'Pods',
];

export const SUBRESOURCES = ['status', 'log', 'exec', 'scale', 'token', 'proxy', 'attach', 'portforward', 'binding', 'eviction', 'finalize'];

/** Resource patterns as written in rules, every wildcard form included. */
export const RESOURCE_PATTERNS = [
  '*',
  '*/*',
  '*/status',
  '*/scale',
  'pods/*',
  'pods/log',
  'pods/exec',
  'deployments/scale',
  'serviceaccounts/token',
  'namespaces/finalize',
  '',
  'pods/',
  '/log',
  '**',
  '*/',
  'pods/log/x',
  '*pods',
];

export const NAMESPACES = ['default', 'kube-system', 'kube-public', 'prod', 'dev', 'Default', '', '*'];

export const OBJECT_NAMES = ['web', 'db', 'kube-root-ca.crt', 'a.b', 'x:y', 'prod', 'status', '', '*', 'Web', 'ü'];

export const NON_RESOURCE_URLS = [
  '/healthz',
  '/healthz*',
  '/healthz/*',
  '/livez',
  '/readyz*',
  '/version',
  '/version/',
  '/metrics',
  '/api',
  '/api*',
  '/apis*',
  '/openapi/*',
  '/logs/*',
  '/',
  '/*',
  '*',
];

/** Non-resource URLs upstream's validation refuses. */
export const BAD_NON_RESOURCE_URLS = ['healthz', '/a*b', '', '*/x', '**', '/x**', 'http://h/healthz', '*a'];

export const LEVELS = ['None', 'Metadata', 'Request', 'RequestResponse'];
export const BAD_LEVELS = ['none', 'METADATA', 'Everything', 'Requests', ' None', ''];

export const STAGES = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'];
export const BAD_STAGES = ['requestReceived', 'Done', 'ResponseStart', '', 'Panic '];

/** Plain words a YAML 1.1 parser does not read as strings. */
export const YAML11_TRAPS = ['yes', 'no', 'on', 'off', 'y', 'n', 'true', 'null', '~', '1', '0755', '1e3', '0x1F', '.inf'];

/** Keys a policy might carry by mistake: unknown, mis-cased, or from other kinds. */
export const UNKNOWN_RULE_KEYS = ['level ', 'Level', 'user', 'usergroups', 'UserGroups', 'verb', 'nonResourceUrls', 'omitstages', 'OmitManagedFields', 'resourceNames', 'namespace', 'foo', 'apiGroups'];
export const UNKNOWN_POLICY_KEYS = ['rule', 'Rules', 'OmitStages', 'omitManagedfields', 'spec', 'status', 'foo'];
export const UNKNOWN_GROUP_RESOURCE_KEYS = ['Group', 'resource', 'apiGroup', 'ResourceNames', 'names', 'version'];
