/**
 * Heterogeneity index (HI) of the site MFIs per visit, engine against observers.
 * HI = (max − min)/mean of a visit's site MFIs (Trzeciak et al., Ann Emerg Med 2007;49:88–98),
 * computed by src/metrics/session.ts heterogeneityIndex for every rater on the sites BOTH raters
 * of a comparison scored. Expected values are worked by hand below and checked against
 * heterogeneityIndex itself (the comparison must not re-implement the formula).
 *
 * Engine (clips.csv, MFI_small per site)     observer A                 observer B
 *   P1 day1: 3.0 2.5 2.0                        3.0 2.0 2.0                2.75 2.25 2.0
 *   P1 day3: 3.0 3.0 3.0                        3.0 2.75 3.0               3.0 3.0 2.75
 *   P2 day1: 2.0 1.0  —                         2.0 1.5 1.0                —
 *   P2 day3: 0   0                              0   0                      —
 *   P3 day1: 2.5 2.75 3.0                       2.5  —   —                 —
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runComparison } from '../../src/compare/index.js';
import { heterogeneityIndex } from '../../src/metrics/session.js';
import { put, removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

function study(): string {
  const dir = tempDir();
  put(dir, 'study/clips.csv', [
    'patient,timepoint,site,path,TVD_small,MFI_small',
    'P1,day1,1,c/P1_d1_1.avi,15,3.0', 'P1,day1,2,c/P1_d1_2.avi,14,2.5', 'P1,day1,3,c/P1_d1_3.avi,13,2.0',
    'P1,day3,1,c/P1_d3_1.avi,16,3.0', 'P1,day3,2,c/P1_d3_2.avi,16,3.0', 'P1,day3,3,c/P1_d3_3.avi,17,3.0',
    'P2,day1,1,c/P2_d1_1.avi,12,2.0', 'P2,day1,2,c/P2_d1_2.avi,11,1.0', 'P2,day1,3,c/P2_d1_3.avi,10,',
    'P2,day3,1,c/P2_d3_1.avi,9,0', 'P2,day3,2,c/P2_d3_2.avi,9,0',
    'P3,day1,1,c/P3_d1_1.avi,14,2.5', 'P3,day1,2,c/P3_d1_2.avi,14,2.75', 'P3,day1,3,c/P3_d1_3.avi,15,3.0',
  ].join('\n'));
  put(dir, 'A.csv', [
    'patient,timepoint,site,TVD,MFI',
    'P1,day1,1,15,3.0', 'P1,day1,2,14,2.0', 'P1,day1,3,13,2.0',
    'P1,day3,1,16,3.0', 'P1,day3,2,16,2.75', 'P1,day3,3,17,3.0',
    'P2,day1,1,12,2.0', 'P2,day1,2,11,1.5', 'P2,day1,3,10,1.0',
    'P2,day3,1,9,0', 'P2,day3,2,9,0',
    'P3,day1,1,14,2.5',
  ].join('\n'));
  put(dir, 'B.csv', [
    'patient,timepoint,site,MFI',
    'P1,day1,1,2.75', 'P1,day1,2,2.25', 'P1,day1,3,2.0',
    'P1,day3,1,3.0', 'P1,day3,2,3.0', 'P1,day3,3,2.75',
  ].join('\n'));
  return dir;
}

describe('HI: per-visit heterogeneity index of site MFI, engine vs manual', () => {
  it('pairs per visit on the sites both raters scored, with heterogeneityIndex from src/metrics/session.ts', async () => {
    const dir = study();
    const out = join(dir, 'out');
    const { report } = await runComparison({ manual: [join(dir, 'A.csv'), join(dir, 'B.csv')], engine: join(dir, 'study'), out, plots: false });
    const hi = report.metrics.find((m) => m.metric === 'HI_small')!;
    expect(hi).toBeDefined();
    expect(hi.kind).toBe('continuous');
    expect(report.metrics.some((m) => m.metric === 'HI_all')).toBe(false); // nobody scored MFI_all

    const eA = hi.comparisons.find((c) => c.a === 'engine' && c.b === 'A')!;
    // P1 day1: engine (3 − 2)/2.5 = 0.4; A (3 − 2)/(7/3) = 3/7.
    // P1 day3: engine 0 (all 3.0); A 0.25/(8.75/3) = 0.75/8.75.
    // P2 day1: common sites 1, 2 only (the engine has no MFI at site 3): engine 1/1.5, A 0.5/1.75.
    // P2 day3: mean MFI 0 → HI undefined on both sides: left out.
    // P3 day1: A scored 1 site (and only scored sites are matched units): fewer than 2 common sites.
    expect(eA.pairs.map((p) => p.label)).toEqual(['P1 / day1', 'P1 / day3', 'P2 / day1']);
    expect(eA.pairs.map((p) => p.a)).toEqual([0.4, 0, 1 / 1.5].map((v) => expect.closeTo(v, 12)));
    expect(eA.pairs.map((p) => p.b)).toEqual([3 / 7, 0.75 / 8.75, 0.5 / 1.75].map((v) => expect.closeTo(v, 12)));
    expect(eA.pairs[0]!.a).toBe(heterogeneityIndex([3.0, 2.5, 2.0]));
    expect(eA.pairs[2]!.b).toBe(heterogeneityIndex([2.0, 1.5]));
    expect(eA.n).toBe(3);
    expect(eA.missingB).toBe(0);
    expect(eA.missingA).toBe(0);
    expect(eA.notes).toEqual([
      '1 visit(s) left out: fewer than 2 sites scored by both raters',
      '1 visit(s) left out: mean site MFI 0, HI undefined',
      '1 visit(s): HI on the sites both raters scored only',
    ]);
    // Bias: mean of (0.4 − 3/7, 0 − 0.085714, 0.666667 − 0.285714).
    const diffs = [0.4 - 3 / 7, -0.75 / 8.75, 1 / 1.5 - 0.5 / 1.75];
    expect(eA.blandAltman.bias!).toBeCloseTo(diffs.reduce((s, v) => s + v, 0) / 3, 12);

    // Between observers: P1 only (B scored nothing else): A 3/7 vs B 0.75/(7/3); A vs B on day3 equal.
    const AB = hi.comparisons.find((c) => c.type === 'observer-observer')!;
    expect(AB.n).toBe(2);
    expect(AB.pairs[0]!.b).toBeCloseTo(heterogeneityIndex([2.75, 2.25, 2.0])!, 12);
    expect(AB.pairs[1]!.a).toBeCloseTo(AB.pairs[1]!.b, 12);
    // Engine vs the observers' mean: per site the mean of A and B, then HI (P1 only).
    const em = hi.comparisons.find((c) => c.type === 'engine-observers-mean')!;
    expect(em.n).toBe(2);
    expect(em.pairs[0]!.b).toBeCloseTo(heterogeneityIndex([2.875, 2.125, 2.0])!, 12);

    // HI has no change analysis (it is a per-visit spread); MFI has.
    expect(report.change.some((c) => c.metric === 'HI_small')).toBe(false);
    const csv = readFileSync(join(out, 'agreement.csv'), 'utf8');
    expect(csv).toMatch(/\nHI_small,Heterogeneity index of site MFI \(small vessels\),ratio,continuous,engine vs A,engine-observer,engine,A,3,0,0,/);
    expect(csv).toContain('HI on the sites both raters scored only');
    expect(csv).not.toMatch(/NaN|Infinity/);
  });

  it('sites the study left out of its session means (inSessionMeans = no) are not used for HI', async () => {
    const dir = study();
    // P1 day1 site 3 rejected for quality: HI on sites 1 and 2 only.
    const clips = readFileSync(join(dir, 'study/clips.csv'), 'utf8').split('\n');
    const withCols = [`${clips[0]},inSessionMeans,excludedReason`, ...clips.slice(1).map((l) => (l.startsWith('P1,day1,3,') ? `${l},no,quality rejected` : `${l},yes,`))];
    put(dir, 'study/clips.csv', withCols.join('\n'));
    const { report } = await runComparison({ manual: [join(dir, 'A.csv')], engine: join(dir, 'study'), out: join(dir, 'o'), plots: false });
    const eA = report.metrics.find((m) => m.metric === 'HI_small')!.comparisons[0]!;
    expect(eA.pairs[0]!.label).toBe('P1 / day1');
    expect(eA.pairs[0]!.a).toBeCloseTo(heterogeneityIndex([3.0, 2.5])!, 12);
    expect(eA.pairs[0]!.b).toBeCloseTo(heterogeneityIndex([3.0, 2.0])!, 12);
    expect(eA.notes).toContain('1 site(s) the engine left out of its session means not used');
    // The clip itself is still compared clip by clip.
    expect(report.metrics.find((m) => m.metric === 'MFI_small')!.comparisons[0]!.n).toBe(11);
  });

  it("a sessions table as engine input (the study's sessions.csv): its HI against the observer's HI of its sites", async () => {
    const dir = study();
    put(dir, 'sessions.csv', [
      'patient,timepoint,sitesPlanned,sitesAnalysed,MFI_small,MFI_small_sd,MFI_small_n,HI_small,HI_all,HI_note',
      'P1,day1,3,3,2.5,0.5,3,0.4,,',
      'P1,day3,3,3,3,0,3,0,,',
      'P2,day1,3,2,1.5,0.7,2,0.6667,,',
      'P2,day3,2,2,0,0,2,,,HI undefined: mean MFI 0',
      'P9,day1,3,3,2,0,3,0,,',
    ].join('\n'));
    const { report } = await runComparison({ manual: [join(dir, 'A.csv')], engine: join(dir, 'sessions.csv'), out: join(dir, 'o'), plots: false });
    expect(report.inputs.engine).toMatchObject({ kind: 'sessions-csv', clips: 0, sessions: 5 });
    expect(report.warnings.some((w) => /sessions table/.test(w))).toBe(true);
    const eA = report.metrics.find((m) => m.metric === 'HI_small')!.comparisons.find((c) => c.a === 'engine')!;
    // P1 day1: 0.4 vs A's 3/7; P1 day3: 0 vs 0.75/8.75; P2 day1: 0.6667 vs A over all 3 of its sites (2, 1.5, 1): 1/1.5.
    // P2 day3: no engine HI (empty) and A's mean 0 → undefined; P3 day1: not in the table.
    expect(eA.pairs.map((p) => [p.label, p.a])).toEqual([['P1 / day1', 0.4], ['P1 / day3', 0], ['P2 / day1', 0.6667]]);
    expect(eA.pairs[2]!.b).toBeCloseTo(heterogeneityIndex([2.0, 1.5, 1.0])!, 12);
    expect(eA.notes!.some((n) => /engine HI from its sessions table/.test(n))).toBe(true);
    // Site-level MFI cannot be compared with per-visit rows.
    expect(report.metrics.find((m) => m.metric === 'MFI_small')!.comparisons.find((c) => c.a === 'engine')!.n).toBe(0);
  });

  it('a visit-level sheet against the sessions table compares the session means', async () => {
    const dir = study();
    put(dir, 'sessions.csv', 'patient,timepoint,MFI_small,HI_small\nP1,day1,2.5,0.4\nP1,day3,3,0\nP3,day1,2.75,0.18\n');
    put(dir, 'visits.csv', 'patient,timepoint,MFI\nP1,day1,2.4\nP1,day3,2.9\nP3,day1,2.7\n');
    const { report } = await runComparison({ manual: [join(dir, 'visits.csv')], engine: join(dir, 'sessions.csv'), out: join(dir, 'o'), plots: false });
    const mfi = report.metrics.find((m) => m.metric === 'MFI_small')!.comparisons[0]!;
    expect(mfi.n).toBe(3);
    expect(mfi.blandAltman.bias!).toBeCloseTo((0.1 + 0.1 + 0.05) / 3, 12);
    expect(report.matching.matchedEngineSessions).toBe(3);
  });

  it('a session-level sheet (no site MFIs) gives no HI', async () => {
    const dir = study();
    put(dir, 'visits.csv', 'patient,timepoint,MFI\nP1,day1,2.5\nP1,day3,2.9\nP3,day1,2.7\n');
    const { report } = await runComparison({ manual: [join(dir, 'visits.csv')], engine: join(dir, 'study'), out: join(dir, 'o'), plots: false });
    expect(report.metrics.map((m) => m.metric)).toEqual(['MFI_small']);
  });
});
