/**
 * Proportional bias: does the difference between methods grow with the size of the
 * measurement? Ordinary least squares regression of the difference (a − b) on the mean
 * ((a + b)/2), with the slope's standard error, t-based confidence interval and two-sided
 * p-value (H0: slope = 0).
 *
 * Source: Bland JM, Altman DG. Measuring agreement in method comparison studies. Stat
 * Methods Med Res 1999;8:135–160, §3.2 (regressing the difference on the average; a
 * significant slope means the limits of agreement should not be taken as constant).
 * The regression formulas are the textbook ones (e.g. Armitage, Berry & Matthews,
 * Statistical Methods in Medical Research, 4th ed., §7.2).
 */
import { isConstant, mean, sumCrossProducts, sumSquares, upperProbability, completePairs, missingNote } from './descriptive.js';
import { tQuantile, tTwoSidedP } from './distributions.js';

export interface ProportionalBiasResult {
  n: number;
  slope: number | null;
  intercept: number | null;
  slopeSE: number | null;
  slopeCI: [number, number] | null;
  /** Two-sided p for slope = 0 (t on n − 2 df). */
  p: number | null;
  notes: string[];
}

function proportionalBiasComplete(a: readonly number[], b: readonly number[], level: number): ProportionalBiasResult {
  const n = a.length;
  const none = { n, slope: null, intercept: null, slopeSE: null, slopeCI: null, p: null };
  if (n < 3) return { ...none, notes: [`${n} pairs: a regression needs at least 3`] };
  const d = a.map((x, i) => x - b[i]!);
  const m = a.map((x, i) => (x + b[i]!) / 2);
  if (isConstant(m)) return { ...none, notes: ['all means equal: the slope is undefined'] };
  const sxx = sumSquares(m);
  const slope = sumCrossProducts(m, d) / sxx;
  const intercept = mean(d) - slope * mean(m);
  let sse = 0;
  for (let i = 0; i < n; i++) sse += (d[i]! - intercept - slope * m[i]!) ** 2;
  // Residual sums far below the differences' own spread are rounding noise: a perfect line.
  const ssd = sumSquares(d);
  const se = sse <= 1e-20 * ssd || ssd === 0 ? 0 : Math.sqrt(sse / (n - 2) / sxx);
  const t = tQuantile(upperProbability(level), n - 2);
  if (se === 0) {
    // A perfect line: the slope is exact; a p-value would be 0 or 1 by convention only.
    return { n, slope, intercept, slopeSE: 0, slopeCI: [slope, slope], p: null, notes: ['differences lie exactly on a line: no residual variance, p undefined'] };
  }
  return { n, slope, intercept, slopeSE: se, slopeCI: [slope - t * se, slope + t * se], p: tTwoSidedP(slope / se, n - 2), notes: [] };
}

/** Proportional bias on the complete pairs (a pair with a missing value is left out and noted). */
export function proportionalBias(a: readonly number[], b: readonly number[], level = 0.95): ProportionalBiasResult {
  if (a.length !== b.length) throw new RangeError('proportionalBias: a and b must have the same length');
  const c = completePairs(a, b);
  const res = proportionalBiasComplete(c.x, c.y, level);
  res.notes.unshift(...missingNote(c.dropped));
  return res;
}
