#!/usr/bin/env node
// The published entry point: runs the compiled CLI. The package is built at
// `prepack` (users' installs run no script of ours), so a published package
// always has dist/. A source checkout after `npm ci` has not built yet: there,
// and only there (tsconfig.build.json is not shipped), the first run builds.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/cli/main.js', import.meta.url);
const buildConfig = new URL('../tsconfig.build.json', import.meta.url);
if (!existsSync(built) && existsSync(buildConfig)) {
  process.stderr.write('auditspec: building dist/ from the sources (first run in this checkout)\n');
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', fileURLToPath(buildConfig)], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const { main } = await import('../dist/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
