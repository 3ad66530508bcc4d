/**
 * Paired tests and the change analysis.
 * - Paired t: Student 1908 (Biometrika 6:1–25) sleep data, the extra hours of sleep of 10
 *   patients under two drugs; differences 1.2, 2.4, 1.3, 1.3, 0.0, 1.0, 1.8, 0.8, 4.6, 1.4.
 *   Mean 1.58; t = 4.0621 on 9 df, p = 0.002833, 95 % CI 0.700 to 2.460 (the values R's
 *   t.test(paired = TRUE) prints for this classic example; Student gives mean 1.58).
 * - Wilcoxon signed-rank on the same differences, worked by hand below (normal
 *   approximation with ties and continuity correction): p = 0.00909.
 * - Exact Wilcoxon: 5 positive differences → P(V = 15) = 1/32 → two-sided p = 0.0625.
 * (Hollander & Wolfe's 1973 example and R's printed p-values are in published.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { pairedChange, pairedT, wilcoxonSignedRank } from '../../src/compare/stats/index.js';

const SLEEP_DIFF = [1.2, 2.4, 1.3, 1.3, 0.0, 1.0, 1.8, 0.8, 4.6, 1.4];

describe('paired t-test, Student 1908 sleep data', () => {
  it('mean 1.58, t = 4.0621 (9 df), p = 0.002833, CI 0.700–2.460', () => {
    const r = pairedT(SLEEP_DIFF);
    expect(r.meanDiff!).toBeCloseTo(1.58, 12);
    expect(r.t!).toBeCloseTo(4.0621, 4);
    expect(r.df).toBe(9);
    expect(r.p!).toBeCloseTo(0.002833, 6);
    expect(r.ci![0]).toBeCloseTo(0.7001, 4);
    expect(r.ci![1]).toBeCloseTo(2.4599, 4);
  });
});

describe('Wilcoxon signed-rank', () => {
  it('sleep data by hand: zero dropped, n = 9, V = 45, tie correction, p = 0.00909', () => {
    // |d| sorted: 0.8 1.0 1.2 1.3 1.3 1.4 1.8 2.4 4.6 → ranks 1 2 3 4.5 4.5 6 7 8 9, all positive: V = 45.
    // E V = 9·10/4 = 22.5; var = 9·10·19/24 − (2³ − 2)/48 = 71.25 − 0.125 = 71.125.
    // z = (45 − 22.5 − 0.5)/√71.125 = 22/8.43357 = 2.60862 → p = 2(1 − Φ(2.60862)) = 0.009091.
    const r = wilcoxonSignedRank(SLEEP_DIFF);
    expect(r.n).toBe(9);
    expect(r.zeros).toBe(1);
    expect(r.v).toBe(45);
    expect(r.method).toBe('normal');
    expect(r.p!).toBeCloseTo(0.009091, 5);
  });

  it('exact: five positive differences, no ties → p = 2/32', () => {
    const r = wilcoxonSignedRank([0.5, 1, 2, 3, 4]);
    expect(r.method).toBe('exact');
    expect(r.v).toBe(15);
    expect(r.p).toBeCloseTo(0.0625, 12);
  });

  it('exact, mixed signs: d = (−1, 2, 3, −4, 5, 6) → V = 16, p = 20/64', () => {
    // Ranks 1..6 (rank sum 21); positive ranks 2, 3, 5, 6 → V = 16 > E V = 10.5.
    // By symmetry P(V ≥ 16) = P(V ≤ 21 − 16 = 5). Subsets of {1..6} with sum ≤ 5:
    // {} 1; {1} 1; {2} 1; {3},{1,2} 2; {4},{1,3} 2; {5},{1,4},{2,3} 3 → 10 of 64.
    // Two-sided p = 2 · 10/64 = 0.3125.
    const r = wilcoxonSignedRank([-1, 2, 3, -4, 5, 6]);
    expect(r.v).toBe(16);
    expect(r.p!).toBeCloseTo(20 / 64, 12);
  });
});

describe('paired change: engine Δ against manual Δ', () => {
  it('same direction, same conclusions when the engine tracks the changes', () => {
    const manual = [0.5, 0.8, 0.3, 0.9, 0.6, 0.4, 0.7, 1.0];
    const engine = manual.map((d, i) => d + (i % 2 === 0 ? 0.05 : -0.05));
    const r = pairedChange(engine, manual);
    expect(r.n).toBe(8);
    expect(r.sameDirection.fraction).toBe(1);
    expect(r.a.conclusionT).toBe('increase');
    expect(r.b.conclusionT).toBe('increase');
    expect(r.sameConclusionT).toBe(true);
    expect(r.agreement.bias!).toBeCloseTo(0, 12);
  });

  it('an engine that misses the change: different conclusions are reported', () => {
    const manual = [0.5, 0.8, 0.3, 0.9, 0.6, 0.4, 0.7, 1.0];
    const engine = [0.1, -0.2, 0.05, -0.1, 0.15, -0.05, 0.0, 0.02];
    const r = pairedChange(engine, manual);
    expect(r.b.conclusionT).toBe('increase');
    expect(r.a.conclusionT).toBe('no significant change');
    expect(r.sameConclusionT).toBe(false);
    expect(r.sameDirection.fraction!).toBeLessThan(1);
  });
});
