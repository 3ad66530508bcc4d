/**
 * Every statistic × every edge case of issue 10: n = 0, 1, 2; identical raters; missing
 * values (NaN / ±∞ reaching the library API: left out pairwise, counted in the notes); a
 * constant column; both columns constant and equal. Two rules hold everywhere:
 *   1. no NaN or ±∞ anywhere in a result (outputs hold null, written as an empty CSV cell /
 *      JSON null);
 *   2. a statistic that is null has a reason in its notes.
 * Specific values follow from the definitions and are written next to the assertions.
 * (edge-cases.test.ts covers the agreement layer: pairwise deletion between raters.)
 */
import { describe, expect, it } from 'vitest';
import { computeAgreement } from '../../src/compare/agreement.js';
import { formatAgreementCsv, formatChangeCsv } from '../../src/compare/agreement-csv.js';
import { computeChange } from '../../src/compare/change.js';
import { safeJson } from '../../src/compare/format.js';
import type { Ratings, RatedUnit } from '../../src/compare/match.js';
import {
  blandAltman, icc, lin, pairedChange, pairedT, pearson, proportionalBias, spearman, weightedKappa, wilcoxonSignedRank,
} from '../../src/compare/stats/index.js';

function nonFinite(v: unknown, path = ''): string[] {
  if (typeof v === 'number') return Number.isFinite(v) ? [] : [path];
  if (Array.isArray(v)) return v.flatMap((x, i) => nonFinite(x, `${path}[${i}]`));
  if (v !== null && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => nonFinite(x, `${path}.${k}`));
  return [];
}

interface Stat {
  name: string;
  run: (a: number[], b: number[]) => { notes: string[] } & Record<string, unknown>;
  /** The headline values: when one is null, the notes must say why. */
  values: (r: Record<string, unknown>) => unknown[];
  /** Scores must be whole 0–3 (kappa). */
  ordinal?: boolean;
}

const STATS: Stat[] = [
  { name: 'Bland–Altman', run: (a, b) => blandAltman(a, b) as never, values: (r) => [r.bias, r.sdDiff, r.loaLower, r.loaUpper] },
  { name: 'proportional bias', run: (a, b) => proportionalBias(a, b) as never, values: (r) => [r.slope, r.p] },
  { name: 'ICC', run: (a, b) => icc(a.map((x, i) => [x, b[i]!])) as never, values: (r) => [(r.agreement as { value: unknown }).value, (r.consistency as { value: unknown }).value] },
  { name: "Lin's CCC", run: (a, b) => lin(a, b) as never, values: (r) => [r.ccc, r.ci] },
  { name: 'Pearson', run: (a, b) => pearson(a, b) as never, values: (r) => [r.r, r.p, r.ci] },
  { name: 'Spearman', run: (a, b) => spearman(a, b) as never, values: (r) => [r.r, r.p, r.ci] },
  { name: 'weighted kappa', run: (a, b) => weightedKappa(a, b) as never, values: (r) => [r.kappa, r.se, r.p], ordinal: true },
  { name: 'paired t', run: (a, b) => pairedT(a.map((x, i) => x - b[i]!)) as never, values: (r) => [r.meanDiff, r.t, r.p] },
  { name: 'Wilcoxon', run: (a, b) => wilcoxonSignedRank(a.map((x, i) => x - b[i]!)) as never, values: (r) => [r.v, r.p] },
];

const CASES: { name: string; a: number[]; b: number[]; ka: number[]; kb: number[] }[] = [
  { name: 'n = 0', a: [], b: [], ka: [], kb: [] },
  { name: 'n = 1', a: [1], b: [2], ka: [1], kb: [2] },
  { name: 'n = 2', a: [1, 2], b: [1.5, 2.1], ka: [1, 2], kb: [2, 2] },
  { name: 'identical raters', a: [12.1, 15.3, 9.8, 20.4, 17.7], b: [12.1, 15.3, 9.8, 20.4, 17.7], ka: [0, 1, 2, 3, 3], kb: [0, 1, 2, 3, 3] },
  { name: 'missing values', a: [10, NaN, 12, 13, 14, 15, 16], b: [10.2, 11, Infinity, 13.3, 13.8, 14.9, 16.4], ka: [1, NaN, 2, 3, 3, 2, 1], kb: [1, 2, -Infinity, 3, 2, 2, 1] },
  { name: 'a constant column', a: [2, 2, 2, 2, 2], b: [1.8, 2.3, 2.1, 2.5, 1.9], ka: [2, 2, 2, 2, 2], kb: [1, 2, 3, 2, 2] },
  { name: 'both constant and equal', a: [2, 2, 2, 2], b: [2, 2, 2, 2], ka: [2, 2, 2, 2], kb: [2, 2, 2, 2] },
];

describe.each(STATS)('$name', (stat) => {
  it.each(CASES)('$name: no NaN, null values explained', (c) => {
    const r = stat.ordinal ? stat.run(c.ka, c.kb) : stat.run(c.a, c.b);
    expect(nonFinite(r)).toEqual([]);
    if (stat.values(r).some((v) => v === null)) expect(r.notes.length).toBeGreaterThan(0);
  });
});

describe('specific edge values', () => {
  it('missing values: the incomplete pairs are left out and counted, results equal the complete-case ones', () => {
    const a = [10, NaN, 12, 13, 14, 15, 16];
    const b = [10.2, 11, Infinity, 13.3, 13.8, 14.9, 16.4];
    const ca = [10, 13, 14, 15, 16];
    const cb = [10.2, 13.3, 13.8, 14.9, 16.4];
    const note = '2 pair(s) with a missing value left out';
    const ba = blandAltman(a, b);
    expect(ba.n).toBe(5);
    expect(ba.bias).toBeCloseTo(blandAltman(ca, cb).bias!, 14);
    expect(ba.notes).toContain(note);
    expect(lin(a, b).ccc).toBeCloseTo(lin(ca, cb).ccc!, 14);
    expect(lin(a, b).notes).toContain(note);
    expect(pearson(a, b).r).toBeCloseTo(pearson(ca, cb).r!, 14);
    expect(spearman(a, b).r).toBeCloseTo(spearman(ca, cb).r!, 14);
    expect(spearman(a, b).notes).toContain(note);
    expect(proportionalBias(a, b).slope).toBeCloseTo(proportionalBias(ca, cb).slope!, 14);
    const i = icc(a.map((x, k) => [x, b[k]!]));
    expect(i.n).toBe(5);
    expect(i.notes[0]).toBe('2 target(s) with a missing score left out');
    expect(i.agreement.value).toBeCloseTo(icc(ca.map((x, k) => [x, cb[k]!])).agreement.value!, 14);
    expect(pairedT([1, NaN, 2, 3]).n).toBe(3);
    expect(pairedT([1, NaN, 2, 3]).notes).toContain('1 pair(s) with a missing value left out');
    expect(wilcoxonSignedRank([1, NaN, 2, -Infinity, 3]).n).toBe(3);
    const k = weightedKappa([1, NaN, 2, 3], [1, 2, 2, Infinity]);
    expect(k.n).toBe(2);
    expect(k.notes).toContain(note);
    // Off-scale (not missing) scores are still a caller error.
    expect(() => weightedKappa([1, 5], [1, 2])).toThrow(RangeError);
    const ch = pairedChange([1, NaN, 2, 3, 4], [1.1, 2, 2.1, NaN, 3.8]);
    expect(ch.n).toBe(3);
    expect(ch.sameDirection).toEqual({ agree: 3, n: 3, fraction: 1 });
  });

  it('n = 2: Bland–Altman (t on 1 df) and CCC defined; CCC interval, correlations, regression need more', () => {
    expect(blandAltman([1, 2], [1.5, 2.1]).loaLower).not.toBeNull();
    expect(lin([1, 2], [1.5, 2.1]).ccc).not.toBeNull();
    expect(lin([1, 2], [1.5, 2.1]).notes).toContain('2 pairs: CCC interval needs n ≥ 3');
    expect(pearson([1, 2], [1.5, 2.1]).notes[0]).toMatch(/at least 3/);
    expect(spearman([1, 2], [1.5, 2.1]).r).toBeNull();
    expect(proportionalBias([1, 2], [1.5, 2.1]).notes[0]).toMatch(/at least 3/);
    // Wilcoxon n = 2, no ties: exact, the smallest two-sided p is 2·(1/4) = 0.5.
    expect(wilcoxonSignedRank([0.5, 0.1]).p).toBe(0.5);
    expect(pairedT([0.5, 0.1]).df).toBe(1);
  });

  it('identical raters: zero bias and width, ICC = CCC = κw = 1, no change test (all differences 0)', () => {
    const x = [12.1, 15.3, 9.8, 20.4, 17.7];
    expect(blandAltman(x, x).loaUpper).toBe(0);
    expect(icc(x.map((v) => [v, v])).agreement.value).toBe(1);
    expect(lin(x, x).ccc).toBe(1);
    expect(spearman(x, x).r).toBe(1);
    expect(spearman(x, x).notes).toContain('|r| = 1: p undefined (perfect linear relation)');
    const w = wilcoxonSignedRank(x.map(() => 0));
    expect(w.p).toBeNull();
    expect(w.notes).toEqual(['all differences are zero: no test']);
    const t = pairedT(x.map(() => 0));
    expect(t.p).toBeNull();
    expect(t.notes).toEqual(['all differences equal: t undefined']);
    // Identical changes: bias 0, CCC 1, same conclusion (both 'increase' here).
    const ch = pairedChange(x, x);
    expect(ch.agreement.bias).toBe(0);
    expect(ch.ccc.ccc).toBe(1);
    expect(ch.a.conclusionT).toBe('increase');
    expect(ch.sameConclusionT).toBe(true);
    // No change at all on either side: no test, so no conclusion to compare (null, not NaN).
    const none = pairedChange([0, 0, 0], [0, 0, 0]);
    expect(none.a.conclusionT).toBeNull();
    expect(none.sameConclusionT).toBeNull();
    expect(none.sameConclusionWilcoxon).toBeNull();
    expect(none.sameDirection.fraction).toBe(1);
  });

  it('a constant column: correlations null, CCC 0 without interval, ICC defined when targets vary', () => {
    const a = [2, 2, 2, 2, 2];
    const b = [1.8, 2.3, 2.1, 2.5, 1.9];
    expect(pearson(a, b).notes).toEqual(['a constant column: correlation undefined']);
    expect(lin(a, b).ccc).toBe(0);
    expect(lin(a, b).ci).toBeNull();
    expect(icc(a.map((v, i) => [v, b[i]!])).agreement.value).not.toBeNull();
    // Both constant and equal: CCC 0/0, ICC without target variance, κw undefined (pe = 1).
    expect(lin([2, 2, 2], [2, 2, 2]).ccc).toBeNull();
    expect(icc([[2, 2], [2, 2], [2, 2]]).notes[0]).toMatch(/no variance between targets/);
    expect(weightedKappa([2, 2, 2], [2, 2, 2]).notes[0]).toMatch(/kappa undefined/);
  });
});

describe('through the agreement layer and the output files: HI, change, CSV and JSON without NaN', () => {
  /** Site-level ratings of one metric: rater → [patient, timepoint, site, value][]. */
  function ratingsOf(metric: string, rows: Record<string, [string, string, string, number | null][]>): Ratings {
    const units = new Map<string, RatedUnit>();
    const values = new Map<string, Map<string, Record<string, number>>>();
    for (const [rater, list] of Object.entries(rows)) {
      const m = new Map<string, Record<string, number>>();
      for (const [p, t, s, v] of list) {
        const id = `site:${p}|${t}|${s}`;
        units.set(id, { id, level: 'site', patient: p, timepoint: t, site: s, clip: null, label: `${p} / ${t} / ${s}` });
        if (v !== null) m.set(id, { [metric]: v });
      }
      values.set(rater, m);
    }
    const raters = Object.keys(rows);
    return { raters, observers: raters.filter((r) => r !== 'engine'), units, values, metrics: [metric], unmatchedManual: [], matchedEngineClips: units.size };
  }

  it('constant MFI, zero-mean visits, a single visit, 2 sites: every output file is NaN-free', () => {
    const site = (p: string, t: string, vals: (number | null)[]) => vals.map((v, i) => [p, t, String(i + 1), v] as [string, string, string, number | null]);
    const ratings = ratingsOf('MFI_small', {
      engine: [...site('P1', 'd1', [3, 3]), ...site('P1', 'd2', [0, 0]), ...site('P2', 'd1', [2, null])],
      A: [...site('P1', 'd1', [3, 3]), ...site('P1', 'd2', [0, 0]), ...site('P2', 'd1', [2, 2.5])],
    });
    const metrics = computeAgreement(ratings);
    expect(metrics.map((m) => m.metric)).toEqual(['MFI_small', 'HI_small']);
    const hi = metrics[1]!.comparisons[0]!;
    // P1 d1: HI 0 on both sides (constant); P1 d2: mean 0 → undefined; P2 d1: engine has 1 site.
    expect(hi.n).toBe(1);
    expect(hi.missingA).toBe(1);
    expect(hi.blandAltman.sdDiff).toBeNull();
    expect(hi.notes).toEqual(['1 visit(s) left out: mean site MFI 0, HI undefined']);
    const change = computeChange(ratings, metrics);
    const files = [formatAgreementCsv(metrics), formatChangeCsv(change), safeJson({ metrics, change })];
    for (const f of files) expect(f).not.toMatch(/NaN|Infinity/);
    expect(nonFinite(metrics)).toEqual([]);
    expect(nonFinite(change)).toEqual([]);
  });
});
