/**
 * Weighted kappa against the published example, and its standard error two ways.
 * Source: Cohen J. Weighted kappa. Psychol Bull 1968;70:213–220, Table 1: two judges, 200
 * cases, 3 diagnostic categories, observed proportions
 *     .44 .07 .09 / .05 .20 .05 / .01 .03 .06
 * with disagreement weights v = 1 (personality disorder–neurosis), 3 (PD–psychosis),
 * 6 (neurosis–psychosis). Cohen reports κ = .492 and κw = .348. (The same table and values
 * are reproduced in the examples of R's psych::cohen.kappa.) Agreement weights are
 * w = 1 − v/6; κw is unchanged by that linear rescaling.
 * Hand check: po = .70, pe = .60·.50 + .30·.30 + .10·.20 = .41 → κ = .29/.59 = .4915;
 * Σv·p_obs = .90, Σv·p_chance = 1.38 → κw = 1 − .90/1.38 = .3478.
 * SE: Fleiss, Cohen & Everitt 1969 (Psychol Bull 72:323–327). Checked (a) against FCE's
 * separate closed form for unweighted kappa (different algebra, same quantity) and (b) by
 * simulation: the SD of κw over multinomial resamples must match the asymptotic SE.
 */
import { describe, expect, it } from 'vitest';
import { kappaWeights, weightedKappa, weightedKappaFromTable } from '../../src/compare/stats/index.js';
import { mulberry32 } from './helpers.js';

const COHEN_TABLE = [
  [0.44, 0.07, 0.09],
  [0.05, 0.2, 0.05],
  [0.01, 0.03, 0.06],
];
const V = [
  [0, 1, 3],
  [1, 0, 6],
  [3, 6, 0],
];
const COHEN_WEIGHTS = V.map((r) => r.map((v) => 1 - v / 6));

describe('kappa, Cohen 1968 Table 1', () => {
  it('unweighted κ = .492', () => {
    const k = weightedKappaFromTable(COHEN_TABLE, { weights: 'unweighted', n: 200 });
    expect(k.kappa!).toBeCloseTo(0.492, 3);
    expect(k.kappa!).toBeCloseTo(0.29 / 0.59, 12);
    expect(k.po!).toBeCloseTo(0.7, 12);
    expect(k.pe!).toBeCloseTo(0.41, 12);
  });

  it('weighted κw = .348 with Cohen\'s disagreement weights', () => {
    const k = weightedKappaFromTable(COHEN_TABLE, { weights: COHEN_WEIGHTS, n: 200 });
    expect(k.kappa!).toBeCloseTo(0.348, 3);
    expect(k.kappa!).toBeCloseTo(1 - 0.9 / 1.38, 12);
  });

  it('SE for unweighted κ equals FCE 1969\'s separate closed form', () => {
    // var(κ) = [Σi pii (1 − (pi. + p.i)(1 − κ))² + (1 − κ)² Σi≠j pij (p.i + pj.)² − (κ − pe(1 − κ))²] / (n (1 − pe)²)
    const p = COHEN_TABLE;
    const pr = p.map((r) => r.reduce((s, x) => s + x, 0));
    const pc = [0, 1, 2].map((j) => p.reduce((s, r) => s + r[j]!, 0));
    const pe = pr.reduce((s, x, i) => s + x * pc[i]!, 0);
    const k = 0.29 / 0.59;
    let a = 0;
    let b = 0;
    for (let i = 0; i < 3; i++) {
      a += p[i]![i]! * (1 - (pr[i]! + pc[i]!) * (1 - k)) ** 2;
      for (let j = 0; j < 3; j++) if (i !== j) b += p[i]![j]! * (pc[i]! + pr[j]!) ** 2;
    }
    const se = Math.sqrt((a + (1 - k) ** 2 * b - (k - pe * (1 - k)) ** 2) / (200 * (1 - pe) ** 2));
    const res = weightedKappaFromTable(p, { weights: 'unweighted', n: 200 });
    expect(res.se!).toBeCloseTo(se, 12);
    // The null SE (FCE eq. for κ = 0, unweighted): √(pe + pe² − Σ pi.p.i(pi. + p.i)) / ((1 − pe)√n)
    const s0 = Math.sqrt(pe + pe * pe - pr.reduce((s, x, i) => s + x * pc[i]! * (x + pc[i]!), 0)) / ((1 - pe) * Math.sqrt(200));
    expect(res.se0!).toBeCloseTo(s0, 12);
  });

  it('linear-weighted SE matches the spread of κw over 4000 multinomial resamples (±8 %)', () => {
    const rand = mulberry32(1968);
    const cells = COHEN_TABLE.flat();
    const cum = cells.map((_, i) => cells.slice(0, i + 1).reduce((s, x) => s + x, 0));
    const n = 200;
    const ks: number[] = [];
    for (let rep = 0; rep < 4000; rep++) {
      const counts = new Array<number>(9).fill(0);
      for (let i = 0; i < n; i++) {
        const u = rand();
        counts[cum.findIndex((c) => u < c) === -1 ? 8 : cum.findIndex((c) => u < c)]!++;
      }
      const table = [counts.slice(0, 3), counts.slice(3, 6), counts.slice(6, 9)];
      ks.push(weightedKappaFromTable(table, { weights: 'linear' }).kappa!);
    }
    const m = ks.reduce((s, x) => s + x, 0) / ks.length;
    const sd = Math.sqrt(ks.reduce((s, x) => s + (x - m) ** 2, 0) / (ks.length - 1));
    const asym = weightedKappaFromTable(COHEN_TABLE, { weights: 'linear', n }).se!;
    expect(Math.abs(sd / asym - 1)).toBeLessThan(0.08);
  });
});

describe('weighted kappa from paired scores', () => {
  it('linear weights 1 − |i − j|/(c − 1)', () => {
    const want = [
      [1, 2 / 3, 1 / 3, 0],
      [2 / 3, 1, 2 / 3, 1 / 3],
      [1 / 3, 2 / 3, 1, 2 / 3],
      [0, 1 / 3, 2 / 3, 1],
    ];
    kappaWeights(4, 'linear').forEach((row, i) => row.forEach((w, j) => expect(w).toBeCloseTo(want[i]![j]!, 15)));
  });

  it('hand-worked quadrant scores: 6 pairs, κw by the formula written out', () => {
    // a = 3,3,2,2,1,0; b = 3,2,2,1,1,0 → disagreements of one step at pairs 2 and 4 (weight 2/3).
    // po = (4·1 + 2·2/3)/6 = 16/18 = 0.8889.
    // Marginals (categories 0..3): a 1,1,2,2 /6; b 1,2,2,1 /6.
    // pe = Σ w_ij a_i b_j /36: Σ_ij w_ij a_i b_j = Σ_i a_i Σ_j w_ij b_j;
    //   row sums Σ_j w_ij b_j: i=0: 1 + 2·2/3 + 2·1/3 + 0 = 3; i=1: 2/3 + 2 + 4/3 + 1/3 = 13/3;
    //   i=2: 1/3 + 4/3 + 2 + 2/3 = 13/3; i=3: 0 + 2/3 + 4/3 + 1 = 3.
    //   Σ = 1·3 + 1·13/3 + 2·13/3 + 2·3 = 9 + 13 = 22 → pe = 22/36 = 0.6111.
    // κw = (16/18 − 22/36) / (1 − 22/36) = (32 − 22)/(36 − 22) = 10/14 = 0.7143.
    const k = weightedKappa([3, 3, 2, 2, 1, 0], [3, 2, 2, 1, 1, 0]);
    expect(k.kappa!).toBeCloseTo(10 / 14, 12);
    expect(k.exactAgreement!).toBeCloseTo(4 / 6, 12);
    expect(k.notes.some((s) => /approximate/.test(s))).toBe(true);
  });

  it('identical raters: κw = 1, SE 0, CI [1, 1]', () => {
    const s = [0, 1, 2, 3, 3, 2, 1, 2];
    const k = weightedKappa(s, s);
    expect(k.kappa).toBe(1);
    expect(k.se).toBe(0);
    expect(k.ci).toEqual([1, 1]);
  });

  it('everyone scores 3: chance agreement is complete, kappa null with the reason', () => {
    const k = weightedKappa([3, 3, 3], [3, 3, 3]);
    expect(k.kappa).toBeNull();
    expect(k.notes[0]).toMatch(/undefined/);
  });
});
