/**
 * Understanding the header of a manual score sheet: which column is a key (patient,
 * timepoint, site, clip, observer, vessel), which holds which metric, for which vessel
 * population and which observer, in which unit.
 *
 * A metric header is `<metric>[_<population>][_<observer>][ (<unit>)]`, e.g. "TVD",
 * "TVD_small (mm/mm²)", "MFI_Q1_obsA", "PPV @Anna [%]". Separators may be spaces, '_', '-'
 * or '.'; case does not matter. The observer part must start with obs/observer/rater/reader
 * or follow an '@', so that a stray "TVD_mean" is ignored (and listed) rather than turned
 * into an observer called "mean". `--map NAME=COLUMN` overrides all of this for one name.
 */
import { METRICS, type MetricDef, type Population } from './metrics.js';

export type KeyName = 'patient' | 'timepoint' | 'site' | 'clip' | 'observer' | 'vessel';

export const KEY_ALIASES: Record<KeyName, string[]> = {
  patient: ['patient', 'patient_id', 'patientid', 'patient_no', 'subject', 'subject_id', 'subjectid', 'pt', 'id'],
  timepoint: ['timepoint', 'time_point', 'time', 'visit', 'day', 'tp', 'session'],
  site: ['site', 'site_no', 'location', 'region', 'area', 'sequence', 'clip_no', 'video_no', 'seq'],
  clip: ['clip', 'clip_file', 'clip_name', 'file', 'filename', 'file_name', 'video', 'movie', 'path'],
  observer: ['observer', 'rater', 'reader', 'scorer', 'investigator'],
  vessel: ['vessel', 'vessel_id', 'vesselid', 'segment', 'segment_id'],
};

export const KEY_NAMES = Object.keys(KEY_ALIASES) as KeyName[];

/** Lower-case, ² → 2, separators → '_', no leading/trailing '_'. */
export function normalizeHeader(s: string): string {
  return s
    .toLowerCase()
    .replace(/²/g, '2')
    .replace(/[\s\-.]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '');
}

/** Splits a unit annotation off a header: "TVD (mm/mm²)" → ["TVD", "mm/mm²"]; "PPV %" → ["PPV", "%"]. */
export function splitUnit(header: string): { name: string; unit: string | null } {
  const m = /^(.*?)[\s_]*[([]([^()[\]]*)[)\]]\s*$/.exec(header);
  if (m && m[1]!.trim() !== '') return { name: m[1]!.trim(), unit: m[2]!.trim() };
  const pct = /^(.*?)[\s_]*%\s*$/.exec(header);
  if (pct && pct[1]!.trim() !== '') return { name: pct[1]!.trim(), unit: '%' };
  return { name: header.trim(), unit: null };
}

export interface MetricHeader {
  def: MetricDef;
  population: Population | null;
  observer: string | null;
  unit: string | null;
}

const OBSERVER_TOKEN = /^(obs|observer|rater|reader)/i;

/** Parses a metric header, or null when it names no known metric (or has leftovers). */
export function parseMetricHeader(header: string): MetricHeader | null {
  let { name, unit } = splitUnit(header);
  let observer: string | null = null;
  const at = name.lastIndexOf('@');
  if (at > 0) {
    observer = name.slice(at + 1).trim() || null;
    name = name.slice(0, at).trim();
    ({ name, unit } = unit === null ? splitUnit(name) : { name, unit });
  }
  // Tokens in original case (for observer names) and normalised (for matching).
  const original = name.replace(/²/g, '2').split(/[\s_\-.]+/).filter((t) => t !== '');
  const tokens = original.map((t) => t.toLowerCase());
  let best: { def: MetricDef; used: number } | null = null;
  for (const def of METRICS) {
    for (const alias of def.aliases) {
      const parts = alias.split('_');
      if (parts.length > tokens.length) continue;
      if (parts.every((p, i) => tokens[i] === p) && (best === null || parts.length > best.used)) best = { def, used: parts.length };
    }
  }
  if (best === null) return null;
  let rest = original.slice(best.used);
  let population: Population | null = null;
  const pop = rest[0]?.toLowerCase();
  if (best.def.perPopulation && (pop === 'small' || pop === 'sv' || pop === 'all' || pop === 'total')) {
    population = pop === 'all' || pop === 'total' ? 'all' : 'small';
    rest = rest.slice(1);
  }
  if (rest.length > 0) {
    if (observer !== null || !OBSERVER_TOKEN.test(rest[0]!)) return null;
    observer = rest.join('_');
  }
  return { def: best.def, population, observer, unit };
}

/** Which key a header names, if any. */
export function keyOfHeader(header: string): KeyName | null {
  const h = normalizeHeader(splitUnit(header).name);
  for (const k of KEY_NAMES) if (KEY_ALIASES[k].includes(h)) return k;
  return null;
}
