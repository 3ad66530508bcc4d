/**
 * Small descriptive helpers shared by the agreement statistics: means, sums of squares and
 * the confidence level → quantile conversion. Kept apart so that every statistic computes
 * them the same way (sample variances use n − 1 unless a source says otherwise).
 */

export function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Σ (x − x̄)². */
export function sumSquares(xs: readonly number[], m: number = mean(xs)): number {
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return s;
}

/** Σ (x − x̄)(y − ȳ). */
export function sumCrossProducts(xs: readonly number[], ys: readonly number[]): number {
  const mx = mean(xs);
  const my = mean(ys);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i]! - mx) * (ys[i]! - my);
  return s;
}

/** Sample variance (n − 1 divisor). */
export function sampleVariance(xs: readonly number[]): number {
  return sumSquares(xs) / (xs.length - 1);
}

/**
 * Whether the values are all equal up to rounding noise: a column of identical scores read
 * from a spreadsheet must count as constant even when the arithmetic leaves 1e-17 residue.
 */
export function isConstant(xs: readonly number[]): boolean {
  if (xs.length === 0) return true;
  const m = mean(xs);
  const scale = Math.max(1, Math.abs(m));
  return xs.every((x) => Math.abs(x - m) <= 1e-12 * scale);
}

/** Two-sided confidence level (e.g. 0.95) → upper tail probability (0.975). */
export function upperProbability(level: number): number {
  if (!(level > 0 && level < 1)) throw new RangeError(`confidence level must be in (0, 1), got ${level}`);
  return 1 - (1 - level) / 2;
}

/** Keeps a number only when it is finite: outputs hold null, never NaN or Infinity. */
export function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/**
 * Pairwise deletion for the library API: pairs where either value is missing (NaN, ±∞,
 * null or undefined smuggled in through an untyped caller) are left out, and counted so the
 * statistic can say so in its notes. `hvm compare` itself forms complete pairs before calling
 * (agreement.ts); this keeps a direct caller from getting NaN back.
 */
export function completePairs(x: readonly number[], y: readonly number[]): { x: number[]; y: number[]; dropped: number } {
  const ox: number[] = [];
  const oy: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const a = x[i];
    const b = y[i];
    if (typeof a === 'number' && typeof b === 'number' && Number.isFinite(a) && Number.isFinite(b)) {
      ox.push(a);
      oy.push(b);
    }
  }
  return { x: ox, y: oy, dropped: x.length - ox.length };
}

/** The finite values of `d` (one-sample tests), and how many were left out. */
export function completeValues(d: readonly number[]): { d: number[]; dropped: number } {
  const out = d.filter((v) => typeof v === 'number' && Number.isFinite(v));
  return { d: out, dropped: d.length - out.length };
}

/** The note a statistic adds when missing values were left out. */
export function missingNote(dropped: number): string[] {
  return dropped > 0 ? [`${dropped} pair(s) with a missing value left out`] : [];
}
