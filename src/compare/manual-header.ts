/**
 * The header of a manual score sheet, resolved: which columns are keys (and so the key
 * level: clip, site or session; per vessel or not), which are metrics (with population,
 * observer, unit and the scale to the engine's unit), whether a units row sits under the
 * header, and what was not understood. `--map` entries are applied first and win.
 * Unit problems are thrown here, at the header (or units) row of the offending column.
 */
import { KEY_ALIASES, keyOfHeader, normalizeHeader, parseMetricHeader, splitUnit, type KeyName } from './columns.js';
import { MapColumnNotFoundError, MissingKeyColumnError, NoMetricColumnsError, UnitAmbiguousError, UnitMismatchError } from './errors.js';
import { HI_BASE, metricId, parseMetricId, type MetricDef } from './metrics.js';
import { readNumberCell } from './numbers.js';
import type { Table } from './table.js';
import { checkUnit, classifyUnit } from './units.js';

export type KeyLevel = 'clip' | 'site' | 'session';

export interface ManualReadOptions {
  /** --map entries: engine name (a key: patient, timepoint, site, clip, observer, vessel; or a metric: TVD_small, MFI_Q1, flowClass) → column header. */
  map?: Record<string, string>;
  /** Every PPV column holds fractions (0–1): multiply by 100. */
  ppvFraction?: boolean;
}

export interface ManualColumn {
  header: string;
  index: number;
  metric: string;
  def: MetricDef;
  observer: string | null;
  unit: string | null;
  /** Multiplier applied (100 for a PPV fraction). */
  scale: number;
  /** Largest value read (after scaling) and how many values, for the PPV fraction check. */
  maxValue: number | null;
  count: number;
}

export interface SheetLayout {
  level: KeyLevel;
  vesselLevel: boolean;
  /** Key name → column index. */
  keyCol: Partial<Record<KeyName, number>>;
  columns: ManualColumn[];
  ignored: string[];
  unitsRow: number | null;
  /** --map names whose column this sheet lacks. */
  unusedMap: string[];
  /** Columns declared "(fraction)" (already scaled; exempt from the --ppv-fraction check). */
  declaredFraction: Set<number>;
}

/** Columns a scoring sheet commonly carries besides scores; skipped without a warning. */
const FREE_TEXT_COLUMNS = new Set(['comment', 'comments', 'note', 'notes', 'remark', 'remarks', 'quality', 'miqs', 'date', 'scored_by_date']);

function findColumn(table: Table, name: string): number {
  const want = name.trim().toLowerCase();
  let j = table.header.findIndex((h) => h.toLowerCase() === want);
  if (j < 0) j = table.header.findIndex((h) => normalizeHeader(h) === normalizeHeader(name));
  return j;
}

export function isKeyName(name: string): name is KeyName {
  return ['patient', 'timepoint', 'site', 'clip', 'observer', 'vessel'].includes(name);
}

/** Resolves a --map name to a metric id (TVD → TVD_small) or null when it is not a metric. */
export function mapNameToMetric(name: string): string | null {
  const parsed = parseMetricId(name);
  // HI is derived from the site MFIs (agreement.ts), never read from a column.
  return parsed === null || parsed.def.base === HI_BASE ? null : metricId(parsed.def, parsed.population);
}

/**
 * Resolves the header of a manual sheet: keys, level, metric columns with their units and
 * scale, a units row, ignored columns, and the --map entries this sheet does not have.
 */
export function resolveHeader(table: Table, opts: ManualReadOptions = {}): SheetLayout {
  const file = table.file;
  const map = opts.map ?? {};
  const unusedMap: string[] = [];
  const keyCol: Partial<Record<KeyName, number>> = {};
  const keyRank: Partial<Record<KeyName, number>> = {};
  const metricCols = new Map<number, { def: MetricDef; metric: string; observer: string | null; unit: string | null }>();
  const mappedMetrics = new Set<string>();
  const taken = new Set<number>();

  // 1. Explicit --map entries first: they win over names.
  for (const [name, column] of Object.entries(map)) {
    const j = findColumn(table, column);
    if (j < 0) {
      unusedMap.push(name);
      continue;
    }
    taken.add(j);
    if (isKeyName(name)) {
      keyCol[name] = j;
      keyRank[name] = -1;
      continue;
    }
    const metric = mapNameToMetric(name)!;
    const def = parseMetricId(metric)!.def;
    mappedMetrics.add(metric);
    metricCols.set(j, { def, metric, observer: null, unit: splitUnit(table.header[j]!).unit });
  }
  // 2. Then the header names.
  const ignored: string[] = [];
  table.header.forEach((h, j) => {
    if (taken.has(j) || h === '') return;
    const k = keyOfHeader(h);
    if (k !== null) {
      const rank = aliasRank(k, h);
      if (keyCol[k] === undefined || rank < (keyRank[k] ?? 99)) {
        keyCol[k] = j;
        keyRank[k] = rank;
      }
      return;
    }
    const m = parseMetricHeader(h);
    if (m === null) {
      if (!FREE_TEXT_COLUMNS.has(normalizeHeader(h))) ignored.push(h);
      return;
    }
    const metric = metricId(m.def, m.population);
    if (mappedMetrics.has(metric)) {
      ignored.push(h);
      return;
    }
    metricCols.set(j, { def: m.def, metric, observer: m.observer, unit: m.unit });
  });

  // 3. Key level.
  const place = (j?: number, row = table.headerRow) => ({ file, row, ...(j !== undefined ? { column: table.header[j]!, columnIndex: j } : {}) });
  let level: KeyLevel;
  if (keyCol.clip !== undefined) level = 'clip';
  else if (keyCol.patient !== undefined && keyCol.timepoint !== undefined) level = keyCol.site !== undefined ? 'site' : 'session';
  else {
    const missedKey = unusedMap.find((n) => isKeyName(n));
    if (missedKey !== undefined) throw new MapColumnNotFoundError({ file, row: table.headerRow }, missedKey, map[missedKey]!, table.header);
    const missing = (['patient', 'timepoint'] as const).filter((k) => keyCol[k] === undefined);
    throw new MissingKeyColumnError({ file, row: table.headerRow },
      `no ${missing.join(' or ')} column (and no clip column): cannot tell which clip a row scores. Header: ${table.header.map((h) => `"${h}"`).join(', ')}.`);
  }
  const vesselLevel = keyCol.vessel !== undefined;
  if (vesselLevel && level === 'session') {
    throw new MissingKeyColumnError({ file, row: table.headerRow }, 'per-vessel rows need the clip they belong to: add a site or clip column.');
  }
  // Per-vessel flow classes only make sense in per-vessel sheets: elsewhere a "class" column
  // is something else (a patient group), so it is not read as scores.
  if (!vesselLevel) {
    for (const [j, col] of metricCols) {
      if (col.def.base === 'flowClass' && !mappedMetrics.has(col.metric)) {
        metricCols.delete(j);
        ignored.push(table.header[j]!);
      }
    }
  }
  if (metricCols.size === 0) {
    // A --map that found nothing is the likelier mistake than a sheet without scores.
    const missed = unusedMap.find((n) => !isKeyName(n));
    if (missed !== undefined) throw new MapColumnNotFoundError({ file, row: table.headerRow }, missed, map[missed]!, table.header);
    throw new NoMetricColumnsError({ file, row: table.headerRow }, ignored);
  }

  // 4. A units row right under the header ("mm/mm²", "%", "n/mm" under the metric names).
  let unitsRow: number | null = null;
  const first = table.rows[0];
  if (first !== undefined) {
    const cells = [...metricCols.keys()].map((j) => first.cells[j] ?? null);
    const allUnits = cells.every((c) => c === null || (typeof c === 'string' && readNumberCell(c, table.decimalComma).kind !== 'number'));
    const someUnit = cells.some((c) => typeof c === 'string' && !['none', 'unknown'].includes(classifyUnit(c)));
    if (allUnits && someUnit) {
      unitsRow = first.row;
      for (const [j, col] of metricCols) {
        const c = first.cells[j];
        if (col.unit === null && typeof c === 'string' && c.trim() !== '') col.unit = c.trim();
      }
    }
  }

  // 5. Columns: unit check and scale.
  const columns: ManualColumn[] = [];
  for (const [j, col] of metricCols) {
    const unitClass = classifyUnit(col.unit);
    const verdict = checkUnit(col.def.family, `${col.def.label} (${col.metric})`, col.unit ?? '', unitClass);
    if (!verdict.ok) {
      const at = place(j, unitsRow !== null && splitUnit(table.header[j]!).unit === null ? unitsRow : table.headerRow);
      throw verdict.kind === 'mismatch' ? new UnitMismatchError(at, verdict.message, verdict.hint) : new UnitAmbiguousError(at, verdict.message, verdict.hint);
    }
    let scale = verdict.scale;
    if (opts.ppvFraction === true && col.def.family === 'percent' && scale === 1) scale = 100;
    columns.push({ header: table.header[j]!, index: j, metric: col.metric, def: col.def, observer: col.observer, unit: col.unit, scale, maxValue: null, count: 0 });
  }
  const declaredFraction = new Set(columns.filter((c) => c.scale === 100 && classifyUnit(c.unit) === 'fraction').map((c) => c.index));
  return { level, vesselLevel, keyCol, columns, ignored, unitsRow, unusedMap, declaredFraction };
}


/** Position of a header among its key's aliases: "patient" beats "id" when both exist. */
function aliasRank(k: KeyName, header: string): number {
  const i = KEY_ALIASES[k].indexOf(normalizeHeader(splitUnit(header).name));
  return i < 0 ? 99 : i;
}
