// Writes a recorded request as builder code a person would write, e.g.
//
//   as('alice', ['dev']).get('secrets', 'db', { namespace: 'prod' })
//
// Every candidate is built with the real builder at generation time and kept
// only if kube-apiserver would see exactly the recorded attributes; otherwise the
// next, more literal form is tried: the resource methods, then `.http('GET
// /url')` with the recorded requestURI, then the attributes themselves (for
// users no authenticator could produce, e.g. without system:authenticated).
import { anonymous, as, failedAuthentication, serviceAccount, type RequestBuilder } from '../request/builder.js';
import { sameRequestAttributes } from '../request/attributes.js';
import { identityForPolicyUser, sameUser, SERVICE_ACCOUNTS_GROUP } from '../request/identity.js';
import type { AuditRequest, Identity, RequestAttributes } from '../request/types.js';

/** A JavaScript string literal in single quotes. */
export function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')}'`;
}

const list = (items: readonly string[]) => `[${items.map(quote).join(', ')}]`;

/** Builder functions a generated spec may call; the spec imports those it uses. */
export type BuilderImport = 'as' | 'serviceAccount' | 'anonymous' | 'failedAuthentication';

export interface RequestCode {
  code: string;
  imports: BuilderImport[];
  /** How literal the code had to be. */
  form: 'builder' | 'http' | 'attributes';
}

interface IdentityCode {
  code: string;
  imports: BuilderImport[];
  builder: RequestBuilder;
}

const SA_PREFIX = 'system:serviceaccount:';

function identityCode(identity: Identity): IdentityCode {
  switch (identity.kind) {
    case 'anonymous':
      return { code: 'anonymous()', imports: ['anonymous'], builder: anonymous() };
    case 'failed-authentication':
      return { code: 'failedAuthentication()', imports: ['failedAuthentication'], builder: failedAuthentication() };
    case 'impersonating': {
      const caller = userCode(identity.caller.name, identity.caller.groups);
      const groups = identity.as.groups.length > 0 ? `, ${list(identity.as.groups)}` : '';
      return {
        code: `${caller.code}.impersonating(${quote(identity.as.name)}${groups})`,
        imports: caller.imports,
        builder: caller.builder.impersonating(identity.as.name, identity.as.groups),
      };
    }
    case 'user':
      return userCode(identity.name, identity.groups);
  }
}

function userCode(name: string, groups: readonly string[]): IdentityCode {
  if (name.startsWith(SA_PREFIX)) {
    const [namespace, account, ...rest] = name.slice(SA_PREFIX.length).split(':');
    const expected = [SERVICE_ACCOUNTS_GROUP, `${SERVICE_ACCOUNTS_GROUP}:${namespace}`];
    if (rest.length === 0 && account && groups.length === expected.length && groups.every((g, i) => g === expected[i])) {
      return { code: `serviceAccount(${quote(namespace)}, ${quote(account)})`, imports: ['serviceAccount'], builder: serviceAccount(namespace, account) };
    }
  }
  const code = groups.length > 0 ? `as(${quote(name)}, ${list(groups)})` : `as(${quote(name)})`;
  return { code, imports: ['as'], builder: as(name, groups) };
}

/** The identity a user as recorded needs, without the system:authenticated the group adder appends anyway. */
function identityForRecordedUser(request: AuditRequest): Identity | undefined {
  const identity = request.http?.identity ?? identityForPolicyUser(request.attributes.user);
  if (!identity) return undefined;
  if (identity.kind === 'user') {
    const groups = identity.groups;
    if (groups[groups.length - 1] === 'system:authenticated') {
      const shorter: Identity = { kind: 'user', name: identity.name, groups: groups.slice(0, -1) };
      return shorter;
    }
  }
  if (identity.kind === 'impersonating') {
    const groups = identity.caller.groups;
    if (groups[groups.length - 1] === 'system:authenticated') {
      return { ...identity, caller: { name: identity.caller.name, groups: groups.slice(0, -1) } };
    }
  }
  return identity;
}

function sameRequest(a: AuditRequest, want: RequestAttributes): boolean {
  return sameUser(a.attributes.user, want.user) && sameRequestAttributes(a.attributes, want);
}

function options(entries: [string, string | undefined][]): string {
  const present = entries.filter(([, v]) => v !== undefined) as [string, string][];
  return present.length === 0 ? '' : `{ ${present.map(([k, v]) => `${k}: ${v}`).join(', ')} }`;
}

/** Builder method calls that could produce `want`, most natural first. */
function methodCandidates(want: RequestAttributes): { code: string; build: (b: RequestBuilder) => AuditRequest }[] {
  if (!want.resourceRequest) {
    const method = want.verb === 'get' ? 'GET' : want.verb.toUpperCase();
    return [{ code: `.nonResource(${quote(method)}, ${quote(want.path)})`, build: (b) => b.nonResource(method, want.path) }];
  }
  // kube-apiserver gives a Namespace object its own name as namespace; the builder wants none for it.
  const ownNamespace = want.resource === 'namespaces' && want.namespace === want.name;
  const namespace = want.namespace === '' || ownNamespace ? undefined : want.namespace;
  const variants: { group?: string; version?: string }[] = [{}, { group: want.apiGroup }, { group: want.apiGroup, version: want.apiVersion }];
  const out: { code: string; build: (b: RequestBuilder) => AuditRequest }[] = [];
  for (const v of variants) {
    const opts = { namespace, ...v };
    const optsCode = (extra: [string, string | undefined][] = []) =>
      options([
        ['namespace', namespace === undefined ? undefined : quote(namespace)],
        ['group', v.group === undefined ? undefined : quote(v.group)],
        ['version', v.version === undefined ? undefined : quote(v.version)],
        ...extra,
      ]);
    const withOpts = (args: string[], extra: [string, string | undefined][] = []) => {
      const o = optsCode(extra);
      return [...args, ...(o ? [o] : [])].join(', ');
    };
    const r = quote(want.resource);
    const n = quote(want.name);
    if (want.subresource === '') {
      switch (want.verb) {
        case 'get':
          out.push({ code: `.get(${withOpts([r, n])})`, build: (b) => b.get(want.resource, want.name, opts) });
          break;
        case 'list':
        case 'watch': {
          const named = want.name === '' ? [] : ([['name', n]] as [string, string][]);
          const call = want.verb === 'list' ? 'list' : 'watch';
          const nameOpt = want.name === '' ? {} : { name: want.name };
          out.push({ code: `.${call}(${withOpts([r], named)})`, build: (b) => b[call](want.resource, { ...opts, ...nameOpt }) });
          break;
        }
        case 'create':
          out.push({ code: `.create(${withOpts([r])})`, build: (b) => b.create(want.resource, opts) });
          break;
        case 'update':
        case 'patch':
        case 'delete': {
          const verb = want.verb;
          out.push({ code: `.${verb}(${withOpts([r, n])})`, build: (b) => b[verb](want.resource, want.name, opts) });
          break;
        }
        case 'deletecollection':
          out.push({ code: `.deleteCollection(${withOpts([r])})`, build: (b) => b.deleteCollection(want.resource, opts) });
          break;
      }
    } else if (want.resource === 'pods' && want.subresource === 'log' && want.verb === 'get') {
      out.push({ code: `.logs(${withOpts([n])})`, build: (b) => b.logs(want.name, opts) });
    } else if (want.resource === 'pods' && ['exec', 'attach', 'portforward'].includes(want.subresource) && ['create', 'get'].includes(want.verb)) {
      const call = want.subresource === 'portforward' ? 'portForward' : (want.subresource as 'exec' | 'attach');
      const websocket = want.verb === 'get';
      out.push({
        code: `.${call}(${withOpts([n], websocket ? [['websocket', 'true']] : [])})`,
        build: (b) => b[call](want.name, { ...opts, websocket }),
      });
    } else if (['get', 'create', 'update', 'patch', 'delete'].includes(want.verb)) {
      const verb = want.verb as 'get' | 'create' | 'update' | 'patch' | 'delete';
      out.push({
        code: `.subresource(${withOpts([quote(verb), r, n, quote(want.subresource)])})`,
        build: (b) => b.subresource(verb, want.resource, want.name, want.subresource, opts),
      });
    }
  }
  return out;
}

function attributesCode(want: RequestAttributes, label: string): string {
  const user = want.user === null ? 'null' : `{ name: ${quote(want.user.name)}, groups: ${list(want.user.groups)} }`;
  const fields = [
    `user: ${user}`,
    `verb: ${quote(want.verb)}`,
    `resourceRequest: ${want.resourceRequest}`,
    `apiGroup: ${quote(want.apiGroup)}`,
    `apiVersion: ${quote(want.apiVersion)}`,
    `resource: ${quote(want.resource)}`,
    `subresource: ${quote(want.subresource)}`,
    `namespace: ${quote(want.namespace)}`,
    `name: ${quote(want.name)}`,
    `path: ${quote(want.path)}`,
  ];
  return `{ label: ${quote(label)}, attributes: { ${fields.join(', ')} } }`;
}

/** Code for a request that kube-apiserver sees exactly as `request.attributes`. */
export function requestCode(request: AuditRequest): RequestCode {
  const want = request.attributes;
  const identity = identityForRecordedUser(request);
  if (identity) {
    const who = identityCode(identity);
    for (const candidate of methodCandidates(want)) {
      try {
        if (sameRequest(candidate.build(who.builder), want)) return { code: `${who.code}${candidate.code}`, imports: who.imports, form: 'builder' };
      } catch {
        // The builder refuses this spelling (unknown resource, wrong scope…): try the next.
      }
    }
    const http = request.http;
    if (http) {
      const line = `${http.method} ${http.url}`;
      try {
        if (sameRequest(who.builder.http(line), want)) return { code: `${who.code}.http(${quote(line)})`, imports: who.imports, form: 'http' };
      } catch {
        // Fall through to the attributes.
      }
    }
  }
  return { code: attributesCode(want, request.label), imports: [], form: 'attributes' };
}
