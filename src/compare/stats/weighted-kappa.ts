/**
 * Weighted kappa for two raters on ordered categories (quadrant MFI scores, per-vessel flow
 * classes 0–3), with the large-sample standard errors of Fleiss, Cohen & Everitt.
 *
 * κw = (po − pe) / (1 − pe), po = Σ w_ij p_ij, pe = Σ w_ij p_i. p_.j, agreement weights
 * w_ij ∈ [0, 1] with w_ii = 1. Linear weights w_ij = 1 − |i − j|/(c − 1) are the default
 * (Cicchetti & Allison 1971): a 3-vs-2 disagreement costs a third of a 3-vs-0 one.
 *
 * Sources:
 * - Cohen J. Weighted kappa: nominal scale agreement with provision for scaled disagreement
 *   or partial credit. Psychol Bull 1968;70:213–220 (definition).
 * - Fleiss JL, Cohen J, Everitt BS. Large sample standard errors of kappa and weighted
 *   kappa. Psychol Bull 1969;72:323–327 (variance for confidence intervals, κw ≠ 0:
 *   var = [Σ p_ij (w_ij − (w̄_i. + w̄_.j)(1 − κw))² − (κw − pe(1 − κw))²] / (n (1 − pe)²),
 *   w̄_i. = Σ_j p_.j w_ij, w̄_.j = Σ_i p_i. w_ij; and the null variance for the test of κw = 0:
 *   var0 = [Σ p_i. p_.j (w_ij − (w̄_i. + w̄_.j))² − pe²] / (n (1 − pe)²)).
 */
import { completePairs, missingNote, upperProbability } from './descriptive.js';
import { normalQuantile, normalSf } from './distributions.js';

export type KappaWeights = 'linear' | 'quadratic' | 'unweighted' | number[][];

export interface WeightedKappaResult {
  n: number;
  /** Number of categories. */
  categories: number;
  kappa: number | null;
  /** Standard error for the confidence interval (FCE 1969, non-null). */
  se: number | null;
  ci: [number, number] | null;
  /** Null-hypothesis SE and the z test of κw = 0. */
  se0: number | null;
  z: number | null;
  p: number | null;
  /** Observed and chance-expected weighted agreement. */
  po: number | null;
  pe: number | null;
  /** Share of exact agreement (unweighted). */
  exactAgreement: number | null;
  notes: string[];
}

/** Agreement weight matrix for c categories. */
export function kappaWeights(c: number, weights: KappaWeights): number[][] {
  if (Array.isArray(weights)) return weights;
  return Array.from({ length: c }, (_, i) =>
    Array.from({ length: c }, (_, j) => {
      if (weights === 'unweighted' || c === 1) return i === j ? 1 : 0;
      const d = Math.abs(i - j) / (c - 1);
      return weights === 'linear' ? 1 - d : 1 - d * d;
    }),
  );
}

/**
 * κw from a c × c table of counts or proportions (`table[i][j]`: rater A category i,
 * rater B category j). `n` is the number of rated items (defaults to the table's sum).
 */
export function weightedKappaFromTable(table: readonly (readonly number[])[], opts: { weights?: KappaWeights; n?: number; level?: number } = {}): WeightedKappaResult {
  const c = table.length;
  const total = table.reduce((s, row) => s + row.reduce((t, x) => t + x, 0), 0);
  const n = opts.n ?? total;
  const none: WeightedKappaResult = { n, categories: c, kappa: null, se: null, ci: null, se0: null, z: null, p: null, po: null, pe: null, exactAgreement: null, notes: [] };
  if (total <= 0 || n <= 0) return { ...none, notes: ['no pairs'] };
  const w = kappaWeights(c, opts.weights ?? 'linear');
  const p = table.map((row) => row.map((x) => x / total));
  const pr = p.map((row) => row.reduce((s, x) => s + x, 0));
  const pc = Array.from({ length: c }, (_, j) => p.reduce((s, row) => s + row[j]!, 0));
  let po = 0;
  let pe = 0;
  let exact = 0;
  for (let i = 0; i < c; i++) {
    exact += p[i]![i]!;
    for (let j = 0; j < c; j++) {
      po += w[i]![j]! * p[i]![j]!;
      pe += w[i]![j]! * pr[i]! * pc[j]!;
    }
  }
  if (1 - pe <= 1e-12) {
    return { ...none, po, pe, exactAgreement: exact, notes: ['all pairs fall where chance agreement is already complete (one category for both raters): kappa undefined'] };
  }
  const kappa = (po - pe) / (1 - pe);
  const wRow = Array.from({ length: c }, (_, i) => w[i]!.reduce((s, wij, j) => s + pc[j]! * wij, 0)); // w̄_i.
  const wCol = Array.from({ length: c }, (_, j) => w.reduce((s, row, i) => s + pr[i]! * row[j]!, 0)); // w̄_.j
  let a = 0;
  let a0 = 0;
  for (let i = 0; i < c; i++) {
    for (let j = 0; j < c; j++) {
      a += p[i]![j]! * (w[i]![j]! - (wRow[i]! + wCol[j]!) * (1 - kappa)) ** 2;
      a0 += pr[i]! * pc[j]! * (w[i]![j]! - (wRow[i]! + wCol[j]!)) ** 2;
    }
  }
  const denom = n * (1 - pe) ** 2;
  const variance = Math.max(0, (a - (kappa - pe * (1 - kappa)) ** 2) / denom);
  const variance0 = Math.max(0, (a0 - pe * pe) / denom);
  const se = Math.sqrt(variance);
  const se0 = Math.sqrt(variance0);
  const h = normalQuantile(upperProbability(opts.level ?? 0.95)) * se;
  const notes: string[] = [];
  const z = se0 > 0 ? kappa / se0 : null;
  if (z === null) notes.push('null SE is zero: no test of kappa = 0');
  if (n < 30) notes.push(`n = ${n}: the large-sample kappa SE is approximate`);
  return {
    n,
    categories: c,
    kappa,
    se,
    ci: [Math.max(-1, kappa - h), Math.min(1, kappa + h)],
    se0,
    z,
    p: z === null ? null : 2 * normalSf(Math.abs(z)),
    po,
    pe,
    exactAgreement: exact,
    notes,
  };
}

/**
 * κw from paired integer scores in `categories` (e.g. [0, 1, 2, 3]); scores outside the
 * list are a caller error (the readers check ranges first).
 */
export function weightedKappa(a: readonly number[], b: readonly number[], opts: { categories?: readonly number[]; weights?: KappaWeights; level?: number } = {}): WeightedKappaResult {
  if (a.length !== b.length) throw new RangeError('weightedKappa: a and b must have the same length');
  // A pair with a missing score (NaN, ±∞) is left out and noted; other off-scale scores are errors.
  const c = completePairs(a, b);
  a = c.x;
  b = c.y;
  const cats = opts.categories ?? [0, 1, 2, 3];
  const index = new Map(cats.map((v, i) => [v, i]));
  const table = cats.map(() => cats.map(() => 0));
  for (let i = 0; i < a.length; i++) {
    const ia = index.get(a[i]!);
    const ib = index.get(b[i]!);
    if (ia === undefined || ib === undefined) throw new RangeError(`weightedKappa: score ${ia === undefined ? a[i] : b[i]} is not one of ${cats.join(', ')}`);
    table[ia]![ib]! += 1;
  }
  const res = weightedKappaFromTable(table, { ...(opts.weights !== undefined ? { weights: opts.weights } : {}), ...(opts.level !== undefined ? { level: opts.level } : {}) });
  res.notes.unshift(...missingNote(c.dropped));
  return res;
}
