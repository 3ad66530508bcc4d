/**
 * The consensus microcirculation metrics of ONE clip (one sublingual site), from the
 * per-vessel geometry and flow in physical units. This file and session.ts are the only
 * places in the engine where these formulas are written.
 *
 * Sources:
 * - De Backer D, Hollenberg S, Boerma C, et al. How to evaluate the microcirculation: report
 *   of a round table conference. Crit Care 2007;11:R101. (TVD, PVD, PPV, De Backer score,
 *   flow classes 0–3, quadrant MFI, small vessels < 20 µm.)
 * - Ince C, Boerma EC, Cecconi M, et al. Second consensus on the assessment of sublingual
 *   microcirculation in critically ill patients. Intensive Care Med 2018;44:281–299.
 *   (TVD and PVD as vessel LENGTH per area, PPV by length, HVM metric set.)
 * - Pozo MO, Kanoore Edul VS, Ince C, Dubin A. Comparison of different methods for the
 *   calculation of the microvascular flow index. Crit Care Res Pract 2012;2012:102483.
 *   (Quadrant MFI vs vessel-by-vessel MFI: different, not interchangeable.)
 *
 * Choices where the sources leave one open (also in docs and the result schema):
 * - Unclassified vessels (too short, occluded) are left out of the numerator AND the
 *   denominator of PPV (by length) and of PPVCount (by crossings); their share of the
 *   length is reported as unclassifiedLengthPct. They do count in the densities TVD and
 *   the De Backer score, which do not depend on flow.
 * - Populations: `small` holds vessels with diameterUm < smallVesselMaxUm, `all` every
 *   vessel. Each formula is applied to the population of its set, MFI included: small.MFI
 *   is the consensus MFI (small vessels); all.MFI applies the same quadrant method to all
 *   vessels, reported because every perfusion metric is also reported for all vessels.
 * - Quadrant MFI: a quadrant scores the flow class with the largest length of classified
 *   vessels in it (ties within a relative 1e-9 → the lower class); a vessel crossing a
 *   quadrant boundary counts in each quadrant with the length it has there; a quadrant with
 *   no classified vessel length scores null; the clip MFI is the mean of the scored
 *   quadrants (warning under 3, null when none).
 * - Vessel-by-vessel MFI (MFIVessel): unweighted mean of the classes of the classified
 *   vessels (each vessel segment counts once, whatever its length), as in Pozo 2012.
 * - Velocity: length-weighted mean and population SD over vessels with a measured value
 *   (censored null). Censored vessels are left out and counted (censoredAboveCount,
 *   censoredBelowCount): the mean of the measured ones underestimates when fast vessels are
 *   censored above, and a warning says so.
 * - A segment with no length inside the region is not a vessel of the clip (vesselCount,
 *   MFIVessel, velocity); its grid crossings, if any, still count.
 */
import { MetricsInputError } from './errors.js';
import { analysedAreaMm2, checkRegion, checkScale, gridLineLengthMm } from './region.js';
import type {
  AnalysedRegion,
  ClipMetrics,
  FlowClass,
  LengthByFlowClass,
  MetricSet,
  MetricsWarning,
  PixelScale,
  SegmentInput,
} from './types.js';

/** Default small-vessel threshold, µm (De Backer 2007). */
export const DEFAULT_SMALL_VESSEL_MAX_UM = 20;

/** Relative tolerance under which two class lengths in a quadrant are a tie. */
export const MFI_TIE_RELATIVE_TOLERANCE = 1e-9;

export interface ClipMetricsInput {
  /** The analysed region, reference-frame px. */
  region: AnalysedRegion;
  /** µm per px in x and y. */
  scale: PixelScale;
  /** Every vessel segment, with its geometry measured against `region` (see region.ts). */
  segments: readonly SegmentInput[];
  /** Small vessels: diameterUm < this, µm. Default 20. */
  smallVesselMaxUm?: number;
}

/** Perfused = flow class 2 (sluggish) or 3 (continuous) (De Backer 2007). */
export function isPerfused(flowClass: FlowClass | null): boolean {
  return flowClass === 2 || flowClass === 3;
}

/**
 * Small vessel: median interior diameter strictly below the threshold (< 20 µm by default,
 * the consensus). A diameter that is only a lower bound (the lumen runs on past the picture's
 * edge) of at least half the threshold is a large vessel seen in part, not a small one: a
 * capillary shows 5–10 µm whole.
 */
export function isSmallVessel(diameterUm: number, smallVesselMaxUm: number, diameterIsLowerBound = false): boolean {
  if (diameterIsLowerBound && diameterUm >= smallVesselMaxUm / 2) return false;
  return diameterUm < smallVesselMaxUm;
}

/** The metrics of one clip, for small vessels and for all vessels. */
export function computeClipMetrics(input: ClipMetricsInput): ClipMetrics {
  const { region, scale, segments } = input;
  const smallVesselMaxUm = input.smallVesselMaxUm ?? DEFAULT_SMALL_VESSEL_MAX_UM;
  checkRegion(region);
  checkScale(scale);
  if (!(Number.isFinite(smallVesselMaxUm) && smallVesselMaxUm > 0)) {
    throw new MetricsInputError(`smallVesselMaxUm must be a positive number of µm, got ${smallVesselMaxUm}`);
  }
  if (!Array.isArray(segments)) throw new MetricsInputError('segments must be an array');
  const seen = new Set<string>();
  for (const s of segments) {
    checkSegment(s);
    if (seen.has(s.id)) throw new MetricsInputError(`two segments share the id "${s.id}"`);
    seen.add(s.id);
  }
  const areaMm2 = analysedAreaMm2(region, scale);
  const lineMm = gridLineLengthMm(region, scale);
  const warnings: MetricsWarning[] = [];
  const small = computeMetricSet(
    segments.filter((s) => isSmallVessel(s.diameterUm, smallVesselMaxUm, s.diameterIsLowerBound === true)),
    areaMm2,
    lineMm,
    `small vessels (< ${smallVesselMaxUm} µm)`,
    warnings,
  );
  const all = computeMetricSet(segments, areaMm2, lineMm, 'all vessels', warnings);
  return { small, all, analysedAreaMm2: areaMm2, gridLineLengthMm: lineMm, smallVesselMaxUm, warnings };
}

function computeMetricSet(
  segs: readonly SegmentInput[],
  areaMm2: number,
  lineMm: number,
  label: string,
  warnings: MetricsWarning[],
): MetricSet {
  const byClass: LengthByFlowClass = { 0: 0, 1: 0, 2: 0, 3: 0, unclassified: 0 };
  // Quadrant q, class c: classified length, µm.
  const quadrantClassLength: number[][] = [0, 1, 2, 3].map(() => [0, 0, 0, 0]);
  let crossings = 0;
  let classifiedCrossings = 0;
  let perfusedCrossings = 0;
  let vesselCount = 0;
  let classSum = 0;
  let classifiedVessels = 0;
  let vW = 0;
  let vWSum = 0;
  const measured: { v: number; w: number }[] = [];
  let censoredAbove = 0;
  let censoredBelow = 0;

  for (const s of segs) {
    const c = s.gridCrossings[0] + s.gridCrossings[1] + s.gridCrossings[2] + s.gridCrossings[3] + s.gridCrossings[4] + s.gridCrossings[5];
    crossings += c;
    if (s.flowClass !== null) classifiedCrossings += c;
    if (isPerfused(s.flowClass)) perfusedCrossings += c;
    if (s.flowClass === null) byClass.unclassified += s.lengthUm;
    else {
      byClass[s.flowClass] += s.lengthUm;
      for (let q = 0; q < 4; q++) quadrantClassLength[q]![s.flowClass] += s.lengthUmByQuadrant[q]!;
    }
    if (s.lengthUm <= 0) continue;
    vesselCount++;
    if (s.flowClass !== null) {
      classSum += s.flowClass;
      classifiedVessels++;
    }
    const v = s.velocity;
    if (v) {
      if (v.censored === 'above') censoredAbove++;
      else if (v.censored === 'below') censoredBelow++;
      else if (v.valueUmPerS !== null) {
        measured.push({ v: v.valueUmPerS, w: s.lengthUm });
        vW += s.lengthUm;
        vWSum += s.lengthUm * v.valueUmPerS;
      }
    }
  }

  const totalUm = byClass[0] + byClass[1] + byClass[2] + byClass[3] + byClass.unclassified;
  const classifiedUm = byClass[0] + byClass[1] + byClass[2] + byClass[3];
  const perfusedUm = byClass[2] + byClass[3];

  // De Backer 2007 / Ince 2018: densities are centerline LENGTH (mm) per analysed area (mm²).
  const TVD = totalUm / 1000 / areaMm2;
  // With vessels present but none classified, the perfused length is unknown, not zero: null
  // (never a silent zero). With no vessel at all, it is truly 0.
  const perfusionKnown = classifiedUm > 0 || totalUm === 0;
  const PVD = perfusionKnown ? perfusedUm / 1000 / areaMm2 : null;
  // PPV (%) by length over classified vessels (unclassified out of both terms). The ratio is
  // taken first: perfused ≤ classified holds in floating point (the sums are monotone), so the
  // ratio is ≤ 1 and the percentage ≤ 100 exactly; (100·p)/c can round to 100.00000000000001.
  const PPV = classifiedUm > 0 ? 100 * (perfusedUm / classifiedUm) : null;
  const unclassifiedLengthPct = totalUm > 0 ? 100 * (byClass.unclassified / totalUm) : null;
  // De Backer score (1/mm): crossings with the 6 grid lines / their total length (mm).
  const deBackerScore = crossings / lineMm;
  const perfusedDeBackerScore = perfusionKnown ? perfusedCrossings / lineMm : null;
  // PPV by count (%): perfused / classified crossings (De Backer 2007 count family).
  const PPVCount = classifiedCrossings > 0 ? 100 * (perfusedCrossings / classifiedCrossings) : null;

  // Quadrant MFI (De Backer 2007; Pozo 2012): predominant class by length per quadrant.
  const MFIQuadrants = quadrantClassLength.map(predominantClass) as MetricSet['MFIQuadrants'];
  const scored = MFIQuadrants.filter((c): c is FlowClass => c !== null);
  const MFI = scored.length > 0 ? scored.reduce<number>((a, b) => a + b, 0) / scored.length : null;
  if (scored.length === 0) {
    warnings.push({
      code: 'mfi-no-quadrant',
      message: `${label}: no quadrant has a classified vessel, so the quadrant MFI is null.`,
    });
  } else if (scored.length < 3) {
    warnings.push({
      code: 'mfi-few-quadrants',
      message: `${label}: only ${scored.length} of 4 quadrants have a classified vessel; the quadrant MFI is their mean.`,
    });
  }
  // Vessel-by-vessel MFI (Pozo 2012): unweighted mean of the classes of classified vessels.
  const MFIVessel = classifiedVessels > 0 ? classSum / classifiedVessels : null;

  // Velocity: length-weighted mean and population SD over measured (uncensored) vessels.
  const meanVelocityUmPerS = vW > 0 ? vWSum / vW : null;
  let sdVelocityUmPerS: number | null = null;
  if (meanVelocityUmPerS !== null && measured.length >= 2) {
    let ss = 0;
    for (const m of measured) ss += m.w * (m.v - meanVelocityUmPerS) ** 2;
    sdVelocityUmPerS = Math.sqrt(ss / vW);
  }

  if (vesselCount === 0) {
    warnings.push({ code: 'no-vessels', message: `${label}: no vessel inside the analysed region.` });
  } else if (classifiedUm === 0) {
    warnings.push({
      code: 'nothing-classified',
      message: `${label}: no vessel could be classified, so PPV, PPVCount and MFI are null.`,
    });
  }
  if (censoredAbove > 0) {
    warnings.push({
      code: 'velocity-censored-above',
      message: `${label}: ${censoredAbove} vessel(s) flow faster than their path can resolve and are left out of the mean velocity, which therefore underestimates.`,
    });
  }

  return {
    TVD,
    PVD,
    PPV,
    unclassifiedLengthPct,
    PPVCount,
    deBackerScore,
    perfusedDeBackerScore,
    MFI,
    MFIQuadrants,
    MFIVessel,
    lengthUmByFlowClass: byClass,
    vesselCount,
    meanVelocityUmPerS,
    sdVelocityUmPerS,
    velocityMeasuredCount: measured.length,
    censoredAboveCount: censoredAbove,
    censoredBelowCount: censoredBelow,
    crossingCount: crossings,
    classifiedCrossingCount: classifiedCrossings,
    perfusedCrossingCount: perfusedCrossings,
  };
}

/** The class with the most length (ties → the lower class); null when no length. */
export function predominantClass(lengthByClass: readonly number[]): FlowClass | null {
  let best: FlowClass | null = null;
  let bestLen = 0;
  for (let c = 0; c < 4; c++) {
    const len = lengthByClass[c] ?? 0;
    if (len <= 0) continue;
    // Strictly more than the best so far, beyond the tie tolerance: a tie keeps the lower class.
    if (best === null || len > bestLen * (1 + MFI_TIE_RELATIVE_TOLERANCE)) {
      best = c as FlowClass;
      bestLen = len;
    }
  }
  return best;
}

function checkSegment(s: SegmentInput): void {
  const id = s && typeof s.id === 'string' ? s.id : '(no id)';
  const bad = (what: string): never => {
    throw new MetricsInputError(`segment ${id}: ${what}`);
  };
  if (!s || typeof s.id !== 'string') bad('missing string id');
  if (!(Number.isFinite(s.lengthUm) && s.lengthUm >= 0)) bad(`lengthUm must be ≥ 0, got ${s.lengthUm}`);
  if (!(Number.isFinite(s.diameterUm) && s.diameterUm >= 0)) bad(`diameterUm must be ≥ 0, got ${s.diameterUm}`);
  if (!(s.diameterIsLowerBound === undefined || typeof s.diameterIsLowerBound === 'boolean')) bad('diameterIsLowerBound must be a boolean when given');
  if (!(s.flowClass === null || s.flowClass === 0 || s.flowClass === 1 || s.flowClass === 2 || s.flowClass === 3)) {
    bad(`flowClass must be 0, 1, 2, 3 or null, got ${String(s.flowClass)}`);
  }
  const q = s.lengthUmByQuadrant;
  if (!Array.isArray(q) || q.length !== 4 || !q.every((v) => Number.isFinite(v) && v >= 0)) {
    bad(`lengthUmByQuadrant must be 4 lengths ≥ 0, got ${JSON.stringify(q)}`);
  }
  const sum = q[0] + q[1] + q[2] + q[3];
  if (Math.abs(sum - s.lengthUm) > 1e-6 * Math.max(1, s.lengthUm)) {
    bad(`lengthUmByQuadrant sums to ${sum}, not lengthUm ${s.lengthUm}`);
  }
  const g = s.gridCrossings;
  if (!Array.isArray(g) || g.length !== 6 || !g.every((v) => Number.isInteger(v) && v >= 0)) {
    bad(`gridCrossings must be 6 counts ≥ 0, got ${JSON.stringify(g)}`);
  }
  const v = s.velocity;
  if (v !== undefined && v !== null) {
    if (!(v.censored === null || v.censored === 'above' || v.censored === 'below')) bad(`velocity.censored must be "above", "below" or null`);
    if (v.censored === null && v.valueUmPerS !== null && !(Number.isFinite(v.valueUmPerS) && v.valueUmPerS >= 0)) {
      bad(`velocity.valueUmPerS must be ≥ 0, got ${v.valueUmPerS}`);
    }
  }
}
