/**
 * ICC against the published example.
 * Source: Shrout PE, Fleiss JL. Psychol Bull 1979;86:420–428, Table 2: 6 targets rated by
 * 4 judges; their two-way ANOVA gives BMS = 11.24, JMS = 32.49, EMS = 1.02, and Table 4
 * (ICC values): ICC(2,1) = .29, ICC(3,1) = .71. In McGraw & Wong's (1996) terms ICC(2,1) is
 * ICC(A,1) and ICC(3,1) is ICC(C,1). F = BMS/EMS = 11.03 on (5, 15) df.
 * The 95 % intervals (McGraw & Wong 1996 Table 7) are checked against the values R's psych
 * package prints for the same data (ICC(2,1) 0.019–0.76, ICC(3,1) 0.342–0.95; F 11.03,
 * p 0.000135): software output, not printed in the 1979 paper.
 */
import { describe, expect, it } from 'vitest';
import { icc } from '../../src/compare/stats/index.js';

const SHROUT_FLEISS = [
  [9, 2, 5, 8],
  [6, 1, 3, 2],
  [8, 4, 6, 8],
  [7, 1, 2, 6],
  [10, 5, 6, 9],
  [6, 2, 4, 7],
];

describe('ICC, Shrout & Fleiss 1979 Table 2 data', () => {
  const r = icc(SHROUT_FLEISS);

  it('ANOVA mean squares BMS 11.24, JMS 32.49, EMS 1.02', () => {
    expect(r.msr!).toBeCloseTo(11.24, 2);
    expect(r.msc!).toBeCloseTo(32.49, 2);
    expect(r.mse!).toBeCloseTo(1.02, 2);
    expect(r.f!).toBeCloseTo(11.03, 2);
    expect(r.p!).toBeCloseTo(0.000135, 6);
  });

  it('ICC(A,1) = ICC(2,1) = .29 and ICC(C,1) = ICC(3,1) = .71', () => {
    expect(r.agreement.value!).toBeCloseTo(0.29, 2);
    expect(r.consistency.value!).toBeCloseTo(0.71, 2);
    // Exact from the mean squares: (BMS − EMS) / (BMS + 3 EMS + 4 (JMS − EMS)/6).
    expect(r.agreement.value!).toBeCloseTo((r.msr! - r.mse!) / (r.msr! + 3 * r.mse! + (4 * (r.msc! - r.mse!)) / 6), 12);
  });

  it('95 % intervals: ICC(A,1) 0.019 to 0.76; ICC(C,1) 0.342 to 0.95', () => {
    expect(r.agreement.ci![0]).toBeCloseTo(0.019, 3);
    expect(r.agreement.ci![1]).toBeCloseTo(0.76, 2);
    expect(r.consistency.ci![0]).toBeCloseTo(0.342, 3);
    expect(r.consistency.ci![1]).toBeCloseTo(0.95, 2);
  });

  it('ICC(C,1) ignores a constant offset between raters; ICC(A,1) is lowered by it', () => {
    const base = SHROUT_FLEISS.map((row) => row[0]!);
    const noisy = [0.3, -0.2, 0.1, -0.4, 0.2, 0];
    const same = icc(base.map((x, i) => [x, x + noisy[i]!]));
    const shifted = icc(base.map((x, i) => [x, x + noisy[i]! + 3]));
    expect(shifted.consistency.value!).toBeCloseTo(same.consistency.value!, 12);
    expect(shifted.agreement.value!).toBeLessThan(same.agreement.value! - 0.2);
  });
});
