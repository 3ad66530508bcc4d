/**
 * Bland–Altman against the paper's own worked example.
 * Source: Bland JM, Altman DG. Lancet 1986;i:307–310, Table 1: peak expiratory flow rate
 * (l/min) of 17 subjects by the Wright peak flow meter and the mini Wright meter (first
 * reading of each). The paper reports: mean difference (Wright − mini) −2.1, SD of the
 * differences 38.8; limits d̄ ± 2s = −79.7 to 75.5 (1986 used 2 SD); SE of d̄ = 9.4, 95 % CI
 * of the bias −22.0 to 17.8 (t16 = 2.12); SE of each limit ≈ √(3s²/n) = 16.3, 95 % CIs
 * −114.3 to −45.1 (lower) and 40.9 to 110.1 (upper); correlation r = 0.94.
 * With the 1999 multiplier 1.96 the limits are −78.1 to 73.9 ("−78 to 74").
 */
import { describe, expect, it } from 'vitest';
import { blandAltman, pearson, proportionalBias } from '../../src/compare/stats/index.js';

export const WRIGHT = [494, 395, 516, 434, 476, 557, 413, 442, 650, 433, 417, 656, 267, 478, 178, 423, 427];
export const MINI_WRIGHT = [512, 430, 520, 428, 500, 600, 364, 380, 658, 445, 432, 626, 260, 477, 259, 350, 451];

describe('Bland–Altman, PEFR data (Bland & Altman 1986, Table 1)', () => {
  it('bias −2.1, SD 38.8, 95 % limits −78 to 74 (1.96 SD)', () => {
    const ba = blandAltman(WRIGHT, MINI_WRIGHT);
    expect(ba.n).toBe(17);
    expect(ba.bias!).toBeCloseTo(-36 / 17, 12); // Σd = −36 (differences summed by hand)
    expect(ba.bias!).toBeCloseTo(-2.1, 1);
    expect(ba.sdDiff!).toBeCloseTo(38.8, 1);
    expect(ba.loaLower!).toBeCloseTo(-78.1, 1);
    expect(ba.loaUpper!).toBeCloseTo(73.9, 1);
    expect(Math.round(ba.loaLower!)).toBe(-78);
    expect(Math.round(ba.loaUpper!)).toBe(74);
  });

  it('1986 conventions (2 SD, SE ≈ √(3s²/n)) reproduce the published confidence intervals', () => {
    const ba = blandAltman(WRIGHT, MINI_WRIGHT, { loaMultiplier: 2, loaSe: 'approx1986' });
    // The paper adds rounded numbers (−2.1 ∓ 2 × 38.8 → −79.7, 75.5): allow ±0.1.
    expect(Math.abs(ba.loaLower! - -79.7)).toBeLessThan(0.1);
    expect(Math.abs(ba.loaUpper! - 75.5)).toBeLessThan(0.1);
    expect(ba.biasCI![0]).toBeCloseTo(-22.0, 1);
    expect(ba.biasCI![1]).toBeCloseTo(17.8, 1);
    // The paper rounds SE to 16.3 and t to 2.12 before multiplying: allow ±0.25.
    expect(Math.abs(ba.loaLowerCI![0] - -114.3)).toBeLessThan(0.25);
    expect(Math.abs(ba.loaLowerCI![1] - -45.1)).toBeLessThan(0.25);
    expect(Math.abs(ba.loaUpperCI![0] - 40.9)).toBeLessThan(0.25);
    expect(Math.abs(ba.loaUpperCI![1] - 110.1)).toBeLessThan(0.25);
  });

  it('1999 standard error of a limit: s·√(1/n + 1.96²/(2(n − 1)))', () => {
    const ba = blandAltman(WRIGHT, MINI_WRIGHT);
    const s = ba.sdDiff!;
    const z = ba.loaMultiplier;
    const se = s * Math.sqrt(1 / 17 + (z * z) / 32);
    const t16 = 2.119905299; // t0.975 on 16 df
    expect(ba.loaLowerCI![0]).toBeCloseTo(ba.loaLower! - t16 * se, 6);
    expect(ba.loaUpperCI![1]).toBeCloseTo(ba.loaUpper! + t16 * se, 6);
  });

  it('correlation of the two meters r = 0.94 (as the paper reports)', () => {
    expect(pearson(WRIGHT, MINI_WRIGHT).r!).toBeCloseTo(0.94, 2);
  });
});

describe('proportional bias (regression of difference on mean; Bland & Altman 1999 §3.2)', () => {
  it('hand-worked: differences growing with the mean by exactly 0.1 plus noise-free offset', () => {
    // b = x, a = 1.1x − 1 → d = 0.1x − 1, m = 1.05x − 0.5 → d = (0.1/1.05)(m + 0.5) − 1.
    const b = [10, 20, 30, 40, 50];
    const a = b.map((x) => 1.1 * x - 1);
    const r = proportionalBias(a, b);
    expect(r.slope!).toBeCloseTo(0.1 / 1.05, 12);
    expect(r.intercept!).toBeCloseTo(0.05 / 1.05 - 1, 12);
    expect(r.slopeSE).toBe(0);
    expect(r.p).toBeNull(); // a perfect line: p undefined, with a note
    expect(r.notes[0]).toMatch(/exactly on a line/);
  });

  it('hand-worked with residuals: m = 1..5, d = (0, 1, 1, 3, 2) → slope 0.6, SE √(1.2/3/10), t = 3, p two-sided on 3 df', () => {
    // Build a, b with mean m and difference d: a = m + d/2, b = m − d/2.
    const m = [1, 2, 3, 4, 5];
    const d = [0, 1, 1, 3, 2];
    const a = m.map((x, i) => x + d[i]! / 2);
    const b = m.map((x, i) => x - d[i]! / 2);
    // Sxx = 10, Sxy = Σ(m−3)(d−1.4) = (−2)(−1.4)+(−1)(−0.4)+0+(1)(1.6)+(2)(0.6) = 2.8+0.4+1.6+1.2 = 6 → slope 0.6;
    // intercept 1.4 − 0.6·3 = −0.4; fitted 0.2, 0.8, 1.4, 2.0, 2.6; residuals −0.2, 0.2, −0.4, 1.0, −0.6;
    // SSE = 0.04+0.04+0.16+1+0.36 = 1.6; SE = √(1.6/3/10) = 0.23094; t = 2.598.
    const r = proportionalBias(a, b);
    expect(r.slope!).toBeCloseTo(0.6, 12);
    expect(r.intercept!).toBeCloseTo(-0.4, 12);
    expect(r.slopeSE!).toBeCloseTo(Math.sqrt(1.6 / 30), 12);
    // p for t = 2.598 on 3 df: 2·P(T3 > 2.598) = 0.0805 (t-table: t0.95(3) = 2.353, t0.975(3) = 3.182).
    expect(r.p!).toBeGreaterThan(0.05);
    expect(r.p!).toBeLessThan(0.1);
    expect(r.p!).toBeCloseTo(0.0805, 3);
  });
});
