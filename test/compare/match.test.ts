/**
 * Matching manual rows to engine clips, and the engine table layout.
 * Key rules (src/compare/keys.ts): case-insensitive, numbers by value ("01" = "1"), clip
 * names by file name with or without extension; a sheet scored per visit (no site) is
 * compared with the mean of the engine's clips of that visit (the consensus patient value
 * is the mean over sites: De Backer 2007; Ince 2018). Expected values by hand.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import {
  ENGINE_RATER as ENGINE, engineTableColumns, engineTableRow, formatEngineTable, matchRatings, parseEngineTable, readManualScores, readTable, runComparison,
} from '../../src/compare/index.js';
import { EngineInputError } from '../../src/compare/errors.js';
import { CLIP_RESULT_SCHEMA_ID, unmeasuredMetricSet, type ClipResult } from '../../src/report/contract.js';
import { put, tempDir, removeTempDirs } from './helpers.js';

afterAll(removeTempDirs);

const dir = tempDir();
const engineCsv = put(dir, 'clips.csv', [
  'patient,timepoint,site,path,MFI_small,TVD_small,MFI_Q1_small',
  'P01,Day1,1,data/P01/d1_s1.avi,2.5,14,3',
  'P01,Day1,2,data/P01/d1_s2.avi,3.0,16,3',
  'P01,Day1,3,data/P01/d1_s3.avi,,18,2',
  'P02,Day1,1,data/P02/d1_s1.avi,2.0,12,2',
].join('\n'));

describe('matching', () => {
  it('site keys normalised: "p1" / "day1" / "01" find P01 / Day1 / 1', async () => {
    const man = put(dir, 'site.csv', 'patient,timepoint,site,MFI\np01,day1,01,2.25\n');
    const clips = parseEngineTable(await readTable(engineCsv));
    const r = matchRatings(await readManualScores([man]), clips);
    expect(r.matchedEngineClips).toBe(1);
    const unit = [...r.units.values()][0]!;
    expect(r.values.get(ENGINE)!.get(unit.id)!.MFI_small).toBe(2.5);
  });

  it('session-level sheet: engine value is the mean over the visit\'s clips with a value', async () => {
    const man = put(dir, 'session.csv', 'patient,timepoint,MFI,TVD,MFI_Q1\nP01,Day1,2.6,15,3\n');
    const manual = await readManualScores([man]);
    expect(manual.sheets[0]!.level).toBe('session');
    const r = matchRatings(manual, parseEngineTable(await readTable(engineCsv)));
    const unit = r.values.get(ENGINE)!.get('session:p01|day1')!;
    expect(unit.MFI_small).toBeCloseTo((2.5 + 3.0) / 2, 12); // site 3 has no MFI
    expect(unit.TVD_small).toBeCloseTo((14 + 16 + 18) / 3, 12);
    expect(unit.MFI_Q1_small).toBeUndefined(); // quadrant scores are not averaged
  });

  it('clip names: folder and case ignored, extension optional', async () => {
    const man = put(dir, 'clipnames.csv', 'clip,MFI\nD1_S2,2.75\nC:\\scans\\D1_S1.AVI,2.5\n');
    // Two engine clips are called d1_s1.avi (P01 and P02): ambiguous → kept out of engine comparisons, listed.
    const r = matchRatings(await readManualScores([man]), parseEngineTable(await readTable(engineCsv)));
    expect(r.matchedEngineClips).toBe(1);
    expect(r.unmatchedManual).toHaveLength(1);
    expect(r.unmatchedManual[0]!.key).toMatch(/matches 2 engine clips/);
  });

  it('the same observer scoring a clip in two files is a duplicate naming both files', async () => {
    const a = put(dir, 'o1.csv', 'patient,timepoint,site,observer,MFI\nP01,Day1,1,Kim,2.5\n');
    const b = put(dir, 'o2.csv', 'patient,timepoint,site,observer,MFI\nP01,Day1,1,Kim,2.75\n');
    await expect(readManualScores([a, b])).rejects.toThrow(/also in .*o1\.csv/);
  });

  it('an observer called "engine" is renamed, not confused with the engine', async () => {
    const a = put(dir, 'engine-obs.csv', 'patient,timepoint,site,observer,MFI\nP01,Day1,1,Engine,2.5\n');
    expect((await readManualScores([a])).observers).toEqual(['Engine (observer)']);
  });
});

describe('engine table (clips.csv) layout', () => {
  const result = {
    schema: CLIP_RESULT_SCHEMA_ID,
    source: { path: 'clips/P1, day 1.avi' },
    metrics: {
      small: { ...unmeasuredMetricSet(), TVD: 15.5, PPV: 82.25, MFI: 2.75, MFIQuadrants: [3, 3, 2, null] },
      all: { ...unmeasuredMetricSet(), TVD: 18 },
    },
    vessels: [],
  } as unknown as ClipResult;

  it('columns: keys, then every metric × small/all', () => {
    const cols = engineTableColumns();
    expect(cols.slice(0, 4)).toEqual(['patient', 'timepoint', 'site', 'path']);
    expect(cols).toContain('TVD_small');
    expect(cols).toContain('MFI_Q4_all');
    expect(cols).toHaveLength(4 + 2 * 12);
  });

  it('row from a clip result → CSV → parsed back, nulls stay empty', async () => {
    const row = engineTableRow(result, { patient: 'P1', timepoint: 'day1', site: '2' });
    expect(row.MFI_Q3_small).toBe(2);
    expect(row.MFI_Q4_small).toBeNull();
    const p = put(dir, 'roundtrip.csv', formatEngineTable([{ ...row, status: 'ok' }]));
    const clips = parseEngineTable(await readTable(p));
    expect(clips[0]).toMatchObject({ patient: 'P1', timepoint: 'day1', site: '2', path: 'clips/P1, day 1.avi' });
    expect(clips[0]!.values).toEqual({ TVD_small: 15.5, PPV_small: 82.25, MFI_small: 2.75, MFI_Q1_small: 3, MFI_Q2_small: 3, MFI_Q3_small: 2, TVD_all: 18 });
  });

  it('text in an engine number column names row and column', async () => {
    const p = put(dir, 'bad-engine.csv', 'patient,timepoint,site,path,TVD_small\nP1,d1,1,a.avi,12\nP1,d1,2,b.avi,err\n');
    const e = await runComparison({ manual: [put(dir, 'm.csv', 'patient,timepoint,site,TVD\nP1,d1,1,12\n')], engine: p, out: join(dir, 'o'), plots: false }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(EngineInputError);
    expect((e as EngineInputError).row).toBe(3);
    expect((e as EngineInputError).column).toBe('TVD_small');
  });
});
