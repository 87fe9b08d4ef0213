// Vitest globalSetup for end-to-end runs: makes sure the binaries are there
// (building them if needed, before any test times out on it), then serves ONE
// session for the whole run to the workers through the coordinator. The
// cluster itself starts on the first batch, with that batch's policy.
import type { TestProject } from 'vitest/node';
import type { Binaries } from '../../binaries/index.js';
import type { LocalStartOptions } from '../../clusters/local/index.js';
import { Coordinator } from '../coordinator.js';
import { AuditSession } from '../session.js';
import { formatTally } from '../tally.js';
import { E2E_COORDINATOR_KEY, E2E_OPTIONS_KEY, type EndToEndOptions } from './context.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const options: EndToEndOptions | undefined = project.getProvidedContext()[E2E_OPTIONS_KEY];
  if (!options) throw new Error(`auditspec end-to-end globalSetup needs "${E2E_OPTIONS_KEY}" in provide (use endToEndVitestConfig)`);
  const log = (line: string) => process.stderr.write(`[auditspec ${options.backend}] ${line}\n`);
  // Found once here (building them if needed, before any test could time out on it);
  // the local backend then starts with these instead of looking again.
  let binaries: Binaries | undefined;
  const given = options.options as LocalStartOptions;
  if (options.backend === 'local') {
    const { ensureBinaries } = await import('../../binaries/index.js');
    try {
      binaries = await ensureBinaries({ apiserverBin: given.apiserverBin, etcdBin: given.etcdBin, kubeVersion: given.kubeVersion, log });
    } catch (err) {
      // Not fatal here: the first end-to-end batch fails with this same message,
      // and tests that can run without a cluster still do.
      log(`cannot obtain kube-apiserver and etcd: ${(err as Error).message}`);
    }
  }
  const startOptions: LocalStartOptions = { ...given, log, binaries };
  const session = new AuditSession(options.backend, startOptions);
  const coordinator = await Coordinator.start(session);
  project.provide(E2E_COORDINATOR_KEY, coordinator.address);
  return async () => {
    // What was proven live, and what could only be decided offline (README: "End to end").
    log(formatTally(coordinator.tally, options.backend));
    await coordinator.close();
    await session.stop();
  };
}
