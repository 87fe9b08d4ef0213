import type { Command } from 'commander';
import { registerBuild } from './build.js';
import { registerCheck } from './check.js';
import { registerDiff } from './diff.js';
import { registerEval } from './eval.js';
import { registerExplain } from './explain.js';
import { registerKindConfig } from './kind-config.js';
import { registerProbe } from './probe.js';
import { registerSetup } from './setup.js';
import { registerTest } from './test.js';
import { registerReplay } from './replay.js';
import { registerRecord } from './record.js';

/**
 * Adds one subcommand to the program. `setExitCode` records the code main()
 * returns; commands never call process.exit so that nothing (child processes,
 * temp dirs) is left behind by an abrupt exit.
 */
export type RegisterCommand = (program: Command, setExitCode: (code: number) => void) => void;

export const commands: RegisterCommand[] = [registerTest, registerExplain, registerEval, registerDiff, registerSetup, registerProbe, registerKindConfig, registerCheck, registerBuild, registerReplay, registerRecord];
