/** The automatic MIQS estimate (Massey 2013): per-frame probe, features and scores. docs/quality.md. */
export { createQualityProbe, type QualityProbe, type QualityProbeOptions } from './probe.js';
export { estimateQuality } from './estimate.js';
export { DEFAULT_QUALITY_PARAMS, resolveQualityParams, type QualityParams } from './params.js';
export { frameSharpness } from './frame-sharpness.js';
export {
  QUALITY_CATEGORIES,
  QUALITY_LABEL,
  type MiqsScore,
  type ProbeFrameRef,
  type ProbeFrameStats,
  type Quality,
  type QualityCategory,
  type QualityCategoryName,
  type QualityFeature,
  type QualityFlowVessel,
  type QualityInput,
  type QualityProbeSummary,
  type QualitySegment,
  type QualityStabilisation,
} from './types.js';
