/**
 * Reading manual score sheets: header conventions, observers, units, and the typed errors
 * for bad files, each naming FILE, ROW and COLUMN (see src/compare/errors.ts).
 * Unit facts: TVD/PVD are vessel length per area (mm/mm²); the De Backer score counts grid
 * crossings per mm (De Backer et al. 2007, Crit Care 11:R101); both reduce to 1/mm, which
 * is why "1/mm" alone is ambiguous.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseMetricHeader, keyOfHeader } from '../../src/compare/columns.js';
import {
  DuplicateKeyError, MapColumnNotFoundError, MissingKeyColumnError, MissingKeyValueError, NoMetricColumnsError, NotANumberError,
  PpvFractionError, UnitAmbiguousError, UnitMismatchError, ValueOutOfRangeError,
} from '../../src/compare/errors.js';
import { HvmError } from '../../src/errors.js';
import { readManualScores, runComparison } from '../../src/compare/index.js';
import { put, tempDir, removeTempDirs } from './helpers.js';

afterAll(removeTempDirs);

const dir = tempDir();
const sheet = (name: string, text: string) => put(dir, name, text);

async function readError(p: Promise<unknown>): Promise<HvmError & { row?: number; column?: string }> {
  try {
    await p;
  } catch (e) {
    return e as HvmError & { row?: number; column?: string };
  }
  throw new Error('expected an error');
}

describe('header conventions', () => {
  it('metric, population, observer suffix, unit', () => {
    expect(parseMetricHeader('TVD')).toMatchObject({ def: { base: 'TVD' }, population: null, observer: null, unit: null });
    expect(parseMetricHeader('TVD_small (mm/mm²)')).toMatchObject({ def: { base: 'TVD' }, population: 'small', unit: 'mm/mm²' });
    expect(parseMetricHeader('MFI_Q1_obsA')).toMatchObject({ def: { base: 'MFI_Q1' }, observer: 'obsA' });
    expect(parseMetricHeader('PPV all @Anna [%]')).toMatchObject({ def: { base: 'PPV' }, population: 'all', observer: 'Anna', unit: '%' });
    expect(parseMetricHeader('De Backer score (n/mm)')).toMatchObject({ def: { base: 'deBackerScore' }, unit: 'n/mm' });
    expect(parseMetricHeader('PPV%')).toMatchObject({ def: { base: 'PPV' }, unit: '%' });
    expect(parseMetricHeader('TVD_mean')).toBeNull(); // not an observer suffix: ignored, listed
    expect(parseMetricHeader('comment')).toBeNull();
  });

  it('key columns by alias', () => {
    expect(keyOfHeader('Patient ID')).toBe('patient');
    expect(keyOfHeader('Time point')).toBe('timepoint');
    expect(keyOfHeader('Site')).toBe('site');
    expect(keyOfHeader('File name')).toBe('clip');
    expect(keyOfHeader('Observer')).toBe('observer');
  });
});

describe('observers', () => {
  it('one per file, named after the file', async () => {
    const a = sheet('anna.csv', 'patient,timepoint,site,TVD\nP1,d1,1,12\n');
    const b = sheet('ben.csv', 'patient,timepoint,site,TVD\nP1,d1,1,13\n');
    const m = await readManualScores([a, b]);
    expect(m.observers).toEqual(['anna', 'ben']);
    expect(m.sheets[0]!.records[0]!.values).toEqual({ TVD_small: 12 });
  });

  it('an observer column, and observer-suffixed columns', async () => {
    const long = sheet('long.csv', 'patient,timepoint,site,observer,MFI\nP1,d1,1,A,2.5\nP1,d1,1,B,2.75\n');
    expect((await readManualScores([long])).observers).toEqual(['A', 'B']);
    const wide = sheet('wide.csv', 'patient,timepoint,site,MFI_obs1,MFI_obs2,note\nP1,d1,1,2.5,2.75,x\n');
    const w = await readManualScores([wide]);
    expect(w.observers).toEqual(['obs1', 'obs2']);
    expect(w.sheets[0]!.records.map((r) => r.values)).toEqual([{ MFI_small: 2.5 }, { MFI_small: 2.75 }]);
  });

  it('--map names columns of other layouts (keys and metrics)', async () => {
    const p = sheet('ava.csv', 'Subject,Visit,Video,Total small vessel density\nS1,1,3,14.2\n');
    const m = await readManualScores([p], { map: { patient: 'Subject', timepoint: 'Visit', site: 'Video', TVD_small: 'Total small vessel density' } });
    expect(m.sheets[0]!.level).toBe('site');
    expect(m.sheets[0]!.records[0]!.values).toEqual({ TVD_small: 14.2 });
    await expect(readManualScores([p], { map: { TVD_small: 'Nope' } })).rejects.toBeInstanceOf(MapColumnNotFoundError);
  });

  it('a units row under the header, a ";" sheet with decimal commas, and a clip-keyed sheet', async () => {
    const p = sheet('eu.csv', 'patient;timepoint;site;TVD;PPV\n;;;mm/mm²;%\nP1;d1;1;12,5;85,5\n');
    const m = await readManualScores([p]);
    expect(m.sheets[0]!.unitsRow).toBe(2);
    expect(m.sheets[0]!.records[0]!.values).toEqual({ TVD_small: 12.5, PPV_small: 85.5 });
    const c = sheet('byclip.csv', 'clip,MFI\nvideos/P1_d1_s1.AVI,2.5\n');
    expect((await readManualScores([c])).sheets[0]!.level).toBe('clip');
  });

  it('a "class" column in a clip-level sheet is a patient group, not flow classes: ignored and listed', async () => {
    const p = sheet('grouped.csv', 'patient,timepoint,site,class,MFI\nP1,d1,1,septic shock,2.5\n');
    const m = await readManualScores([p]);
    expect(m.sheets[0]!.ignoredColumns).toEqual(['class']);
    expect(m.sheets[0]!.records[0]!.values).toEqual({ MFI_small: 2.5 });
  });

  it('a "(fraction)" PPV header is scaled to per cent', async () => {
    const p = sheet('frac.csv', 'patient,timepoint,site,PPV (fraction)\nP1,d1,1,0.85\n');
    expect((await readManualScores([p])).sheets[0]!.records[0]!.values.PPV_small).toBeCloseTo(85, 12);
  });
});

describe('bad manual files: typed errors naming file, row and column', () => {
  it('missing key column', async () => {
    const p = sheet('nokey.csv', 'patient,site,TVD\nP1,1,12\n');
    const e = await readError(readManualScores([p]));
    expect(e).toBeInstanceOf(MissingKeyColumnError);
    expect(e.code).toBe('E_COMPARE_MISSING_KEY_COLUMN');
    expect(e.file).toBe(p);
    expect(e.row).toBe(1);
    expect(e.message).toMatch(/no timepoint column/);
  });

  it('empty key cell in a scored row', async () => {
    const p = sheet('emptykey.csv', 'patient,timepoint,site,TVD\nP1,d1,1,12\nP2,,1,13\n');
    const e = await readError(readManualScores([p]));
    expect(e).toBeInstanceOf(MissingKeyValueError);
    expect(e.row).toBe(3);
    expect(e.column).toBe('timepoint');
    expect(e.message).toContain('row 3, column "timepoint" (B)');
  });

  it('duplicate keys (same observer, same clip) name both rows', async () => {
    const p = sheet('dup.csv', 'patient,timepoint,site,TVD\nP1,d1,1,12\nP1,d1,2,13\np1,D1,01,14\n');
    const e = await readError(readManualScores([p]));
    expect(e).toBeInstanceOf(DuplicateKeyError);
    expect(e.code).toBe('E_COMPARE_DUPLICATE_KEY');
    expect(e.row).toBe(4);
    expect(e.message).toMatch(/row 4, column "patient" \(A\): duplicate key .*row 2 has the same key/);
  });

  it('text in a number column', async () => {
    const p = sheet('text.csv', 'patient,timepoint,site,TVD,MFI\nP1,d1,1,12,2.5\nP2,d1,1,13,good\n');
    const e = await readError(readManualScores([p]));
    expect(e).toBeInstanceOf(NotANumberError);
    expect(e.code).toBe('E_COMPARE_NOT_A_NUMBER');
    expect(e.row).toBe(3);
    expect(e.column).toBe('MFI');
    expect(e.message).toContain(`${p}: row 3, column "MFI" (E): "good" is not a number.`);
  });

  it('a decimal comma in a comma-separated file gets a specific hint', async () => {
    const p = sheet('comma.csv', 'patient,timepoint,site,TVD\nP1,d1,1,"12,5"\n');
    const e = await readError(readManualScores([p]));
    expect(e).toBeInstanceOf(NotANumberError);
    expect(e.hint).toMatch(/cannot use decimal commas/);
  });

  it('values out of range: MFI 4, a quadrant score 2.5', async () => {
    const mfi = sheet('mfi.csv', 'patient,timepoint,site,MFI\nP1,d1,1,4\n');
    const e1 = await readError(readManualScores([mfi]));
    expect(e1).toBeInstanceOf(ValueOutOfRangeError);
    expect(e1.row).toBe(2);
    const q = sheet('q.csv', 'patient,timepoint,site,MFI_Q2\nP1,d1,1,2.5\n');
    const e2 = await readError(readManualScores([q]));
    expect(e2).toBeInstanceOf(ValueOutOfRangeError);
    expect(e2.message).toMatch(/not a whole score/);
  });

  it('TVD declared in n/mm is the De Backer score: unit mismatch', async () => {
    const p = sheet('tvdnmm.csv', 'patient,timepoint,site,TVD (n/mm)\nP1,d1,1,12\n');
    const e = await readError(readManualScores([p]));
    expect(e).toBeInstanceOf(UnitMismatchError);
    expect(e.code).toBe('E_COMPARE_UNIT_MISMATCH');
    expect(e.row).toBe(1);
    expect(e.column).toBe('TVD (n/mm)');
    expect(e.message).toMatch(/De Backer score/);
  });

  it('TVD declared in 1/mm cannot be told apart: ambiguous unit', async () => {
    const p = sheet('tvd1mm.csv', 'patient,timepoint,site,TVD\n,,,1/mm\nP1,d1,1,12\n');
    const e = await readError(readManualScores([p]));
    expect(e).toBeInstanceOf(UnitAmbiguousError);
    expect(e.code).toBe('E_COMPARE_UNIT_AMBIGUOUS');
    expect(e.row).toBe(2); // the units row
    expect(e.column).toBe('TVD');
  });

  it('De Backer score declared in mm/mm² is a density: unit mismatch', async () => {
    const p = sheet('dbs.csv', 'patient,timepoint,site,De Backer score [mm/mm2]\nP1,d1,1,12\n');
    await expect(readManualScores([p])).rejects.toBeInstanceOf(UnitMismatchError);
  });

  it('no metric column at all', async () => {
    const p = sheet('nometric.csv', 'patient,timepoint,site,density\nP1,d1,1,12\n');
    const e = await readError(readManualScores([p]));
    expect(e).toBeInstanceOf(NoMetricColumnsError);
    expect(e.message).toMatch(/"density"/);
  });

  it('PPV as a fraction while the engine is in per cent: PpvFractionError; --ppv-fraction fixes it', async () => {
    const engine = put(dir, 'ppv/clips.csv', 'patient,timepoint,site,path,PPV_small\nP1,d1,1,a.avi,82\nP2,d1,1,b.avi,64\nP3,d1,1,c.avi,90\n');
    const man = sheet('ppvfrac.csv', 'patient,timepoint,site,PPV\nP1,d1,1,0.80\nP2,d1,1,0.66\nP3,d1,1,0.91\n');
    const e = await readError(runComparison({ manual: [man], engine, out: join(dir, 'ppv-out'), plots: false }));
    expect(e).toBeInstanceOf(PpvFractionError);
    expect(e.code).toBe('E_COMPARE_PPV_FRACTION');
    expect(e.column).toBe('PPV');
    expect(e.message).toMatch(/look like fractions/);
    const ok = await runComparison({ manual: [man], engine, out: join(dir, 'ppv-out'), plots: false, ppvFraction: true });
    expect(ok.report.metrics[0]!.comparisons[0]!.blandAltman.bias!).toBeCloseTo((82 + 64 + 90 - 80 - 66 - 91) / 3, 10);
  });

  it('PPV ≤ 1 on both sides: per cent or fraction cannot be told → UnitAmbiguousError', async () => {
    const engine = put(dir, 'ppvlow/clips.csv', 'patient,timepoint,site,path,PPV_small\nP1,d1,1,a.avi,0.5\nP2,d1,1,b.avi,0.9\n');
    const man = sheet('ppvlow.csv', 'patient,timepoint,site,PPV\nP1,d1,1,0.6\nP2,d1,1,0.8\n');
    await expect(runComparison({ manual: [man], engine, out: join(dir, 'ppvlow-out'), plots: false })).rejects.toBeInstanceOf(UnitAmbiguousError);
  });

  it('--ppv-fraction scales only PPV columns', async () => {
    const man = sheet('ppvflag.csv', 'patient,timepoint,site,TVD,PPV,MFI\nP1,d1,1,12.5,0.8,2.5\n');
    const m = await readManualScores([man], { ppvFraction: true });
    expect(m.sheets[0]!.records[0]!.values).toEqual({ TVD_small: 12.5, PPV_small: 80, MFI_small: 2.5 });
  });

  it('--ppv-fraction with a value above 1 names the row', async () => {
    const man = sheet('ppvmixed.csv', 'patient,timepoint,site,PPV\nP1,d1,1,0.6\nP2,d1,1,85\n');
    const e = await readError(readManualScores([man], { ppvFraction: true }));
    expect(e).toBeInstanceOf(ValueOutOfRangeError);
    expect(e.row).toBe(3);
    expect(e.column).toBe('PPV');
  });
});
