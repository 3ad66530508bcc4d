/**
 * Options of a phantom clip: what the user may set, the defaults, and their resolution into
 * one fully specified, validated settings object (which the truth records, so a clip can be
 * regenerated from its truth file alone).
 */
import { findDeviceProfile } from '../calibration/profiles.js';
import { HvmError } from '../errors.js';
import type { PixelScale } from '../metrics/types.js';
import type { FlowMix, FlowOptions } from './flow.js';
import { flowMixPresets } from './flow.js';
import { resolveThresholds, type FlowThresholds } from './flow-thresholds.js';
import { resolveOcclusionSpecs, type OcclusionSpec } from './occlusion.js';
import type { IsolatedVesselSpec, NetworkOptions } from './network.js';
import { defaultNetworkOptions } from './network.js';
import type { Borders } from './overlay.js';
import { overlayRect, resolveBorders } from './overlay.js';
import { defaultRenderSettings } from './render.js';

export type PhantomCodec = 'ffv1' | 'h264' | 'mjpeg' | 'dv' | 'rawavi' | 'png' | 'none';
export type Interlace = 'none' | 'bff' | 'tff';

export interface Rational {
  num: number;
  den: number;
}

/** Isolated-mode vessel: geometry plus, optionally, its flow class and base speed. */
export interface IsolatedVesselOption extends IsolatedVesselSpec {
  flowClass?: 0 | 1 | 2 | 3;
  velocityUmPerS?: number;
}

export interface PhantomOptions {
  /** Base name of the written files (default "phantom"). */
  name?: string;
  seed: number;
  width?: number;
  height?: number;
  /** Frames per second: 25, 30, or a rational such as {num: 30000, den: 1001}. */
  fps?: number | Rational;
  /** Duration, s (default 2); or give frameCount. */
  seconds?: number;
  frameCount?: number;
  /** Scale: square µm/px, or {x, y}. Default 1.3 (MicroScan-like); ignored when device is given. */
  umPerPx?: number | { x: number; y: number };
  /** Derive the scale from a device profile's field of view and the frame size (e.g. "microscan-sdf-pal"). */
  device?: string;

  // Network
  mode?: 'mesh' | 'isolated';
  /** Target small-vessel TVD, mm/mm² (healthy 15–20). */
  density?: number;
  capillaryDiameterUm?: [number, number];
  venules?: number | 'auto';
  venuleDiameterUm?: [number, number];
  deepVessels?: number | 'auto';
  tortuosity?: number;
  /** Mesh cells elongated along one direction by this factor (default 1.6; 1 isotropic). */
  anisotropy?: number;
  /** Share of capillaries in focus (default 0.75); the others are 20–50 µm deep, fainter and blurrier. */
  inFocusShare?: number;
  isolatedCount?: number;
  isolatedVessels?: IsolatedVesselOption[];

  // Flow
  /** Flow-class mix by small-vessel length [f0, f1, f2, f3], or a preset name. */
  flowMix?: FlowMix | keyof typeof flowMixPresets;
  flowLayout?: 'random' | 'clustered';
  /** Keep speeds and stopped fractions away from class thresholds (default true). */
  clearCut?: boolean;
  continuousMeanUmPerS?: number;
  /** Venules stopped by probe pressure: a count (first venules) or ids. */
  pressureStoppedVenules?: number | string[];
  /**
   * 'classes' (default): every small vessel gets a class by construction (flowMix), with
   * velocities inside it. 'spread': velocities and stopped fractions spread continuously
   * across the class thresholds (flow-thresholds.ts); each class is derived from its series.
   */
  flowMode?: 'classes' | 'spread';
  /** Thresholds that derive the classes in spread mode (default: flow-thresholds.ts). */
  flowThresholds?: Partial<FlowThresholds>;

  // Camera and image
  jitterPx?: number;
  driftPxPerS?: number;
  /** Relative SD of frame-to-frame brightness (default 0.015). */
  flicker?: number;
  /** Sensor-noise scale (0 none, 1 default ≈ 3.5 grey levels at the background). */
  noise?: number;
  defocusUm?: number;
  /** Background grey level before illumination falloff (default 150). */
  brightness?: number;
  vesselContrast?: number;
  mottle?: number;
  vignetting?: number;
  rbcGapUm?: number;
  /**
   * Exposure of each frame (each field when interlaced): RBCs moving during it smear along
   * their vessel. 'instant' (default, 0 s); 'strobe': a short pulse (STROBE_EXPOSURE_S, as
   * CytoCam's pulsed illumination); 'continuous': the whole frame period 1/fps (half of it per
   * field when interlaced), as a continuously lit SDF camera; or a time in seconds.
   */
  exposure?: 'instant' | 'strobe' | 'continuous' | number;
  /**
   * Non-rigid tissue warp: a smooth, low-frequency displacement field (≥ 300 µm scale) that
   * changes over time (0 at frame 0), amplitude in px (RMS per axis over the field when its
   * two temporal modes peak together). 0 (default): the tissue moves rigidly.
   */
  warpPx?: number;
  /** Occluders over the tissue (air bubbles, saliva): a count placed at random, or explicit specs. */
  occlusions?: number | OcclusionSpec[];

  // Capture artefacts
  /** Static black borders, px: a number (left and right) or per side. */
  borders?: number | Partial<Borders>;
  /** Burnt-in timestamp (bottom right). */
  overlay?: boolean;
  /** Font pixel size of the overlay (default 2). */
  overlayScale?: number;
  /** Frames the capture dropped (copies of the previous frame): indices, or a count. */
  duplicateFrames?: number | number[];
  /** Interlacing: fields 1/(2·fps) apart; 'bff' (PAL DV) puts odd rows first in time. Default: 'bff' for dv, else 'none'. */
  interlace?: Interlace;

  // Output
  codec?: PhantomCodec;
  /** libx264 CRF (default 20). */
  h264Crf?: number;
  /** Add the per-vessel velocity series (10 ms knots) to the truth file (large). */
  truthVelocitySeries?: boolean;
}

export interface ResolvedOptions {
  name: string;
  seed: number;
  width: number;
  height: number;
  fps: Rational;
  frameCount: number;
  durationS: number;
  scale: PixelScale;
  device: string | null;
  sar: Rational;
  network: NetworkOptions;
  flow: FlowOptions;
  isolatedVessels: IsolatedVesselOption[] | null;
  jitterPx: number;
  driftPxPerS: number;
  flicker: number;
  noise: number;
  defocusUm: number;
  brightness: number;
  vesselContrast: number;
  mottle: number;
  vignetting: number;
  rbcGapUm: number;
  /** Exposure per frame (per field), s; present only when > 0 (absent: instantaneous). */
  exposureS?: number;
  /** Warp amplitude, px; present only when > 0. */
  warpPx?: number;
  /** Occlusions as given; present only when there are some (the truth holds the placed shapes). */
  occlusions?: number | OcclusionSpec[];
  borders: Borders;
  overlay: boolean;
  overlayScale: number;
  duplicateFrames: number | number[];
  interlace: Interlace;
  codec: PhantomCodec;
  h264Crf: number;
  truthVelocitySeries: boolean;
}

/** Exposure of 'strobe': a short illumination pulse, s (CytoCam-like pulsed LED; provisional value). */
export const STROBE_EXPOSURE_S = 0.002;

function bad(message: string, hint?: string): never {
  throw new HvmError('E_PHANTOM_OPTIONS', message, hint !== undefined ? { hint } : {});
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

export function toRationalFps(fps: number | Rational): Rational {
  if (typeof fps === 'number') {
    if (!(fps > 0) || !Number.isFinite(fps)) bad(`fps must be positive, got ${fps}`);
    if (Number.isInteger(fps)) return { num: fps, den: 1 };
    if (Math.abs(fps - 30000 / 1001) < 1e-3) return { num: 30000, den: 1001 };
    if (Math.abs(fps - 24000 / 1001) < 1e-3) return { num: 24000, den: 1001 };
    const den = 1000;
    const num = Math.round(fps * den);
    const g = gcd(num, den);
    return { num: num / g, den: den / g };
  }
  if (!Number.isInteger(fps.num) || !Number.isInteger(fps.den) || fps.num <= 0 || fps.den <= 0) bad(`fps must be a positive integer ratio, got ${JSON.stringify(fps)}`);
  const g = gcd(fps.num, fps.den);
  return { num: fps.num / g, den: fps.den / g };
}

export function resolveOptions(o: PhantomOptions): ResolvedOptions {
  if (o === null || typeof o !== 'object') bad('phantom options must be an object');
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff) bad(`seed must be an integer in [0, 2^32), got ${o.seed}`);
  const codec: PhantomCodec = o.codec ?? 'ffv1';
  const width = o.width ?? (codec === 'dv' ? 720 : 320);
  const height = o.height ?? (codec === 'dv' ? 576 : 256);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 32 || height < 32 || width > 8192 || height > 8192) {
    bad(`frame size must be integers in [32, 8192], got ${width}×${height}`);
  }
  const fps = toRationalFps(o.fps ?? 25);
  let frameCount: number;
  if (o.frameCount !== undefined) {
    if (!Number.isInteger(o.frameCount) || o.frameCount < 1) bad(`frameCount must be a positive integer, got ${o.frameCount}`);
    frameCount = o.frameCount;
  } else {
    const seconds = o.seconds ?? 2;
    if (!(seconds > 0)) bad(`seconds must be positive, got ${seconds}`);
    frameCount = Math.max(1, Math.round((seconds * fps.num) / fps.den));
  }
  const durationS = (frameCount * fps.den) / fps.num;

  let scale: PixelScale;
  let device: string | null = null;
  if (o.device !== undefined) {
    const profile = findDeviceProfile(o.device);
    if (profile === undefined) bad(`unknown device "${o.device}"`);
    device = profile.name;
    scale = { umPerPxX: profile.fieldOfViewUm.width / width, umPerPxY: profile.fieldOfViewUm.height / height };
  } else {
    const u = o.umPerPx ?? 1.3;
    scale = typeof u === 'number' ? { umPerPxX: u, umPerPxY: u } : { umPerPxX: u.x, umPerPxY: u.y };
  }
  if (!(scale.umPerPxX > 0.05 && scale.umPerPxX < 20 && scale.umPerPxY > 0.05 && scale.umPerPxY < 20)) {
    bad(`µm/px must be in (0.05, 20), got ${scale.umPerPxX} × ${scale.umPerPxY}`);
  }
  if (codec === 'dv' && !(width === 720 && height === 576 && fps.num === 25 && fps.den === 1)) {
    bad(`DV output is PAL only: 720×576 at 25 fps (got ${width}×${height} at ${fps.num}/${fps.den})`);
  }
  const sar: Rational = codec === 'dv' ? { num: 16, den: 15 } : { num: 1, den: 1 };

  const mode = o.mode ?? 'mesh';
  const network: NetworkOptions = {
    ...defaultNetworkOptions,
    mode,
    densityMmPerMm2: o.density ?? defaultNetworkOptions.densityMmPerMm2,
    capillaryDiameterUm: o.capillaryDiameterUm ?? defaultNetworkOptions.capillaryDiameterUm,
    venules: o.venules ?? defaultNetworkOptions.venules,
    venuleDiameterUm: o.venuleDiameterUm ?? defaultNetworkOptions.venuleDiameterUm,
    deepVessels: o.deepVessels ?? defaultNetworkOptions.deepVessels,
    tortuosity: o.tortuosity ?? defaultNetworkOptions.tortuosity,
    anisotropy: o.anisotropy ?? defaultNetworkOptions.anisotropy,
    inFocusShare: o.inFocusShare ?? defaultNetworkOptions.inFocusShare,
    isolatedCount: o.isolatedCount ?? defaultNetworkOptions.isolatedCount,
  };
  if (o.isolatedVessels !== undefined) network.isolatedVessels = o.isolatedVessels;
  const [dLo, dHi] = network.capillaryDiameterUm;
  if (!(dLo > 0 && dHi >= dLo && dHi < 20)) bad(`capillary diameters must satisfy 0 < min ≤ max < 20 µm, got [${dLo}, ${dHi}]`);
  const [vLo, vHi] = network.venuleDiameterUm;
  if (!(vLo >= 20 && vHi >= vLo && vHi <= 100)) bad(`venule diameters must satisfy 20 ≤ min ≤ max ≤ 100 µm, got [${vLo}, ${vHi}]`);
  if (!(network.inFocusShare >= 0 && network.inFocusShare <= 1)) bad(`inFocusShare must be in [0, 1], got ${network.inFocusShare}`);
  if (!(network.anisotropy >= 1 && network.anisotropy <= 4)) bad(`anisotropy must be in [1, 4], got ${network.anisotropy}`);
  if (!(network.tortuosity >= 0 && network.tortuosity <= 3)) bad(`tortuosity must be in [0, 3], got ${network.tortuosity}`);

  const flow: FlowOptions = {
    mix: o.flowMix ?? 'healthy',
    layout: o.flowLayout ?? 'random',
    clearCut: o.clearCut ?? true,
    continuousMeanUmPerS: o.continuousMeanUmPerS ?? 1300,
    pressureStoppedVenules: o.pressureStoppedVenules ?? 0,
  };
  if (flow.layout !== 'random' && flow.layout !== 'clustered') bad(`flowLayout must be "random" or "clustered", got "${String(flow.layout)}"`);
  const flowMode = o.flowMode ?? 'classes';
  if (flowMode !== 'classes' && flowMode !== 'spread') bad(`flowMode must be "classes" or "spread", got "${String(flowMode)}"`);
  // New settings are recorded only when used, so clips made without them keep their truth bytes.
  if (flowMode === 'spread') {
    flow.mode = 'spread';
    try {
      flow.thresholds = resolveThresholds(o.flowThresholds);
    } catch (e) {
      bad((e as Error).message);
    }
  } else if (o.flowThresholds !== undefined) bad('flowThresholds apply to flowMode "spread" only');

  let exposureS = 0;
  const ex = o.exposure ?? 'instant';
  const fieldsPerFrame = (o.interlace ?? (codec === 'dv' ? 'bff' : 'none')) === 'none' ? 1 : 2;
  if (ex === 'instant') exposureS = 0;
  else if (ex === 'strobe') exposureS = STROBE_EXPOSURE_S;
  else if (ex === 'continuous') exposureS = fps.den / (fps.num * fieldsPerFrame);
  else if (typeof ex === 'number' && ex >= 0 && ex <= fps.den / (fps.num * fieldsPerFrame) + 1e-12) exposureS = ex;
  else bad(`exposure must be instant, strobe, continuous or seconds in [0, ${fps.den / (fps.num * fieldsPerFrame)}] (one ${fieldsPerFrame === 2 ? 'field' : 'frame'} period), got ${String(ex)}`);
  const warpPx = o.warpPx ?? 0;
  if (!(warpPx >= 0 && warpPx <= 20)) bad(`warpPx must be in [0, 20], got ${warpPx}`);
  const occlusions = o.occlusions ?? 0;
  try {
    resolveOcclusionSpecs(occlusions);
  } catch (e) {
    bad((e as Error).message);
  }
  const hasOcclusions = typeof occlusions === 'number' ? occlusions > 0 : occlusions.length > 0;

  const num = (name: string, v: number | undefined, dflt: number, lo: number, hi: number): number => {
    const x = v ?? dflt;
    if (!(x >= lo && x <= hi)) bad(`${name} must be in [${lo}, ${hi}], got ${x}`);
    return x;
  };
  const interlace: Interlace = o.interlace ?? (codec === 'dv' ? 'bff' : 'none');
  if (!['none', 'bff', 'tff'].includes(interlace)) bad(`interlace must be none, bff or tff, got ${String(interlace)}`);
  const overlayScale = o.overlayScale ?? 2;
  if (!Number.isInteger(overlayScale) || overlayScale < 1 || overlayScale > 8) bad(`overlayScale must be an integer in [1, 8], got ${overlayScale}`);
  const borders = resolveBorders(o.borders, width, height);
  if (o.overlay === true) overlayRect(width, height, borders, overlayScale); // throws when the timestamp does not fit
  return {
    name: o.name ?? 'phantom',
    seed: o.seed,
    width,
    height,
    fps,
    frameCount,
    durationS,
    scale,
    device,
    sar,
    network,
    flow,
    isolatedVessels: o.isolatedVessels ?? null,
    jitterPx: num('jitterPx', o.jitterPx, 0.6, 0, 50),
    driftPxPerS: num('driftPxPerS', o.driftPxPerS, 3, 0, 500),
    flicker: num('flicker', o.flicker, 0.015, 0, 0.3),
    noise: num('noise', o.noise, 1, 0, 10),
    defocusUm: num('defocusUm', o.defocusUm, 0, 0, 30),
    brightness: num('brightness', o.brightness, defaultRenderSettings.level, 20, 250),
    vesselContrast: num('vesselContrast', o.vesselContrast, 1, 0, 3),
    mottle: num('mottle', o.mottle, 1, 0, 5),
    vignetting: num('vignetting', o.vignetting, defaultRenderSettings.vignetting, 0, 0.9),
    rbcGapUm: num('rbcGapUm', o.rbcGapUm, defaultRenderSettings.rbcGapUm, 0.2, 100),
    ...(exposureS > 0 ? { exposureS } : {}),
    ...(warpPx > 0 ? { warpPx } : {}),
    ...(hasOcclusions ? { occlusions } : {}),
    borders,
    overlay: o.overlay ?? false,
    overlayScale,
    duplicateFrames: o.duplicateFrames ?? 0,
    interlace,
    codec,
    h264Crf: num('h264Crf', o.h264Crf, 20, 0, 51),
    truthVelocitySeries: o.truthVelocitySeries ?? false,
  };
}

/**
 * The options that regenerate a clip from its resolved settings (a truth file's `settings`):
 * generatePhantom(phantomOptionsFromSettings(truth.settings)) renders the same frames and truth.
 */
export function phantomOptionsFromSettings(s: ResolvedOptions): PhantomOptions {
  const n = s.network;
  const o: PhantomOptions = {
    name: s.name,
    seed: s.seed,
    width: s.width,
    height: s.height,
    fps: { num: s.fps.num, den: s.fps.den },
    frameCount: s.frameCount,
    ...(s.device !== null ? { device: s.device } : { umPerPx: { x: s.scale.umPerPxX, y: s.scale.umPerPxY } }),
    mode: n.mode,
    density: n.densityMmPerMm2,
    capillaryDiameterUm: n.capillaryDiameterUm,
    venules: n.venules,
    venuleDiameterUm: n.venuleDiameterUm,
    deepVessels: n.deepVessels,
    tortuosity: n.tortuosity,
    anisotropy: n.anisotropy,
    inFocusShare: n.inFocusShare,
    isolatedCount: n.isolatedCount,
    ...(s.isolatedVessels !== null ? { isolatedVessels: s.isolatedVessels } : {}),
    flowMix: s.flow.mix,
    flowLayout: s.flow.layout,
    clearCut: s.flow.clearCut,
    continuousMeanUmPerS: s.flow.continuousMeanUmPerS,
    pressureStoppedVenules: s.flow.pressureStoppedVenules,
    ...(s.flow.mode === 'spread' ? { flowMode: 'spread' as const, ...(s.flow.thresholds !== undefined ? { flowThresholds: s.flow.thresholds } : {}) } : {}),
    jitterPx: s.jitterPx,
    driftPxPerS: s.driftPxPerS,
    flicker: s.flicker,
    noise: s.noise,
    defocusUm: s.defocusUm,
    brightness: s.brightness,
    vesselContrast: s.vesselContrast,
    mottle: s.mottle,
    vignetting: s.vignetting,
    rbcGapUm: s.rbcGapUm,
    ...(s.exposureS !== undefined ? { exposure: s.exposureS } : {}),
    ...(s.warpPx !== undefined ? { warpPx: s.warpPx } : {}),
    ...(s.occlusions !== undefined ? { occlusions: s.occlusions } : {}),
    borders: s.borders,
    overlay: s.overlay,
    overlayScale: s.overlayScale,
    duplicateFrames: s.duplicateFrames,
    interlace: s.interlace,
    codec: s.codec,
    h264Crf: s.h264Crf,
    truthVelocitySeries: s.truthVelocitySeries,
  };
  return o;
}
