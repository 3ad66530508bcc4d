/**
 * One clip's report page (clips/<id>/index.html): the picture the vessels are drawn on
 * (overlay when the engine writes one, else the stabilised mean image), quadrant scores,
 * the metrics, calibration and window, warnings, and the vessel table with each vessel's
 * space-time diagram loaded lazily. Only files the clip's done.json lists are linked, so
 * every picture exists.
 */
import type { ClipResult, ReportedMetricSet, VesselResult } from '../report/contract.js';
import { esc, num, page, redact } from './html.js';
import { THUMB_FILE } from './layout.js';
import { qualityOf } from './quality.js';
import type { ClipState } from './state.js';

const METRIC_ROWS: [keyof ReportedMetricSet, string, string, number][] = [
  ['TVD', 'TVD', 'mm/mm²', 2], ['PVD', 'PVD', 'mm/mm²', 2], ['PPV', 'PPV', '%', 1], ['PPVCount', 'PPV (count)', '%', 1],
  ['unclassifiedLengthPct', 'unclassified length', '%', 1], ['deBackerScore', 'De Backer score', '1/mm', 2],
  ['perfusedDeBackerScore', 'perfused De Backer score', '1/mm', 2], ['MFI', 'MFI (quadrants)', '0–3', 2],
  ['MFIVessel', 'MFI (vessel-by-vessel)', '0–3', 2], ['meanVelocityUmPerS', 'mean RBC velocity', 'µm/s', 0],
  ['sdVelocityUmPerS', 'SD RBC velocity', 'µm/s', 0], ['vesselCount', 'vessels', '', 0],
];

/** Space-time diagram files: names with "space-time", "spacetime" or "std" as a word. */
export function isSpaceTimeFile(name: string): boolean {
  return /space-?time|(^|[/_.-])std([/_.-]|$)/i.test(name);
}

/** The space-time picture of a vessel: a space-time file whose stem is the vessel id or ends with "-<id>"/"_<id>". */
export function spaceTimeFor(id: string, files: readonly string[]): string | undefined {
  return files.find((f) => {
    if (!isSpaceTimeFile(f) || !f.endsWith('.png')) return false;
    const stem = f.slice(f.lastIndexOf('/') + 1, -4);
    return stem === id || stem.endsWith(`-${id}`) || stem.endsWith(`_${id}`);
  });
}

function velocityText(v: VesselResult['velocity']): string {
  if (v === null) return '—';
  if (v.censored === 'above') return `≥ ${num(v.lowerBoundUmPerS, 0)}`;
  if (v.censored === 'below') return `≤ ${num(v.upperBoundUmPerS, 0)}`;
  return num(v.valueUmPerS, 0);
}

function quadrants(q: ReportedMetricSet['MFIQuadrants']): string {
  const c = (i: number) => (q === null || q[i] === null || q[i] === undefined ? '—' : String(q[i]));
  return `<table class="quad"><tr><td>${c(0)}</td><td>${c(1)}</td></tr><tr><td>${c(2)}</td><td>${c(3)}</td></tr></table>`;
}

export function clipPageHtml(c: ClipState, showPaths: boolean): string {
  const r = c.result as ClipResult;
  const e = c.entry;
  const files = (c.done?.files ?? []).map((f) => f.name);
  const clean = (t: string) => (showPaths ? t : redact(t, [e.path, r.source.path]));
  const title = `${e.patient} · ${e.timepoint} · site ${e.site}`;
  const main = files.includes('overlay.png') ? 'overlay.png' : files.find((f) => f === 'mean-image.png') ?? files.find((f) => f.endsWith('.png') && f !== THUMB_FILE && !isSpaceTimeFile(f));
  const q = qualityOf(r);
  const parts: string[] = [];
  parts.push(`<p><a href="../../report.html">← study report</a></p><h1>${esc(title)}</h1>`);
  const src = r.source;
  parts.push(
    `<p>${showPaths ? `clip <code>${esc(src.path)}</code> · ` : ''}${src.width}×${src.height} px, ${num(src.fps, 3)} fps, ${src.frameCount} frames (${num(src.durationS, 2)} s)${src.truncated ? ' · <span class="flag bad">truncated</span>' : ''} · sha256 <code>${esc(src.sha256.slice(0, 16))}…</code></p>`,
    `<p>calibration ${num(r.calibration.umPerPxX, 4)} × ${num(r.calibration.umPerPxY, 4)} µm/px (${esc(r.calibration.source)}${r.calibration.device !== null ? ` ${esc(r.calibration.device)}` : ''}); small vessels &lt; ${num(r.calibration.smallVesselMaxUm, 0)} µm; analysis window ${num(r.analysis.window.startS, 2)}–${num(r.analysis.window.endS, 2)} s; analysed area ${num(r.analysis.analysedAreaMm2, 4)} mm²; engine ${esc(r.engine.version)} (${esc(r.engine.backend)})</p>`,
  );
  if (q.accepted !== null) {
    parts.push(`<p>quality: <span class="flag ${q.accepted ? 'ok' : 'bad'}">${q.accepted ? 'accepted' : 'rejected'}</span>${q.total !== null ? ` total ${q.total}` : ''}${q.reason !== null ? ` — ${esc(clean(q.reason))}` : ''}</p>`);
  }
  if (main !== undefined) {
    const w = r.source.width;
    const h = r.source.height;
    parts.push(`<h2>Picture</h2><img src="${esc(main)}" alt="${esc(main)}" width="${w}" height="${h}" style="max-width:100%;height:auto">`);
  }
  parts.push('<h2>Metrics</h2><table><tr><th>metric</th><th>unit</th><th>small vessels</th><th>all vessels</th></tr>');
  for (const [k, label, unit, d] of METRIC_ROWS) {
    const a = r.metrics.small[k];
    const b = r.metrics.all[k];
    parts.push(`<tr><td>${esc(label)}</td><td>${esc(unit)}</td><td class="n">${num(typeof a === 'number' ? a : null, d)}</td><td class="n">${num(typeof b === 'number' ? b : null, d)}</td></tr>`);
  }
  parts.push('</table>');
  parts.push(`<h2>Quadrant scores (MFI)</h2><table><tr><th>small vessels</th><th>all vessels</th></tr><tr><td>${quadrants(r.metrics.small.MFIQuadrants)}</td><td>${quadrants(r.metrics.all.MFIQuadrants)}</td></tr></table>`);
  if (r.warnings.length > 0) {
    parts.push('<h2>Warnings</h2><ul>', ...r.warnings.map((w) => `<li><span class="flag warn">${esc(w.code)}</span> ${esc(clean(w.message))}</li>`), '</ul>');
  }
  parts.push(`<h2>Vessels (${r.vessels.length})</h2>`);
  if (r.vessels.length === 0) parts.push('<p class="muted">No vessels in this result (see the warnings).</p>');
  else {
    parts.push('<table><tr><th>id</th><th>small</th><th>length µm</th><th>diameter µm</th><th>flow class</th><th>velocity µm/s</th><th>stopped</th><th>why</th><th>space-time diagram</th></tr>');
    for (const v of r.vessels) {
      const st = spaceTimeFor(v.id, files);
      parts.push(
        `<tr><td>${esc(v.id)}</td><td>${v.small ? 'yes' : 'no'}</td><td class="n">${num(v.lengthUm, 1)}</td><td class="n">${num(v.diameterUm, 1)}</td><td class="n">${v.flowClass ?? '—'}</td><td class="n">${velocityText(v.velocity)}</td><td class="n">${v.stoppedFraction === null ? '—' : num(v.stoppedFraction, 2)}</td><td>${esc(clean(v.classReason))}</td><td>${st !== undefined ? `<img loading="lazy" src="${esc(st)}" alt="space-time ${esc(v.id)}">` : ''}</td></tr>`,
      );
    }
    parts.push('</table>');
  }
  const shown = new Set([main, THUMB_FILE, ...r.vessels.map((v) => spaceTimeFor(v.id, files))]);
  const more = files.filter((f) => f.endsWith('.png') && !shown.has(f));
  if (more.length > 0) {
    parts.push('<h2>More pictures</h2>', ...more.map((f) => `<figure style="display:inline-block"><img loading="lazy" src="${esc(f)}" alt="${esc(f)}" style="max-width:480px"><figcaption>${esc(f)}</figcaption></figure>`));
  }
  parts.push(`<p class="muted"><a href="result.json">result.json</a> (the clip result contract)</p>`);
  return page(`hvm study: ${title}`, parts.join('\n'));
}
