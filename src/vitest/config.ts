// The Vitest test options auditspec needs, for projects that run plain
// `vitest` with their own config (reporters, outputFile, aliases …):
//
//   import { defineConfig } from 'vitest/config';
//   import { auditspecTestConfig } from 'auditspec/config';
//   export default defineConfig({
//     test: { include: ['specs/**/*.audit.spec.ts'], ...auditspecTestConfig({ cluster: process.env.AUDITSPEC_CLUSTER }) },
//   });
//
// Offline it only registers the matchers; with `cluster` it adds the
// end-to-end wiring `auditspec test --cluster` uses, so plain `vitest` proves
// the same specs on a real kube-apiserver. `auditspec test` builds its run
// from this same function. The backend's settings are the options given here
// over its environment variables (clusters/environment.ts), read here, at the
// edge, and handed to the backend through Vitest's provide.
import { fileURLToPath } from 'node:url';
import { backendOptionsFromEnv } from '../clusters/environment.js';
import { isBackendName } from '../clusters/names.js';
import { endToEndVitestConfig } from '../e2e/vitest/config.js';
import { DEFAULT_KUBE_VERSION, parseKubeVersion } from '../audit/kubeVersions.js';
import { KUBE_VERSION_KEY } from './kubeVersionKey.js';

export interface AuditspecConfigOptions {
  /**
   * The kube-apiserver version every policy is judged as unless a block names
   * its own ("1.33" … "1.37"); the newest proven one when absent. With
   * `cluster`, the backend runs that version's kube-apiserver too.
   */
  kubeVersion?: string;
  /** End to end on this backend (local, containers, kind, existing); offline when absent. */
  cluster?: string;
  /** local: the binaries to use instead of finding them. */
  apiserverBin?: string;
  etcdBin?: string;
  /** containers: the images to run. */
  apiserverImage?: string;
  etcdImage?: string;
  /** existing: the cluster, and where its audit events come from (a path, command:<shell>, or webhook). */
  kubeconfig?: string;
  auditLog?: string;
  /** kind: keep the cluster between runs while the policy is unchanged. */
  reuse?: boolean;
}

export interface AuditspecTestConfig {
  setupFiles: string[];
  globalSetup: string[];
  provide: Record<string, unknown>;
  testTimeout?: number;
  hookTimeout?: number;
}

/** The extend-expect entry beside this file: .ts from the sources, .js from the build. */
export function extendExpectFile(): string {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return fileURLToPath(new URL(`./extend-expect${ext}`, import.meta.url));
}

export function auditspecTestConfig(options: AuditspecConfigOptions = {}, env: NodeJS.ProcessEnv = process.env): AuditspecTestConfig {
  const { cluster, kubeVersion, ...given } = options;
  // Checked here, in the config, so an unsupported version stops the run before any worker starts.
  const version = kubeVersion === undefined ? DEFAULT_KUBE_VERSION : parseKubeVersion(kubeVersion, 'kubeVersion');
  const config: AuditspecTestConfig = { setupFiles: [extendExpectFile()], globalSetup: [], provide: { [KUBE_VERSION_KEY]: version } };
  if (cluster === undefined || cluster === '') return config;
  const settings: Record<string, string | boolean> = isBackendName(cluster) ? backendOptionsFromEnv(cluster, env) : {};
  for (const [key, value] of Object.entries(given)) if (value !== undefined) settings[key] = value;
  // The same version reaches the backend: its kube-apiserver is that version's release.
  settings.kubeVersion = version;
  const e2e = endToEndVitestConfig(cluster, settings);
  return {
    setupFiles: [...config.setupFiles, ...e2e.setupFiles],
    globalSetup: e2e.globalSetup,
    provide: { ...config.provide, ...e2e.provide },
    // Long enough for the first end-to-end request to wait on a cold control plane.
    testTimeout: 120_000,
    hookTimeout: 300_000,
  };
}
