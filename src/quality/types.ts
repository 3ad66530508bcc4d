/**
 * Inputs and outputs of the automatic MIQS estimate (src/quality). The output mirrors the
 * `quality` property of the clip result contract (src/report/contract.ts, $defs.quality in
 * schema/clip-result.schema.json).
 */
import type { AnalysedRect, AnalysisWindow, MotionSample, ScreenBorders, ScreenRect } from '../analysis/stabilise-types.js';
import type { CoreBackend } from '../backend/types.js';
import type { FlowClass, PixelScale, PointPx } from '../metrics/types.js';
import type { ClipQuality, ClipQualityCategory, ClipQualityFeature, MiqsScore as ContractMiqsScore, QualityCategoryName } from '../report/contract.js';
import type { QualityParams } from './params.js';

/** MIQS per category: 0 optimal, 1 acceptable, 10 unacceptable (the contract's type). */
export type MiqsScore = ContractMiqsScore;

export const QUALITY_CATEGORIES = ['duration', 'stability', 'illumination', 'focus', 'content', 'pressure'] as const satisfies readonly QualityCategoryName[];
export type { QualityCategoryName };

export const QUALITY_LABEL = 'automatic MIQS estimate' as const;

/** One measured feature of a category. */
export type QualityFeature = ClipQualityFeature;

/** A category as estimateQuality returns it: always with its features. */
export interface QualityCategory extends ClipQualityCategory {
  features: QualityFeature[];
}

/** The estimate: the contract's `quality`, with every optional part present. */
export interface Quality extends ClipQuality {
  categories: Record<QualityCategoryName, QualityCategory>;
  unscored: QualityCategoryName[];
}

/** What the per-frame probe records about one frame. */
export interface ProbeFrameStats {
  index: number;
  timeS: number;
  /** Mean grey level. */
  mean: number;
  /** Pixels at or above params.saturatedLevel (whole frame, from the core's frameStats histogram). */
  saturatedPx: number;
  /** Normalised gradient energy (frame-sharpness.ts); null for a frame the probe was told is a duplicate. */
  sharpness: number | null;
}

/** The probe's summary: small per-frame records (never the frames). */
export interface QualityProbeSummary {
  width: number;
  height: number;
  saturatedLevel: number;
  frames: ProbeFrameStats[];
}

/** The frame identity the probe needs; a full MotionSample fits. */
export type ProbeFrameRef = Pick<MotionSample, 'index' | 'timeS'> & Partial<Pick<MotionSample, 'status'>>;

/** What estimateQuality needs from the stabilisation stage (a StabiliseResult fits). */
export interface QualityStabilisation {
  width: number;
  height: number;
  fps: number;
  track: MotionSample[];
  window: AnalysisWindow;
  region: AnalysedRect;
  borders: ScreenBorders;
  overlays: ScreenRect[];
}

/** A centerline segment as segmentImage gives it (a CenterlineSegment fits). */
export interface QualitySegment {
  polyline: PointPx[];
  closedLoop: boolean;
  lengthUm: number;
  diameterUm: number;
}

/** Per-vessel flow: diameter and class (null: not classified). */
export interface QualityFlowVessel {
  diameterUm: number;
  /** Centerline length, µm (when known: short wide pieces are not judged as venules). */
  lengthUm?: number;
  flowClass: FlowClass | null;
}

export interface QualityInput {
  /** Calibration of the mean image and the segments. */
  scale: PixelScale;
  /** The stabilised mean image (or a still), grey levels, width·height of the stabilisation (or of the still). */
  meanImage: Float32Array | Uint8Array;
  width: number;
  height: number;
  /** The probe's summary; null for a still (or when no probe ran: duration's frame count then comes from the track). */
  probe: QualityProbeSummary | null;
  /** The stabilisation result; null for a still (time-based categories are then null). */
  stabilisation: QualityStabilisation | null;
  /** Region to judge, reference px; default the stabilisation's region, else the whole image. */
  region?: AnalysedRect;
  /** Segmentation of the mean image (a SegmentResult fits); null when not segmented. */
  vessels: { mask: Uint8Array; segments: QualitySegment[] } | null;
  /** Per-vessel flow classes; null until flow is measured (pressure is then null). */
  flow: QualityFlowVessel[] | null;
  params?: Partial<QualityParams>;
  /** Core backend for the image filters (default loadBackend()). */
  backend?: CoreBackend;
}
