/**
 * Agreement on CHANGE between two time points: does the engine see the within-patient
 * changes that the manual reference sees? (AVA 4 lost trust by missing them: Guay et al.,
 * 2021.) Given per-patient changes Δa (method a) and Δb (method b):
 * - agreement of the changes: Bland–Altman on Δa − Δb, Lin's CCC and Pearson r of Δa vs Δb;
 * - direction: share of patients whose changes have the same sign (|Δ| ≤ tolerance counts
 *   as "no change", its own direction);
 * - for each method separately, a paired t-test and a Wilcoxon signed-rank test of "no
 *   change", the conclusion each draws (increase / decrease / no significant change at
 *   `alpha`), and whether both methods reach the same conclusion.
 *
 * Sources: Bland & Altman 1999 §5 (agreement of changes is agreement of differences); the
 * component tests cite their own sources (paired-t.ts, wilcoxon.ts, ccc.ts, pearson.ts).
 */
import { blandAltman, type BlandAltmanResult } from './bland-altman.js';
import { completePairs } from './descriptive.js';
import { lin, type CccResult } from './ccc.js';
import { pairedT, type PairedTResult } from './paired-t.js';
import { pearson, type CorrelationResult } from './pearson.js';
import { wilcoxonSignedRank, type WilcoxonResult } from './wilcoxon.js';

export type ChangeConclusion = 'increase' | 'decrease' | 'no significant change';

export interface MethodChange {
  t: PairedTResult;
  wilcoxon: WilcoxonResult;
  /** Conclusion of the paired t-test at alpha (null when the test is undefined). */
  conclusionT: ChangeConclusion | null;
  /** Conclusion of the Wilcoxon test at alpha. */
  conclusionWilcoxon: ChangeConclusion | null;
}

export interface PairedChangeResult {
  /** Patients with a change from both methods. */
  n: number;
  /** Agreement of the changes: a − b. */
  agreement: BlandAltmanResult;
  ccc: CccResult;
  pearson: CorrelationResult;
  sameDirection: { agree: number; n: number; fraction: number | null };
  a: MethodChange;
  b: MethodChange;
  /** Both methods draw the same conclusion (paired t / Wilcoxon); null when either is undefined. */
  sameConclusionT: boolean | null;
  sameConclusionWilcoxon: boolean | null;
}

export interface PairedChangeOptions {
  alpha?: number;
  level?: number;
  /** |Δ| at or below this counts as no change when comparing directions (default 0). */
  tolerance?: number;
}

function conclude(p: number | null, meanOrV: number | null, alpha: number, positive: boolean): ChangeConclusion | null {
  if (p === null || meanOrV === null) return null;
  if (p >= alpha) return 'no significant change';
  return positive ? 'increase' : 'decrease';
}

function methodChange(d: readonly number[], alpha: number, level: number): MethodChange {
  const t = pairedT(d, level);
  const w = wilcoxonSignedRank(d);
  const wPositive = w.v !== null && w.v > (w.n * (w.n + 1)) / 4;
  return {
    t,
    wilcoxon: w,
    conclusionT: conclude(t.p, t.meanDiff, alpha, (t.meanDiff ?? 0) > 0),
    conclusionWilcoxon: conclude(w.p, w.v, alpha, wPositive),
  };
}

export function pairedChange(deltaA: readonly number[], deltaB: readonly number[], opts: PairedChangeOptions = {}): PairedChangeResult {
  if (deltaA.length !== deltaB.length) throw new RangeError('pairedChange: the two change vectors must have the same length');
  // A patient with a missing change on either side is left out of every part of the analysis.
  ({ x: deltaA, y: deltaB } = completePairs(deltaA, deltaB));
  const alpha = opts.alpha ?? 0.05;
  const level = opts.level ?? 0.95;
  const tol = opts.tolerance ?? 0;
  const dir = (x: number) => (Math.abs(x) <= tol ? 0 : Math.sign(x));
  let agree = 0;
  for (let i = 0; i < deltaA.length; i++) if (dir(deltaA[i]!) === dir(deltaB[i]!)) agree++;
  const n = deltaA.length;
  const a = methodChange(deltaA, alpha, level);
  const b = methodChange(deltaB, alpha, level);
  const same = (x: ChangeConclusion | null, y: ChangeConclusion | null) => (x === null || y === null ? null : x === y);
  return {
    n,
    agreement: blandAltman(deltaA, deltaB, { level }),
    ccc: lin(deltaA, deltaB, level),
    pearson: pearson(deltaA, deltaB, level),
    sameDirection: { agree, n, fraction: n > 0 ? agree / n : null },
    a,
    b,
    sameConclusionT: same(a.conclusionT, b.conclusionT),
    sameConclusionWilcoxon: same(a.conclusionWilcoxon, b.conclusionWilcoxon),
  };
}
