/**
 * The study manifest: one row per clip, CSV (or XLSX) with a header.
 *
 *   patient,timepoint,site,path,device,umPerPx
 *   P01,day1,1,clips/P01_d1_s1.avi,microscan-sdf-pal,
 *   P01,day1,2,clips/P01_d1_s2.avi,,1.3
 *
 * - patient, timepoint, site, path: required, non-empty. path is relative to the manifest's
 *   folder (or absolute). Header names are case-insensitive; spaces, dots and dashes count
 *   as '_' (so "Time point" is timepoint).
 * - device, umPerPx (also um_per_px, µm/px): optional per row; a row with neither uses the
 *   study-wide --device / --um-per-px, else the clip's calibration sidecar.
 * - Other columns (notes, …) are ignored.
 * - One row per patient × time point × site (keys compared trimmed, case-insensitive, "01" = "1").
 * Every problem is a ManifestError naming the row and column.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { deviceNames, findDeviceProfile } from '../calibration/index.js';
import { normalizeHeader } from '../compare/columns.js';
import { siteKey } from '../compare/keys.js';
import { cellText, readNumberCell } from '../compare/numbers.js';
import { readTable, type Table } from '../compare/table.js';
import { ManifestError } from './errors.js';

export interface ManifestEntry {
  /** Spreadsheet row number (header = 1). */
  row: number;
  patient: string;
  timepoint: string;
  site: string;
  /** The clip as written in the manifest (relative to the manifest's folder, or absolute). */
  path: string;
  /** Device profile of this row, or null. */
  device: string | null;
  /** Square pixels of this many µm for this row, or null. */
  umPerPx: number | null;
  /** Folder name of the clip's outputs (clips/<id>/), from its patient, time point and site. */
  id: string;
}

export interface StudyManifest {
  /** The manifest file as given. */
  file: string;
  /** Absolute folder the clip paths are relative to. */
  dir: string;
  /** sha256 of the manifest's bytes (recorded in study.json). */
  sha256: string;
  entries: ManifestEntry[];
}

const COLUMNS = {
  patient: ['patient'],
  timepoint: ['timepoint', 'time_point'],
  site: ['site'],
  path: ['path'],
  device: ['device'],
  umPerPx: ['umperpx', 'um_per_px', 'µm_per_px', 'µmperpx', 'um/px', 'µm/px'],
} as const;
type ColumnName = keyof typeof COLUMNS;
const REQUIRED: ColumnName[] = ['patient', 'timepoint', 'site', 'path'];

/** Reads and checks a manifest file (.csv, .tsv, .txt or .xlsx). */
export async function readManifest(file: string): Promise<StudyManifest> {
  const table = await readTable(file);
  const bytes = await readFile(file);
  return parseManifestTable(table, dirname(resolve(file)), createHash('sha256').update(bytes).digest('hex'));
}

/** Checks a manifest already read as a table; `dir` is the folder clip paths are relative to. */
export function parseManifestTable(table: Table, dir: string, sha256 = ''): StudyManifest {
  const file = table.file;
  const cols: Partial<Record<ColumnName, number>> = {};
  table.header.forEach((h, j) => {
    const n = normalizeHeader(h);
    for (const [name, aliases] of Object.entries(COLUMNS) as [ColumnName, readonly string[]][]) {
      if (!aliases.includes(n)) continue;
      if (cols[name] !== undefined) {
        throw new ManifestError({ file, row: table.headerRow, column: h, columnIndex: j }, `a second "${name}" column (the first is "${table.header[cols[name]!]}").`, 'Keep one column per field.');
      }
      cols[name] = j;
    }
  });
  const missing = REQUIRED.filter((c) => cols[c] === undefined);
  if (missing.length > 0) {
    throw new ManifestError(
      { file, row: table.headerRow },
      `the manifest has no ${missing.map((m) => `"${m}"`).join(', ')} column (found: ${table.header.filter((h) => h !== '').map((h) => `"${h}"`).join(', ') || 'none'}).`,
      'The header must name patient, timepoint, site and path (the clip, relative to the manifest); device and umPerPx are optional (docs/study.md).',
    );
  }
  if (table.rows.length === 0) throw new ManifestError({ file }, 'the manifest lists no clips.', 'Add one row per clip under the header.');

  const entries: ManifestEntry[] = [];
  const seen = new Map<string, number>();
  for (const r of table.rows) {
    const text = (c: ColumnName): string => (cols[c] === undefined ? '' : cellText(r.cells[cols[c]!] ?? null));
    const place = (c: ColumnName) => ({ file, row: r.row, column: table.header[cols[c]!]!, columnIndex: cols[c]! });
    for (const c of REQUIRED) {
      if (text(c) === '') throw new ManifestError(place(c), `the ${c} is empty.`, c === 'path' ? 'Give the clip file, relative to the manifest.' : 'Every clip needs its patient, timepoint and site.');
    }
    let device: string | null = null;
    if (cols.device !== undefined && text('device') !== '') {
      device = text('device');
      if (findDeviceProfile(device) === undefined) {
        throw new ManifestError(place('device'), `unknown device "${device}".`, `Known devices: ${deviceNames().join(', ')}; or leave it empty and give umPerPx.`);
      }
    }
    let umPerPx: number | null = null;
    if (cols.umPerPx !== undefined) {
      const v = readNumberCell(r.cells[cols.umPerPx] ?? null, table.decimalComma);
      if (v.kind === 'text') throw new ManifestError(place('umPerPx'), `"${v.text}" is not a number.`, 'umPerPx is the pixel size in µm (e.g. 1.3), or empty.');
      if (v.kind === 'number') {
        if (!(v.value > 0)) throw new ManifestError(place('umPerPx'), `umPerPx must be positive, got ${v.value}.`);
        umPerPx = v.value;
      }
    }
    const patient = text('patient');
    const timepoint = text('timepoint');
    const site = text('site');
    const key = siteKey(patient, timepoint, site);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw new ManifestError(place('site'), `patient ${patient}, timepoint ${timepoint}, site ${site} is listed twice (rows ${earlier} and ${r.row}).`, 'Each site of a patient at a time point is one clip; number repeated recordings as separate sites.');
    }
    seen.set(key, r.row);
    entries.push({ row: r.row, patient, timepoint, site, path: text('path'), device, umPerPx, id: clipId(patient, timepoint, site) });
  }
  return { file, dir, sha256, entries };
}

const CLEAN = /^[A-Za-z0-9.-]{1,40}$/;

/**
 * The clip's output folder name: `<patient>_<timepoint>_<site>`. A part that is not plain
 * letters, digits, '.' or '-' (or is longer than 40) is reduced to those and the folder name
 * gets a short hash of the exact keys, so two different keys never share a folder.
 */
export function clipId(patient: string, timepoint: string, site: string): string {
  const parts = [patient, timepoint, site];
  const lossy = parts.some((p) => !CLEAN.test(p) || p === '.' || p === '..');
  const clean = parts.map((p) => p.replace(/[^A-Za-z0-9.-]+/g, '-').slice(0, 40) || 'x');
  const id = clean.join('_');
  if (!lossy) return id;
  const h = createHash('sha256').update(JSON.stringify(parts.map((p) => p.trim().toLowerCase()))).digest('hex').slice(0, 8);
  return `${id}_${h}`;
}
