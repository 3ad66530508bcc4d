/**
 * report.html: the study at a glance, quick to open for 500 clips — static HTML, no script,
 * thumbnails small and loaded lazily. The session table (means over sites and HI), one row
 * per clip (thumbnail, key metrics, flags) linking to its page, the failures, and — when
 * `hvm compare` wrote DIR/agreement/agreement.json — the agreement with manual scoring.
 * No file name or absolute path appears unless the study ran with --show-paths.
 *
 * writeStudyReport(studyDir) rebuilds report.html and every clip page from the files in the
 * folder alone (study.json, clips/*), so it can be run again at any time, e.g. after compare.
 */
import { join } from 'node:path';
import type { ClipResult } from '../report/contract.js';
import { writeFileAtomic } from '../write-file.js';
import { clipPageHtml } from './clip-page.js';
import { esc, num, page, redact } from './html.js';
import { AGREEMENT_JSON, CLIP_PAGE_FILE, CLIPS_DIR, readJsonFile, REPORT_FILE, THUMB_FILE } from './layout.js';
import { qualityOf } from './quality.js';
import { buildSessions, type StudySession } from './sessions.js';
import { readStudyState, type ClipState, type StudyState } from './state.js';

/** Warning codes shown as a red flag (the number may be wrong); the rest are yellow. */
const SERIOUS = new Set(['window-shortened', 'frames-not-registered', 'calibration-shape-mismatch', 'hi-too-few-sites']);

interface AgreementSection {
  /** agreementSectionHtml(agreement, baseHref): plot paths in agreement.json are relative to agreement/. */
  html: (agreement: unknown, baseHref: string) => string;
  css: string;
}

/**
 * The agreement section's HTML from src/compare/report-section.ts (agreementSectionHtml and
 * AGREEMENT_SECTION_CSS), loaded dynamically so the study report builds and runs without it.
 */
async function agreementSection(): Promise<AgreementSection | null> {
  try {
    // @ts-ignore -- report-section.ts is written alongside; when absent the report links agreement.csv instead.
    const mod = (await import('../compare/report-section.js')) as { agreementSectionHtml?: AgreementSection['html']; AGREEMENT_SECTION_CSS?: string };
    if (typeof mod.agreementSectionHtml !== 'function') return null;
    return { html: mod.agreementSectionHtml, css: typeof mod.AGREEMENT_SECTION_CSS === 'string' ? mod.AGREEMENT_SECTION_CSS : '' };
  } catch {
    return null;
  }
}

function flags(c: ClipState, includeRejected: boolean): string {
  if (c.status === 'failed') return `<span class="flag bad">failed ${esc(c.failure?.code ?? '')}</span>`;
  if (c.status === 'pending') return '<span class="flag warn">not analysed</span>';
  const r = c.result as ClipResult;
  const out: string[] = [];
  const q = qualityOf(r);
  if (q.accepted === false) out.push(`<span class="flag bad" title="${esc(q.reason)}">quality rejected${includeRejected ? ' (kept)' : ''}</span>`);
  else if (q.accepted === true) out.push('<span class="flag ok">quality ok</span>');
  if (r.source.truncated) out.push('<span class="flag bad">truncated</span>');
  for (const w of r.warnings) out.push(`<span class="flag ${SERIOUS.has(w.code) ? 'bad' : 'warn'}">${esc(w.code)}</span>`);
  return out.join(' ');
}

function sessionTable(sessions: readonly StudySession[]): string {
  const rows = sessions.map((s) => {
    const m = s.metrics;
    const hiNote = m.warnings.filter((w) => w.code.startsWith('hi-') && w.message.startsWith('small')).map((w) => w.message).join(' ');
    const excluded = m.excluded.map((e) => `${esc(e.siteId)}: ${esc(e.reason)}`).join('<br>');
    return `<tr><td>${esc(s.patient)}</td><td>${esc(s.timepoint)}</td><td class="n">${m.sitesAnalysed} / ${m.sitesPlanned}</td><td class="n">${num(m.small.MFI.mean, 2)}</td><td class="n" title="${esc(hiNote)}">${num(m.small.HI, 3)}</td><td class="n">${num(m.small.TVD.mean, 2)}</td><td class="n">${num(m.small.PVD.mean, 2)}</td><td class="n">${num(m.small.PPV.mean, 1)}</td><td class="n">${num(m.small.meanVelocityUmPerS.mean, 0)}</td><td>${excluded}</td></tr>`;
  });
  return `<table><tr><th>patient</th><th>time point</th><th>sites analysed / planned</th><th>MFI</th><th>HI</th><th>TVD mm/mm²</th><th>PVD mm/mm²</th><th>PPV %</th><th>velocity µm/s</th><th>excluded sites</th></tr>\n${rows.join('\n')}\n</table>`;
}

function clipTable(st: StudyState): string {
  const inc = st.study.options.includeRejected;
  const rows = st.clips.map((c) => {
    const e = c.entry;
    const link = (html: string) => (c.status === 'done' ? `<a href="${CLIPS_DIR}/${encodeURIComponent(e.id)}/${CLIP_PAGE_FILE}">${html}</a>` : html);
    const thumb = c.done?.files.some((f) => f.name === THUMB_FILE) === true
      ? link(`<img class="thumb" loading="lazy" src="${CLIPS_DIR}/${encodeURIComponent(e.id)}/${THUMB_FILE}" width="80" alt="">`)
      : '';
    const s = c.result?.metrics.small;
    return `<tr><td>${thumb}</td><td>${link(esc(e.patient))}</td><td>${esc(e.timepoint)}</td><td>${esc(e.site)}</td><td class="n">${num(s?.MFI, 2)}</td><td class="n">${num(s?.TVD, 2)}</td><td class="n">${num(s?.PPV, 1)}</td><td>${flags(c, inc)}</td></tr>`;
  });
  return `<table><tr><th></th><th>patient</th><th>time point</th><th>site</th><th>MFI</th><th>TVD mm/mm²</th><th>PPV %</th><th>flags</th></tr>\n${rows.join('\n')}\n</table>`;
}

function failureTable(st: StudyState): string {
  const failed = st.clips.filter((c) => c.status === 'failed');
  if (failed.length === 0) return '<p>None.</p>';
  const show = st.study.options.showPaths;
  const rows = failed.map((c) => {
    const f = c.failure!;
    const msg = show ? f.message : redact(f.message, [c.entry.path]);
    return `<tr><td>${esc(c.entry.patient)}</td><td>${esc(c.entry.timepoint)}</td><td>${esc(c.entry.site)}</td>${show ? `<td><code>${esc(c.entry.path)}</code></td>` : ''}<td><span class="flag bad">${esc(f.code)}</span></td><td>${esc(f.kind)}, ${f.attempts} attempt(s)</td><td>${esc(msg)}</td></tr>`;
  });
  return `<table><tr><th>patient</th><th>time point</th><th>site</th>${show ? '<th>clip</th>' : ''}<th>error</th><th>kind</th><th>message</th></tr>\n${rows.join('\n')}\n</table>`;
}

/** report.html text for a study state (the clip pages are written by writeStudyReport). */
export async function studyReportHtml(st: StudyState): Promise<string> {
  const sessions = buildSessions(st.clips, st.study.options.includeRejected);
  const n = (s: ClipState['status']) => st.clips.filter((c) => c.status === s).length;
  const notMeasured = st.clips.filter((c) => c.result?.warnings.some((w) => w.code === 'metrics-not-measured') === true).length;
  const body: string[] = [];
  body.push(`<h1>hvm study${st.study.options.showPaths ? `: ${esc(st.study.manifest.name)}` : ''}</h1>`);
  body.push(
    `<p>${st.clips.length} clips planned: <b>${n('done')}</b> analysed, <b>${n('failed')}</b> failed${n('pending') > 0 ? `, <b>${n('pending')}</b> not analysed yet` : ''}. ${sessions.length} sessions (patient × time point). Engine ${esc(st.study.engine.version)}. Quality-rejected clips are ${st.study.options.includeRejected ? '<b>kept</b> in' : 'left out of'} the session means and HI. Run ${esc(st.study.startedAt)}${st.study.finishedAt !== null ? ` – ${esc(st.study.finishedAt)}` : ' (not finished)'}.</p>`,
    '<p>Tables: <a href="clips.csv">clips.csv</a> · <a href="sessions.csv">sessions.csv</a> · <a href="failures.csv">failures.csv</a></p>',
  );
  if (notMeasured > 0) {
    body.push(`<p class="note">${notMeasured} clip(s) carry the warning <code>metrics-not-measured</code>: this engine version does not measure vessels and flow yet, so their metrics are empty (never zero).</p>`);
  }
  body.push('<h2>Sessions</h2>', sessionTable(sessions));
  body.push('<h2>Clips</h2>', clipTable(st));
  body.push('<h2>Failures</h2>', failureTable(st));
  const agreement = await readJsonFile<unknown>(join(st.dir, AGREEMENT_JSON));
  let css = '';
  if (agreement !== null) {
    const section = await agreementSection();
    body.push('<h2>Agreement with manual scoring</h2>');
    let html: string | null = null;
    if (section !== null) {
      try {
        html = section.html(agreement, 'agreement/');
        css = section.css;
      } catch (e) {
        body.push(`<p class="note">agreement/agreement.json could not be shown (${esc((e as Error).message)}).</p>`);
      }
    }
    body.push(html ?? '<p>See <a href="agreement/agreement.csv">agreement/agreement.csv</a> (written by <code>hvm compare --out STUDY_DIR/agreement</code>).</p>');
  }
  return page('hvm study report', body.join('\n'), css);
}

/** Rebuilds report.html and every clip page from the files in the study folder. */
export async function writeStudyReport(studyDir: string): Promise<void> {
  const st = await readStudyState(studyDir);
  await writeReportFiles(st);
}

/** Writes report.html and the clip pages of a state already read. */
export async function writeReportFiles(st: StudyState): Promise<void> {
  for (const c of st.clips) {
    if (c.status !== 'done') continue;
    await writeFileAtomic(join(st.dir, CLIPS_DIR, c.entry.id, CLIP_PAGE_FILE), clipPageHtml(c, st.study.options.showPaths));
  }
  await writeFileAtomic(join(st.dir, REPORT_FILE), await studyReportHtml(st));
}
