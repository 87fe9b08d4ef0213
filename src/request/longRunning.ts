// kube-apiserver's LongRunningFunc: pkg/controlplane/apiserver/config.go builds a
// BasicLongRunningRequestCheck (k8s.io/apiserver/pkg/server/filters/longrunning.go)
// with these verbs and subresources. Long-running requests get a ResponseStarted
// audit event and are exempt from the request deadline.
import type { RequestAttributes } from './types.js';

export const LONG_RUNNING_VERBS: ReadonlySet<string> = new Set(['watch', 'proxy']);
export const LONG_RUNNING_SUBRESOURCES: ReadonlySet<string> = new Set(['attach', 'exec', 'proxy', 'log', 'portforward']);
/** Non-resource paths kube-apiserver treats as long-running (pprof profiles). */
export const LONG_RUNNING_PATH_PREFIX = '/debug/pprof/';

/** LONG_RUNNING_VERBS.has(verb), spelt out: evaluatePolicy's hot path, where two comparisons cost less than a hash lookup. */
export function isLongRunningVerb(verb: string): boolean {
  return verb === 'watch' || verb === 'proxy';
}

/** Whether kube-apiserver treats the request as long-running. */
export function isLongRunning(attrs: Pick<RequestAttributes, 'verb' | 'resourceRequest' | 'subresource' | 'path'>): boolean {
  if (LONG_RUNNING_VERBS.has(attrs.verb)) return true;
  if (attrs.resourceRequest) return LONG_RUNNING_SUBRESOURCES.has(attrs.subresource);
  return attrs.path.startsWith(LONG_RUNNING_PATH_PREFIX);
}
