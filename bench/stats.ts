// Small statistics for noisy benchmark samples: the machine is shared, so a
// single run says little; the median of several interleaved runs, with the
// spread around it, is what the benchmark reports.

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Half the distance between the smallest and largest sample, relative to the median (0.05 = ±5 %). */
export function relativeSpread(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = median(values);
  if (!(m > 0)) return 0;
  return (Math.max(...values) - Math.min(...values)) / 2 / m;
}

/** A median with its spread, as the table shows it. */
export interface Measured {
  median: number;
  /** Relative: (max - min) / 2 / median. */
  spread: number;
  samples: number;
}

export function measured(values: readonly number[]): Measured {
  return { median: median(values), spread: relativeSpread(values), samples: values.length };
}
