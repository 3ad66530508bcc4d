/**
 * End to end: `hvm compare` (runCompare) on small files in a temporary folder writes
 * agreement.csv, agreement.json, change.csv and the SVG + PNG plots; the PNGs decode with
 * sharp. Also: the engine side as a folder of clip-result JSON files (keyed by clip file
 * name, with per-vessel flow classes), and usage errors.
 * Expected numbers are computed by hand in the comments.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCompare } from '../../src/cli/compare.js';
import { UsageError } from '../../src/cli/usage.js';
import { AGREEMENT_SCHEMA_ID, NothingToCompareError, type AgreementReport } from '../../src/compare/index.js';
import { CLIP_RESULT_SCHEMA_ID, unmeasuredMetricSet } from '../../src/report/contract.js';
import { put, tempDir, removeTempDirs } from './helpers.js';

afterAll(removeTempDirs);

let stdout: string;
beforeEach(() => {
  stdout = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    stdout += String(s);
    return true;
  });
});
afterEach(() => vi.restoreAllMocks());

function smallStudy(): string {
  const dir = tempDir();
  // 3 patients × 2 time points × 1 site.
  put(dir, 'study/clips.csv', [
    'patient,timepoint,site,path,TVD_small,PPV_small,MFI_small,MFI_Q1_small,MFI_Q2_small,MFI_Q3_small,MFI_Q4_small,status',
    'P1,day1,1,clips/P1_d1.avi,15.0,70,2.25,2,2,2,3,ok',
    'P1,day3,1,clips/P1_d3.avi,17.0,90,2.75,3,3,2,3,ok',
    'P2,day1,1,clips/P2_d1.avi,12.0,60,2.00,2,2,2,2,ok',
    'P2,day3,1,clips/P2_d3.avi,13.5,75,2.50,3,2,2,3,ok',
    'P3,day1,1,clips/P3_d1.avi,18.0,85,2.75,3,3,3,2,ok',
    'P3,day3,1,clips/P3_d3.avi,,,,,,,,failed',
  ].join('\n'));
  put(dir, 'obsA.csv', [
    'patient,timepoint,site,TVD (mm/mm²),PPV (%),MFI,MFI_Q1,MFI_Q2,MFI_Q3,MFI_Q4',
    'P1,day1,1,14.5,72,2.25,2,2,2,3',
    'P1,day3,1,16.0,88,2.75,3,3,2,3',
    'P2,day1,1,11.5,58,2.00,2,2,2,2',
    'P2,day3,1,13.0,80,2.50,2,3,2,3',
    'P3,day1,1,17.5,83,2.50,3,2,3,2',
    'P3,day3,1,18.5,91,3.00,3,3,3,3',
  ].join('\r\n'));
  // Observer B: a European sheet (';' and decimal commas), one score missing.
  put(dir, 'obsB.csv', [
    'patient;timepoint;site;TVD;PPV;MFI;MFI_Q1;MFI_Q2;MFI_Q3;MFI_Q4',
    'P1;day1;1;15,5;68;2,5;3;2;2;3',
    'P1;day3;1;16,5;92;2,75;3;3;2;3',
    'P2;day1;1;12,5;62;2,25;2;3;2;2',
    'P2;day3;1;;77;2,5;3;2;2;3',
    'P3;day1;1;18,5;86;2,75;3;3;3;2',
  ].join('\n'));
  return dir;
}

describe('hvm compare end to end', () => {
  it('writes agreement.csv/json, change.csv, SVG and PNG plots', async () => {
    const dir = smallStudy();
    const out = join(dir, 'out');
    const code = await runCompare(['--manual', join(dir, 'obsA.csv'), '--manual', join(dir, 'obsB.csv'), '--engine', join(dir, 'study'), '--out', out]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/TVD_small\s+engine vs obsA\s+5/);

    const report = JSON.parse(readFileSync(join(out, 'agreement.json'), 'utf8')) as AgreementReport;
    expect(report.schema).toBe(AGREEMENT_SCHEMA_ID);
    expect(report.observers).toEqual(['obsA', 'obsB']);
    const tvd = report.metrics.find((m) => m.metric === 'TVD_small')!;
    const eA = tvd.comparisons.find((c) => c.a === 'engine' && c.b === 'obsA')!;
    // Engine has no value for P3 day3 (failed clip): 5 pairs, 1 unit missing on the engine side.
    expect(eA.n).toBe(5);
    expect(eA.missingA).toBe(1);
    // Differences: 0.5, 1.0, 0.5, 0.5, 0.5 → bias 0.6, SD √(0.2/4) = 0.2236.
    expect(eA.blandAltman.bias!).toBeCloseTo(0.6, 12);
    expect(eA.blandAltman.sdDiff!).toBeCloseTo(Math.sqrt(0.05), 12);
    const AB = tvd.comparisons.find((c) => c.type === 'observer-observer')!;
    expect(AB.n).toBe(4); // B lacks TVD for P2 day3 and has no P3 day3 row
    expect(tvd.comparisons.some((c) => c.type === 'engine-observers-mean')).toBe(true);

    // Quadrant scores: per quadrant and pooled, with weighted kappa.
    const pooled = report.metrics.find((m) => m.metric === 'MFI_Qall_small')!;
    const pe = pooled.comparisons.find((c) => c.a === 'engine' && c.b === 'obsA')!;
    expect(pe.n).toBe(20); // 5 clips × 4 quadrants
    expect(pe.kappa!.kappa).not.toBeNull();
    expect(pe.icc).toBeNull();

    const csv = readFileSync(join(out, 'agreement.csv'), 'utf8');
    expect(csv).toMatch(/^metric,label,unit,kind,comparison,type,method_a,method_b,n,/);
    expect(csv).toMatch(/\nTVD_small,Total vessel density \(small vessels\),mm\/mm²,continuous,engine vs obsA,engine-observer,engine,obsA,5,1,0,0\.6,/);
    expect(csv).not.toMatch(/NaN|Infinity/);

    // Change day1 → day3 for patients with both visits on both sides.
    const change = readFileSync(join(out, 'change.csv'), 'utf8');
    expect(change).toMatch(/\nTVD_small,engine,obsA,day1,day3,2,/);

    const plots = readdirSync(join(out, 'plots'));
    for (const f of ['TVD_small__engine_vs_obsA.bland-altman.svg', 'TVD_small__engine_vs_obsA.scatter.svg', 'TVD_small__obsA_vs_obsB.bland-altman.png', 'MFI_Qall_small__engine_vs_obsA.scatter.png']) {
      expect(plots).toContain(f);
    }
    const svg = readFileSync(join(out, 'plots', 'TVD_small__engine_vs_obsA.bland-altman.svg'), 'utf8');
    expect(svg).toMatch(/^<\?xml/);
    expect(svg).toContain('bias 0.6');
    expect(svg).toContain('stroke-dasharray'); // the limits of agreement
    const meta = await sharp(join(out, 'plots', 'TVD_small__engine_vs_obsA.bland-altman.png')).metadata();
    expect(meta.format).toBe('png');
    expect(meta.width).toBeGreaterThan(0);
    expect(meta.height).toBeGreaterThan(0);
    const stats = await sharp(join(out, 'plots', 'TVD_small__engine_vs_obsA.scatter.png')).stats();
    expect(stats.channels[0]!.min).toBeLessThan(200); // something was drawn on the white page
  });

  it('engine side as clip-result JSON files, matched by clip file name; per-vessel flow classes', async () => {
    const dir = tempDir();
    const result = (path: string, tvd: number, mfi: number, vessels: [string, number][]) => ({
      schema: CLIP_RESULT_SCHEMA_ID,
      source: { path },
      metrics: { small: { ...unmeasuredMetricSet(), TVD: tvd, MFI: mfi }, all: unmeasuredMetricSet() },
      vessels: vessels.map(([id, flowClass]) => ({ id, flowClass })),
    });
    put(dir, 'results/a.json', JSON.stringify(result('/data/P1_d1.avi', 15, 2.5, [['v1', 3], ['v2', 2], ['v3', 0]])));
    put(dir, 'results/sub/b.json', JSON.stringify(result('C:\\data\\P2_d1.avi', 12, 2.0, [['v1', 3], ['v2', 3]])));
    put(dir, 'results/other.json', JSON.stringify({ hello: 1 }));
    put(dir, 'clips.csv', 'clip,TVD,MFI\nP1_d1.AVI,14.0,2.25\nP2_d1,12.5,2.0\nP9_d1.avi,10,1\n');
    put(dir, 'vessels.csv', 'clip,vessel,flow class\nP1_d1.avi,v1,3\nP1_d1.avi,v2,1\nP1_d1.avi,v3,0\nP2_d1.avi,v1,3\nP2_d1.avi,v2,3\n');
    const out = join(dir, 'out');
    expect(await runCompare(['--manual', join(dir, 'clips.csv'), '--manual', join(dir, 'vessels.csv'), '--engine', join(dir, 'results'), '--out', out, '--no-png', '--quiet'])).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'agreement.json'), 'utf8')) as AgreementReport;
    expect(report.inputs.engine).toMatchObject({ kind: 'result-json', clips: 2 });
    expect(report.inputs.engine.skippedFiles).toHaveLength(1);
    expect(report.matching.unmatchedManualRows).toBe(1); // P9_d1.avi
    const tvd = report.metrics.find((m) => m.metric === 'TVD_small')!.comparisons[0]!;
    expect(tvd.n).toBe(2);
    expect(tvd.blandAltman.bias!).toBeCloseTo((1 - 0.5) / 2, 12);
    const fc = report.metrics.find((m) => m.metric === 'flowClass')!.comparisons.find((c) => c.a === 'engine')!;
    expect(fc.n).toBe(5);
    expect(fc.kappa!.exactAgreement!).toBeCloseTo(4 / 5, 12);
    expect(existsSync(join(out, 'plots', 'flowClass__engine_vs_vessels.scatter.svg'))).toBe(true);
    expect(existsSync(join(out, 'plots', 'flowClass__engine_vs_vessels.scatter.png'))).toBe(false);
    expect(existsSync(join(out, 'change.csv'))).toBe(false); // no time points known
  });

  it('no manual row matching any engine clip is a typed error with examples of both keys', async () => {
    const dir = smallStudy();
    put(dir, 'other.csv', 'patient,timepoint,site,TVD\nX1,day1,1,12\n');
    await expect(runCompare(['--manual', join(dir, 'other.csv'), '--engine', join(dir, 'study'), '--out', join(dir, 'o'), '--quiet'])).rejects.toBeInstanceOf(NothingToCompareError);
  });

  it('usage errors: missing options, a bad --map, a bad --level', async () => {
    await expect(runCompare(['--engine', 'x', '--out', 'y'])).rejects.toBeInstanceOf(UsageError);
    await expect(runCompare(['--manual', 'a.csv', '--out', 'y'])).rejects.toThrow(/--engine/);
    await expect(runCompare(['--manual', 'a.csv', '--engine', 'x', '--out', 'y', '--map', 'TVD'])).rejects.toThrow(/ENGINE_NAME=COLUMN/);
    await expect(runCompare(['--manual', 'a.csv', '--engine', 'x', '--out', 'y', '--map', 'density=Dens'])).rejects.toThrow(/not a key .* or an engine metric/);
    await expect(runCompare(['--manual', 'a.csv', '--engine', 'x', '--out', 'y', '--level', '95'])).rejects.toBeInstanceOf(UsageError);
    await expect(runCompare(['--manual', 'a.csv', '--bogus'])).rejects.toBeInstanceOf(UsageError);
  });
});
