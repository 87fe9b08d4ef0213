// A URL as people copy it (from `kubectl -v=8`, a browser, a proxy log) into
// the request target kube-apiserver routes on. The audit policy sees only the
// path (and, through RequestInfo, the query): which server was asked, and over
// which scheme, never reaches it, so they are dropped, and callers say so.

/** "https://10.0.0.1:6443" in "https://10.0.0.1:6443/api/v1/pods?limit=500". */
const ORIGIN = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*)/;

export interface RequestUrl {
  /** The path and query, as an HTTP client sends it in the request line. */
  target: string;
  /** The scheme and host that were dropped, when the URL had them. */
  droppedOrigin?: string;
}

export function requestUrl(url: string): RequestUrl {
  const origin = ORIGIN.exec(url)?.[1];
  if (origin === undefined) return { target: url };
  const rest = url.slice(origin.length).replace(/#.*$/, '');
  return { target: rest === '' || rest.startsWith('?') ? `/${rest}` : rest, droppedOrigin: origin };
}

/** The note callers print when the scheme and host were dropped. */
export function droppedOriginNote(origin: string, target: string): string {
  return `scheme and host ${origin} ignored: the audit policy sees only the path and query (${target})`;
}
