/**
 * Where the plots of a comparison are written, relative to the `--out` (agreement) folder:
 *   plots/<metric>__<a>_vs_<b>.bland-altman.svg|png
 *   plots/<metric>__<a>_vs_<b>.scatter.svg|png
 * Shared by the writer (run.ts) and the report section (report-section.ts), kept free of
 * the PNG renderer so that HTML reports can import it cheaply.
 */

/** A file-name-safe form of a rater or metric name. */
export function slug(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'x';
}

export interface PlotFiles {
  metric: string;
  a: string;
  b: string;
  /** Paths relative to the agreement folder; png null when PNGs were not written. */
  blandAltman: { svg: string; png: string | null };
  scatter: { svg: string; png: string | null };
}

/**
 * The plot files of one comparison (png: whether PNG renderings are written too; suffix: to
 * tell apart two comparisons whose names reduce to the same slug, e.g. observers "A B" and "A-B").
 */
export function plotFiles(metric: string, a: string, b: string, png = true, suffix = ''): PlotFiles {
  const base = `plots/${slug(metric)}__${slug(a)}_vs_${slug(b)}${suffix}`;
  return {
    metric, a, b,
    blandAltman: { svg: `${base}.bland-altman.svg`, png: png ? `${base}.bland-altman.png` : null },
    scatter: { svg: `${base}.scatter.svg`, png: png ? `${base}.scatter.png` : null },
  };
}
