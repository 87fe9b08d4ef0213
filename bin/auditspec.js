#!/usr/bin/env node
// The published entry point: runs the compiled CLI. `npm ci` builds dist/ through
// the `prepare` script, so a clean clone has it before this is first called.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
