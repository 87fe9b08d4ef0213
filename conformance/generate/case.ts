// One conformance case: a policy file plus requests aimed at it. A case is a
// pure function of (seed, index), so any case can be regenerated alone.

import type { HttpRequest, RequestAttributes } from '../../src/request/types.js';
import { generatePolicy, type GeneratedPolicy, type PolicyGenOptions } from './policy.js';
import { caseRandom } from './random.js';
import { generateAttributes, generateHttpRequest } from './request.js';

export interface ConformanceCase {
  seed: string;
  index: number;
  policy: GeneratedPolicy;
  http: HttpRequest[];
  attributes: RequestAttributes[];
}

export interface CaseGenOptions extends PolicyGenOptions {
  /** HTTP requests per case (default 6). */
  httpPerCase?: number;
  /** Attribute requests per case (default 6). */
  attributesPerCase?: number;
}

export function generateCase(seed: string | number, index: number, options: CaseGenOptions = {}): ConformanceCase {
  const random = caseRandom(seed, index);
  const policy = generatePolicy(random.fork('policy'), options);
  const requests = random.fork('requests');
  const http: HttpRequest[] = [];
  for (let i = options.httpPerCase ?? 6; i > 0; i--) http.push(generateHttpRequest(requests, policy.mentions));
  const attributes: RequestAttributes[] = [];
  for (let i = options.attributesPerCase ?? 6; i > 0; i--) attributes.push(generateAttributes(requests, policy.mentions));
  return { seed: String(seed), index, policy, http, attributes };
}
