/**
 * hvm-engine's public library API. Everything a tool embedding the engine needs is exported
 * from here with its types; deep imports are not part of the API.
 *
 *   import { analyzeClip } from 'hvm-engine';
 *   const { result } = await analyzeClip('clip.avi', { device: 'microscan-sdf-pal' });
 *   result.metrics.small.MFI; // null until the flow stage lands (see result.warnings)
 */
export { engineVersion } from './version.js';
export { HvmError } from './errors.js';

// One clip, end to end.
export { analyzeClip } from './analysis/analyze-clip.js';
export type { AnalyzeOptions, ClipAnalysis, FrameInput } from './analysis/analyze-clip.js';
export { FrameInputError } from './analysis/analyze-clip.js';
export type { TemporalSummary, FrameBrightness } from './analysis/temporal-summary.js';
export { stabiliseClip } from './analysis/stabilise.js';
export { analysedRegion } from './analysis/region.js';

// The vessel map of a clip (segmentation of the stabilised mean → vessels, diameters, crossings).
export { segmentImage } from './analysis/segment.js';
export type { SegmentResult, SegmentOptions, CenterlineSegment } from './analysis/segment.js';
export { DEFAULT_SEGMENT_PARAMS } from './analysis/segment-params.js';
export type { SegmentParams } from './analysis/segment-params.js';
export { mapVessels } from './analysis/vessel-map.js';
export type { VesselMap, MappedVessel } from './analysis/vessel-map.js';
export { measureDiameter } from './analysis/diameter.js';

// Flow: space-time diagrams, velocity, flow classes.
export { createFlowMeasurer, DEFAULT_FLOW_PARAMS } from './flow/index.js';
export type { FlowMeasurer, FlowParams, FlowPath, FlowFrame, SpaceTimeDiagram, VesselFlow } from './flow/index.js';

// Image quality: the automatic MIQS estimate.
export { createQualityProbe, estimateQuality, DEFAULT_QUALITY_PARAMS } from './quality/index.js';
export type { QualityParams } from './quality/index.js';

// Pictures.
export { overlayPng } from './report/overlay.js';

// Decoding: probe a clip, stream its gray frames.
export {
  probe,
  openClip,
  readFrames,
  locateFfmpeg,
  sha256Input,
  ClipTooLargeError,
  DecodeFailedError,
  DecodeStalledError,
  FfmpegMissingError,
  FileNotFoundError,
  FrameSizeMismatchError,
  MissingFrameRateError,
  NoVideoStreamError,
  NotAVideoError,
  TooFewFramesError,
  TruncatedClipError,
  UnsupportedCodecError,
  MAX_FRAMES,
  MAX_FRAME_HEIGHT,
  MAX_FRAME_WIDTH,
} from './decode/index.js';
export type { ClipProbe, ClipReader, DecodeOptions, DecodeSummary, GrayFrame, FfmpegInfo, ProbeOptions } from './decode/index.js';

// Calibration.
export {
  resolveCalibration,
  deviceNames,
  findDeviceProfile,
  DEVICE_PROFILES,
  CalibrationMissingError,
  UnknownDeviceError,
  CalibrationSidecarError,
  CalibrationValueError,
} from './calibration/index.js';
export type { DeviceProfile } from './calibration/index.js';

// The consensus metrics (the only place they are computed).
export * from './metrics/index.js';

// The result contract.
export { CLIP_RESULT_SCHEMA_ID, unmeasuredMetricSet } from './report/contract.js';
export type {
  ClipResult,
  ClipSource,
  ClipCalibration,
  ClipAnalysis as ClipResultAnalysis,
  ReportedMetricSet,
  VesselResult,
  ParameterValue,
  ResultWarning,
} from './report/contract.js';
export { validateClipResult, clipResultProblems, ClipResultInvalidError } from './report/validate.js';

// The core backends.
export { loadBackend, backendAvailability, chosenBackendReason, BackendUnavailableError, CoreError, WasmTrapError } from './backend/index.js';
export type { BackendName, CoreBackend, FrameStats, PhaseCorrelation } from './backend/index.js';

// Phantom clips with exact truth (for checking the engine on your own machine).
export { generatePhantom, writePhantom, truthMetricsForRegion, readTruth } from './phantom/index.js';
export type { PhantomOptions, PhantomTruth } from './phantom/index.js';

// Agreement with manual scoring (hvm compare).
export * from './compare/index.js';

// Studies: a manifest of clips → per-clip results, clips.csv, sessions.csv, report.html (hvm study).
export * from './study/index.js';
export { writeClipFiles } from './report/clip-files.js';
