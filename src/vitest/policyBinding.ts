// Binds spec blocks to a policy file. Matchers ask activePolicy() which policy
// the running test is about.
import { isAbsolute, relative, resolve } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'vitest';
import type { KubeVersion } from '../audit/kubeVersions.js';
import type { Policy } from '../audit/types.js';
import { compilePolicy, type CompiledPolicy } from '../audit/policy/checker.js';
import { loadPolicy } from '../audit/policy/load.js';
import { PolicyLoadError } from '../audit/policy/loadError.js';
import { suiteKubeVersion } from './kubeVersion.js';
import { currentObserver } from './observer.js';
import { setBuilderKubeVersion } from '../request/builder.js';

export interface PolicyBinding {
  /** Absolute path of the policy file. */
  readonly file: string;
  /** The path as the spec wrote it, for messages. */
  readonly displayPath: string;
  readonly policy: Policy;
  readonly compiled: CompiledPolicy;
  /** The kube-apiserver version the policy was loaded and is decided as. */
  readonly kubeVersion: KubeVersion;
}

export interface PolicyBindingOptions {
  /**
   * Judge this block as kube-apiserver `kubeVersion` ("1.33" … "1.37"; "v1.33.13"
   * is read as 1.33); the project's version (auditspecTestConfig) when absent.
   * An unsupported version throws, naming the supported ones.
   */
  kubeVersion?: KubeVersion | (string & {});
}

const cache = new Map<string, PolicyBinding>();

/** A policy kube-apiserver would refuse: its message is file:line:col, kube-apiserver's words, and hints. */
export class PolicyNotLoaded extends Error {
  override name = 'PolicyNotLoaded';
  constructor(
    message: string,
    readonly loadError: PolicyLoadError,
  ) {
    super(message);
  }
}

/**
 * Loads (once per worker) and compiles a policy file. Throws PolicyNotLoaded
 * (kube-apiserver's own message, where it points, hints) when kube-apiserver
 * would refuse to start with it. A relative path is resolved against the
 * current working directory, where `auditspec test` or `vitest` was started
 * (normally the project root), not against the spec file.
 */
export function loadPolicyBinding(path: string, options: PolicyBindingOptions = {}): PolicyBinding {
  const file = isAbsolute(path) ? path : resolve(process.cwd(), path);
  const kubeVersion = suiteKubeVersion(options.kubeVersion);
  const key = `${kubeVersion}\u0000${file}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const displayPath = relative(process.cwd(), file) || file;
  let policy: Policy;
  try {
    policy = loadPolicy({ file, displayPath }, { kubeVersion }).policy;
  } catch (err) {
    if (err instanceof PolicyLoadError) throw new PolicyNotLoaded(err.message, err);
    throw err;
  }
  const binding: PolicyBinding = { file, displayPath, policy, compiled: compilePolicy(policy), kubeVersion };
  cache.set(key, binding);
  return binding;
}

const stack: PolicyBinding[] = [];

/** The policy the running test is bound to, if any. */
export function activePolicy(): PolicyBinding | undefined {
  return stack[stack.length - 1];
}

/**
 * Binds every test registered so far in the current describe block (or file) and
 * below it to `path`. Returns the binding so tests can refer to its rules.
 */
export function usePolicy(path: string, options: PolicyBindingOptions = {}): PolicyBinding {
  const binding = loadPolicyBinding(path, options);
  // Known at collection: end to end, the backend may start this policy ahead of its tests.
  currentObserver()?.announce?.(binding.file);
  // The block's requests name resources as its version serves them.
  const previousVersions: KubeVersion[] = [];
  beforeEach(() => {
    stack.push(binding);
    previousVersions.push(setBuilderKubeVersion(binding.kubeVersion));
  });
  afterEach(() => {
    const top = stack.pop();
    setBuilderKubeVersion(previousVersions.pop()!);
    if (top !== binding) throw new Error('auditspec: policy bindings were popped out of order');
  });
  return binding;
}

/**
 * A describe block whose tests are about one policy file:
 *
 *   describePolicy('clusters/policy.yaml', (policy) => {
 *     test('secrets stay at Metadata', () => {
 *       expect(as('alice').get('secrets', 'db', { namespace: 'prod' })).toBeLoggedAt('Metadata');
 *     });
 *   });
 */
export function describePolicy(
  path: string,
  fn: (binding: PolicyBinding) => void,
  options: PolicyBindingOptions = {},
): void {
  describe(`policy ${path}`, () => {
    const binding = usePolicyInBlock(path, options);
    if (binding) collectUnderVersion(binding, () => fn(binding));
  });
}

/** Runs a block's collection so that requests built while collecting it use the block's kube version. */
export function collectUnderVersion(binding: PolicyBinding, collect: () => void): void {
  const previous = setBuilderKubeVersion(binding.kubeVersion);
  try {
    collect();
  } finally {
    setBuilderKubeVersion(previous);
  }
}

/**
 * usePolicy for a describe block (describePolicy, describeModule). A policy
 * kube-apiserver would refuse becomes one failing test and undefined: thrown
 * while collecting, the error would fail the file without saying which test or
 * where; as a failing test it is counted and reported with the policy's
 * file:line:col. The block's own tests need the policy, so the caller does not
 * register them.
 */
export function usePolicyInBlock(path: string, options: PolicyBindingOptions = {}): PolicyBinding | undefined {
  try {
    return usePolicy(path, options);
  } catch (err) {
    if (!(err instanceof PolicyNotLoaded)) throw err;
    test(`${path} loads`, () => {
      throw new PolicyNotLoaded(err.message, err.loadError);
    });
    return undefined;
  }
}
