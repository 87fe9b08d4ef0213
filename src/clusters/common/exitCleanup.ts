// Last-resort cleanup for the control planes this process started: on process
// exit and on SIGINT/SIGTERM/SIGHUP every live control plane's processes are
// killed and its run directory removed, synchronously (nothing asynchronous
// runs after 'exit'). A normal stop() unregisters first, so this only acts when
// a run is interrupted. If nobody else handles the signal, it is re-raised
// after cleanup so the process ends as it would have.
import { rmSync } from 'node:fs';

export interface EmergencyStop {
  /** Kills the processes now (SIGKILL to their process groups). */
  killNow(): void;
  runDir: string;
}

const live = new Set<EmergencyStop>();
let installed = false;

function cleanupAll(): void {
  for (const entry of live) {
    entry.killNow();
    try {
      rmSync(entry.runDir, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // the watchdog retries once this process is gone
    }
  }
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  cleanupAll();
  if (process.listenerCount(signal) === 1) {
    // Only us: behave as if we had never listened.
    process.removeListener(signal, onSignal);
    process.kill(process.pid, signal);
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', cleanupAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
}

export function registerEmergencyStop(entry: EmergencyStop): () => void {
  install();
  live.add(entry);
  return () => {
    live.delete(entry);
  };
}
