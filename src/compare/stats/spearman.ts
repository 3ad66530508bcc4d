/**
 * Spearman's rank correlation rho: Pearson's r of the mid-ranks (ties → average ranks), so
 * it stays correct with the many ties of 0–3 flow scores. p-value from the t approximation
 * t = ρ√((n − 2)/(1 − ρ²)) on n − 2 df (adequate from n ≈ 10; for smaller n it is
 * approximate, which the notes say); CI by Fisher z with SE 1/√(n − 3).
 *
 * Sources: Spearman C. Am J Psychol 1904;15:72–101; Kendall & Gibbons, Rank Correlation
 * Methods, 5th ed. 1990, ch. 3 (ties by mid-ranks) and §4 (t approximation).
 */
import { averageRanks } from './ranks.js';
import { pearson, type CorrelationResult } from './pearson.js';

export function spearman(x: readonly number[], y: readonly number[], level = 0.95): CorrelationResult {
  const res = pearson(averageRanks(x).ranks, averageRanks(y).ranks, level);
  if (res.r !== null && x.length < 10) res.notes.push(`n = ${x.length}: Spearman p-value from the t approximation is approximate`);
  return res;
}
