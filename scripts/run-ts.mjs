#!/usr/bin/env node
// Runs a TypeScript entry of this repository without a build step:
//   node scripts/run-ts.mjs <entry.ts> [args…]
// Vite, already here for Vitest, transforms the sources on the fly, the same way
// the unit tests see them. The entry exports `main(args)` returning an exit code.
// `npm run conformance` and `npm run bench` go through here.
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const [entry, ...args] = process.argv.slice(2);
if (!entry || !entry.endsWith('.ts')) {
  console.error('usage: node scripts/run-ts.mjs <entry.ts> [args…]');
  process.exit(2);
}

const server = await createServer({
  root,
  configFile: false,
  logLevel: 'error',
  appType: 'custom',
  server: { middlewareMode: true, hmr: false, ws: false, watch: null },
  optimizeDeps: { noDiscovery: true, include: [] },
});
let code = 1;
try {
  const mod = await server.ssrLoadModule(`/${entry.replace(/^\.?\//, '')}`);
  code = mod.main ? await mod.main(args) : 0;
} catch (err) {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
} finally {
  await server.close();
}
process.exit(code ?? 0);
