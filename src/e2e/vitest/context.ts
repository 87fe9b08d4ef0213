// The keys auditspec's end-to-end setup puts into Vitest's provide/inject.
import type { BackendName } from '../../clusters/names.js';
import type { CoordinatorAddress } from '../coordinator.js';

/** Set by endToEndVitestConfig (in the config), read by globalSetup. */
export const E2E_OPTIONS_KEY = 'auditspec:e2e:options';
/** Set by globalSetup, read by the setup file in every worker. */
export const E2E_COORDINATOR_KEY = 'auditspec:e2e:coordinator';

export interface EndToEndOptions {
  backend: BackendName;
  /** The backend's start options (serialisable: provide crosses process boundaries). */
  options: Record<string, string | boolean>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    [E2E_OPTIONS_KEY]: EndToEndOptions;
    [E2E_COORDINATOR_KEY]: CoordinatorAddress;
  }
}
