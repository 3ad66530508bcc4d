/**
 * A small RFC 4180 CSV reader for manual score sheets and the engine's clips.csv.
 *
 * - Quoted fields may hold the delimiter, line breaks and doubled quotes ("").
 * - Line ends: CRLF, LF or lone CR. A UTF-8 byte order mark is dropped; UTF-16 (Excel's
 *   "Unicode text") is decoded from its BOM.
 * - The delimiter is detected from the header line (outside quotes): the most frequent of
 *   ';', tab and ','. European spreadsheets write ';' because ',' is their decimal mark, so
 *   ';' (and tab) files may use decimal commas (see numbers.ts).
 * - Rows are numbered as a spreadsheet shows them (header = row 1, blank lines count),
 *   which is what every error message cites.
 */
import { TableReadError } from './errors.js';

export type Delimiter = ',' | ';' | '\t';

export interface CsvRecord {
  /** Spreadsheet row number (1-based). */
  row: number;
  cells: string[];
}

export interface ParsedCsv {
  delimiter: Delimiter;
  records: CsvRecord[];
}

/** Bytes → text: BOM-aware (UTF-8 default, UTF-16 LE/BE by BOM). */
export function decodeText(bytes: Uint8Array): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const text = new TextDecoder('utf-8').decode(bytes);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The delimiter of the first non-empty line, counting only characters outside quotes. */
export function detectDelimiter(text: string): Delimiter {
  const counts: Record<Delimiter, number> = { ',': 0, ';': 0, '\t': 0 };
  let inQuotes = false;
  let seenContent = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (ch === '\n' || ch === '\r')) {
      if (seenContent) break;
    } else if (!inQuotes && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
    if (ch !== '\n' && ch !== '\r') seenContent = true;
  }
  if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
  if (counts['\t'] > counts[','] && counts['\t'] > counts[';']) return '\t';
  return ',';
}

/** Parses CSV text. `file` is only for error messages. */
export function parseCsv(text: string, file: string, delimiter: Delimiter = detectDelimiter(text)): ParsedCsv {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records: CsvRecord[] = [];
  let row = 1;
  let cells: string[] = [];
  let field = '';
  let i = 0;
  const n = text.length;
  let recordStarted = false;
  const endRecord = () => {
    cells.push(field);
    records.push({ row, cells });
    cells = [];
    field = '';
    recordStarted = false;
  };
  while (i < n) {
    const ch = text[i]!;
    if (ch === '"' && field === '' ) {
      // Quoted field: runs to the next lone quote.
      const startRow = row;
      i++;
      let closed = false;
      while (i < n) {
        const c = text[i]!;
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          closed = true;
          i++;
          break;
        }
        field += c;
        i++;
      }
      if (!closed) {
        throw new TableReadError({ file, row: startRow, columnIndex: cells.length }, `a quoted cell in column ${cells.length + 1} is never closed.`,
          'Every opening quote needs a closing quote; a quote inside a quoted cell is written twice ("").');
      }
      // After the closing quote only a delimiter or a line end may follow.
      const next = text[i];
      if (next !== undefined && next !== delimiter && next !== '\n' && next !== '\r') {
        throw new TableReadError({ file, row, columnIndex: cells.length }, `unexpected "${next}" after the closing quote of column ${cells.length + 1}.`,
          'Quote the whole cell, and double any quote inside it ("").');
      }
      recordStarted = true;
      continue;
    }
    if (ch === delimiter) {
      cells.push(field);
      field = '';
      recordStarted = true;
      i++;
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      if (recordStarted || field !== '') endRecord();
      else records.push({ row, cells: [''] }); // a blank line keeps its row number
      cells = [];
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      row++;
      continue;
    }
    // A quote in the middle of an unquoted field is kept literally (lenient, as spreadsheets do).
    field += ch;
    recordStarted = true;
    i++;
  }
  if (recordStarted || field !== '') endRecord();
  // Drop trailing blank lines; keep inner ones (callers skip them, row numbers stay true).
  while (records.length > 0 && isBlank(records[records.length - 1]!.cells)) records.pop();
  return { delimiter, records };
}

export function isBlank(cells: readonly (string | number | null)[]): boolean {
  return cells.every((c) => c === null || (typeof c === 'string' && c.trim() === ''));
}
