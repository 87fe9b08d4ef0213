// The one door to the Docker engine: testcontainers (dockerode beneath it),
// loaded on first use so that nothing else pays for it.
//
// testcontainers normally starts its Ryuk reaper container, which must be
// pulled (testcontainers/ryuk) — impossible on an air-gapped machine, and one
// more image to trust elsewhere. auditspec cleans up after itself instead
// (reaper.ts: labels, a watchdog process, reaping at start), so Ryuk is turned
// off here unless the user has set TESTCONTAINERS_RYUK_DISABLED themselves.
// testcontainers reads that variable when it first looks for a reaper, which
// is after this module ran.
import { containerRuntimeFailure } from './errors.js';

type Testcontainers = typeof import('testcontainers');

export interface DockerClient {
  tc: Testcontainers;
  client: Awaited<ReturnType<Testcontainers['getContainerRuntimeClient']>>;
  ImageName: Testcontainers['ImageName'];
}

let pending: Promise<DockerClient> | undefined;

/** testcontainers and its engine client; a ClusterError saying what to do when no engine answers. */
export function dockerClient(): Promise<DockerClient> {
  pending ??= (async () => {
    if (process.env.TESTCONTAINERS_RYUK_DISABLED === undefined) process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
    const tc = await import('testcontainers');
    try {
      const client = await tc.getContainerRuntimeClient();
      return { tc, client, ImageName: tc.ImageName };
    } catch (err) {
      throw containerRuntimeFailure(err);
    }
  })();
  pending.catch(() => {
    pending = undefined;
  });
  return pending;
}
