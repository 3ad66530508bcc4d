/**
 * The agreement section of a study report, as an HTML fragment built from agreement.json
 * alone (no recomputation): a table of every metric × comparison with the bias and its
 * interval, the limits of agreement, ICC(A,1), Lin's CCC and weighted kappa, the observer
 * spread verdict, the change analysis, and the Bland–Altman and scatter plots linked and
 * shown by relative path.
 *
 *   agreementSectionHtml(JSON.parse(readFileSync('study/agreement/agreement.json', 'utf8')), 'agreement/')
 *
 * `baseHref` is prefixed to every plot path (paths in agreement.json are relative to the
 * agreement folder): '' when the page lives in that folder (agreement.html), 'agreement/'
 * for a study report one level up. Every text from the data (metric labels, observer names,
 * file names, warnings) is HTML-escaped; the fragment holds no script and no inline style
 * beyond the classes of AGREEMENT_SECTION_CSS, which agreementPageHtml embeds.
 */
import type { AgreementReport } from './report.js';
import { plotFiles, type PlotFiles } from './plot-paths.js';

/** The parsed agreement.json (`hvm-engine/agreement@1`), as agreementSectionHtml takes it. */
export type AgreementJson = AgreementReport;

type Metric = AgreementJson['metrics'][number];
type Comp = Metric['comparisons'][number];

/** Escapes text for HTML content and for attribute values (both quote kinds). */
export function escapeHtml(s: unknown): string {
  return String(s ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A plot path with the base prefix, safe inside an attribute (the path itself is URI-encoded per segment). */
function href(baseHref: string, rel: string): string {
  return escapeHtml(baseHref + rel.split('/').map(encodeURIComponent).join('/'));
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** 3 significant digits, a true minus sign, '—' for null (a statistic that could not be computed). */
function fmt(v: unknown, digits = 3): string {
  if (!isNum(v)) return '—';
  const s = Math.abs(v) >= 1e5 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : String(Number(v.toPrecision(digits)));
  return s.replace(/^-/, '−');
}

function ci(v: unknown): string {
  return Array.isArray(v) && v.length === 2 ? ` <span class="ci">[${fmt(v[0])}, ${fmt(v[1])}]</span>` : '';
}

function withCi(value: unknown, interval: unknown): string {
  return isNum(value) ? `${fmt(value)}${ci(interval)}` : '—';
}

const TYPE_LABEL: Record<string, string> = {
  'engine-observer': 'engine vs observer',
  'observer-observer': 'between observers',
  'engine-observers-mean': 'engine vs observers’ mean',
};

function notesOfComparison(c: Comp): string[] {
  const groups: [string, { notes?: string[] } | null | undefined][] = [
    ['', { notes: c.notes ?? [] }],
    ['Bland–Altman', c.blandAltman], ['ICC', c.icc], ['CCC', c.ccc], ['kappa', c.kappa],
  ];
  const out: string[] = [];
  for (const [name, g] of groups) for (const n of g?.notes ?? []) out.push(name ? `${name}: ${n}` : n);
  return [...new Set(out)];
}

function plotsFor(agreement: AgreementJson, m: Metric, c: Comp): PlotFiles | null {
  if (!(c.n > 0)) return null;
  if (Array.isArray(agreement.plots)) return agreement.plots.find((p) => p.metric === m.metric && p.a === c.a && p.b === c.b) ?? null;
  // agreement.json written before the plot list existed: the writer's naming convention.
  return plotFiles(m.metric, c.a, c.b, false);
}

function plotLinks(p: PlotFiles | null, baseHref: string): string {
  if (!p) return '—';
  return `<a href="${href(baseHref, p.blandAltman.svg)}">Bland–Altman</a> · <a href="${href(baseHref, p.scatter.svg)}">scatter</a>`;
}

function comparisonRow(agreement: AgreementJson, m: Metric, c: Comp, first: boolean, rows: number, baseHref: string): string {
  const ba = c.blandAltman;
  const loa = isNum(ba?.loaLower) && isNum(ba?.loaUpper) ? `${fmt(ba.loaLower)} to ${fmt(ba.loaUpper)}` : '—';
  const notes = notesOfComparison(c);
  const metricCell = first
    ? `<th scope="rowgroup" rowspan="${rows}">${escapeHtml(m.label)}<br><span class="unit">${escapeHtml(m.metric)}${m.unit ? `, ${escapeHtml(m.unit)}` : ''}</span></th>`
    : '';
  return `<tr class="${escapeHtml(c.type)}">${metricCell}`
    + `<td>${escapeHtml(c.a)} vs ${escapeHtml(c.b)}<br><span class="type">${escapeHtml(TYPE_LABEL[c.type] ?? c.type)}</span></td>`
    + `<td class="num">${escapeHtml(c.n)}</td>`
    + `<td class="num">${withCi(ba?.bias, ba?.biasCI)}</td>`
    + `<td class="num">${loa}</td>`
    + `<td class="num">${withCi(c.icc?.agreement?.value, c.icc?.agreement?.ci)}</td>`
    + `<td class="num">${withCi(c.ccc?.ccc, c.ccc?.ci)}</td>`
    + `<td class="num">${withCi(c.kappa?.kappa, c.kappa?.ci)}</td>`
    + `<td>${plotLinks(plotsFor(agreement, m, c), baseHref)}</td>`
    + `<td class="notes">${notes.map(escapeHtml).join('<br>')}</td></tr>`;
}

function spreadLine(m: Metric): string {
  const s = m.spread;
  if (!s) return '';
  const verdict = s.engineWithinObserverSpread === null ? 'not computable' : s.engineWithinObserverSpread ? 'within the observers’ spread' : 'outside the observers’ spread';
  const what = s.basis === 'weighted kappa' ? 'mean κw' : 'mean width of the limits of agreement';
  return `<li><strong>${escapeHtml(m.label)}</strong>: engine ${verdict} (${escapeHtml(what)}: engine ${fmt(s.engine)}, between observers ${fmt(s.interObserver)}).</li>`;
}

function changeTable(agreement: AgreementJson): string {
  const change = Array.isArray(agreement.change) ? agreement.change : [];
  if (change.length === 0) return '';
  const rows = change.map((x) => {
    const r = x.result;
    const same = r?.sameDirection;
    return `<tr><td>${escapeHtml(x.metric)}</td><td>${escapeHtml(x.a)} vs ${escapeHtml(x.b)}</td><td>${escapeHtml(x.from)} → ${escapeHtml(x.to)}</td>`
      + `<td class="num">${escapeHtml(r?.n ?? '')}</td><td class="num">${withCi(r?.agreement?.bias, r?.agreement?.biasCI)}</td>`
      + `<td class="num">${isNum(same?.fraction) ? `${fmt(same.fraction * 100, 3)} %` : '—'}</td>`
      + `<td>${escapeHtml(r?.a?.conclusionT ?? '—')}</td><td>${escapeHtml(r?.b?.conclusionT ?? '—')}</td>`
      + `<td>${r?.sameConclusionT === null || r?.sameConclusionT === undefined ? '—' : r.sameConclusionT ? 'yes' : '<strong>no</strong>'}</td></tr>`;
  });
  return `<h3>Change between time points</h3>
<table class="hvm-change"><thead><tr><th scope="col">Metric</th><th scope="col">Comparison</th><th scope="col">Time points</th><th scope="col">Patients</th><th scope="col">Bias of Δ [CI]</th><th scope="col">Same direction</th><th scope="col">Conclusion a (t-test)</th><th scope="col">Conclusion b (t-test)</th><th scope="col">Same conclusion</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`;
}

function figures(agreement: AgreementJson, baseHref: string): string {
  const figs: string[] = [];
  for (const m of agreement.metrics ?? []) {
    for (const c of m.comparisons ?? []) {
      const p = plotsFor(agreement, m, c);
      if (!p) continue;
      const caption = `${escapeHtml(m.label)}: ${escapeHtml(c.a)} vs ${escapeHtml(c.b)} (n = ${escapeHtml(c.n)})`;
      for (const [kind, file] of [['Bland–Altman', p.blandAltman], ['scatter', p.scatter]] as const) {
        figs.push(`<figure><a href="${href(baseHref, file.svg)}"><img src="${href(baseHref, file.svg)}" alt="${escapeHtml(kind)} plot, ${caption}" loading="lazy" width="360"></a><figcaption>${escapeHtml(kind)}: ${caption}</figcaption></figure>`);
      }
    }
  }
  return figs.length === 0 ? '' : `<h3>Plots</h3>\n<div class="hvm-agreement-plots">\n${figs.join('\n')}\n</div>`;
}

/**
 * The agreement section (an HTML fragment, one `<section>`) from the parsed agreement.json.
 * `baseHref` is prefixed to the plot paths (which are relative to the agreement folder).
 */
export function agreementSectionHtml(agreement: AgreementJson, baseHref = ''): string {
  const metrics = Array.isArray(agreement?.metrics) ? agreement.metrics : [];
  const level = isNum(agreement?.level) ? agreement.level : 0.95;
  const observers = Array.isArray(agreement?.observers) ? agreement.observers : [];
  const rows: string[] = [];
  for (const m of metrics) {
    const comps = (m.comparisons ?? []).filter((c) => c.n > 0);
    comps.forEach((c, i) => rows.push(comparisonRow(agreement, m, c, i === 0, comps.length, baseHref)));
  }
  const spread = metrics.map(spreadLine).filter((l) => l !== '');
  const warnings = Array.isArray(agreement?.warnings) ? agreement.warnings : [];
  const pct = `${fmt(level * 100, 3)} %`;
  const z = metrics.flatMap((m) => m.comparisons ?? []).map((c) => c.blandAltman?.loaMultiplier).find(isNum) ?? 1.959964;
  return `<section class="hvm-agreement">
<h2>Agreement with manual scoring</h2>
<p>Engine ${escapeHtml(agreement?.engineVersion ?? '')} against ${observers.length} observer(s): ${observers.map(escapeHtml).join(', ') || '—'}. ${escapeHtml(agreement?.matching?.matchedEngineClips ?? 0)} engine clip(s) matched to ${escapeHtml(agreement?.matching?.units ?? 0)} scored unit(s). Differences are a − b; intervals are ${pct} confidence intervals; limits of agreement are bias ± ${fmt(z, 3)} SD (Bland &amp; Altman 1986, 1999). ICC(A,1): two-way, absolute agreement, single measures (McGraw &amp; Wong 1996); CCC: Lin 1989/2000; κw: linear weights (Cohen 1968).</p>
${rows.length === 0 ? '<p>No metric has values from two raters on the same unit.</p>' : `<table class="hvm-agreement-table">
<thead><tr><th scope="col">Metric</th><th scope="col">Comparison</th><th scope="col">n</th><th scope="col">Bias [CI]</th><th scope="col">Limits of agreement</th><th scope="col">ICC(A,1) [CI]</th><th scope="col">CCC [CI]</th><th scope="col">κw [CI]</th><th scope="col">Plots</th><th scope="col">Notes</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>`}
${spread.length > 0 ? `<h3>Engine against the observers’ own spread</h3>\n<ul>${spread.join('\n')}</ul>` : ''}
${changeTable(agreement)}
${warnings.length > 0 ? `<h3>Warnings</h3>\n<ul class="warnings">${warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('\n')}</ul>` : ''}
${figures(agreement, baseHref)}
</section>
`;
}

/** Styles for the section's classes (embedded by agreementPageHtml; a study report may reuse them). */
export const AGREEMENT_SECTION_CSS = `.hvm-agreement{font-family:system-ui,sans-serif;font-size:14px;color:#222}
.hvm-agreement table{border-collapse:collapse;margin:0.5em 0 1em}
.hvm-agreement th,.hvm-agreement td{border:1px solid #ccc;padding:3px 6px;vertical-align:top;text-align:left}
.hvm-agreement td.num{text-align:right;white-space:nowrap}
.hvm-agreement .ci,.hvm-agreement .unit,.hvm-agreement .type{color:#666;font-size:12px}
.hvm-agreement td.notes{color:#666;font-size:12px;max-width:28em}
.hvm-agreement tr.observer-observer td{background:#f6f6f6}
.hvm-agreement-plots{display:flex;flex-wrap:wrap;gap:12px}
.hvm-agreement figure{margin:0;width:360px}
.hvm-agreement figure img{width:100%;height:auto;border:1px solid #ddd}
.hvm-agreement figcaption{font-size:12px;color:#444}`;

/** agreement.html: the section as a standalone page in the agreement folder (plot paths relative to it). */
export function agreementPageHtml(agreement: AgreementJson): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Agreement with manual scoring — hvm compare</title>
<style>
${AGREEMENT_SECTION_CSS}
</style>
</head>
<body>
${agreementSectionHtml(agreement, '')}</body>
</html>
`;
}
