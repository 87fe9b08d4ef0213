// Shared by the conformance tests: whether an oracle can be had at all.
import { execFileSync } from 'node:child_process';

function goAvailable(): boolean {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The oracle needs Go (to build it) unless AUDITSPEC_ORACLE points at a built one. */
export const canRunOracle = Boolean(process.env.AUDITSPEC_ORACLE) || goAvailable();
export const NO_ORACLE = 'skipped: no `go` on PATH to build the conformance oracle (or set AUDITSPEC_ORACLE)';

/** A first build compiles k8s.io/apiserver: minutes on a cold Go cache. */
export const ORACLE_START_TIMEOUT = 900_000;
