/**
 * Lin's CCC, Pearson and Spearman.
 * - Lin's CCC: a hand-worked case, every step written out below, using the variance of Lin
 *   1989 as corrected in Lin 2000 (published data and a simulation check of that variance are
 *   in published.test.ts).
 * - Pearson r on the PEFR data: 0.94 as Bland & Altman 1986 report (in bland-altman.test.ts);
 *   here the t-test and Fisher-z interval are checked against the formulas by hand.
 * - Spearman with ties: hand-worked mid-ranks (SciPy's and Mathematica's printed examples are in
 *   published.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { lin, pearson, spearman, averageRanks } from '../../src/compare/stats/index.js';

describe("Lin's concordance correlation coefficient", () => {
  it('hand-worked: y = x + 1 on x = 1..5 → ρc = 0.8 and its Fisher-z interval', () => {
    // x̄ = 3, ȳ = 4; with divisor n: s_x² = s_y² = s_xy = 2; (x̄ − ȳ)² = 1.
    // ρc = 2·2 / (2 + 2 + 1) = 0.8; r = 1; C_b = 0.8.
    // u = (x̄ − ȳ)/(s_x² s_y²)^{1/4} = −1/√2 → u² = 0.5, u⁴ = 0.25.
    // var(ρc) = [ (1 − r²)… = 0  + 2·0.8³·0.2·0.5/1 − 0.8⁴·0.25/2 ] / (n − 2)
    //         = (0.1024 − 0.0512)/3 = 0.0170667
    // var(z)  = 0.0170667 / (1 − 0.64)² = 0.0170667 / 0.1296 = 0.1316872 → SE 0.3628873
    // z = atanh 0.8 = 1.0986123; ± 1.9599640 × 0.3628873 = ± 0.7112460
    // interval tanh(0.3873663) = 0.369087 to tanh(1.8098583) = 0.947817.
    const r = lin([1, 2, 3, 4, 5], [2, 3, 4, 5, 6]);
    expect(r.ccc!).toBeCloseTo(0.8, 12);
    expect(r.r!).toBeCloseTo(1, 12);
    expect(r.cb!).toBeCloseTo(0.8, 12);
    expect(r.ci![0]).toBeCloseTo(0.369087, 5);
    expect(r.ci![1]).toBeCloseTo(0.947817, 5);
  });

  it('identical measurements: ρc = 1 with interval [1, 1]', () => {
    const r = lin([1, 2, 4, 8], [1, 2, 4, 8]);
    expect(r.ccc).toBe(1);
    expect(r.ci).toEqual([1, 1]);
  });

  it('ρc ≤ |r|, with equality only without location or scale shift', () => {
    const x = [3.1, 4.7, 2.2, 8.4, 5.5, 6.1];
    const y = x.map((v) => 1.3 * v + 0.4);
    const r = lin(x, y);
    expect(r.ccc!).toBeLessThan(r.r!);
  });
});

describe('Pearson', () => {
  it('hand-worked: x = 1..5, y = (2, 4, 5, 4, 5) → r = 6/√(10·6)', () => {
    // x̄ = 3, ȳ = 4. Sxx = 10, Syy = (−2)² + 0² + 1² + 0² + 1² = 6;
    // Sxy = (−2)(−2) + (−1)(0) + 0 + (1)(0) + (2)(1) = 6 → r = 6/√60 = 0.7745967.
    // t = r √(3/(1 − r²)) = 0.7745967 × √(3/0.4) = 2.1213203 on 3 df.
    const res = pearson([1, 2, 3, 4, 5], [2, 4, 5, 4, 5]);
    expect(res.r!).toBeCloseTo(6 / Math.sqrt(60), 12);
    // p: 2·P(T3 > 2.1213) = 0.1240 (t-table t0.95(3) = 2.353 > 2.121 > t0.90(3) = 1.638).
    expect(res.p!).toBeCloseTo(0.124, 3);
    // Fisher z: atanh(0.7746) = 1.0317; SE 1/√2; ±1.386 → tanh(−0.3542) = −0.340, tanh(2.4176) = 0.984.
    expect(res.ci![0]).toBeCloseTo(-0.340, 2);
    expect(res.ci![1]).toBeCloseTo(0.984, 3);
  });

  it('a constant column: r null with the reason, no NaN', () => {
    const res = pearson([1, 2, 3], [5, 5, 5]);
    expect(res.r).toBeNull();
    expect(res.p).toBeNull();
    expect(res.notes[0]).toMatch(/constant/);
  });
});

describe('Spearman (ties → average ranks)', () => {
  it('mid-ranks', () => {
    expect(averageRanks([10, 20, 20, 30, 5]).ranks).toEqual([2, 3.5, 3.5, 5, 1]);
    expect(averageRanks([10, 20, 20, 30, 5]).tieSizes).toEqual([2]);
  });

  it('hand-worked with ties: ρ = 7.25/9.5', () => {
    // x = 1,2,2,3,4 → ranks 1, 2.5, 2.5, 4, 5; y = 2,1,3,3,5 → ranks 2, 1, 3.5, 3.5, 5.
    // Deviations from 3: dx = −2, −.5, −.5, 1, 2; dy = −1, −2, .5, .5, 2.
    // Σdx·dy = 2 + 1 − .25 + .5 + 4 = 7.25; Σdx² = Σdy² = 9.5 → ρ = 0.7631579.
    const r = spearman([1, 2, 2, 3, 4], [2, 1, 3, 3, 5]);
    expect(r.r!).toBeCloseTo(7.25 / 9.5, 12);
    expect(r.notes.some((n) => /approximate/.test(n))).toBe(true);
  });

  it('monotone but non-linear: ρ = 1 while r < 1', () => {
    const x = [1, 2, 3, 4, 5, 6];
    const y = x.map((v) => v ** 3);
    expect(spearman(x, y).r!).toBeCloseTo(1, 12);
    expect(pearson(x, y).r!).toBeLessThan(0.99);
  });
});
