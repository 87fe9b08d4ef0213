// A one-line progress bar on stderr, drawn only when stderr is a terminal so that
// logs and CI output never fill up with carriage returns.
import type { ReplayProgress } from './replay.js';
import { formatBytes } from './format.js';

export interface ProgressBar {
  update(progress: ReplayProgress): void;
  done(): void;
}

const NO_PROGRESS: ProgressBar = { update() {}, done() {} };

export function progressBar(stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  if (!stream.isTTY) return NO_PROGRESS;
  let lastDraw = 0;
  let drawn = false;
  return {
    update(p) {
      const now = Date.now();
      if (now - lastDraw < 100) return;
      lastDraw = now;
      const width = 30;
      const fraction = p.totalBytes > 0 ? Math.min(1, p.readBytes / p.totalBytes) : 1;
      const filled = Math.round(fraction * width);
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
      const line = `${bar} ${(fraction * 100).toFixed(0).padStart(3)}%  file ${p.fileIndex + 1}/${p.files}  ${formatBytes(p.readBytes)}/${formatBytes(p.totalBytes)}  ${p.events} events`;
      const columns = stream.columns ?? 100;
      stream.write(`\r${line.slice(0, columns - 1)}\u001b[K`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\r\u001b[K');
    },
  };
}
