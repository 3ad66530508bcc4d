/**
 * The consensus microcirculation metrics: the only place the engine computes TVD, PVD, PPV,
 * MFI, the De Backer score and HI. Pure functions of physical inputs (src/metrics/types.ts).
 */
export type * from './types.js';
export { MetricsInputError } from './errors.js';
export {
  quadrantRects,
  gridLines,
  analysedAreaMm2,
  gridLineLengthMm,
  clipPolylineToRegion,
  polylineLengthUmByQuadrant,
  polylineLengthUm,
  polylineGridCrossings,
  measurePolyline,
} from './region.js';
export type { GridLine, PolylineMeasurement } from './region.js';
export {
  computeClipMetrics,
  isPerfused,
  isSmallVessel,
  predominantClass,
  DEFAULT_SMALL_VESSEL_MAX_UM,
  MFI_TIE_RELATIVE_TOLERANCE,
} from './clip.js';
export type { ClipMetricsInput } from './clip.js';
export { computeSessionMetrics, heterogeneityIndex, summarise, RECOMMENDED_MIN_SITES } from './session.js';
export type { SessionSiteInput, SessionOptions, SiteSummary, SessionMetricSet, SessionMetrics } from './session.js';
