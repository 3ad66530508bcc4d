/**
 * Lin's CCC, Spearman's ρ with ties and the Wilcoxon signed-rank test of the change
 * analysis, each against published data and the numbers printed for them. Method variants
 * (tie corrections, continuity correction, exact vs normal) are pinned down where a source
 * prints a different number, and the choice is written next to the assertion
 * (docs/compare.md §6 lists them).
 *
 * Sources (all printed numbers quoted as printed):
 * - Wilcoxon signed-rank:
 *   · Hollander M, Wolfe DA. Nonparametric Statistical Methods. Wiley 1973, pp. 29–30
 *     (§3.1, Example: Hamilton depression scale factor IV, 9 patients, first (x) and second
 *     (y) visit after a tranquilizer; T+ = 40). The decimals are R's printed output for this
 *     example (R Core Team, ?wilcox.test, "Hollander & Wolfe (1973), 29f."):
 *     wilcox.test(x, y, paired = TRUE, alternative = "greater") → V = 40, p-value = 0.01953
 *     (exact); with exact = FALSE, correct = FALSE ("H&W large sample approximation")
 *     → p-value = 0.01908.
 *   · Student. The probable error of a mean. Biometrika 1908;6:1–25, the sleep data of
 *     Cushny & Peebles (R's `sleep`): wilcox.test(extra ~ group, data = sleep, paired = TRUE)
 *     prints "Wilcoxon signed rank test with continuity correction, V = 0, p-value = 0.009091"
 *     (one zero difference, ties: normal approximation with tie and continuity corrections).
 * - Spearman with ties:
 *   · SciPy reference, scipy.stats.spearmanr / spearmanrho, Examples: x = [1, 2, 3, 4, 5],
 *     y = [5, 6, 7, 8, 7] (y tied at 7) → statistic 0.8207826816681233, pvalue
 *     0.08858700531354405 (t approximation); with method=PermutationMethod() → 0.1333…
 *   · Wolfram Mathematica reference, SpearmanRho, "vectors with repeated items": the same
 *     data → 0.8207826816681233; and without ties x = {106, 100, 86, 101, 99, 103, 97, 113,
 *     112, 110}, y = {7, 27, 2, 50, 28, 29, 20, 12, 6, 17} → −29/165 (also the worked
 *     example of Wikipedia's "Spearman's rank correlation coefficient", Σd² = 194).
 *   · Tie handling: Kendall MG, Gibbons JD. Rank Correlation Methods, 5th ed., Arnold 1990,
 *     §3.8: ρ = (Σx² + Σy² − Σd²) / (2√(Σx² Σy²)) with Σx² = (n³ − n)/12 − Σ(t³ − t)/12
 *     (= Pearson's r of the mid-ranks). Many economics/business textbooks instead print
 *     ρ = 1 − 6(Σd² + Σ(t³ − t)/12)/(n³ − n) ("correction factor" for repeated ranks), which
 *     differs when there are ties (it divides by the untied variance); see the last test.
 * - Lin's CCC: Lin LI-K. Biometrics 1989;45:255–268 and the correction, Biometrics
 *   2000;56:324–325. No printed CCC with its interval could be reproduced from a source at
 *   hand (Lin's own examples do not print their data; epiR's epi.ccc documentation runs
 *   Bland & Altman's PEFR data but prints no result). So: (1) the PEFR data of Bland &
 *   Altman, Lancet 1986;i:307–310, Table 1 (the data epiR's example uses) checked against
 *   the printed r = 0.94 and mean difference −2.1 l/min through ρc = r·C_b, with our ρc and
 *   interval recorded; (2) the corrected variance checked by simulation: the empirical
 *   variance of atanh(ρ̂c) over 4000 seeded bivariate-normal samples must match Lin's
 *   asymptotic variance, and the 95 % interval must cover the true ρc about 95 % of the
 *   time.
 */
import { describe, expect, it } from 'vitest';
import { averageRanks, lin, pearson, spearman, wilcoxonSignedRank } from '../../src/compare/stats/index.js';
import { mulberry32, normals } from './helpers.js';

describe('Wilcoxon signed-rank: Hollander & Wolfe 1973, pp. 29–30 (Hamilton depression scale)', () => {
  const x = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
  const y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];
  const d = x.map((v, i) => v - y[i]!);

  it('exact: T+ = V = 40; one-sided p printed 0.01953 → our two-sided p = 2 × 10/512', () => {
    // d = x − y: 0.952, −0.147, 1.022, 0.43, 0.62, 0.59, 0.49, −0.08, 0.01. Ranks of |d|:
    // 0.01→1, 0.08→2, 0.147→3, 0.43→4, 0.49→5, 0.59→6, 0.62→7, 0.952→8, 1.022→9.
    // Negative: −0.147 (3), −0.08 (2) → T− = 5, T+ = 45 − 5 = 40.
    // P(T+ ≥ 40) = P(T+ ≤ 5) = #{subsets of 1..9 with sum ≤ 5} / 2⁹ = 10/512 = 0.01953125.
    const r = wilcoxonSignedRank(d);
    expect(r.method).toBe('exact');
    expect(r.v).toBe(40);
    expect(r.p! / 2).toBeCloseTo(0.01953, 5); // printed (one-sided)
    expect(r.p!).toBeCloseTo(20 / 512, 15);
  });

  it('large-sample approximation without continuity correction: printed one-sided 0.01908', () => {
    // z = (40 − 22.5)/√(9·10·19/24) = 17.5/√71.25 = 2.0732 → one-sided 0.019077.
    const r = wilcoxonSignedRank(d, { exact: false, correct: false });
    expect(r.method).toBe('normal');
    expect(r.p! / 2).toBeCloseTo(0.01908, 5);
    // Our default normal approximation keeps R's continuity correction ½: z = 17/√71.25.
    const cc = wilcoxonSignedRank(d, { exact: false });
    expect(cc.p!).toBeCloseTo(0.044011, 5);
  });
});

describe('Wilcoxon signed-rank with ties and a zero: Student 1908 sleep data', () => {
  it('V = 0, p-value = 0.009091 (normal approximation, tie and continuity corrections), as R prints', () => {
    const drug1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
    const drug2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
    const r = wilcoxonSignedRank(drug1.map((v, i) => v - drug2[i]!));
    expect(r.zeros).toBe(1);
    expect(r.n).toBe(9);
    expect(r.v).toBe(0);
    expect(r.method).toBe('normal');
    expect(r.p!).toBeCloseTo(0.009091, 6);
  });
});

describe("Spearman's ρ with ties: SciPy and Mathematica reference examples", () => {
  it('x = 1..5, y = (5, 6, 7, 8, 7): ρ = 0.8207826816681233, p = 0.08858700531354405 (t approximation)', () => {
    // Mid-ranks of y: 1, 2, 3.5, 5, 3.5 → Pearson of (1..5) and those ranks:
    // Σdx·dy = 8, Σdx² = 10, Σdy² = 9.5 → ρ = 8/√95 = 0.82078268…
    const r = spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]);
    expect(r.r!).toBeCloseTo(0.8207826816681233, 14);
    expect(r.r!).toBeCloseTo(8 / Math.sqrt(95), 14);
    expect(r.p!).toBeCloseTo(0.08858700531354405, 12);
    // SciPy's exact (permutation) p is 0.1333: ours is the t approximation, and says so under n = 10.
    expect(r.notes.some((n) => /approximate/.test(n))).toBe(true);
  });

  it('without ties (Mathematica, Wikipedia): IQ vs hours of TV → ρ = −29/165', () => {
    const r = spearman([106, 100, 86, 101, 99, 103, 97, 113, 112, 110], [7, 27, 2, 50, 28, 29, 20, 12, 6, 17]);
    expect(r.r!).toBeCloseTo(-29 / 165, 14);
  });

  it("ties: ours = Kendall & Gibbons' tie-corrected formula = Pearson of mid-ranks; the textbook 'correction factor' variant differs", () => {
    // X = 48 33 40 9 16 16 65 24 16 57, Y = 13 13 24 6 15 4 20 9 6 19 (a classic exercise:
    // X has 16 three times, Y has 13 and 6 twice). Σd² = 41 (mid-ranks).
    const X = [48, 33, 40, 9, 16, 16, 65, 24, 16, 57];
    const Y = [13, 13, 24, 6, 15, 4, 20, 9, 6, 19];
    const rx = averageRanks(X);
    const ry = averageRanks(Y);
    const d2 = rx.ranks.reduce((s, r, i) => s + (r - ry.ranks[i]!) ** 2, 0);
    expect(d2).toBe(41);
    const n = 10;
    const T = (sizes: number[]) => sizes.reduce((s, t) => s + (t ** 3 - t) / 12, 0);
    const sx = (n ** 3 - n) / 12 - T(rx.tieSizes); // 82.5 − 2 = 80.5
    const sy = (n ** 3 - n) / 12 - T(ry.tieSizes); // 82.5 − 1 = 81.5
    const kendallGibbons = (sx + sy - d2) / (2 * Math.sqrt(sx * sy));
    const r = spearman(X, Y);
    expect(r.r!).toBeCloseTo(kendallGibbons, 14);
    expect(r.r!).toBeCloseTo(pearson(rx.ranks, ry.ranks).r!, 14);
    expect(r.r!).toBeCloseTo(0.746928, 6);
    // "Correction factor" form: 1 − 6(41 + 2 + ½ + ½)/990 = 0.7333 — lower, because it keeps
    // the untied variance (n³ − n)/12 in the denominator. We follow Kendall & Gibbons.
    const correctionFactor = 1 - (6 * (d2 + T(rx.tieSizes) + T(ry.tieSizes))) / (n ** 3 - n);
    expect(correctionFactor).toBeCloseTo(0.733333, 6);
    expect(r.r! - correctionFactor).toBeGreaterThan(0.01);
  });
});

describe("Lin's concordance correlation coefficient", () => {
  // Bland & Altman 1986, Table 1: PEFR (l/min), first Wright and first mini-Wright readings.
  const wright = [494, 395, 516, 434, 476, 557, 413, 442, 650, 433, 417, 656, 267, 478, 178, 423, 427];
  const mini = [512, 430, 520, 428, 500, 600, 364, 380, 658, 445, 432, 626, 260, 477, 259, 350, 451];

  it('PEFR data: ρc = r·C_b with the printed r = 0.94 and mean difference −2.1; ρc = 0.9427 [0.8505, 0.9787]', () => {
    const r = lin(wright, mini);
    expect(r.r!).toBeCloseTo(0.94, 2); // printed r = 0.94
    expect(r.ccc!).toBeCloseTo(r.r! * r.cb!, 14);
    // C_b = 2/(v + 1/v + u²), v = s_x/s_y, u = (x̄ − ȳ)/√(s_x s_y) (Lin 1989 p. 258), with the
    // printed mean difference x̄ − ȳ = −2.1 (−2.12 unrounded).
    const n = wright.length;
    const mx = wright.reduce((s, v) => s + v, 0) / n;
    const my = mini.reduce((s, v) => s + v, 0) / n;
    expect(mx - my).toBeCloseTo(-2.1, 1);
    const sx = Math.sqrt(wright.reduce((s, v) => s + (v - mx) ** 2, 0) / n);
    const sy = Math.sqrt(mini.reduce((s, v) => s + (v - my) ** 2, 0) / n);
    const v = sx / sy;
    const u = (mx - my) / Math.sqrt(sx * sy);
    expect(r.cb!).toBeCloseTo(2 / (v + 1 / v + u * u), 14);
    // Recorded values (ours; epiR::epi.ccc(x, y)$rho.c implements the same variance).
    expect(r.ccc!).toBeCloseTo(0.942742, 6);
    expect(r.ci![0]).toBeCloseTo(0.850492, 6);
    expect(r.ci![1]).toBeCloseTo(0.978726, 6);
    // Symmetric in the two methods.
    const s = lin(mini, wright);
    expect(s.ccc!).toBeCloseTo(r.ccc!, 14);
    expect(s.ci![0]).toBeCloseTo(r.ci![0], 14);
  });

  it("Lin's corrected (2000) variance of atanh ρ̂c matches a simulation, and the 95 % interval covers ≈ 95 %", () => {
    // Population: x ~ N(0.5, 1), y = 0.8·z1 + 0.6·z2 (σ = 1, ρ = 0.8): ρc = 2·0.8/(1 + 1 + 0.5²) = 0.7111.
    // The location shift makes the u² and u⁴ terms of the variance matter (u² = 0.25).
    const z = normals(mulberry32(2000));
    const n = 50;
    const reps = 4000;
    const truth = (2 * 0.8) / (2 + 0.25);
    const zs: number[] = [];
    let cover = 0;
    let formulaVar = 0;
    for (let k = 0; k < reps; k++) {
      const x: number[] = [];
      const y: number[] = [];
      for (let i = 0; i < n; i++) {
        const a = z();
        const b = z();
        x.push(a + 0.5);
        y.push(0.8 * a + 0.6 * b);
      }
      const r = lin(x, y);
      zs.push(Math.atanh(r.ccc!));
      if (r.ci![0] <= truth && truth <= r.ci![1]) cover++;
      const h = (Math.atanh(r.ci![1]) - Math.atanh(r.ci![0])) / 2 / 1.959963984540054;
      formulaVar += (h * h) / reps;
    }
    const m = zs.reduce((s, v) => s + v, 0) / reps;
    const empirical = zs.reduce((s, v) => s + (v - m) ** 2, 0) / (reps - 1);
    // The variance estimate from 4000 replicates has a relative SE of √(2/4000) = 2.2 %.
    expect(formulaVar / empirical).toBeGreaterThan(0.92);
    expect(formulaVar / empirical).toBeLessThan(1.08);
    expect(cover / reps).toBeGreaterThan(0.93);
    expect(cover / reps).toBeLessThan(0.965);
  });
});
