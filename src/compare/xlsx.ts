/**
 * Reads one sheet of an .xlsx workbook into rows of cells, through the `read-excel-file`
 * package (pure JavaScript, read-only, maintained; see docs/compare.md for why it was
 * chosen over exceljs and the stale `xlsx` 0.18.5 on npm). Cells become strings or numbers;
 * dates become ISO dates (YYYY-MM-DD) so a time point typed as a date still works as a key.
 */
import readXlsxFile from 'read-excel-file/node';
import { TableReadError } from './errors.js';

export type XlsxCell = string | number | null;

function toCell(v: unknown): XlsxCell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString().slice(0, 10);
  return String(v);
}

/**
 * The rows of the sheet named `sheet` (or the first sheet). `file` is the name for error
 * messages. Row i of the result is spreadsheet row i + 1.
 */
export async function readXlsxRows(bytes: Uint8Array, file: string, sheet?: string): Promise<XlsxCell[][]> {
  let sheets: { sheet: string; data: unknown[][] }[];
  try {
    sheets = (await readXlsxFile(Buffer.from(bytes))) as { sheet: string; data: unknown[][] }[];
  } catch (e) {
    throw new TableReadError({ file }, `cannot read the workbook (${(e as Error).message}).`,
      'Save it again from your spreadsheet program as .xlsx (Excel 2007+), or export the sheet as CSV. Old .xls files are not supported.');
  }
  if (sheets.length === 0) throw new TableReadError({ file }, 'the workbook has no sheets.');
  const chosen = sheet === undefined ? sheets[0]! : sheets.find((s) => s.sheet === sheet);
  if (chosen === undefined) {
    throw new TableReadError({ file }, `no sheet named "${sheet}".`, `The workbook has: ${sheets.map((s) => `"${s.sheet}"`).join(', ')}.`);
  }
  return chosen.data.map((r) => r.map(toCell));
}
