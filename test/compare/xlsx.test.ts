/**
 * XLSX manual sheets through read-excel-file. The workbooks are written by the minimal
 * writer in helpers.ts (stored ZIP + SpreadsheetML, ECMA-376 Part 1 §18), so the reader is
 * tested on files whose every byte is known.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { NotANumberError, TableReadError } from '../../src/compare/errors.js';
import { readManualScores } from '../../src/compare/index.js';
import { readTable } from '../../src/compare/table.js';
import { makeXlsx, put, tempDir, removeTempDirs } from './helpers.js';

afterAll(removeTempDirs);

const dir = tempDir();

describe('xlsx manual sheets', () => {
  const book = put(dir, 'scores.xlsx', makeXlsx([
    { name: 'Anna', rows: [['patient', 'timepoint', 'site', 'TVD (mm/mm²)', 'MFI'], ['P1', 'day1', 1, 14.5, 2.75], ['P1', 'day1', 2, 15.25, null], ['P2', 'day1', 1, '13,5', 3]] },
    { name: 'Ben', rows: [['patient', 'timepoint', 'site', 'MFI'], ['P1', 'day1', 1, 'n/a'], ['P2', 'day1', 1, 'good']] },
  ]));

  it('reads typed numbers, text decimal commas, empty cells; first sheet by default', async () => {
    const t = await readTable(book);
    expect(t.format).toBe('xlsx');
    expect(t.header).toEqual(['patient', 'timepoint', 'site', 'TVD (mm/mm²)', 'MFI']);
    const m = await readManualScores([book]);
    expect(m.observers).toEqual(['scores']);
    expect(m.sheets[0]!.records.map((r) => r.values)).toEqual([
      { TVD_small: 14.5, MFI_small: 2.75 },
      { TVD_small: 15.25 },
      { TVD_small: 13.5, MFI_small: 3 },
    ]);
  });

  it('a named sheet (file.xlsx#Sheet) is an observer of its own; errors give the spreadsheet row', async () => {
    const e = await readManualScores([`${book}#Ben`]).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NotANumberError);
    expect((e as NotANumberError).row).toBe(3);
    expect((e as NotANumberError).column).toBe('MFI');
    expect((e as Error).message).toContain('scores.xlsx#Ben: row 3, column "MFI" (D): "good" is not a number.');
  });

  it('a header lower on the sheet (rows above absent from the file): errors still cite the true row', async () => {
    const low = put(dir, 'low.xlsx', makeXlsx([{ name: 'S', startRow: 3, rows: [['patient', 'timepoint', 'site', 'TVD'], ['P1', 'd1', 1, 12], ['P2', 'd1', 1, 'x']] }]));
    const e = await readManualScores([low]).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NotANumberError);
    expect((e as NotANumberError).row).toBe(5);
  });

  it('an unknown sheet, and a file that is not a workbook', async () => {
    await expect(readTable(`${book}#Nobody`)).rejects.toThrow(/no sheet named "Nobody".*"Anna", "Ben"/);
    const fake = put(dir, 'fake.xlsx', 'not a zip');
    await expect(readTable(fake)).rejects.toBeInstanceOf(TableReadError);
  });
});
