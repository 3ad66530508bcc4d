/**
 * The metrics of one session: the sublingual sites (clips) of one patient at one time point.
 * The patient's value of each metric is the mean over the analysed sites (De Backer et al.
 * 2007, Crit Care 11:R101, where several sites are recorded per time point and averaged;
 * docs/hvm-domain.md: "the patient's MFI is the mean over sites"), and the heterogeneity
 * index describes the spread of MFI between sites:
 *
 *   HI = (highest site MFI − lowest site MFI) / mean site MFI
 *
 * (Trzeciak S, Dellinger RP, Parrillo JE, et al. Early microcirculatory perfusion
 * derangements in patients with severe sepsis and septic shock: relationship to
 * hemodynamics, oxygen transport, and survival. Ann Emerg Med 2007;49:88–98.)
 *
 * Choices: every site has equal weight (no weighting by area or vessel count, as in the
 * consensus); a metric that is null at a site (e.g. PPV with nothing classified) is left
 * out of that metric's mean and the count `n` says how many sites entered it. HI is computed
 * for each population from the sites with a non-null quadrant MFI; it needs at least 2 such
 * sites (else null, with a warning) and a non-zero mean (else null, with a warning).
 * The velocity summary is the mean of the sites' length-weighted means (each site equal
 * weight), with the censored counts summed over sites.
 */
import { MetricsInputError } from './errors.js';
import type { ClipMetrics, MetricSet, MetricsWarning } from './types.js';

export interface SessionSiteInput {
  siteId: string;
  /** The site's clip metrics; null when the site could not be analysed. */
  metrics: ClipMetrics | null;
  /** Why the site is excluded (also excludes a site that has metrics, e.g. rejected for quality). */
  excludedReason?: string;
}

export interface SessionOptions {
  /** Sites the protocol planned; default the number of sites given. */
  sitesPlanned?: number;
}

/** One metric summarised over the analysed sites. */
export interface SiteSummary {
  /** Mean over the sites where the metric is not null; null when there are none. */
  mean: number | null;
  /** Sample SD (n − 1) over those sites; null under 2. */
  sd: number | null;
  min: number | null;
  max: number | null;
  /** Number of sites that entered. */
  n: number;
}

export interface SessionMetricSet {
  /** mm/mm² */
  TVD: SiteSummary;
  /** mm/mm² */
  PVD: SiteSummary;
  /** % */
  PPV: SiteSummary;
  /** % */
  PPVCount: SiteSummary;
  /** 1/mm */
  deBackerScore: SiteSummary;
  /** 1/mm */
  perfusedDeBackerScore: SiteSummary;
  /** Quadrant MFI, 0–3: the patient's MFI is MFI.mean. */
  MFI: SiteSummary;
  /** Vessel-by-vessel MFI, 0–3 (a different variant; not interchangeable with MFI). */
  MFIVessel: SiteSummary;
  /** Heterogeneity index of the quadrant MFI over sites (Trzeciak 2007), dimensionless; null see warnings. */
  HI: number | null;
  /** Mean over sites of the site mean velocity, µm/s. */
  meanVelocityUmPerS: SiteSummary;
  /** Vessels with a measured velocity, summed over sites. */
  velocityMeasuredCount: number;
  /** Vessels censored above (faster than resolvable), summed over sites. */
  censoredAboveCount: number;
  /** Vessels censored below, summed over sites. */
  censoredBelowCount: number;
}

export interface SessionMetrics {
  sitesPlanned: number;
  sitesAnalysed: number;
  /** Site ids that entered the means, in input order. */
  analysedSiteIds: string[];
  excluded: { siteId: string; reason: string }[];
  small: SessionMetricSet;
  all: SessionMetricSet;
  warnings: MetricsWarning[];
}

/** Fewest sites recommended per time point (several sites, at least 3: De Backer 2007; Ince 2018). */
export const RECOMMENDED_MIN_SITES = 3;

/** Heterogeneity index (Trzeciak 2007): (max − min) / mean of the site MFIs; null under 2 sites or a zero mean. */
export function heterogeneityIndex(siteMfis: readonly number[]): number | null {
  if (siteMfis.length < 2) return null;
  const mean = siteMfis.reduce((a, b) => a + b, 0) / siteMfis.length;
  if (mean === 0) return null;
  return (Math.max(...siteMfis) - Math.min(...siteMfis)) / mean;
}

export function computeSessionMetrics(sites: readonly SessionSiteInput[], options: SessionOptions = {}): SessionMetrics {
  if (!Array.isArray(sites)) throw new MetricsInputError('sites must be an array');
  const ids = new Set<string>();
  for (const s of sites) {
    if (!s || typeof s.siteId !== 'string') throw new MetricsInputError('every site needs a string siteId');
    if (ids.has(s.siteId)) throw new MetricsInputError(`two sites share the id "${s.siteId}"`);
    ids.add(s.siteId);
  }
  const sitesPlanned = options.sitesPlanned ?? sites.length;
  if (!(Number.isInteger(sitesPlanned) && sitesPlanned >= 0)) {
    throw new MetricsInputError(`sitesPlanned must be a whole number ≥ 0, got ${sitesPlanned}`);
  }
  const warnings: MetricsWarning[] = [];
  const analysed: { siteId: string; metrics: ClipMetrics }[] = [];
  const excluded: { siteId: string; reason: string }[] = [];
  for (const s of sites) {
    if (s.metrics === null || s.metrics === undefined || s.excludedReason !== undefined) {
      excluded.push({ siteId: s.siteId, reason: s.excludedReason ?? 'not analysed' });
    } else {
      analysed.push({ siteId: s.siteId, metrics: s.metrics });
    }
  }
  if (sites.length > sitesPlanned) {
    warnings.push({
      code: 'session-more-sites-than-planned',
      message: `${sites.length} sites were given but ${sitesPlanned} planned.`,
    });
  }
  if (analysed.length < sitesPlanned) {
    warnings.push({
      code: 'session-sites-missing',
      message: `${analysed.length} of ${sitesPlanned} planned sites were analysed.`,
    });
  }
  if (analysed.length < RECOMMENDED_MIN_SITES) {
    warnings.push({
      code: 'session-few-sites',
      message: `only ${analysed.length} site(s) analysed; at least ${RECOMMENDED_MIN_SITES} are recommended per time point (De Backer 2007; Ince 2018).`,
    });
  }
  const small = sessionSet(analysed.map((a) => a.metrics.small), 'small vessels', warnings);
  const all = sessionSet(analysed.map((a) => a.metrics.all), 'all vessels', warnings);
  return {
    sitesPlanned,
    sitesAnalysed: analysed.length,
    analysedSiteIds: analysed.map((a) => a.siteId),
    excluded,
    small,
    all,
    warnings,
  };
}

function sessionSet(sets: readonly MetricSet[], label: string, warnings: MetricsWarning[]): SessionMetricSet {
  const mfis = sets.map((s) => s.MFI).filter((v): v is number => v !== null);
  let HI: number | null = null;
  if (mfis.length < 2) {
    warnings.push({
      code: 'hi-too-few-sites',
      message: `${label}: the heterogeneity index needs at least 2 sites with an MFI, got ${mfis.length}; HI is null.`,
    });
  } else {
    HI = heterogeneityIndex(mfis);
    if (HI === null) {
      warnings.push({
        code: 'hi-zero-mean',
        message: `${label}: the mean site MFI is 0 (no flow at any site), so the heterogeneity index is undefined; HI is null.`,
      });
    }
  }
  const sum = (f: (s: MetricSet) => number) => sets.reduce((a, s) => a + f(s), 0);
  return {
    TVD: summarise(sets.map((s) => s.TVD)),
    PVD: summarise(sets.map((s) => s.PVD)),
    PPV: summarise(sets.map((s) => s.PPV)),
    PPVCount: summarise(sets.map((s) => s.PPVCount)),
    deBackerScore: summarise(sets.map((s) => s.deBackerScore)),
    perfusedDeBackerScore: summarise(sets.map((s) => s.perfusedDeBackerScore)),
    MFI: summarise(mfis),
    MFIVessel: summarise(sets.map((s) => s.MFIVessel)),
    HI,
    meanVelocityUmPerS: summarise(sets.map((s) => s.meanVelocityUmPerS)),
    velocityMeasuredCount: sum((s) => s.velocityMeasuredCount),
    censoredAboveCount: sum((s) => s.censoredAboveCount),
    censoredBelowCount: sum((s) => s.censoredBelowCount),
  };
}

/** Mean, sample SD, min, max and n over the non-null values. */
export function summarise(values: readonly (number | null)[]): SiteSummary {
  const v = values.filter((x): x is number => x !== null);
  const n = v.length;
  if (n === 0) return { mean: null, sd: null, min: null, max: null, n: 0 };
  const mean = v.reduce((a, b) => a + b, 0) / n;
  const sd = n >= 2 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : null;
  return { mean, sd, min: Math.min(...v), max: Math.max(...v), n };
}
