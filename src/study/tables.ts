/**
 * sessions.csv and failures.csv.
 *
 * sessions.csv: one row per patient × time point. For each metric m of the session set and
 * population p (small, all): `m_p` the mean over the sites that entered, `m_p_sd`, `m_p_n`;
 * `HI_p` the heterogeneity index (empty when undefined: `HI_note` says why); velocity counts
 * summed over sites (empty when no site measured any). sitesPlanned / sitesAnalysed,
 * analysedSites and excludedSites ("site: reason"), warnings (codes) and notes (messages).
 */
import type { SessionMetricSet, SiteSummary } from '../metrics/session.js';
import { formatCsv, type CsvValue } from './csv.js';
import type { StudySession } from './sessions.js';
import type { ClipState } from './state.js';

const SUMMARISED = ['TVD', 'PVD', 'PPV', 'PPVCount', 'deBackerScore', 'perfusedDeBackerScore', 'MFI', 'MFIVessel', 'meanVelocityUmPerS'] as const;
const COUNTS = ['velocityMeasuredCount', 'censoredAboveCount', 'censoredBelowCount'] as const;
const POPS = ['small', 'all'] as const;

export function sessionColumns(): string[] {
  const cols = ['patient', 'timepoint', 'sitesPlanned', 'sitesAnalysed', 'analysedSites', 'excludedSites', 'rejectedButIncluded'];
  for (const p of POPS) {
    for (const m of SUMMARISED) cols.push(`${m}_${p}`, `${m}_${p}_sd`, `${m}_${p}_n`);
    cols.push(`HI_${p}`);
    for (const c of COUNTS) cols.push(`${c}_${p}`);
  }
  cols.push('HI_note', 'warnings', 'notes');
  return cols;
}

function countOrNull(s: StudySession, p: (typeof POPS)[number], c: (typeof COUNTS)[number]): number | null {
  // computeSessionMetrics sums the counts; a sum over sites that measured nothing is "not measured".
  const measured = s.sites.some((x) => x.excludedReason === null && typeof x.clip.result?.metrics[p][c] === 'number');
  return measured ? s.metrics[p][c] : null;
}

export function sessionRows(sessions: readonly StudySession[]): Record<string, CsvValue>[] {
  return sessions.map((s) => {
    const m = s.metrics;
    const row: Record<string, CsvValue> = {
      patient: s.patient,
      timepoint: s.timepoint,
      sitesPlanned: m.sitesPlanned,
      sitesAnalysed: m.sitesAnalysed,
      analysedSites: m.analysedSiteIds.join(';'),
      excludedSites: m.excluded.map((e) => `${e.siteId}: ${e.reason}`).join('; '),
      rejectedButIncluded: s.sites.filter((x) => x.rejectedButIncluded !== null).map((x) => `${x.clip.entry.site}: ${x.rejectedButIncluded}`).join('; '),
    };
    for (const p of POPS) {
      const set: SessionMetricSet = m[p];
      for (const k of SUMMARISED) {
        const sum = set[k] as SiteSummary;
        row[`${k}_${p}`] = sum.mean;
        row[`${k}_${p}_sd`] = sum.sd;
        row[`${k}_${p}_n`] = sum.n;
      }
      row[`HI_${p}`] = set.HI;
      for (const c of COUNTS) row[`${c}_${p}`] = countOrNull(s, p, c);
    }
    row.HI_note = m.warnings.filter((w) => w.code.startsWith('hi-')).map((w) => w.message).join(' | ');
    row.warnings = m.warnings.map((w) => w.code).join(';');
    row.notes = m.warnings.map((w) => w.message).join(' | ');
    return row;
  });
}

export function formatSessionsCsv(sessions: readonly StudySession[]): string {
  return formatCsv(sessionColumns(), sessionRows(sessions));
}

export const FAILURE_COLUMNS = ['patient', 'timepoint', 'site', 'path', 'row', 'clipId', 'code', 'kind', 'attempts', 'message', 'hint', 'failedAt'];

export function formatFailuresCsv(clips: readonly ClipState[]): string {
  const rows = clips
    .filter((c) => c.status === 'failed' && c.failure !== null)
    .map((c) => ({
      patient: c.entry.patient, timepoint: c.entry.timepoint, site: c.entry.site, path: c.entry.path, row: c.entry.row, clipId: c.entry.id,
      code: c.failure!.code, kind: c.failure!.kind, attempts: c.failure!.attempts, message: c.failure!.message, hint: c.failure!.hint, failedAt: c.failure!.failedAt,
    }));
  return formatCsv(FAILURE_COLUMNS, rows);
}
