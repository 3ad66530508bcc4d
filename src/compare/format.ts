/**
 * Number and cell formatting shared by the CSV writers: null (a statistic that could not
 * be computed) is an empty cell, never "NaN"; numbers keep 10 significant digits, enough
 * for any agreement statistic and free of binary noise (0.30000000000000004).
 */
export function num(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '';
  return String(Number(v.toPrecision(10)));
}

export function csvCell(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? num(v) : typeof v === 'boolean' ? String(v) : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(cells: readonly (string | number | boolean | null | undefined)[]): string {
  return cells.map(csvCell).join(',');
}

/** JSON with every non-finite number written as null (JSON has no NaN). */
export function safeJson(value: unknown): string {
  return `${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}
