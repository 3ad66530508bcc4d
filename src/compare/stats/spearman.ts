/**
 * Spearman's rank correlation rho: Pearson's r of the mid-ranks (ties → average ranks), so
 * it stays correct with the many ties of 0–3 flow scores. With ties this equals Kendall &
 * Gibbons' tie-corrected formula ρ = (Σx² + Σy² − Σd²)/(2√(Σx²Σy²)), Σx² = (n³ − n)/12 −
 * Σ(t³ − t)/12; it is NOT the "correction factor" form 1 − 6(Σd² + Σ(t³ − t)/12)/(n³ − n) of
 * some textbooks, which keeps the untied variance in the denominator and comes out lower.
 * p-value from the t approximation t = ρ√((n − 2)/(1 − ρ²)) on n − 2 df (as SciPy's
 * spearmanr; R's cor.test and SciPy's permutation method give exact p for small n without
 * ties; adequate from n ≈ 10; for smaller n the notes say it is approximate); CI by Fisher z
 * with SE 1/√(n − 3).
 *
 * Sources: Spearman C. Am J Psychol 1904;15:72–101; Kendall & Gibbons, Rank Correlation
 * Methods, 5th ed. 1990, ch. 3 (ties by mid-ranks, §3.8) and §4 (t approximation).
 * Tests (test/compare/published.test.ts): SciPy's and Mathematica's reference examples with a
 * tie (ρ = 0.8207826816681233, SciPy p = 0.08858700531354405) and without (ρ = −29/165).
 */
import { completePairs, missingNote } from './descriptive.js';
import { averageRanks } from './ranks.js';
import { pearson, type CorrelationResult } from './pearson.js';

/** Spearman's ρ on the complete pairs (a pair with a missing value is left out before ranking, and noted). */
export function spearman(x: readonly number[], y: readonly number[], level = 0.95): CorrelationResult {
  if (x.length !== y.length) throw new RangeError('spearman: x and y must have the same length');
  const c = completePairs(x, y);
  const res = pearson(averageRanks(c.x).ranks, averageRanks(c.y).ranks, level);
  res.notes.unshift(...missingNote(c.dropped));
  if (res.r !== null && c.x.length < 10) res.notes.push(`n = ${c.x.length}: Spearman p-value from the t approximation is approximate`);
  return res;
}
