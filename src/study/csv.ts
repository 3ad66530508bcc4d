/** CSV writing for the study tables: header + rows, LF line ends, RFC 4180 quoting, empty = not measured. */

export type CsvValue = string | number | boolean | null | undefined;

export function csvCell(v: CsvValue): string {
  if (v === null || v === undefined) return '';
  // Numbers in their shortest round-trip form: reading the cell back gives the same double.
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : typeof v === 'boolean' ? (v ? 'yes' : 'no') : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function formatCsv(columns: readonly string[], rows: readonly Record<string, CsvValue>[]): string {
  const lines = [columns.map(csvCell).join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvCell(r[c])).join(','));
  return `${lines.join('\n')}\n`;
}
