/**
 * Paired t-test on differences d (e.g. a patient's day-3 value minus admission): mean,
 * t = d̄ / (s/√n) on n − 1 df, two-sided p and the t-based confidence interval of the mean
 * change.
 *
 * Source: Student. The probable error of a mean. Biometrika 1908;6:1–25 (the sleep data,
 * the classic worked example, are in the tests).
 */
import { mean, sumSquares, upperProbability, completeValues, missingNote } from './descriptive.js';
import { tQuantile, tTwoSidedP } from './distributions.js';

export interface PairedTResult {
  n: number;
  meanDiff: number | null;
  sdDiff: number | null;
  t: number | null;
  df: number | null;
  p: number | null;
  ci: [number, number] | null;
  notes: string[];
}

function pairedTComplete(d: readonly number[], level: number): PairedTResult {
  const n = d.length;
  if (n < 2) return { n, meanDiff: n === 1 ? d[0]! : null, sdDiff: null, t: null, df: null, p: null, ci: null, notes: [`${n} difference(s): a t-test needs at least 2`] };
  const m = mean(d);
  const sd = Math.sqrt(sumSquares(d, m) / (n - 1));
  if (sd <= 1e-12 * Math.max(1, Math.abs(m))) {
    return { n, meanDiff: m, sdDiff: 0, t: null, df: n - 1, p: null, ci: [m, m], notes: ['all differences equal: t undefined'] };
  }
  const se = sd / Math.sqrt(n);
  const t = m / se;
  const q = tQuantile(upperProbability(level), n - 1);
  return { n, meanDiff: m, sdDiff: sd, t, df: n - 1, p: tTwoSidedP(t, n - 1), ci: [m - q * se, m + q * se], notes: [] };
}

/** Paired t on the finite differences (a missing difference is left out and noted). */
export function pairedT(d: readonly number[], level = 0.95): PairedTResult {
  const c = completeValues(d);
  const res = pairedTComplete(c.d, level);
  res.notes.unshift(...missingNote(c.dropped));
  return res;
}
