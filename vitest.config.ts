import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { endToEndVitestConfig } from './src/e2e/vitest/config.js';

// Specs import 'auditspec' exactly as users do; inside this repo that name
// resolves to the sources so no build is needed to run them.
// End to end on a real kube-apiserver + etcd (slow: a control plane per run). Only
// part of the run when asked for, so `npm test` stays fast:
//   npx vitest run --project e2e      (or AUDITSPEC_E2E=1 npx vitest run)
const asked = (project: string) => new RegExp(`(^|\\s)--project(=|\\s+)${project}(\\s|$)`).test(process.argv.join(' '));
const wantEndToEnd = process.env.AUDITSPEC_E2E === '1' || asked('e2e');
// Long generative checks against upstream's Go code (*.conformance.ts): part of
// the conformance step CI runs, not of `npm test`, which stays under 90 s:
//   npx vitest run --project conformance
const wantConformance = process.env.AUDITSPEC_CONFORMANCE === '1' || asked('conformance');
const endToEnd = endToEndVitestConfig('local');

const alias = {
  'auditspec/extend-expect': fileURLToPath(new URL('./src/vitest/extend-expect.ts', import.meta.url)),
  'auditspec/vitest': fileURLToPath(new URL('./src/vitest/index.ts', import.meta.url)),
  'auditspec/coverage': fileURLToPath(new URL('./src/coverage/reporter.ts', import.meta.url)),
  'auditspec/config': fileURLToPath(new URL('./src/vitest/config.ts', import.meta.url)),
  'auditspec/github-actions': fileURLToPath(new URL('./src/vitest/githubActions.ts', import.meta.url)),
  auditspec: fileURLToPath(new URL('./src/index.ts', import.meta.url)),
};

export default defineConfig({
  resolve: { alias },
  test: {
    // Vitest's default is one worker fewer than the cores: one worker on this
    // project's 2-core machine. Many tests wait on child processes (the CLI,
    // the Go oracle, bench), so a second worker overlaps those waits: npm test
    // took 109 s with one worker and 76 s with two, on the same loaded machine.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          // Type tests (*.test-d.ts) are checked by tsc, never run.
          typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'specs',
          include: ['specs/**/*.audit.spec.ts'],
          setupFiles: ['./src/vitest/extend-expect.ts'],
        },
      },
      {
        resolve: { alias },
        test: {
          // Published policies and upstream's GCE matrix from ../shared/corpus:
          // our own tests, not examples (a user has no ../shared). Each file
          // registers one skipped test saying why when the corpus is absent.
          name: 'corpus',
          include: ['test/corpus/**/*.audit.spec.ts'],
          setupFiles: ['./src/vitest/extend-expect.ts'],
        },
      },
      ...(wantConformance
        ? [
            {
              resolve: { alias },
              test: {
                name: 'conformance',
                include: ['test/**/*.conformance.ts'],
                testTimeout: 300_000,
                hookTimeout: 900_000,
              },
            },
          ]
        : []),
      ...(wantEndToEnd
        ? [
            {
              resolve: { alias },
              test: {
                name: 'e2e',
                // The control plane machinery's own tests, and the example specs proven on the local backend.
                include: ['test/**/*.e2e.ts', 'specs/**/*.audit.spec.ts'],
                setupFiles: ['./src/vitest/extend-expect.ts', ...endToEnd.setupFiles],
                globalSetup: endToEnd.globalSetup,
                provide: endToEnd.provide,
                // Control planes are heavy on two cores: one file at a time.
                fileParallelism: false,
                testTimeout: 180_000,
                hookTimeout: 600_000,
              },
            },
          ]
        : []),
    ],
  },
});
