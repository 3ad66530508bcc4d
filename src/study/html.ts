/** HTML helpers for the study report: escaping, redaction of paths, number formatting, the shared style. */
import { basename, extname } from 'node:path';

export function esc(s: string | number | null | undefined): string {
  if (s === null || s === undefined) return '';
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A number with `digits` decimals, or an em dash for "not measured". */
export function num(v: number | null | undefined, digits: number): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);
}

/**
 * Hides what could identify a patient in free text (error and warning messages): the clip's
 * path as given, its file name with and without extension, and any absolute path.
 */
export function redact(text: string, clipPaths: readonly string[]): string {
  let out = text;
  const needles = new Set<string>();
  for (const p of clipPaths) {
    if (p === '') continue;
    needles.add(p);
    const b = basename(p);
    needles.add(b);
    const stem = b.slice(0, b.length - extname(b).length);
    if (stem.length >= 3) needles.add(stem);
  }
  for (const n of [...needles].sort((a, b) => b.length - a.length)) out = out.split(n).join('[clip]');
  // Absolute paths (POSIX and Windows), and file: URLs.
  out = out.replace(/(?:file:)?(?:\/[^\s/:'"),;]+){2,}\/?/g, '[path]').replace(/[A-Za-z]:\\[^\s'"),;]+/g, '[path]');
  return out;
}

export const STYLE = `
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:1.5em;color:#222;max-width:1400px}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.8em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f3f3f3;position:sticky;top:0}td.n{text-align:right;font-variant-numeric:tabular-nums}
.flag{display:inline-block;border-radius:3px;padding:0 4px;margin:1px;font-size:12px;background:#eee}
.bad{background:#f8d0d0}.warn{background:#fbeebb}.ok{background:#d5f0d5}.muted{color:#777}
img.thumb{display:block;background:#000}.note{background:#fffbe6;border:1px solid #eedc82;padding:.5em;margin:.5em 0}
.quad td{width:3em;height:2em;text-align:center;font-weight:bold}
`;

export function page(title: string, body: string, extraCss = ''): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLE}${extraCss}</style>
</head>
<body>
${body}
</body>
</html>
`;
}
