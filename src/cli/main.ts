// The `auditspec` command line. Each subcommand lives in its own file under
// commands/ and is registered in commands/index.ts.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { DEFAULT_KUBE_VERSION, SUPPORTED_KUBE_VERSIONS } from '../audit/kubeVersions.js';
import { ETCD_VERSION, KUBE_APISERVER_VERSION } from '../binaries/versions.js';
import { commands } from './commands/index.js';
import { UsageError } from './errors.js';
import { InvalidPolicyError } from './options.js';

/** package.json sits two levels up from both src/cli/main.ts and dist/cli/main.js. */
function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** What `auditspec --version` prints: ours, and the kube-apiserver behaviour it reproduces. */
export function versionText(): string {
  return `auditspec ${packageVersion()} (kube-apiserver ${SUPPORTED_KUBE_VERSIONS.join(', ')}, default ${DEFAULT_KUBE_VERSION}; end to end on kube-apiserver ${KUBE_APISERVER_VERSION} and etcd ${ETCD_VERSION})`;
}

/** Runs the CLI and returns the process exit code (never calls process.exit). */
export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('auditspec')
    .description('Test Kubernetes audit policies exactly as kube-apiserver applies them.')
    .version(versionText(), '-V, --version', 'print the version')
    .exitOverride()
    .showHelpAfterError();
  let exitCode = 0;
  for (const register of commands) {
    register(program, (code) => {
      exitCode = code;
    });
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; every other commander error is a usage error.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`auditspec: ${err.message}\n`);
      return 2;
    }
    // kube-apiserver would refuse to start with the policy: its own message, exit 1.
    if (err instanceof InvalidPolicyError) {
      process.stderr.write(`auditspec: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  return exitCode;
}
