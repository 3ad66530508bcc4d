/**
 * Reading a number from a spreadsheet cell. Empty cells and the usual "missing" markers
 * (NA, N/A, NaN, -, ., none, missing, #N/A) are missing values, not errors: manual scoring
 * sheets are full of them, and each comparison counts what it had to leave out. Anything
 * else that is not a number is an error the caller reports with its file, row and column.
 *
 * Decimal commas ("12,5") are accepted only where they cannot be a field separator or a
 * thousands mark in disguise: in ';'- or tab-separated files and in XLSX text cells. In a
 * comma-separated file a quoted "12,5" is refused rather than guessed.
 */
import type { Cell } from './table.js';

const MISSING = new Set(['', 'na', 'n/a', 'n.a.', 'nan', '-', '—', '–', '.', 'null', 'none', 'missing', '#n/a', 'nd', 'n.d.']);

export type NumberCell = { kind: 'number'; value: number } | { kind: 'missing' } | { kind: 'text'; text: string };

export function readNumberCell(cell: Cell, decimalComma: boolean): NumberCell {
  if (cell === null) return { kind: 'missing' };
  if (typeof cell === 'number') return Number.isFinite(cell) ? { kind: 'number', value: cell } : { kind: 'text', text: String(cell) };
  const raw = cell.trim();
  if (MISSING.has(raw.toLowerCase())) return { kind: 'missing' };
  let s = raw.replace(/[\s\u00a0]+/g, '');
  // A trailing per-cent sign is tolerated (a PPV typed as "85%" is 85 per cent).
  if (s.endsWith('%')) s = s.slice(0, -1);
  if (decimalComma && /^[+-]?\d*,\d+(e[+-]?\d+)?$/i.test(s)) s = s.replace(',', '.');
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return { kind: 'text', text: raw };
  const v = Number(s);
  return Number.isFinite(v) ? { kind: 'number', value: v } : { kind: 'text', text: raw };
}

/** Cell → trimmed text ('' for empty); numbers keep their shortest form. */
export function cellText(cell: Cell): string {
  if (cell === null) return '';
  return typeof cell === 'number' ? String(cell) : cell.trim();
}
