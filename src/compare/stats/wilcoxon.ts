/**
 * Wilcoxon signed-rank test on paired differences: robust companion of the paired t-test
 * for small, skewed samples of within-patient change.
 *
 * Zeros are dropped (Wilcoxon's original convention, also R's default). V = sum of the ranks
 * of the positive differences (mid-ranks for ties). p is two-sided. By default it is exact
 * (enumeration of the 2^n sign patterns by dynamic programming) when n ≤ 50 and there are no
 * ties; otherwise the normal approximation, E V = n(n+1)/4, var V = n(n+1)(2n+1)/24 −
 * Σ(t³ − t)/48 (tie correction), with continuity correction ½ (Lehmann, Nonparametrics,
 * 1975, §3.2; the same choices as R's wilcox.test). `exact: false` forces the normal
 * approximation and `correct: false` drops the continuity correction (Hollander & Wolfe's
 * "large-sample approximation").
 *
 * Sources: Wilcoxon F. Individual comparisons by ranking methods. Biometrics Bull
 * 1945;1:80–83. Hollander M, Wolfe DA. Nonparametric Statistical Methods. Wiley 1973, §3.1
 * (worked example pp. 29–30, Hamilton depression scale, T+ = 40, in the tests together with
 * R's printed V = 40, p = 0.01953 exact and p = 0.01908 large-sample, both one-sided).
 */
import { completeValues, missingNote } from './descriptive.js';
import { normalSf } from './distributions.js';
import { averageRanks } from './ranks.js';

export interface WilcoxonResult {
  /** Non-zero differences used. */
  n: number;
  /** Zero differences dropped. */
  zeros: number;
  /** Sum of ranks of positive differences. */
  v: number | null;
  p: number | null;
  method: 'exact' | 'normal' | null;
  notes: string[];
}

export interface WilcoxonOptions {
  /** Exact p when possible (n ≤ 50, no ties; default true); false: always the normal approximation. */
  exact?: boolean;
  /** Continuity correction ½ in the normal approximation (default true). */
  correct?: boolean;
}

export function wilcoxonSignedRank(d: readonly number[], opts: WilcoxonOptions = {}): WilcoxonResult {
  const c = completeValues(d);
  const res = wilcoxonComplete(c.d, opts);
  res.notes.unshift(...missingNote(c.dropped));
  return res;
}

function wilcoxonComplete(d: readonly number[], opts: WilcoxonOptions): WilcoxonResult {
  const nz = d.filter((x) => x !== 0);
  const zeros = d.length - nz.length;
  const n = nz.length;
  if (n === 0) return { n, zeros, v: null, p: null, method: null, notes: [d.length === 0 ? 'no differences' : 'all differences are zero: no test'] };
  const { ranks, tieSizes } = averageRanks(nz.map(Math.abs));
  let v = 0;
  nz.forEach((x, i) => {
    if (x > 0) v += ranks[i]!;
  });
  const total = (n * (n + 1)) / 2;
  if (opts.exact !== false && tieSizes.length === 0 && n <= 50) {
    // counts[s] = number of sign patterns with positive-rank sum s (ranks 1..n, no ties).
    let counts = new Float64Array(total + 1);
    counts[0] = 1;
    for (let r = 1; r <= n; r++) {
      const next = new Float64Array(total + 1);
      for (let s = 0; s <= total; s++) {
        if (counts[s] === 0) continue;
        next[s]! += counts[s]!;
        next[s + r]! += counts[s]!;
      }
      counts = next;
    }
    const all = 2 ** n;
    let lower = 0; // P(V ≤ v)
    for (let s = 0; s <= v; s++) lower += counts[s]!;
    let upper = 0; // P(V ≥ v)
    for (let s = v; s <= total; s++) upper += counts[s]!;
    const p = Math.min(1, (2 * Math.min(lower, upper)) / all);
    return { n, zeros, v, p, method: 'exact', notes: [] };
  }
  const mu = total / 2;
  const tie = tieSizes.reduce((s, t) => s + t ** 3 - t, 0);
  const sigma = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tie / 48);
  if (sigma === 0) return { n, zeros, v, p: null, method: null, notes: ['zero variance of the statistic'] };
  const dev = v - mu;
  const cc = opts.correct === false ? 0 : Math.sign(dev) * 0.5; // as R's wilcox.test
  const z = (dev - cc) / sigma;
  const notes = n < 10 ? [`n = ${n}: the normal approximation is rough`] : [];
  return { n, zeros, v, p: Math.min(1, 2 * normalSf(Math.abs(z))), method: 'normal', notes };
}
