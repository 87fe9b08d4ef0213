// Service account usernames, as kube-apiserver's service account authenticator
// makes and reads them (k8s.io/apiserver pkg/authentication/serviceaccount,
// util.go). A token for namespace ns and account name authenticates as
// system:serviceaccount:<ns>:<name> in the groups system:serviceaccounts and
// system:serviceaccounts:<ns>, in that order; the group adder then appends
// system:authenticated like for any authenticated user (identity.ts).
//
// Upstream only reads a username back as a service account (SplitUsername)
// when, after the prefix, it has exactly two ":"-separated parts, the first a
// valid namespace name (a DNS-1123 label) and the second a valid service
// account name (a DNS-1123 subdomain); anything else is not one.

export const SERVICE_ACCOUNT_USER_PREFIX = 'system:serviceaccount:';
/** serviceaccount.AllServiceAccountsGroup. */
export const SERVICE_ACCOUNTS_GROUP = 'system:serviceaccounts';

/** apimachinery's IsDNS1123Label: at most 63 lowercase alphanumerics or "-", alphanumeric at both ends. */
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const isDns1123Label = (s: string) => s.length <= 63 && DNS1123_LABEL.test(s);
/** IsDNS1123Subdomain: at most 253 characters of dot-separated labels (each as above, without the 63 limit per label). */
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const isDns1123Subdomain = (s: string) => s.length <= 253 && DNS1123_SUBDOMAIN.test(s);

/** serviceaccount.MakeUsername. */
export function serviceAccountUsername(namespace: string, name: string): string {
  return `${SERVICE_ACCOUNT_USER_PREFIX}${namespace}:${name}`;
}

/** serviceaccount.MakeGroupNames: the groups every token of a service account in `namespace` carries. */
export function serviceAccountGroups(namespace: string): string[] {
  return [SERVICE_ACCOUNTS_GROUP, `${SERVICE_ACCOUNTS_GROUP}:${namespace}`];
}

/** serviceaccount.SplitUsername: the namespace and name in a service account's username, or undefined. */
export function splitServiceAccountUsername(username: string): { namespace: string; name: string } | undefined {
  if (!username.startsWith(SERVICE_ACCOUNT_USER_PREFIX)) return undefined;
  const parts = username.slice(SERVICE_ACCOUNT_USER_PREFIX.length).split(':');
  if (parts.length !== 2) return undefined;
  const [namespace, name] = parts;
  if (!isDns1123Label(namespace) || !isDns1123Subdomain(name)) return undefined;
  return { namespace, name };
}
