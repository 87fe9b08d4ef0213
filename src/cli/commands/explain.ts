// auditspec explain <policy> <request…>: how kube-apiserver decides one request,
// rule by rule, readable in a terminal.
import type { Command } from 'commander';
import { compilePolicy } from '../../audit/policy/checker.js';
import { explainRequest } from '../../audit/policy/explain.js';
import { explanationJson, formatAttributes, formatDecision, formatExplanation } from '../../format/explanation.js';
import { attributesFromHttp } from '../../request/attributes.js';
import { parseRequestLine } from '../../request/jsonl.js';
import { droppedOriginNote, requestUrl } from '../../request/requestUrl.js';
import { anonymous, failedAuthentication, serviceAccount, user } from '../../request/identity.js';
import type { AuditRequest, Identity } from '../../request/types.js';
import { UsageError } from '../errors.js';
import { loadPolicyArgument, parseFormat, parseKubeVersion, kubeVersionOption } from '../options.js';
import type { RegisterCommand } from './index.js';

interface ExplainOptions {
  user?: string;
  serviceAccount?: string;
  group: string[];
  anonymous?: boolean;
  failedAuthentication?: boolean;
  kubeVersion: string;
  format?: string;
}

function identityFrom(options: ExplainOptions): Identity {
  const chosen = [options.user !== undefined, options.serviceAccount !== undefined, options.anonymous === true, options.failedAuthentication === true].filter(Boolean).length;
  if (chosen > 1) throw new UsageError('choose one of --user, --service-account, --anonymous and --failed-authentication');
  if (options.anonymous) return anonymous;
  if (options.failedAuthentication) return failedAuthentication;
  if (options.serviceAccount !== undefined) {
    const [namespace, name, ...rest] = options.serviceAccount.split(':');
    if (rest.length > 0 || !namespace || !name) throw new UsageError(`--service-account takes NAMESPACE:NAME (got ${JSON.stringify(options.serviceAccount)})`);
    try {
      return serviceAccount(namespace, name);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  if (options.user === undefined) {
    throw new UsageError('say who sends the request: --user NAME [--group G …], --service-account NS:NAME, --anonymous or --failed-authentication');
  }
  // A service account's username gets its token's groups, as kube-apiserver's authenticator gives them.
  return user(options.user, options.group);
}

/** `GET /api/v1/pods --user alice`, or one JSON line as `eval` reads it. */
export function requestFromWords(words: string[], options: ExplainOptions): AuditRequest {
  if (words.length === 1 && words[0].trim().startsWith('{')) {
    const parsed = parseRequestLine(words[0]);
    if (!parsed.ok) throw new UsageError(`cannot read the request: ${parsed.error}`);
    if (parsed.droppedOrigin !== undefined) process.stderr.write(`auditspec: ${droppedOriginNote(parsed.droppedOrigin, parsed.request.http!.url)}\n`);
    return parsed.request;
  }
  if (words.length !== 2) {
    throw new UsageError('give the request as METHOD URL (e.g. GET /api/v1/namespaces/prod/secrets/db) or as one JSON object');
  }
  const [method, url] = words;
  const { target, droppedOrigin } = requestUrl(url);
  if (!target.startsWith('/')) throw new UsageError(`the URL must be a path starting with "/" or a full URL (got ${JSON.stringify(url)})`);
  if (droppedOrigin !== undefined) process.stderr.write(`auditspec: ${droppedOriginNote(droppedOrigin, target)}\n`);
  const http = { method: method.toUpperCase(), url: target, identity: identityFrom(options) };
  const attributes = attributesFromHttp(http);
  return { http, attributes, label: formatAttributes(attributes) };
}

export const registerExplain: RegisterCommand = (program: Command, setExitCode) => {
  program
    .command('explain')
    .description('show, rule by rule, how kube-apiserver decides one request under a policy')
    .argument('<policy>', 'audit policy file (YAML or JSON), or a module directory')
    .argument('<request...>', 'METHOD URL (a path, or a full URL whose scheme and host are ignored), or one JSON request line as `eval` reads')
    .option('--user <name>', 'the authenticated user sending the request (system:serviceaccount:NS:NAME gets its service account groups)')
    .option('--service-account <ns:name>', "sent with this service account's token (system:serviceaccount:NS:NAME in system:serviceaccounts, system:serviceaccounts:NS)")
    .option('--group <group>', 'a group of the user (repeatable)', (g: string, all: string[]) => [...all, g], [] as string[])
    .option('--anonymous', 'sent without credentials (system:anonymous)')
    .option('--failed-authentication', 'sent with credentials kube-apiserver rejects (no user)')
    .addOption(kubeVersionOption())
    .option('--format <format>', 'text or json', 'text')
    .action((policyPath: string, words: string[], options: ExplainOptions) => {
      const format = parseFormat(options.format, ['text', 'json'] as const, 'text');
      const policy = loadPolicyArgument(policyPath, parseKubeVersion(options.kubeVersion));
      const request = requestFromWords(words, options);
      const explanation = explainRequest(compilePolicy(policy), request.attributes);
      if (format === 'json') {
        process.stdout.write(`${JSON.stringify(explanationJson(request.attributes, explanation), null, 2)}\n`);
        return;
      }
      const color = process.stdout.isTTY === true;
      process.stdout.write(
        [
          `Request:  ${request.label}`,
          `Decision: ${formatDecision(explanation.decision)}`,
          `Writes:   ${explanation.decision.stages.length > 0 ? explanation.decision.stages.join(', ') : 'nothing'}`,
          '',
          formatExplanation(explanation, { color }),
          '',
        ].join('\n'),
      );
    });
};
