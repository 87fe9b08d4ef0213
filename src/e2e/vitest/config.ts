// What an end-to-end Vitest run adds to its configuration. `auditspec test
// --cluster <backend>` merges it into its own; this repository's vitest.config.ts
// uses it for the e2e project.
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../cli/errors.js';
import { clusterBackendNames } from '../../clusters/index.js';
import { E2E_OPTIONS_KEY, type EndToEndOptions } from './context.js';

export interface EndToEndVitestOptions {
  apiserverBin?: string;
  etcdBin?: string;
}

export interface EndToEndVitestConfig {
  globalSetup: string[];
  setupFiles: string[];
  provide: Record<string, unknown>;
}

/** Files beside this one, as .ts from the sources and .js from the build. */
function sibling(name: string): string {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return fileURLToPath(new URL(`./${name}${ext}`, import.meta.url));
}

export function endToEndVitestConfig(backend: string, options: EndToEndVitestOptions = {}): EndToEndVitestConfig {
  if (!clusterBackendNames().includes(backend)) {
    throw new UsageError(`unknown cluster backend "${backend}" (available: ${clusterBackendNames().join(', ')})`);
  }
  const provided: EndToEndOptions = { backend, ...options };
  return {
    globalSetup: [sibling('globalSetup')],
    setupFiles: [sibling('setup')],
    provide: { [E2E_OPTIONS_KEY]: provided },
  };
}
