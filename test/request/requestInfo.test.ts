// The resolver against upstream. test/request/fixtures/requestInfo.upstream.jsonl
// was produced by a throwaway Go program (kept outside this repo) that, for each
// {method, url} in the table, wrote the raw request line
// "<method> <url> HTTP/1.1\r\nHost: x\r\n\r\n", parsed it with net/http's
// http.ReadRequest (the same parsing Go's server does; go1.26) and passed the
// result to k8s.io/apiserver v0.36.4's request.RequestInfoFactory configured as
// kube-apiserver configures it (APIPrefixes {api, apis}, GrouplessAPIPrefixes
// {api}), recording upstream's RequestInfo (JSON-encoded), its error, or the
// HTTP parse error. Regenerate by rerunning such a program over the same
// method/url pairs; never edit expected values by hand. The last block (CONNECT
// with authority-form targets, absolute-form targets, URLs upstream re-escapes
// when it prints them) was appended the same way.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  BadRequestTargetError,
  RequestInfoError,
  resolveRequestInfo,
  type RequestInfo,
} from '../../src/request/requestInfo.js';

interface GoRequestInfo {
  IsResourceRequest: boolean;
  Path: string;
  Verb: string;
  APIPrefix: string;
  APIGroup: string;
  APIVersion: string;
  Namespace: string;
  Resource: string;
  Subresource: string;
  Name: string;
  Parts: string[] | null;
  FieldSelector: string;
  LabelSelector: string;
}

interface UpstreamCase {
  method: string;
  url: string;
  httpError?: string;
  infoError?: string;
  info?: GoRequestInfo;
}

const cases: UpstreamCase[] = readFileSync(new URL('./fixtures/requestInfo.upstream.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l));

function fromGo(info: GoRequestInfo): RequestInfo {
  return {
    isResourceRequest: info.IsResourceRequest,
    path: info.Path,
    verb: info.Verb,
    apiPrefix: info.APIPrefix,
    apiGroup: info.APIGroup,
    apiVersion: info.APIVersion,
    namespace: info.Namespace,
    resource: info.Resource,
    subresource: info.Subresource,
    name: info.Name,
    parts: info.Parts ?? [],
    fieldSelector: info.FieldSelector,
    labelSelector: info.LabelSelector,
  };
}

describe('resolveRequestInfo matches upstream NewRequestInfo', () => {
  it('has a big table', () => {
    expect(cases.length).toBeGreaterThan(400);
  });

  it.each(cases.map((c) => [`${JSON.stringify(c.method)} ${JSON.stringify(c.url)}`, c] as const))('%s', (_, c) => {
    if (c.httpError !== undefined) {
      let thrown: unknown;
      try {
        resolveRequestInfo(c.method, c.url);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(BadRequestTargetError);
      expect((thrown as BadRequestTargetError).message).toBe(c.httpError);
      return;
    }
    if (c.infoError !== undefined) {
      let thrown: unknown;
      try {
        resolveRequestInfo(c.method, c.url);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(RequestInfoError);
      expect((thrown as RequestInfoError).partial).toEqual(fromGo(c.info!));
      // Upstream prints r.URL with %v: URL.String(), not the target as sent.
      expect((thrown as RequestInfoError).message).toBe(c.infoError);
      return;
    }
    expect(resolveRequestInfo(c.method, c.url)).toEqual(fromGo(c.info!));
  });
});
