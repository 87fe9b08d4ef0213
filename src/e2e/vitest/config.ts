// What an end-to-end Vitest run adds to its configuration. `auditspec test
// --cluster <backend>` merges it into its own; this repository's vitest.config.ts
// uses it for the e2e project.
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../cli/errors.js';
import { backendOptionsFromEnv } from '../../clusters/environment.js';
import { BACKEND_NAMES, isBackendName } from '../../clusters/names.js';
import { E2E_OPTIONS_KEY, type EndToEndOptions } from './context.js';

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

/**
 * `options` are the backend's start options; without them they are read from
 * the environment here, at the edge (clusters/environment.ts), once.
 */
export function endToEndVitestConfig(
  backend: string,
  options?: Record<string, string | boolean>,
  env: NodeJS.ProcessEnv = process.env,
): EndToEndVitestConfig {
  if (!isBackendName(backend)) {
    throw new UsageError(`unknown cluster backend "${backend}" (available: ${BACKEND_NAMES.join(', ')})`);
  }
  const provided: EndToEndOptions = { backend, options: options ?? backendOptionsFromEnv(backend, env) };
  return {
    globalSetup: [sibling('globalSetup')],
    setupFiles: [sibling('setup')],
    provide: { [E2E_OPTIONS_KEY]: provided },
  };
}
