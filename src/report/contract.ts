/**
 * The clip result contract, `hvm-engine/clip-result@1`: the JSON every analysis writes
 * (`hvm analyze --json`). These types mirror schema/clip-result.schema.json, which is the
 * normative definition (units and meanings in each property's description); tests validate
 * hand-built and computed results against it so the two cannot drift apart unnoticed.
 * Versioning policy: schema/README.md.
 */
import type { BackendName } from '../backend/types.js';
import type { FlowClass, MetricSet, PointPx, VelocityEstimate } from '../metrics/types.js';

export type { MetricSet } from '../metrics/types.js';

/**
 * A metric set as reported: every metric may be null when the analysis did not measure it
 * (a stage that has not run, or a definition that gives no value). A zero always means zero.
 */
export type ReportedMetricSet = { [K in keyof MetricSet]: MetricSet[K] | null };

/** A metric set in which nothing was measured. */
export function unmeasuredMetricSet(): ReportedMetricSet {
  return {
    TVD: null, PVD: null, PPV: null, unclassifiedLengthPct: null, PPVCount: null,
    deBackerScore: null, perfusedDeBackerScore: null, MFI: null,
    MFIQuadrants: null, MFIVessel: null, lengthUmByFlowClass: null, vesselCount: null,
    meanVelocityUmPerS: null, sdVelocityUmPerS: null, velocityMeasuredCount: null,
    censoredAboveCount: null, censoredBelowCount: null, crossingCount: null,
    classifiedCrossingCount: null, perfusedCrossingCount: null,
  };
}

/** The value of the `schema` field of this contract version. */
export const CLIP_RESULT_SCHEMA_ID = 'hvm-engine/clip-result@1' as const;

export interface ClipResult {
  schema: typeof CLIP_RESULT_SCHEMA_ID;
  engine: { version: string; backend: BackendName };
  source: ClipSource;
  calibration: ClipCalibration;
  analysis: ClipAnalysis;
  /** Null entries: not measured (see warnings); never a silent zero. */
  metrics: { small: ReportedMetricSet; all: ReportedMetricSet };
  vessels: VesselResult[];
  /** Every threshold and option used, by name. */
  parameters: Record<string, ParameterValue>;
  warnings: ResultWarning[];
  /** Optional: the automatic MIQS estimate (src/quality, docs/quality.md). */
  quality?: ClipQuality;
}

export interface ClipSource {
  /** As the user gave it. */
  path: string;
  /** Lower-case hex. */
  sha256: string;
  container: string;
  codec: string | null;
  width: number;
  height: number;
  /** "num:den", e.g. "16:15". */
  sampleAspectRatio: string;
  /** frames/s */
  fps: number;
  headerFrameCount: number | null;
  frameCount: number;
  /** s */
  durationS: number;
  interlaced: boolean;
  truncated: boolean;
  decoder: { path: string | null; version: string | null };
  framesHash: string;
}

export interface ClipCalibration {
  /** µm/px */
  umPerPxX: number;
  /** µm/px */
  umPerPxY: number;
  source: 'device-profile' | 'option' | 'sidecar';
  device: string | null;
  /** µm */
  smallVesselMaxUm: number;
}

export interface ClipAnalysis {
  /** s */
  window: { startS: number; endS: number };
  referenceFrame: number;
  /** Reference-frame px. */
  analysedRegion: { x: number; y: number; width: number; height: number };
  /** mm² */
  analysedAreaMm2: number;
  framesUsed: number;
  framesDropped: number;
}

export interface VesselResult {
  id: string;
  /** Centerline, reference-frame px. */
  points: PointPx[];
  /** µm, inside the analysed region. */
  lengthUm: number;
  /** µm, median over the interior. */
  diameterUm: number;
  /** [min, max], µm. */
  diameterRangeUm: [number, number];
  /** Present when diameterUm is only a lower bound (the lumen runs on past the picture's edge; src/analysis/frame-edge.ts). */
  diameterIsLowerBound?: true;
  small: boolean;
  flowClass: FlowClass | null;
  classReason: string;
  velocity: VelocityEstimate | null;
  /** 0–1 */
  stoppedFraction: number | null;
  /** [h¼, h½, h¾, v¼, v½, v¾] */
  gridCrossings: [number, number, number, number, number, number];
}

export interface ParameterValue {
  value: number | string | boolean | null;
  unit: string;
}

export interface ResultWarning {
  code: string;
  message: string;
}

/** MIQS score of a category: 0 optimal, 1 acceptable, 10 unacceptable (Massey 2013). */
export type MiqsScore = 0 | 1 | 10;

export type QualityCategoryName = 'duration' | 'stability' | 'illumination' | 'focus' | 'content' | 'pressure';

/** One measured quality feature. */
export interface ClipQualityFeature {
  name: string;
  /** null: not measured. */
  value: number | null;
  unit: string;
  score: MiqsScore | null;
}

/** One MIQS category of the estimate. */
export interface ClipQualityCategory {
  /** null: not scored (its input is missing; `reason` says which). */
  score: MiqsScore | null;
  /** The measured feature that set the score, in `unit`. */
  value: number | null;
  unit: string;
  reason: string;
  /** Every feature measured for the category. */
  features?: ClipQualityFeature[];
}

/** The automatic MIQS estimate of a clip ($defs.quality). */
export interface ClipQuality {
  label: 'automatic MIQS estimate';
  categories: Record<QualityCategoryName, ClipQualityCategory>;
  /** Sum of the scored categories. */
  total: number;
  /** total < 10 */
  accepted: boolean;
  /** Categories not scored (score null). */
  unscored?: QualityCategoryName[];
}
