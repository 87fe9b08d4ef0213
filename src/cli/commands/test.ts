// auditspec test [paths…] [--cluster <backend>] [--kube-version <v>[,<v>…]]:
// runs *.audit.spec.ts suites through Vitest. Offline by default; with
// --cluster, the same specs are also proven against a real kube-apiserver of
// that version. Several versions run the specs once each, one after the other,
// and end with the tests whose outcome depends on the version
// (vitest/versionDifferences.ts).
import { existsSync, statSync } from 'node:fs';
import { dirname, extname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { KubeVersion } from '../../audit/kubeVersions.js';
import { serverRelease } from '../../binaries/versions.js';
import { addClusterFlags, clusterSettings } from '../clusterFlags.js';
import { UsageError } from '../errors.js';
import { auditspecTestConfig } from '../../vitest/config.js';
import { formatVersionDifferences, testResults, type VersionRun, versionDifferences } from '../../vitest/versionDifferences.js';
import { parseKubeVersion } from '../options.js';
import type { RegisterCommand } from './index.js';

const SPEC_GLOB = '**/*.audit.spec.ts';

/** The package's own modules, so specs and the setup file share one instance of auditspec. */
function packageModules() {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return {
    index: resolve(root, `index${ext}`),
    vitest: resolve(root, `vitest/index${ext}`),
    extendExpect: resolve(root, `vitest/extend-expect${ext}`),
    githubActions: resolve(root, `vitest/githubActions${ext}`),
  };
}

/** A directory becomes its spec glob; a file is taken as it is. */
export function specPatterns(paths: string[], cwd = process.cwd()): string[] {
  const given = paths.length > 0 ? paths : ['specs'];
  return given.map((path) => {
    const absolute = resolve(cwd, path);
    if (!existsSync(absolute)) throw new UsageError(`no such file or directory: ${path}`);
    if (statSync(absolute).isDirectory()) return `${path.replace(/\/+$/, '')}/${SPEC_GLOB}`;
    return path;
  });
}

interface TestOptions extends Record<string, unknown> {
  cluster?: string;
  update?: boolean;
  testNamePattern?: string;
  reporter: string[];
  outputFile?: string;
  kubeVersion?: string;
}

/** "1.33,1.37" → ['1.33', '1.37']: each checked, duplicates dropped, order kept. */
export function parseKubeVersionList(value: string | undefined): KubeVersion[] {
  if (value === undefined) return [parseKubeVersion(undefined)];
  const versions = value.split(',').map((v) => v.trim()).filter((v) => v !== '');
  if (versions.length === 0) throw new UsageError('--kube-version needs at least one version');
  return [...new Set(versions.map((v) => parseKubeVersion(v)))];
}

export const registerTest: RegisterCommand = (program: Command, setExitCode) => {
  const command = program
    .command('test')
    .description(`run ${SPEC_GLOB} suites with Vitest (default: specs/); with --cluster, also prove every expectation on a real kube-apiserver`)
    .argument('[paths...]', 'spec files or directories')
    .option('--cluster <backend>', 'also prove every expectation end to end on this backend: local, containers, kind or existing');
  addClusterFlags(command)
    .option('-u, --update', 'update snapshots')
    .option('-t, --test-name-pattern <pattern>', 'run only tests whose name matches')
    .option('--reporter <name>', 'Vitest reporter (repeatable)', (r: string, all: string[]) => [...all, r], [] as string[])
    .option('--output-file <path>', "where file-writing reporters (junit, json) write, as Vitest's --outputFile (with several versions, one file each: report.1.33.xml)")
    .option('--kube-version <versions>', 'Kubernetes version(s) to test against, comma-separated (e.g. 1.33,1.37): the specs run once per version')
    .action(async (paths: string[], options: TestOptions) => {
      const include = specPatterns(paths);
      const cluster = clusterSettings(options.cluster, options);
      const versions = parseKubeVersionList(options.kubeVersion);
      const previousExitCode = process.exitCode;
      const runs: VersionRun[] = [];
      let worst = 0;
      for (const kubeVersion of versions) {
        if (versions.length > 1) {
          const release = serverRelease(kubeVersion);
          process.stdout.write(`\nauditspec: Kubernetes ${kubeVersion}${cluster ? ` (kube-apiserver ${release.kubeApiserver}, etcd ${release.etcd})` : ''}\n`);
        }
        // One report file per version, or each run would overwrite the previous one's.
        const outputFile = versions.length > 1 && options.outputFile ? perVersionFile(options.outputFile, kubeVersion) : options.outputFile;
        const run = await runVitest(include, { ...options, outputFile }, cluster, kubeVersion);
        worst = Math.max(worst, run.code);
        runs.push({ kubeVersion, results: run.results });
      }
      if (versions.length > 1) process.stdout.write(`\n${formatVersionDifferences(runs, versionDifferences(runs))}`);
      process.exitCode = previousExitCode;
      setExitCode(worst);
    });
};

/** report.xml → report.1.33.xml */
export function perVersionFile(path: string, kubeVersion: KubeVersion): string {
  const ext = extname(path);
  return `${path.slice(0, path.length - ext.length)}.${kubeVersion}${ext}`;
}

/** One Vitest run of the specs under `kubeVersion`: its exit code and every test's outcome. */
async function runVitest(
  include: string[],
  options: TestOptions,
  cluster: ReturnType<typeof clusterSettings>,
  kubeVersion: KubeVersion,
): Promise<{ code: number; results: ReturnType<typeof testResults> }> {
  const modules = packageModules();
  // The same options `auditspec/config` gives plain vitest users; the
  // backend's settings and the version reach globalSetup through Vitest's provide.
  const { setupFiles, globalSetup, provide, testTimeout, hookTimeout } = auditspecTestConfig(
    cluster ? { cluster: cluster.backend, ...cluster.options, kubeVersion } : { kubeVersion },
  );
  // Under GitHub Actions, the deciding rule's line is annotated too, next to
  // what Vitest does there by itself (its own annotations, unless reporters are chosen).
  const onGithub = process.env.GITHUB_ACTIONS === 'true';
  const chosen = options.reporter.length > 0 ? options.reporter : undefined;
  const reporters = onGithub ? [...(chosen ?? ['default', 'github-actions']), modules.githubActions] : chosen;
  const { startVitest } = await import('vitest/node');
  process.exitCode = 0;
  const vitest = await startVitest(
    'test',
    [],
    {
      run: true,
      config: false,
      include,
      setupFiles,
      globalSetup,
      provide,
      ...(options.update ? { update: true } : {}),
      ...(options.testNamePattern ? { testNamePattern: options.testNamePattern } : {}),
      ...(reporters !== undefined ? { reporters } : {}),
      ...(options.outputFile !== undefined ? { outputFile: options.outputFile } : {}),
      ...(testTimeout !== undefined ? { testTimeout } : {}),
      ...(hookTimeout !== undefined ? { hookTimeout } : {}),
    },
    {
      resolve: {
        alias: [
          { find: /^auditspec\/extend-expect$/, replacement: modules.extendExpect },
          { find: /^auditspec\/vitest$/, replacement: modules.vitest },
          { find: /^auditspec$/, replacement: modules.index },
        ],
      },
    },
  );
  const results = vitest ? testResults(vitest.state.getFiles(), (file) => relative(process.cwd(), file)) : [];
  await vitest?.close();
  // Vitest reports failures through process.exitCode, as its own CLI does.
  const code = Number(process.exitCode ?? 0);
  return { code: vitest === undefined && code === 0 ? 1 : code, results };
}
