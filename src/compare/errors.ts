/**
 * Typed errors of `hvm compare`. A researcher's spreadsheet is the usual culprit, so every
 * error about an input table names the FILE, the ROW (as the spreadsheet numbers it: the
 * header is row 1) and the COLUMN (header text and spreadsheet letter), and says what to
 * change. All extend HvmError, so `hvm` prints them as one line with their code.
 */
import { HvmError } from '../errors.js';

/** Spreadsheet column letter of a 0-based index: 0 → A, 25 → Z, 26 → AA. */
export function columnLetter(index: number): string {
  let s = '';
  let i = index + 1;
  while (i > 0) {
    const r = (i - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    i = Math.floor((i - 1) / 26);
  }
  return s;
}

/** Where in a table something is wrong. */
export interface TablePlace {
  file: string;
  /** 1-based row as a spreadsheet shows it (header = 1); undefined for the whole file. */
  row?: number;
  /** Header text of the column. */
  column?: string;
  /** 0-based column index, for the letter. */
  columnIndex?: number;
}

function describePlace(p: TablePlace): string {
  const parts: string[] = [];
  if (p.row !== undefined) parts.push(`row ${p.row}`);
  if (p.column !== undefined) parts.push(`column "${p.column}"${p.columnIndex !== undefined ? ` (${columnLetter(p.columnIndex)})` : ''}`);
  else if (p.columnIndex !== undefined) parts.push(`column ${columnLetter(p.columnIndex)}`);
  return parts.length > 0 ? `${parts.join(', ')}: ` : '';
}

/** Base of the errors about one place in an input table (manual scores or engine table). */
export class CompareTableError extends HvmError {
  readonly row: number | undefined;
  readonly column: string | undefined;

  constructor(code: string, place: TablePlace, message: string, hint?: string) {
    super(code, `${describePlace(place)}${message}`, { file: place.file, ...(hint !== undefined ? { hint } : {}) });
    this.row = place.row;
    this.column = place.column;
  }

  override toJSON(): ReturnType<HvmError['toJSON']> & { row?: number; column?: string } {
    return { ...super.toJSON(), ...(this.row !== undefined ? { row: this.row } : {}), ...(this.column !== undefined ? { column: this.column } : {}) };
  }
}

/** The file cannot be read as a table (missing, unreadable, not CSV/XLSX, broken quoting). */
export class TableReadError extends CompareTableError {
  constructor(place: TablePlace, message: string, hint?: string) {
    super('E_COMPARE_TABLE_READ', place, message, hint);
  }
}

/** A key column (patient, timepoint, site, or clip) is missing from the header. */
export class MissingKeyColumnError extends CompareTableError {
  constructor(place: TablePlace, message: string) {
    super('E_COMPARE_MISSING_KEY_COLUMN', place, message,
      'Add columns patient, timepoint and site (or one column clip with the clip file name), or name yours with --map patient=COLUMN etc. See docs/compare.md.');
  }
}

/** The sheet has no column that names a known metric. */
export class NoMetricColumnsError extends CompareTableError {
  constructor(place: TablePlace, ignored: string[]) {
    super('E_COMPARE_NO_METRIC_COLUMNS', place, `no column names a metric${ignored.length > 0 ? ` (not understood: ${ignored.map((h) => `"${h}"`).join(', ')})` : ''}.`,
      'Name columns TVD, PVD, PPV, MFI, MFI_Q1…MFI_Q4, deBackerScore (see videos-fixtures/compare/manual-template.csv), or map yours with --map TVD_small=COLUMN.');
  }
}

/** A --map NAME=COLUMN names a column that no manual file has. */
export class MapColumnNotFoundError extends CompareTableError {
  constructor(place: TablePlace, name: string, column: string, headers: string[]) {
    super('E_COMPARE_MAP_COLUMN', place, `--map ${name}=${column}: no column "${column}".`, `The header has: ${headers.map((h) => `"${h}"`).join(', ')}.`);
  }
}

/** A row has an empty key cell. */
export class MissingKeyValueError extends CompareTableError {
  constructor(place: TablePlace) {
    super('E_COMPARE_MISSING_KEY_VALUE', place, 'the key cell is empty.', 'Every scored row needs its patient, timepoint and site (or clip); delete rows that are not scores.');
  }
}

/** Two rows of one observer have the same key. */
export class DuplicateKeyError extends CompareTableError {
  constructor(place: TablePlace, key: string, firstRow: number) {
    super('E_COMPARE_DUPLICATE_KEY', place, `duplicate key ${key}: row ${firstRow} has the same key.`,
      'Each clip (patient, timepoint, site) may be scored once per observer; give repeated scorings an observer column, or remove the copy.');
  }
}

/** Text where a number belongs. */
export class NotANumberError extends CompareTableError {
  constructor(place: TablePlace, text: string, hint?: string) {
    super('E_COMPARE_NOT_A_NUMBER', place, `"${text}" is not a number.`,
      hint ?? 'Leave the cell empty (or write NA) when a score is missing; use a dot as decimal separator in comma-separated files.');
  }
}

/** A number outside what the metric allows (MFI 4, PPV 130 %, quadrant score 2.5). */
export class ValueOutOfRangeError extends CompareTableError {
  constructor(place: TablePlace, message: string, hint?: string) {
    super('E_COMPARE_OUT_OF_RANGE', place, message, hint);
  }
}

/** The column's unit says it is a different metric (TVD declared in n/mm is a De Backer score). */
export class UnitMismatchError extends CompareTableError {
  constructor(place: TablePlace, message: string, hint: string) {
    super('E_COMPARE_UNIT_MISMATCH', place, message, hint);
  }
}

/** The unit cannot be told (TVD in "1/mm" may be a density or a De Backer score). */
export class UnitAmbiguousError extends CompareTableError {
  constructor(place: TablePlace, message: string, hint: string) {
    super('E_COMPARE_UNIT_AMBIGUOUS', place, message, hint);
  }
}

/** PPV written as a fraction (0–1) while the engine reports per cent. */
export class PpvFractionError extends CompareTableError {
  constructor(place: TablePlace, message: string) {
    super('E_COMPARE_PPV_FRACTION', place, message,
      'Pass --ppv-fraction to multiply this PPV column by 100, write the header as "PPV (fraction)", or enter per cent.');
  }
}

/** The engine side (clips.csv, study folder, clip-result JSON files) cannot be used. */
export class EngineInputError extends CompareTableError {
  constructor(place: TablePlace, message: string, hint?: string) {
    super('E_COMPARE_ENGINE_INPUT', place, message, hint);
  }
}

/** Nothing to compare: no manual row matches an engine clip, or no metric is shared. */
export class NothingToCompareError extends HvmError {
  constructor(message: string, hint: string) {
    super('E_COMPARE_NOTHING_TO_COMPARE', message, { hint });
  }
}
