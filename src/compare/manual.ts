/**
 * Reading manual scores (the reference: AVA 3.2 or hand scoring) from CSV or XLSX sheets
 * into typed records, with every problem reported by file, row and column.
 *
 * A sheet is keyed at one level:
 * - clip:    a `clip` column with the clip file name (patient/timepoint/site columns, if
 *            present too, are kept as attributes for the change analysis);
 * - site:    patient + timepoint + site, one row per clip;
 * - session: patient + timepoint without site: scores already averaged over the sites of a
 *            visit; the engine side is then averaged over its clips of that visit.
 * With a `vessel` column (and a flowClass column) rows are single vessels of the engine's
 * overlay, scored by an observer; they compare with the engine's per-vessel classes.
 *
 * Observers: one per file (named after the file), or an `observer` column, or observer
 * suffixes on the metric columns (TVD_obsA, MFI@Anna). See docs/compare.md.
 */
import { basename, extname } from 'node:path';
import type { KeyName } from './columns.js';
import { DuplicateKeyError, MapColumnNotFoundError, MissingKeyValueError, NotANumberError, ValueOutOfRangeError, type TablePlace } from './errors.js';
import { normKey } from './keys.js';
import { resolveHeader, type KeyLevel, type ManualColumn, type ManualReadOptions } from './manual-header.js';
import { cellText, readNumberCell } from './numbers.js';
import { readTable, splitSheet } from './table.js';

export { mapNameToMetric, type KeyLevel, type ManualColumn, type ManualReadOptions } from './manual-header.js';

export interface ManualKey {
  patient: string | null;
  timepoint: string | null;
  site: string | null;
  clip: string | null;
  vessel: string | null;
}

export interface ManualRecord {
  observer: string;
  file: string;
  row: number;
  level: KeyLevel;
  key: ManualKey;
  /** Metric id → value (missing cells are absent). */
  values: Record<string, number>;
}

export interface ManualSheet {
  file: string;
  level: KeyLevel;
  vesselLevel: boolean;
  headerRow: number;
  keyColumns: Partial<Record<KeyName, string>>;
  columns: ManualColumn[];
  observers: string[];
  records: ManualRecord[];
  /** Header cells that named nothing known (listed in agreement.json). */
  ignoredColumns: string[];
  unitsRow: number | null;
}

/** "engine" and "observers (mean)" name the other side of comparisons: an observer may not take them. */
function observerName(name: string): string {
  const n = name.trim();
  return ['engine', 'observers (mean)'].includes(n.toLowerCase()) ? `${n} (observer)` : n;
}

/** Reads one sheet. `defaultObserver` names the observer when the sheet does not. */
export async function readManualSheet(spec: string, defaultObserver: string, opts: ManualReadOptions = {}): Promise<{ sheet: ManualSheet; unusedMap: string[] }> {
  const table = await readTable(spec);
  const file = table.file;
  const { level, vesselLevel, keyCol, columns, ignored, unitsRow, unusedMap, declaredFraction } = resolveHeader(table, opts);
  const place = (j?: number, row = table.headerRow) => ({ file, row, ...(j !== undefined ? { column: table.header[j]!, columnIndex: j } : {}) });

  const records: ManualRecord[] = [];
  const seen = new Map<string, { row: number; file: string }>();
  const observers = new Set<string>();
  const keyText = (cells: (string | number | null)[], k: KeyName) => (keyCol[k] === undefined ? null : cellText(cells[keyCol[k]!] ?? null) || null);
  const required: KeyName[] = level === 'clip' ? ['clip'] : level === 'site' ? ['patient', 'timepoint', 'site'] : ['patient', 'timepoint'];
  if (vesselLevel) required.push('vessel');
  for (const r of table.rows) {
    if (r.row === unitsRow) continue;
    const key: ManualKey = {
      patient: keyText(r.cells, 'patient'), timepoint: keyText(r.cells, 'timepoint'), site: keyText(r.cells, 'site'),
      clip: keyText(r.cells, 'clip'), vessel: keyText(r.cells, 'vessel'),
    };
    const hasScore = columns.some((c) => readNumberCell(r.cells[c.index] ?? null, table.decimalComma).kind !== 'missing');
    const missingKey = required.find((k) => key[k as keyof ManualKey] === null);
    if (missingKey !== undefined) {
      if (!hasScore) continue; // a notes or subtotal row without scores
      throw new MissingKeyValueError(place(keyCol[missingKey], r.row));
    }
    const rowObserver = keyCol.observer !== undefined ? cellText(r.cells[keyCol.observer] ?? null) : '';
    if (keyCol.observer !== undefined && rowObserver === '' && hasScore) throw new MissingKeyValueError(place(keyCol.observer, r.row));
    const byObserver = new Map<string, Record<string, number>>();
    for (const c of columns) {
      const observer = observerName(c.observer ?? (rowObserver !== '' ? rowObserver : defaultObserver));
      if (!byObserver.has(observer)) byObserver.set(observer, {});
      const v = readNumberCell(r.cells[c.index] ?? null, table.decimalComma);
      if (v.kind === 'missing') continue;
      if (v.kind === 'text') {
        const commaHint = !table.decimalComma && /^\s*[+-]?\d+,\d+\s*$/.test(v.text)
          ? 'This comma-separated file cannot use decimal commas: write 12.5, or save the sheet with ";" as separator.'
          : undefined;
        throw new NotANumberError(place(c.index, r.row), v.text, commaHint);
      }
      const value = v.value * c.scale;
      checkRange(c, value, v.value, place(c.index, r.row), opts.ppvFraction === true && c.def.family === 'percent' && !declaredFraction.has(c.index));
      c.maxValue = c.maxValue === null ? value : Math.max(c.maxValue, value);
      c.count++;
      byObserver.get(observer)![c.metric] = value;
    }
    for (const [observer, values] of byObserver) {
      observers.add(observer);
      const id = `${observer}\u0000${level}\u0000${recordKeyText(level, key)}${vesselLevel ? `#${normKey(key.vessel ?? '')}` : ''}`;
      const prev = seen.get(id);
      if (prev !== undefined) throw new DuplicateKeyError(place(keyCol[required[0]!], r.row), describeKey(level, key, observer, vesselLevel), prev.row);
      seen.set(id, { row: r.row, file });
      records.push({ observer, file, row: r.row, level, key, values });
    }
  }
  const keyColumns: Partial<Record<KeyName, string>> = {};
  for (const [k, j] of Object.entries(keyCol)) keyColumns[k as KeyName] = table.header[j]!;
  return {
    sheet: { file, level, vesselLevel, headerRow: table.headerRow, keyColumns, columns, observers: [...observers], records, ignoredColumns: ignored, unitsRow },
    unusedMap,
  };
}

function checkRange(c: ManualColumn, value: number, raw: number, at: TablePlace, fractionFlag: boolean): void {
  const d = c.def;
  if (fractionFlag && raw > 1) {
    throw new ValueOutOfRangeError(at, `${raw} is not a fraction, but --ppv-fraction says PPV columns hold fractions (0–1).`, 'Drop --ppv-fraction for this file, or correct the value.');
  }
  if (value < d.min || (d.max !== null && value > d.max)) {
    throw new ValueOutOfRangeError(at, `${d.label} ${value} is outside ${d.min}–${d.max ?? '∞'} ${d.unit}.`, 'Correct the value, or check that the column holds the metric its header names.');
  }
  if (d.integer && !Number.isInteger(value)) {
    throw new ValueOutOfRangeError(at, `${d.label} ${value} is not a whole score (0, 1, 2 or 3).`, 'Quadrant scores and flow classes are whole numbers; the clip MFI (their mean) goes in the MFI column.');
  }
}

function recordKeyText(level: KeyLevel, k: ManualKey): string {
  if (level === 'clip') return normKey(k.clip ?? '');
  if (level === 'site') return `${normKey(k.patient ?? '')}|${normKey(k.timepoint ?? '')}|${normKey(k.site ?? '')}`;
  return `${normKey(k.patient ?? '')}|${normKey(k.timepoint ?? '')}`;
}

function describeKey(level: KeyLevel, k: ManualKey, observer: string, vessel: boolean): string {
  const base = level === 'clip' ? `clip ${k.clip}` : level === 'site' ? `patient ${k.patient}, timepoint ${k.timepoint}, site ${k.site}` : `patient ${k.patient}, timepoint ${k.timepoint}`;
  return `(${base}${vessel ? `, vessel ${k.vessel}` : ''}, observer ${observer})`;
}

/** The observer name a file gives when it names none: its file name without extension (and the sheet). */
export function defaultObserverName(spec: string): string {
  const { path, sheet } = splitSheet(spec);
  const stem = basename(path, extname(path));
  return sheet !== undefined ? `${stem}#${sheet}` : stem;
}

export interface ManualScores {
  sheets: ManualSheet[];
  observers: string[];
}

/** Reads every --manual file; checks that each --map column exists in at least one. */
export async function readManualScores(specs: readonly string[], opts: ManualReadOptions = {}): Promise<ManualScores> {
  const sheets: ManualSheet[] = [];
  const unusedEverywhere = new Map<string, number>();
  const usedNames = new Set<string>();
  for (const spec of specs) {
    let name = defaultObserverName(spec);
    for (let i = 2; usedNames.has(name); i++) name = `${defaultObserverName(spec)} (${i})`;
    usedNames.add(name);
    const { sheet, unusedMap } = await readManualSheet(spec, name, opts);
    sheets.push(sheet);
    for (const u of unusedMap) unusedEverywhere.set(u, (unusedEverywhere.get(u) ?? 0) + 1);
  }
  for (const [name, count] of unusedEverywhere) {
    if (count === specs.length) {
      const first = await readTable(specs[0]!);
      throw new MapColumnNotFoundError({ file: specs.join(', ') }, name, opts.map![name]!, first.header);
    }
  }
  const observers: string[] = [];
  for (const s of sheets) for (const o of s.observers) if (!observers.includes(o)) observers.push(o);
  // The same observer in two files must not score the same clip twice.
  const seen = new Map<string, ManualRecord>();
  for (const s of sheets) {
    for (const r of s.records) {
      const id = `${r.observer}\u0000${r.level}\u0000${recordKeyText(r.level, r.key)}#${normKey(r.key.vessel ?? '')}`;
      const prev = seen.get(id);
      if (prev !== undefined && prev.file !== r.file) {
        throw new DuplicateKeyError({ file: r.file, row: r.row }, `${describeKey(r.level, r.key, r.observer, s.vesselLevel)} also in ${prev.file}`, prev.row);
      }
      seen.set(id, r);
    }
  }
  return { sheets, observers };
}
