// The request model: what kube-apiserver makes of a request (resolveRequestInfo,
// policyUser, attributesFromHttp), requests read from logs and JSON lines, and
// the builder spec authors write requests with.
export * from './types.js';
export * from './builder.js';
export { attributesFromHttp, describeAttributes, httpFromAttributes } from './attributes.js';
export { attributesFromEvent, readAuditRecord, requestFromEvent, type AuditEventRecord } from './event.js';
export { parseRequestLine, parseRequestValue, type RequestLineParse } from './jsonl.js';
export { BadRequestTargetError, RequestInfoError, resolveRequestInfo, type RequestInfo } from './requestInfo.js';
export { policyUser } from './identity.js';
/** Identity constructors: identity.user(), identity.serviceAccount(), identity.anonymous, ... */
export * as identity from './identity.js';
