/**
 * Agreement per metric and comparison: the engine against each observer, each observer
 * against each other (the yardstick: an engine is good enough when it disagrees with the
 * observers no more than they disagree with each other), and, with two or more observers,
 * the engine against the observers' mean.
 *
 * Pairs are formed by pairwise deletion: a unit enters a comparison when both raters have a
 * value for the metric; units where only one has a value are counted (missingA/missingB).
 * Continuous metrics get Bland–Altman, proportional bias, ICC(A,1)/ICC(C,1), Lin's CCC,
 * Pearson and Spearman; ordinal scores (quadrant MFI, flow classes) get linear-weighted
 * kappa, exact agreement and the mean difference.
 *
 * The heterogeneity index (HI_small, HI_all) is derived per session (patient × time point):
 * for each pair of raters, HI = heterogeneityIndex(site MFIs) (src/metrics/session.ts,
 * Trzeciak 2007) on the sites BOTH raters scored, so that a site one rater skipped does not
 * change the other's range; it then gets the continuous statistics.
 */
import { ENGINE, type Ratings } from './match.js';
import { heterogeneityIndex } from '../metrics/session.js';
import { sessionKey } from './keys.js';
import { HI_BASE, isHiMetric, parseMetricId, POOLED_QUADRANTS_BASE, type MetricKind } from './metrics.js';
import { blandAltman, type BlandAltmanResult } from './stats/bland-altman.js';
import { lin, type CccResult } from './stats/ccc.js';
import { icc, type IccResult } from './stats/icc.js';
import { pearson, type CorrelationResult } from './stats/pearson.js';
import { proportionalBias, type ProportionalBiasResult } from './stats/proportional-bias.js';
import { spearman } from './stats/spearman.js';
import { weightedKappa, type WeightedKappaResult } from './stats/weighted-kappa.js';

export const OBSERVERS_MEAN = 'observers (mean)';

export type ComparisonType = 'engine-observer' | 'observer-observer' | 'engine-observers-mean';

export interface Pair {
  unit: string;
  label: string;
  a: number;
  b: number;
}

export interface Comparison {
  metric: string;
  type: ComparisonType;
  /** Differences are a − b. */
  a: string;
  b: string;
  n: number;
  /** Units where only b had a value (a missing) and where only a had one. */
  missingA: number;
  missingB: number;
  blandAltman: BlandAltmanResult;
  proportionalBias: ProportionalBiasResult | null;
  icc: IccResult | null;
  ccc: CccResult | null;
  pearson: CorrelationResult | null;
  spearman: CorrelationResult | null;
  kappa: WeightedKappaResult | null;
  pairs: Pair[];
  /** Notes on how the pairs were formed (derived metrics such as HI); statistics carry their own. */
  notes?: string[];
}

export interface ObserverSpread {
  basis: 'limits-of-agreement width' | 'weighted kappa';
  /** Mean over observer pairs, and over engine-vs-observer comparisons. */
  interObserver: number | null;
  engine: number | null;
  /** Engine's disagreement within the observers' (width ≤, or kappa ≥); null when not computable. */
  engineWithinObserverSpread: boolean | null;
}

export interface MetricAgreement {
  metric: string;
  label: string;
  unit: string;
  kind: MetricKind;
  comparisons: Comparison[];
  spread: ObserverSpread | null;
}

export interface AgreementOptions {
  level?: number;
}

/** Value of `rater` for `metric` on `unit` (also the observers' mean, and pooled quadrants "unit#Qn"). */
type Lookup = (rater: string, unit: string) => number | undefined;

function lookupFor(ratings: Ratings, metric: string, observers: readonly string[]): Lookup {
  const parsed = parseMetricId(metric);
  const pooled = parsed?.def.base === POOLED_QUADRANTS_BASE;
  const direct = (rater: string, unit: string): number | undefined => {
    if (pooled) {
      const [u, q] = unit.split('#Q');
      return ratings.values.get(rater)?.get(u!)?.[`MFI_Q${q}_${parsed!.population ?? 'small'}`];
    }
    return ratings.values.get(rater)?.get(unit)?.[metric];
  };
  return (rater, unit) => {
    if (rater !== OBSERVERS_MEAN) return direct(rater, unit);
    let s = 0;
    for (const o of observers) {
      const v = direct(o, unit);
      if (v === undefined) return undefined; // the mean needs every observer
      s += v;
    }
    return s / observers.length;
  };
}

function unitsFor(ratings: Ratings, metric: string): string[] {
  const ids = [...ratings.units.keys()];
  return parseMetricId(metric)?.def.base === POOLED_QUADRANTS_BASE ? ids.flatMap((u) => [1, 2, 3, 4].map((q) => `${u}#Q${q}`)) : ids;
}

export function compareRaters(ratings: Ratings, metric: string, a: string, b: string, type: ComparisonType, observers: readonly string[], opts: AgreementOptions = {}): Comparison {
  if (isHiMetric(metric)) return compareHi(ratings, metric, a, b, type, observers, opts);
  const get = lookupFor(ratings, metric, observers);
  const pairs: Pair[] = [];
  let missingA = 0;
  let missingB = 0;
  for (const u of unitsFor(ratings, metric)) {
    const va = get(a, u);
    const vb = get(b, u);
    if (va !== undefined && vb !== undefined) {
      const base = ratings.units.get(u.split('#Q')[0]!);
      pairs.push({ unit: u, label: `${base?.label ?? u}${u.includes('#Q') ? ` Q${u.split('#Q')[1]}` : ''}`, a: va, b: vb });
    } else if (va !== undefined) missingB++;
    else if (vb !== undefined) missingA++;
  }
  return comparisonOf(metric, type, a, b, pairs, missingA, missingB, opts, []);
}

/** Every statistic of a comparison from its pairs. */
function comparisonOf(metric: string, type: ComparisonType, a: string, b: string, pairs: Pair[], missingA: number, missingB: number, opts: AgreementOptions, notes: string[]): Comparison {
  const level = opts.level ?? 0.95;
  const xa = pairs.map((p) => p.a);
  const xb = pairs.map((p) => p.b);
  const kind = parseMetricId(metric)?.def.kind ?? 'continuous';
  const ordinal = kind === 'ordinal';
  return {
    metric, type, a, b, n: pairs.length, missingA, missingB,
    blandAltman: blandAltman(xa, xb, { level }),
    proportionalBias: ordinal ? null : proportionalBias(xa, xb, level),
    icc: ordinal ? null : icc(pairs.map((p) => [p.a, p.b]), level),
    ccc: ordinal ? null : lin(xa, xb, level),
    pearson: ordinal ? null : pearson(xa, xb, level),
    spearman: ordinal ? null : spearman(xa, xb, level),
    kappa: ordinal ? weightedKappa(xa, xb, { categories: [0, 1, 2, 3], weights: 'linear', level }) : null,
    pairs,
    ...(notes.length > 0 ? { notes } : {}),
  };
}

/** The visits (patient × time point) and their site- or clip-level units, for HI. */
export function hiSessions(ratings: Ratings): { key: string; label: string; units: string[] }[] {
  const byKey = new Map<string, { key: string; label: string; units: string[] }>();
  for (const u of ratings.units.values()) {
    if ((u.level !== 'site' && u.level !== 'clip') || u.patient === null || u.timepoint === null) continue;
    const key = sessionKey(u.patient, u.timepoint);
    let s = byKey.get(key);
    if (!s) byKey.set(key, (s = { key, label: `${u.patient} / ${u.timepoint}`, units: [] }));
    s.units.push(u.id);
  }
  return [...byKey.values()];
}

/**
 * HI of rater a against rater b, one pair per visit: heterogeneityIndex of the site MFIs
 * (population of the HI metric) on the sites both scored. A visit enters when both raters
 * share at least 2 sites and the mean site MFI is not 0 (otherwise HI is undefined: null
 * from heterogeneityIndex), and the notes count the visits left out and why.
 * Sites the engine's study left out of its session means (clips.csv inSessionMeans = no,
 * e.g. rejected for quality) are left out for every rater. When the engine has no site MFIs
 * for a visit but its sessions table gives HI (sessions.csv), that HI is paired with the
 * other rater's HI over all the sites that rater scored, and the notes say so.
 */
function compareHi(ratings: Ratings, metric: string, a: string, b: string, type: ComparisonType, observers: readonly string[], opts: AgreementOptions): Comparison {
  const population = parseMetricId(metric)?.population ?? 'small';
  const get = lookupFor(ratings, `MFI_${population}`, observers);
  const pairs: Pair[] = [];
  let missingA = 0;
  let missingB = 0;
  let fewCommon = 0;
  let undefinedHi = 0;
  let narrowed = 0;
  let excludedSites = 0;
  let fromSessions = 0;
  const engineHi = (key: string) => ratings.engineSessions?.get(key)?.[metric];
  for (const s of hiSessions(ratings)) {
    const kept = s.units.filter((u) => !ratings.units.get(u)?.engineExcluded);
    excludedSites += s.units.length - kept.length;
    const va = kept.map((u) => get(a, u));
    const vb = kept.map((u) => get(b, u));
    const ownA = va.filter((v) => v !== undefined).length;
    const ownB = vb.filter((v) => v !== undefined).length;
    const common = kept.map((_, i) => i).filter((i) => va[i] !== undefined && vb[i] !== undefined);
    // The engine without site MFIs for this visit, but with the visit's HI in its sessions table.
    const engineSide = a === ENGINE && ownA === 0 ? 'a' : b === ENGINE && ownB === 0 ? 'b' : null;
    const given = engineSide !== null ? engineHi(s.key) : undefined;
    if (given !== undefined) {
      const other = (engineSide === 'a' ? vb : va).filter((v): v is number => v !== undefined);
      const h = other.length >= 2 ? heterogeneityIndex(other) : null;
      if (h === null) {
        if (other.length >= 2) undefinedHi++;
        else if (engineSide === 'a') missingB++;
        else missingA++;
        continue;
      }
      fromSessions++;
      pairs.push({ unit: `hi:${s.key}`, label: s.label, a: engineSide === 'a' ? given : h, b: engineSide === 'a' ? h : given });
      continue;
    }
    if (common.length < 2) {
      if (ownA >= 2 && ownB < 2) missingB++;
      else if (ownB >= 2 && ownA < 2) missingA++;
      else fewCommon++;
      continue;
    }
    if (common.length < ownA || common.length < ownB) narrowed++;
    const ha = heterogeneityIndex(common.map((i) => va[i]!));
    const hb = heterogeneityIndex(common.map((i) => vb[i]!));
    if (ha === null || hb === null) {
      undefinedHi++;
      continue;
    }
    pairs.push({ unit: `hi:${s.key}`, label: s.label, a: ha, b: hb });
  }
  const notes: string[] = [];
  if (fewCommon > 0) notes.push(`${fewCommon} visit(s) left out: fewer than 2 sites scored by both raters`);
  if (undefinedHi > 0) notes.push(`${undefinedHi} visit(s) left out: mean site MFI 0, HI undefined`);
  if (narrowed > 0) notes.push(`${narrowed} visit(s): HI on the sites both raters scored only`);
  if (excludedSites > 0) notes.push(`${excludedSites} site(s) the engine left out of its session means not used`);
  if (fromSessions > 0) notes.push(`${fromSessions} visit(s): engine HI from its sessions table (its analysed sites), the other rater's HI from all the sites it scored`);
  return comparisonOf(metric, type, a, b, pairs, missingA, missingB, opts, notes);
}

function meanOf(xs: (number | null)[]): number | null {
  const v = xs.filter((x): x is number => x !== null);
  return v.length === 0 ? null : v.reduce((s, x) => s + x, 0) / v.length;
}

function spreadOf(kind: MetricKind, comps: readonly Comparison[]): ObserverSpread | null {
  const inter = comps.filter((c) => c.type === 'observer-observer');
  const eng = comps.filter((c) => c.type === 'engine-observer');
  if (inter.length === 0 || eng.length === 0) return null;
  if (kind === 'ordinal') {
    const i = meanOf(inter.map((c) => c.kappa?.kappa ?? null));
    const e = meanOf(eng.map((c) => c.kappa?.kappa ?? null));
    return { basis: 'weighted kappa', interObserver: i, engine: e, engineWithinObserverSpread: i === null || e === null ? null : e >= i };
  }
  const width = (c: Comparison) => (c.blandAltman.loaUpper !== null && c.blandAltman.loaLower !== null ? c.blandAltman.loaUpper - c.blandAltman.loaLower : null);
  const i = meanOf(inter.map(width));
  const e = meanOf(eng.map(width));
  return { basis: 'limits-of-agreement width', interObserver: i, engine: e, engineWithinObserverSpread: i === null || e === null ? null : e <= i };
}

/** Every metric some observer scored, plus pooled quadrant scores when any quadrant is scored. */
export function comparedMetrics(ratings: Ratings): string[] {
  const ms = new Set(ratings.metrics);
  for (const m of ratings.metrics) {
    const q = /^MFI_Q[1-4]_(small|all)$/.exec(m);
    if (q) ms.add(`${POOLED_QUADRANTS_BASE}_${q[1]}`);
  }
  // HI when some observer scored the MFI of at least 2 sites of one visit.
  const sessions = hiSessions(ratings);
  for (const p of ['small', 'all'] as const) {
    if (!ratings.metrics.includes(`MFI_${p}`)) continue;
    const scored = (o: string, u: string) => ratings.values.get(o)?.get(u)?.[`MFI_${p}`] !== undefined;
    if (sessions.some((s) => ratings.observers.some((o) => s.units.filter((u) => scored(o, u)).length >= 2))) ms.add(`${HI_BASE}_${p}`);
  }
  const order = (m: string) => {
    const p = parseMetricId(m);
    return `${p?.population === 'all' ? 1 : 0}-${String(['TVD', 'PVD', 'PPV', 'PPVCount', 'deBackerScore', 'perfusedDeBackerScore', 'MFI', 'MFIVessel', HI_BASE, 'MFI_Q1', 'MFI_Q2', 'MFI_Q3', 'MFI_Q4', POOLED_QUADRANTS_BASE, 'flowClass'].indexOf(p?.def.base ?? '')).padStart(2, '0')}`;
  };
  return [...ms].sort((x, y) => order(x).localeCompare(order(y)));
}

/** All comparisons for all metrics. */
export function computeAgreement(ratings: Ratings, opts: AgreementOptions = {}): MetricAgreement[] {
  const out: MetricAgreement[] = [];
  for (const metric of comparedMetrics(ratings)) {
    const parsed = parseMetricId(metric);
    if (!parsed) continue;
    // Observers who scored this metric at all (for HI: the MFI of its population).
    const scoredMetric = isHiMetric(metric) ? `MFI_${parsed.population ?? 'small'}` : metric;
    const get = lookupFor(ratings, scoredMetric, []);
    const units = unitsFor(ratings, scoredMetric);
    const observers = ratings.observers.filter((o) => units.some((u) => get(o, u) !== undefined));
    const comps: Comparison[] = [];
    for (const o of observers) comps.push(compareRaters(ratings, metric, ENGINE, o, 'engine-observer', observers, opts));
    for (let i = 0; i < observers.length; i++) {
      for (let j = i + 1; j < observers.length; j++) comps.push(compareRaters(ratings, metric, observers[i]!, observers[j]!, 'observer-observer', observers, opts));
    }
    if (observers.length >= 2 && parsed.def.kind === 'continuous') {
      comps.push(compareRaters(ratings, metric, ENGINE, OBSERVERS_MEAN, 'engine-observers-mean', observers, opts));
    }
    out.push({ metric, label: parsed.def.label + (parsed.population ? ` (${parsed.population} vessels)` : ''), unit: parsed.def.unit, kind: parsed.def.kind, comparisons: comps, spread: spreadOf(parsed.def.kind, comps) });
  }
  return out;
}
