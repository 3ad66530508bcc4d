/**
 * Lin's concordance correlation coefficient ρc = 2 s_xy / (s_x² + s_y² + (x̄ − ȳ)²) with the
 * variances and covariance taken with divisor n, as Lin defines them, and a confidence
 * interval on Fisher's z = atanh ρc.
 *
 * Sources: Lin LI-K. A concordance correlation coefficient to evaluate reproducibility.
 * Biometrics 1989;45:255–268 (definition; asymptotic variance of z, eq. for σ²_Z with
 * u = (x̄ − ȳ)/(s_x s_y)^{1/2}); Lin LI-K. A note on the concordance correlation coefficient.
 * Biometrics 2000;56:324–325 (correction of that variance). The variance used is
 *   var(ρ̂c) = [ (1−r²)ρc²(1−ρc²)/r² + 2ρc³(1−ρc)u²/r − ρc⁴u⁴/(2r²) ] / (n − 2),
 *   var(ẑ)  = var(ρ̂c) / (1 − ρc²)²,
 * the same expression as in the R packages epiR (epi.ccc, ci = "z-transform", the default) and
 * DescTools (CCC), and in Stata's concord (Steichen & Cox, Stata J 2002;2:183–189, which
 * reports the effect of the errors Lin corrected in 2000).
 *
 * Variants not used: the untransformed "asymptotic" interval ρc ± z·SE (epiR option; it can
 * leave [−1, 1]); the n − 1 divisor (Nickerson 1997; yardstick's ccc(bias = FALSE)), which
 * gives a slightly larger ρc at small n. Lin's divisor n is kept, as in epiR and DescTools.
 *
 * Tests (test/compare/published.test.ts): Bland & Altman's 1986 PEFR data (printed r = 0.94
 * and mean difference −2.1 reproduced through ρc = r·C_b); the corrected variance checked
 * against the empirical variance of atanh ρ̂c in 4000 simulated samples (and 95 % coverage).
 */
import { isConstant, mean, sumCrossProducts, sumSquares, upperProbability, completePairs, missingNote } from './descriptive.js';
import { normalQuantile } from './distributions.js';

export interface CccResult {
  n: number;
  ccc: number | null;
  ci: [number, number] | null;
  /** Pearson r (precision) and bias correction factor C_b = ρc / r (accuracy). */
  r: number | null;
  cb: number | null;
  notes: string[];
}

function linComplete(x: readonly number[], y: readonly number[], level: number): CccResult {
  const n = x.length;
  const none = { n, ccc: null, ci: null, r: null, cb: null };
  if (n < 2) return { ...none, notes: [`${n} pair(s): CCC needs at least 2`] };
  const mx = mean(x);
  const my = mean(y);
  const sxx = sumSquares(x) / n;
  const syy = sumSquares(y) / n;
  const sxy = sumCrossProducts(x, y) / n;
  const constX = isConstant(x);
  const constY = isConstant(y);
  const den = (constX ? 0 : sxx) + (constY ? 0 : syy) + (mx - my) ** 2;
  if (den <= 1e-300 || (constX && constY && Math.abs(mx - my) <= 1e-12 * Math.max(1, Math.abs(mx)))) {
    return { ...none, notes: ['both columns constant and equal: CCC undefined (0/0)'] };
  }
  const ccc = constX || constY ? 0 : (2 * sxy) / den;
  if (constX || constY) return { n, ccc, ci: null, r: null, cb: null, notes: ['a constant column: correlation and CCC interval undefined'] };
  const r = sxy / Math.sqrt(sxx * syy);
  const cb = r !== 0 ? ccc / r : null;
  const notes: string[] = [];
  let ci: [number, number] | null = null;
  if (ccc >= 1 - 1e-15) ci = [1, 1];
  else if (n < 3) notes.push('2 pairs: CCC interval needs n ≥ 3');
  else if (Math.abs(r) < 1e-12) notes.push('r = 0: the CCC variance formula is undefined');
  else {
    const u = (mx - my) / Math.sqrt(Math.sqrt(sxx * syy));
    const p = ccc;
    const varP =
      ((1 - r * r) * p * p * (1 - p * p)) / (r * r) + (2 * p ** 3 * (1 - p) * u * u) / r - (p ** 4 * u ** 4) / (2 * r * r);
    const varZ = varP / (n - 2) / (1 - p * p) ** 2;
    if (varZ > 0 && Number.isFinite(varZ)) {
      const h = normalQuantile(upperProbability(level)) * Math.sqrt(varZ);
      const z = Math.atanh(p);
      ci = [Math.tanh(z - h), Math.tanh(z + h)];
    } else notes.push('CCC variance not positive: interval undefined');
  }
  return { n, ccc, ci, r, cb, notes };
}

/** Lin's CCC on the complete pairs (a pair with a missing value is left out and noted). */
export function lin(x: readonly number[], y: readonly number[], level = 0.95): CccResult {
  if (x.length !== y.length) throw new RangeError('lin: x and y must have the same length');
  const c = completePairs(x, y);
  const res = linComplete(c.x, c.y, level);
  res.notes.unshift(...missingNote(c.dropped));
  return res;
}
