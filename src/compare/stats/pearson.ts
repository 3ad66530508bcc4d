/**
 * Pearson's product-moment correlation with its t-test p-value and Fisher-z confidence
 * interval. Correlation measures association, not agreement (Bland & Altman 1986 warn
 * against reading it as agreement); it is reported because readers of method-comparison
 * papers expect it.
 *
 * Sources: Pearson K. Proc R Soc Lond 1895;58:240–242 (r); Fisher RA. Biometrika
 * 1915;10:507–521 and Metron 1921;1:3–32 (t = r√((n−2)/(1−r²)) on n − 2 df; z = atanh r
 * with SE 1/√(n − 3)).
 */
import { isConstant, sumCrossProducts, sumSquares, upperProbability, completePairs, missingNote } from './descriptive.js';
import { normalQuantile, tTwoSidedP } from './distributions.js';

export interface CorrelationResult {
  n: number;
  r: number | null;
  /** Two-sided p for r = 0. */
  p: number | null;
  ci: [number, number] | null;
  notes: string[];
}

function pearsonComplete(x: readonly number[], y: readonly number[], level: number): CorrelationResult {
  const n = x.length;
  if (n < 3) return { n, r: null, p: null, ci: null, notes: [`${n} pairs: a correlation needs at least 3`] };
  if (isConstant(x) || isConstant(y)) {
    return { n, r: null, p: null, ci: null, notes: ['a constant column: correlation undefined'] };
  }
  const r = Math.max(-1, Math.min(1, sumCrossProducts(x, y) / Math.sqrt(sumSquares(x) * sumSquares(y))));
  return { n, r, ...correlationInference(r, n, level) };
}

/** p-value and Fisher-z interval for a correlation coefficient r from n pairs. */
export function correlationInference(r: number, n: number, level = 0.95): { p: number | null; ci: [number, number] | null; notes: string[] } {
  const notes: string[] = [];
  let p: number | null;
  if (Math.abs(r) >= 1) {
    p = null;
    notes.push('|r| = 1: p undefined (perfect linear relation)');
  } else {
    p = tTwoSidedP(r * Math.sqrt((n - 2) / (1 - r * r)), n - 2);
  }
  let ci: [number, number] | null = null;
  if (Math.abs(r) >= 1) ci = [r, r];
  else if (n > 3) {
    const z = Math.atanh(r);
    const h = normalQuantile(upperProbability(level)) / Math.sqrt(n - 3);
    ci = [Math.tanh(z - h), Math.tanh(z + h)];
  } else notes.push('n = 3: Fisher-z interval needs n > 3');
  return { p, ci, notes };
}

/** Pearson's r on the complete pairs (a pair with a missing value is left out and noted). */
export function pearson(x: readonly number[], y: readonly number[], level = 0.95): CorrelationResult {
  if (x.length !== y.length) throw new RangeError('pearson: x and y must have the same length');
  const c = completePairs(x, y);
  const res = pearsonComplete(c.x, c.y, level);
  res.notes.unshift(...missingNote(c.dropped));
  return res;
}
