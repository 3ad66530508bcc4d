/**
 * How a manual row finds its engine clip. Key cells are compared after normalising:
 * trimmed, case-insensitive, and numbers by value ("01", "1" and "1.0" are the same site),
 * so a spreadsheet that turned "01" into 1 still matches. Clip names are compared by file
 * name only (folders dropped, '\' or '/'), with or without the extension.
 */

/** Normalised key cell. */
export function normKey(s: string): string {
  const t = s.trim().toLowerCase();
  if (/^[+-]?\d+(\.\d+)?$/.test(t)) return String(Number(t));
  return t;
}

/** The file name of a path, lower-case. */
export function clipFileName(path: string): string {
  const parts = path.trim().split(/[\\/]/);
  return (parts[parts.length - 1] ?? '').toLowerCase();
}

/** The file name without its last extension. */
export function clipStem(path: string): string {
  const name = clipFileName(path);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/** patient|timepoint|site (normalised). */
export function siteKey(patient: string, timepoint: string, site: string): string {
  return `${normKey(patient)}|${normKey(timepoint)}|${normKey(site)}`;
}

/** patient|timepoint (normalised). */
export function sessionKey(patient: string, timepoint: string): string {
  return `${normKey(patient)}|${normKey(timepoint)}`;
}
