/**
 * The engine table, `clips.csv`: one row per analysed clip, the layout a study run writes
 * and `hvm compare --engine` reads.
 *
 *   patient,timepoint,site,path,TVD_small,PVD_small,PPV_small,…,MFI_Q4_all
 *
 * - Key columns: patient, timepoint, site (text; may be empty for clips outside a study
 *   design) and path (the clip as given to the engine; its file name keys clip-level
 *   manual sheets).
 * - Metric columns: `<metric>_<population>` for every metric of ENGINE_TABLE_METRICS and
 *   population small / all, in the units of the clip result contract: TVD, PVD mm/mm²;
 *   PPV, PPVCount %; deBackerScore, perfusedDeBackerScore 1/mm; MFI, MFIVessel 0–3;
 *   MFI_Q1…MFI_Q4 the quadrant scores 0–3 (quadrants TL, TR, BL, BR).
 * - An empty cell is "not measured" (null in the contract), never zero. Numbers use a dot.
 * - Other columns (status, error, engine version, …) may follow and are ignored here.
 *
 * `engineTableRow` builds a row from a ClipResult so the study writer and this reader share
 * one definition; `formatEngineTable` writes the CSV.
 */
import type { ClipResult, ReportedMetricSet } from '../report/contract.js';
import { EngineInputError } from './errors.js';
import { clipFileName } from './keys.js';
import { POPULATIONS, type Population } from './metrics.js';
import { readNumberCell, cellText } from './numbers.js';
import type { Table } from './table.js';

export const ENGINE_TABLE_FILE = 'clips.csv';
export const ENGINE_KEY_COLUMNS = ['patient', 'timepoint', 'site', 'path'] as const;
export const ENGINE_TABLE_METRICS = [
  'TVD', 'PVD', 'PPV', 'PPVCount', 'deBackerScore', 'perfusedDeBackerScore', 'MFI', 'MFIVessel', 'MFI_Q1', 'MFI_Q2', 'MFI_Q3', 'MFI_Q4',
] as const;

/** Every column of the layout, in order. */
export function engineTableColumns(): string[] {
  const cols: string[] = [...ENGINE_KEY_COLUMNS];
  for (const p of POPULATIONS) for (const m of ENGINE_TABLE_METRICS) cols.push(`${m}_${p}`);
  return cols;
}

export interface EngineClipKey {
  patient: string | null;
  timepoint: string | null;
  site: string | null;
}

export type EngineTableRow = Record<string, string | number | null>;

function setValues(row: EngineTableRow, set: ReportedMetricSet, p: Population): void {
  for (const m of ENGINE_TABLE_METRICS) {
    const q = /^MFI_Q(\d)$/.exec(m);
    row[`${m}_${p}`] = q ? (set.MFIQuadrants?.[Number(q[1]) - 1] ?? null) : ((set as unknown as Record<string, number | null>)[m] ?? null);
  }
}

/** One clips.csv row from a clip result and its study key. */
export function engineTableRow(result: ClipResult, key: EngineClipKey): EngineTableRow {
  const row: EngineTableRow = { patient: key.patient, timepoint: key.timepoint, site: key.site, path: result.source.path };
  setValues(row, result.metrics.small, 'small');
  setValues(row, result.metrics.all, 'all');
  return row;
}

function csvCell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** clips.csv text (header + rows, LF line ends). Extra keys of the rows are appended as columns. */
export function formatEngineTable(rows: readonly EngineTableRow[]): string {
  const cols = engineTableColumns();
  for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
  const lines = [cols.join(',')];
  for (const r of rows) lines.push(cols.map((c) => csvCell(r[c])).join(','));
  return `${lines.join('\n')}\n`;
}

/** A clip as the comparison sees it. */
export interface EngineClip {
  /** Unique id: the path (or file:row when paths repeat). */
  id: string;
  /** Where it came from: clips.csv and row, or the JSON file. */
  file: string;
  row: number | null;
  patient: string | null;
  timepoint: string | null;
  site: string | null;
  path: string;
  /** Metric id → value; unmeasured metrics absent. */
  values: Record<string, number>;
  /** Per-vessel flow classes (vessel id → class) from clip-result JSON; null from clips.csv. */
  vessels: Record<string, number> | null;
  /**
   * Why the study left this clip out of its session means (clips.csv `inSessionMeans` = no,
   * reason from `excludedReason`); null when it is in them or the table does not say. Such a
   * clip is still compared clip by clip, but not used for the per-visit HI.
   */
  excludedFromSession?: string | null;
}

/** Parses a clips.csv table. Missing key columns or non-numbers are errors naming row and column. */
export function parseEngineTable(table: Table): EngineClip[] {
  const file = table.file;
  const col = (name: string) => table.header.findIndex((h) => h.toLowerCase() === name.toLowerCase());
  const pathCol = col('path');
  if (pathCol < 0) {
    throw new EngineInputError({ file, row: table.headerRow }, 'no "path" column: this is not an engine table (clips.csv).', `Expected the columns ${ENGINE_KEY_COLUMNS.join(', ')}, then metrics such as TVD_small (docs/compare.md).`);
  }
  const metricCols: { j: number; metric: string }[] = [];
  table.header.forEach((h, j) => {
    for (const p of POPULATIONS) for (const m of ENGINE_TABLE_METRICS) if (h.toLowerCase() === `${m}_${p}`.toLowerCase()) metricCols.push({ j, metric: `${m}_${p}` });
    // The quadrant scores may also come without a population: they are small-vessel scores.
    const q = /^MFI_Q([1-4])$/i.exec(h);
    if (q) metricCols.push({ j, metric: `MFI_Q${q[1]}_small` });
  });
  if (metricCols.length === 0) {
    throw new EngineInputError({ file, row: table.headerRow }, 'no metric columns (TVD_small, PPV_small, MFI_small, …).', 'See the engine table layout in docs/compare.md.');
  }
  const keyCols = { patient: col('patient'), timepoint: col('timepoint'), site: col('site') };
  const inMeansCol = col('inSessionMeans');
  const reasonCol = col('excludedReason');
  const clips: EngineClip[] = [];
  const ids = new Set<string>();
  for (const r of table.rows) {
    const path = cellText(r.cells[pathCol] ?? null);
    if (path === '') throw new EngineInputError({ file, row: r.row, column: table.header[pathCol]!, columnIndex: pathCol }, 'the clip path is empty.');
    const values: Record<string, number> = {};
    for (const { j, metric } of metricCols) {
      // Machine-written: a dot is the only decimal mark (or the ';' convention of the file).
      const v = readNumberCell(r.cells[j] ?? null, table.decimalComma);
      if (v.kind === 'text') {
        throw new EngineInputError({ file, row: r.row, column: table.header[j]!, columnIndex: j }, `"${v.text}" is not a number.`, 'An engine table holds numbers or empty cells (not measured).');
      }
      if (v.kind === 'number') values[metric] = v.value;
    }
    const text = (j: number) => (j < 0 ? null : cellText(r.cells[j] ?? null) || null);
    const id = ids.has(path) ? `${path}@${file}:${r.row}` : path;
    ids.add(id);
    const excluded = inMeansCol >= 0 && /^(no|false|0)$/i.test(cellText(r.cells[inMeansCol] ?? null).trim())
      ? text(reasonCol) ?? 'excluded from the session means'
      : null;
    clips.push({ id, file, row: r.row, patient: text(keyCols.patient), timepoint: text(keyCols.timepoint), site: text(keyCols.site), path, values, vessels: null, excludedFromSession: excluded });
  }
  return clips;
}

/** The file a study writes next to clips.csv: one row per visit (patient × time point). */
export const ENGINE_SESSIONS_FILE = 'sessions.csv';

/** Per-visit metrics of the sessions table read by compare: the session means and HI. */
export const ENGINE_SESSION_METRICS = ['TVD', 'PVD', 'PPV', 'PPVCount', 'deBackerScore', 'perfusedDeBackerScore', 'MFI', 'MFIVessel', 'HI'] as const;

/** One visit of a sessions table (sessions.csv of a study). */
export interface EngineSession {
  patient: string;
  timepoint: string;
  file: string;
  row: number;
  /** Metric id (MFI_small, HI_all, …) → value; empty cells absent. */
  values: Record<string, number>;
}

/** Whether a table looks like a sessions table: patient and timepoint, no path, an HI or session-mean column. */
export function isSessionsTable(table: Table): boolean {
  const h = table.header.map((x) => x.toLowerCase());
  return !h.includes('path') && h.includes('patient') && h.includes('timepoint')
    && POPULATIONS.some((p) => ENGINE_SESSION_METRICS.some((m) => h.includes(`${m}_${p}`.toLowerCase())));
}

/**
 * Parses a sessions table (the study's sessions.csv: `patient, timepoint, …, <metric>_<population>`
 * with `_sd` / `_n` companions that are ignored, `HI_small`, `HI_all`). Text in a metric
 * column is an error naming row and column; an empty cell is "not computed".
 */
export function parseSessionsTable(table: Table): EngineSession[] {
  const file = table.file;
  const col = (name: string) => table.header.findIndex((h) => h.toLowerCase() === name.toLowerCase());
  const pc = col('patient');
  const tc = col('timepoint');
  if (pc < 0 || tc < 0) {
    throw new EngineInputError({ file, row: table.headerRow }, 'a sessions table needs "patient" and "timepoint" columns.', 'Give the study\'s sessions.csv, or clips.csv for per-clip values.');
  }
  const metricCols: { j: number; metric: string }[] = [];
  table.header.forEach((h, j) => {
    for (const p of POPULATIONS) for (const m of ENGINE_SESSION_METRICS) if (h.toLowerCase() === `${m}_${p}`.toLowerCase()) metricCols.push({ j, metric: `${m}_${p}` });
  });
  const out: EngineSession[] = [];
  for (const r of table.rows) {
    const patient = cellText(r.cells[pc] ?? null);
    const timepoint = cellText(r.cells[tc] ?? null);
    if (patient === '' || timepoint === '') continue;
    const values: Record<string, number> = {};
    for (const { j, metric } of metricCols) {
      const v = readNumberCell(r.cells[j] ?? null, table.decimalComma);
      if (v.kind === 'text') {
        throw new EngineInputError({ file, row: r.row, column: table.header[j]!, columnIndex: j }, `"${v.text}" is not a number.`, 'A sessions table holds numbers or empty cells (not computed).');
      }
      if (v.kind === 'number') values[metric] = v.value;
    }
    out.push({ patient, timepoint, file, row: r.row, values });
  }
  return out;
}

/** A clip from one clip-result JSON (no study key: clip-level manual sheets match it by file name). */
export function engineClipFromResult(result: ClipResult, file: string): EngineClip {
  const row = engineTableRow(result, { patient: null, timepoint: null, site: null });
  const values: Record<string, number> = {};
  for (const [k, v] of Object.entries(row)) if (typeof v === 'number' && k !== 'path') values[k] = v;
  const vessels: Record<string, number> = {};
  for (const v of result.vessels) if (v.flowClass !== null) vessels[v.id] = v.flowClass;
  return { id: result.source.path, file, row: null, patient: null, timepoint: null, site: null, path: result.source.path, values, vessels };
}

/** The lower-case file name the clip is known by. */
export function engineClipName(c: EngineClip): string {
  return clipFileName(c.path);
}
