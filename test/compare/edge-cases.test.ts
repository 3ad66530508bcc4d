/**
 * Edge cases every statistic must survive without NaN: n = 2, identical raters (ICC = 1,
 * kappa = 1, zero-width limits), a constant column (ICC / correlation undefined → null with
 * a reason), and missing values (pairwise deletion, counted). Expected values are by
 * definition (written next to each assertion).
 */
import { describe, expect, it } from 'vitest';
import { compareRaters, computeAgreement } from '../../src/compare/agreement.js';
import { formatAgreementCsv } from '../../src/compare/agreement-csv.js';
import { safeJson } from '../../src/compare/format.js';
import type { Ratings, RatedUnit } from '../../src/compare/match.js';
import { blandAltman, icc, lin, pearson, proportionalBias, spearman, weightedKappa } from '../../src/compare/stats/index.js';

function hasNaN(v: unknown): boolean {
  if (typeof v === 'number') return !Number.isFinite(v);
  if (Array.isArray(v)) return v.some(hasNaN);
  if (v !== null && typeof v === 'object') return Object.values(v).some(hasNaN);
  return false;
}

/** Ratings for tests: `table[rater][unit] = value` for one metric. */
function ratingsOf(metric: string, table: Record<string, (number | null)[]>): Ratings {
  const raters = Object.keys(table);
  const n = table[raters[0]!]!.length;
  const units = new Map<string, RatedUnit>();
  for (let i = 0; i < n; i++) units.set(`u${i}`, { id: `u${i}`, level: 'clip', patient: `P${i}`, timepoint: 'd1', site: '1', clip: null, label: `u${i}` });
  const values = new Map<string, Map<string, Record<string, number>>>();
  for (const r of raters) {
    const m = new Map<string, Record<string, number>>();
    table[r]!.forEach((v, i) => {
      if (v !== null) m.set(`u${i}`, { [metric]: v });
    });
    values.set(r, m);
  }
  return { raters, observers: raters.filter((r) => r !== 'engine'), units, values, metrics: [metric], unmatchedManual: [], matchedEngineClips: n };
}

describe('n = 2', () => {
  it('Bland–Altman has limits (t on 1 df), ICC defined, correlations need 3 pairs', () => {
    const ba = blandAltman([1, 2], [1.5, 2.1]);
    expect(ba.n).toBe(2);
    expect(ba.loaLower).not.toBeNull();
    expect(ba.notes[0]).toMatch(/imprecise/);
    expect(icc([[1, 1.5], [2, 2.1]]).agreement.value).not.toBeNull();
    expect(pearson([1, 2], [1.5, 2.1]).r).toBeNull();
    expect(lin([1, 2], [1.5, 2.1]).ci).toBeNull();
    expect(proportionalBias([1, 2], [1.5, 2.1]).slope).toBeNull();
    expect(hasNaN([ba, icc([[1, 1.5], [2, 2.1]]), lin([1, 2], [1.5, 2.1])])).toBe(false);
  });

  it('n = 1 and n = 0 give nulls with reasons', () => {
    expect(blandAltman([1], [2]).sdDiff).toBeNull();
    expect(blandAltman([], []).bias).toBeNull();
    expect(icc([[1, 2]]).agreement.value).toBeNull();
    expect(weightedKappa([], []).kappa).toBeNull();
  });
});

describe('identical raters', () => {
  const x = [12.1, 15.3, 9.8, 20.4, 17.7];
  it('ICC(A,1) = ICC(C,1) = 1, zero-width limits, CCC = 1', () => {
    const r = icc(x.map((v) => [v, v]));
    expect(r.agreement.value).toBe(1);
    expect(r.consistency.value).toBe(1);
    expect(r.agreement.ci).toEqual([1, 1]);
    const ba = blandAltman(x, x);
    expect(ba.bias).toBe(0);
    expect(ba.sdDiff).toBe(0);
    expect(ba.loaUpper! - ba.loaLower!).toBe(0);
    expect(lin(x, x).ccc).toBe(1);
    expect(weightedKappa([0, 1, 2, 3], [0, 1, 2, 3]).kappa).toBe(1);
  });
});

describe('constant column', () => {
  it('ICC and correlations are null with a reason; CCC is 0 (no concordance) without interval', () => {
    const a = [2, 2, 2, 2];
    const b = [1.8, 2.3, 2.1, 2.5];
    expect(pearson(a, b).r).toBeNull();
    expect(spearman(a, b).r).toBeNull();
    const both = icc(a.map((v) => [v, v]));
    expect(both.agreement.value).toBeNull();
    expect(both.notes[0]).toMatch(/no variance/);
    expect(lin(a, b).ci).toBeNull();
    expect(lin(a, a).ccc).toBeNull();
  });

  it('a comparison with a constant column writes no NaN to CSV or JSON', () => {
    const ratings = ratingsOf('TVD_small', { engine: [2, 2, 2, 2], A: [2, 2, 2, 2] });
    const metrics = computeAgreement(ratings);
    const csv = formatAgreementCsv(metrics);
    expect(csv).not.toMatch(/NaN|Infinity/);
    expect(safeJson(metrics)).not.toMatch(/NaN|Infinity/);
    expect(hasNaN(metrics)).toBe(false);
    expect(csv).toMatch(/ICC: no variance between targets/);
  });
});

describe('missing values: pairwise deletion, counted', () => {
  it('units with one rater missing are left out and counted on the right side', () => {
    const ratings = ratingsOf('TVD_small', {
      engine: [10, 11, null, 13, 14, null],
      A: [10.2, null, 12.1, 13.3, 13.8, null],
    });
    const c = compareRaters(ratings, 'TVD_small', 'engine', 'A', 'engine-observer', ['A']);
    expect(c.n).toBe(3); // units 0, 3, 4
    expect(c.missingA).toBe(1); // unit 2: only A scored (engine missing)
    expect(c.missingB).toBe(1); // unit 1: only the engine
    expect(c.pairs.map((p) => p.unit)).toEqual(['u0', 'u3', 'u4']);
  });

  it('the observers\' mean needs every observer on the unit', () => {
    const ratings = ratingsOf('TVD_small', { engine: [10, 11, 12, 13], A: [10, 11, null, 13], B: [10.4, 11.4, 12.4, null] });
    const metrics = computeAgreement(ratings);
    const mean = metrics[0]!.comparisons.find((c) => c.type === 'engine-observers-mean')!;
    expect(mean.n).toBe(2);
    expect(mean.pairs[0]!.b).toBeCloseTo(10.2, 12);
  });
});
