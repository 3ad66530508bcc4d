/**
 * Puts engine and manual scores side by side: every rating becomes (rater, unit, metric,
 * value), where a unit is one clip, one session (patient × time point, for sheets scored
 * per visit) or one vessel of a clip. Manual rows are matched to engine clips by
 * patient/timepoint/site or by clip file name (keys.ts); session units take the mean of the
 * engine's clips of that visit (the consensus patient value is the mean over sites).
 * Manual rows that match no engine clip still count between observers, and are listed.
 */
import { engineClipName, type EngineClip, type EngineSession } from './engine-table.js';
import { NothingToCompareError } from './errors.js';
import { clipFileName, clipStem, normKey, sessionKey, siteKey } from './keys.js';
import type { KeyLevel, ManualRecord, ManualScores } from './manual.js';
import { parseMetricId } from './metrics.js';

export const ENGINE = 'engine';

export interface RatedUnit {
  id: string;
  level: KeyLevel | 'vessel';
  patient: string | null;
  timepoint: string | null;
  site: string | null;
  clip: string | null;
  /** Human label for outputs ("P01 / day1 / 2" or a clip name). */
  label: string;
  /** Why the engine's study left this clip out of its session means (not used for HI); absent when it did not. */
  engineExcluded?: string | null;
}

export interface Ratings {
  /** "engine" first, then observers in file order. */
  raters: string[];
  observers: string[];
  units: Map<string, RatedUnit>;
  /** rater → unit id → metric id → value. */
  values: Map<string, Map<string, Record<string, number>>>;
  /** Metric ids some observer scored. */
  metrics: string[];
  unmatchedManual: { file: string; row: number; observer: string; key: string }[];
  matchedEngineClips: number;
  /** The engine's per-visit values from a sessions table (sessionKey → metric → value), e.g. HI_small. */
  engineSessions?: Map<string, Record<string, number>>;
  /** Visits of the sessions table that some manual row refers to. */
  matchedEngineSessions?: number;
}

interface ClipIndex {
  bySite: Map<string, EngineClip[]>;
  byName: Map<string, EngineClip[]>;
  bySession: Map<string, EngineClip[]>;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

function indexClips(clips: readonly EngineClip[]): ClipIndex {
  const idx: ClipIndex = { bySite: new Map(), byName: new Map(), bySession: new Map() };
  for (const c of clips) {
    if (c.patient !== null && c.timepoint !== null) {
      push(idx.bySession, sessionKey(c.patient, c.timepoint), c);
      if (c.site !== null) push(idx.bySite, siteKey(c.patient, c.timepoint, c.site), c);
    }
    const name = engineClipName(c);
    push(idx.byName, name, c);
    const stem = clipStem(c.path);
    if (stem !== name) push(idx.byName, stem, c);
  }
  return idx;
}

function unitLabel(u: Pick<RatedUnit, 'patient' | 'timepoint' | 'site' | 'clip'>): string {
  if (u.patient !== null && u.timepoint !== null) return [u.patient, u.timepoint, u.site].filter((x) => x !== null).join(' / ');
  return u.clip ?? '?';
}

/** Builds the side-by-side ratings. Throws NothingToCompareError when no manual row matches. */
export function matchRatings(manual: ManualScores, clips: readonly EngineClip[], sessions: readonly EngineSession[] = []): Ratings {
  const idx = indexClips(clips);
  const engineSessions = new Map<string, Record<string, number>>();
  for (const s of sessions) engineSessions.set(sessionKey(s.patient, s.timepoint), s.values);
  const usedSessions = new Set<string>();
  const units = new Map<string, RatedUnit>();
  const values = new Map<string, Map<string, Record<string, number>>>();
  const metrics = new Set<string>();
  const unmatched: Ratings['unmatchedManual'] = [];
  const usedClips = new Set<string>();

  const addUnit = (u: RatedUnit): RatedUnit => {
    const prev = units.get(u.id);
    if (!prev) {
      units.set(u.id, u);
      return u;
    }
    // Merge attributes: a clip-keyed sheet may know the patient the JSON result does not.
    prev.patient ??= u.patient;
    prev.timepoint ??= u.timepoint;
    prev.site ??= u.site;
    prev.clip ??= u.clip;
    prev.label = unitLabel(prev);
    return prev;
  };
  const rate = (rater: string, unit: string, metric: string, v: number) => {
    let m = values.get(rater);
    if (!m) values.set(rater, (m = new Map()));
    let rec = m.get(unit);
    if (!rec) m.set(unit, (rec = {}));
    rec[metric] = v;
  };
  const clipUnit = (c: EngineClip, r?: ManualRecord): RatedUnit =>
    addUnit({
      id: `clip:${c.id}`, level: 'clip', patient: c.patient ?? r?.key.patient ?? null, timepoint: c.timepoint ?? r?.key.timepoint ?? null,
      site: c.site ?? r?.key.site ?? null, clip: clipFileName(c.path), label: '', engineExcluded: c.excludedFromSession ?? null,
    });

  for (const sheet of manual.sheets) {
    for (const r of sheet.records) {
      for (const m of Object.keys(r.values)) metrics.add(m);
      let unit: RatedUnit;
      let engineValues: Record<string, number> | null = null;
      let engineVessels: Record<string, number> | null = null;
      if (r.level === 'session') {
        const key = sessionKey(r.key.patient!, r.key.timepoint!);
        const members = idx.bySession.get(key) ?? [];
        unit = addUnit({ id: `session:${key}`, level: 'session', patient: r.key.patient, timepoint: r.key.timepoint, site: null, clip: null, label: '' });
        if (members.length > 0) {
          members.forEach((c) => usedClips.add(c.id));
          engineValues = sessionMeans(members);
        } else if (engineSessions.has(key)) {
          // No clips, a sessions table: its per-visit means (HI is derived separately, agreement.ts).
          usedSessions.add(key);
          engineValues = Object.fromEntries(Object.entries(engineSessions.get(key)!).filter(([m]) => !m.startsWith('HI_')));
        }
      } else {
        if (r.key.patient !== null && r.key.timepoint !== null && engineSessions.has(sessionKey(r.key.patient, r.key.timepoint))) usedSessions.add(sessionKey(r.key.patient, r.key.timepoint));
        const found = r.level === 'site'
          ? idx.bySite.get(siteKey(r.key.patient!, r.key.timepoint!, r.key.site!)) ?? []
          : idx.byName.get(clipFileName(r.key.clip!)) ?? idx.byName.get(clipStem(r.key.clip!)) ?? [];
        if (found.length === 1) {
          const c = found[0]!;
          usedClips.add(c.id);
          unit = clipUnit(c, r);
          engineValues = c.values;
          engineVessels = c.vessels;
        } else {
          // Not in the engine's output (or ambiguous): still usable between observers.
          const key = r.level === 'site' ? siteKey(r.key.patient!, r.key.timepoint!, r.key.site!) : clipStem(r.key.clip!);
          unit = addUnit({ id: `manual-${r.level}:${key}`, level: r.level, patient: r.key.patient, timepoint: r.key.timepoint, site: r.key.site, clip: r.key.clip, label: '' });
          unmatched.push({ file: r.file, row: r.row, observer: r.observer, key: found.length > 1 ? `${unitLabel(r.key)} (matches ${found.length} engine clips)` : unitLabel(r.key) });
        }
      }
      unit.label = unitLabel(unit);
      if (r.key.vessel !== null) {
        const vid = normKey(r.key.vessel);
        const vu = addUnit({ ...unit, id: `${unit.id}#vessel:${vid}`, level: 'vessel', label: `${unit.label} #${r.key.vessel}` });
        for (const [m, v] of Object.entries(r.values)) rate(r.observer, vu.id, m, v);
        if (engineVessels !== null) {
          const cls = Object.entries(engineVessels).find(([id]) => normKey(id) === vid);
          if (cls) rate(ENGINE, vu.id, 'flowClass', cls[1]);
        }
        continue;
      }
      for (const [m, v] of Object.entries(r.values)) rate(r.observer, unit.id, m, v);
      if (engineValues !== null) for (const [m, v] of Object.entries(engineValues)) rate(ENGINE, unit.id, m, v);
    }
  }
  if (usedClips.size === 0 && usedSessions.size === 0) {
    const manualExamples = manual.sheets.flatMap((s) => s.records.slice(0, 2).map((r) => `${unitLabel(r.key)} (${r.file} row ${r.row})`)).slice(0, 3);
    const engineExamples = [
      ...clips.slice(0, 3).map((c) => (c.patient !== null ? `${unitLabel({ ...c, clip: c.path })} = ${c.path}` : c.path)),
      ...sessions.slice(0, clips.length > 0 ? 0 : 3).map((s) => `${s.patient} / ${s.timepoint} (visit)`),
    ];
    throw new NothingToCompareError(
      `no manual row matches an engine clip. Manual keys look like: ${manualExamples.join('; ')}. Engine clips look like: ${engineExamples.join('; ')}.`,
      'Key the manual sheet by the same patient/timepoint/site as the engine table, or by clip file name (column clip); results from JSON files can only be matched by clip file name.',
    );
  }
  const observers = manual.observers;
  return {
    raters: [ENGINE, ...observers], observers, units, values, metrics: [...metrics], unmatchedManual: unmatched, matchedEngineClips: usedClips.size,
    engineSessions, matchedEngineSessions: usedSessions.size,
  };
}

/** Mean over a visit's clips of each measured metric (ordinal quadrant scores are not averaged). */
function sessionMeans(members: readonly EngineClip[]): Record<string, number> {
  const sums: Record<string, { s: number; n: number }> = {};
  for (const c of members) {
    for (const [m, v] of Object.entries(c.values)) {
      if (parseMetricId(m)?.def.kind === 'ordinal') continue;
      (sums[m] ??= { s: 0, n: 0 }).s += v;
      sums[m].n++;
    }
  }
  const out: Record<string, number> = {};
  for (const [m, { s, n }] of Object.entries(sums)) out[m] = s / n;
  return out;
}
