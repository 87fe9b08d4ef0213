#!/usr/bin/env node
// Runs a TypeScript entry under conformance/ (default: main.ts) without a build
// step: Vite, already here for Vitest, transforms the sources on the fly, the
// same way the unit tests see them. `npm run conformance -- --cases N --seed S`.
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
let entry = '/conformance/main.ts';
const args = process.argv.slice(2);
if (args[0] === '--entry') {
  entry = args[1];
  args.splice(0, 2);
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
  const mod = await server.ssrLoadModule(entry);
  code = mod.main ? await mod.main(args) : 0;
} catch (err) {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
} finally {
  await server.close();
}
process.exit(code ?? 0);
