/**
 * One input table, whatever its format: a header and rows of cells with their spreadsheet
 * row numbers. CSV and XLSX both end up here so the manual-score and engine readers deal
 * with a single shape.
 *
 * A path may name a sheet of a workbook as `scores.xlsx#Sheet name`.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { decodeText, isBlank, parseCsv } from './csv.js';
import { TableReadError } from './errors.js';
import { readXlsxRows, type XlsxCell } from './xlsx.js';

export type Cell = string | number | null;

export interface TableRow {
  /** Spreadsheet row number (header = 1). */
  row: number;
  cells: Cell[];
}

export interface Table {
  /** The path as the user gave it (with #sheet when one was named). */
  file: string;
  format: 'csv' | 'xlsx';
  /** Header cells, trimmed. */
  header: string[];
  /** Spreadsheet row number of the header. */
  headerRow: number;
  /** Data rows (blank rows dropped), numbered as in the spreadsheet. */
  rows: TableRow[];
  /** Whether text numbers may use a decimal comma (';' or tab CSV, XLSX text cells). */
  decimalComma: boolean;
  /** The CSV delimiter, when CSV. */
  delimiter: string | null;
}

/** Splits `file.xlsx#Sheet` into path and sheet name. */
export function splitSheet(spec: string): { path: string; sheet: string | undefined } {
  const m = /^(.*\.xlsx)#(.+)$/i.exec(spec);
  return m ? { path: m[1]!, sheet: m[2]! } : { path: spec, sheet: undefined };
}

function fromRows(file: string, format: 'csv' | 'xlsx', rows: { row: number; cells: Cell[] }[], decimalComma: boolean, delimiter: string | null): Table {
  const headerIndex = rows.findIndex((r) => !isBlank(r.cells));
  if (headerIndex < 0) throw new TableReadError({ file }, 'the table is empty (no header row).');
  const headerRow = rows[headerIndex]!;
  const header = headerRow.cells.map((c) => (c === null ? '' : String(c).trim()));
  // Trailing empty header cells (a trailing delimiter, formatted but empty columns) are dropped.
  while (header.length > 0 && header[header.length - 1] === '') header.pop();
  const body: TableRow[] = [];
  for (const r of rows.slice(headerIndex + 1)) {
    if (isBlank(r.cells)) continue;
    const extra = r.cells.slice(header.length).findIndex((c) => c !== null && String(c).trim() !== '');
    if (extra >= 0) {
      throw new TableReadError({ file, row: r.row, columnIndex: header.length + extra },
        `this row has a value beyond the last header column (${header.length} columns).`,
        format === 'csv' ? 'A comma inside a value must be quoted, or the header is missing a column name.' : 'Give the column a header, or clear the cell.');
    }
    const cells = header.map((_, j) => {
      const c = r.cells[j];
      return c === undefined || c === null ? null : c;
    });
    body.push({ row: r.row, cells });
  }
  return { file, format, header, headerRow: headerRow.row, rows: body, decimalComma, delimiter };
}

/** Reads a .csv/.tsv/.txt or .xlsx file. */
export async function readTable(spec: string): Promise<Table> {
  const { path, sheet } = splitSheet(spec);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TableReadError({ file: spec }, code === 'ENOENT' ? 'file not found.' : code === 'EISDIR' ? 'is a folder, not a table.' : `cannot read (${(e as Error).message}).`);
  }
  const ext = extname(path).toLowerCase();
  if (ext === '.xlsx' || (bytes[0] === 0x50 && bytes[1] === 0x4b && ext !== '.csv')) {
    const rows: XlsxCell[][] = await readXlsxRows(bytes, spec, sheet);
    return fromRows(spec, 'xlsx', rows.map((cells, i) => ({ row: i + 1, cells })), true, null);
  }
  if (ext === '.xls' || ext === '.ods' || ext === '.numbers') {
    throw new TableReadError({ file: spec }, `${ext} workbooks are not supported.`, 'Save the sheet as .xlsx or export it as CSV.');
  }
  const parsed = parseCsv(decodeText(bytes), spec);
  return fromRows(spec, 'csv', parsed.records, parsed.delimiter !== ',', parsed.delimiter);
}
