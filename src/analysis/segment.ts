/**
 * Vessel segmentation of one grey image (a frame, or a clip's stabilised mean image): from
 * pixels to a vesselness map, a vessel mask, one-pixel centerlines and the centerline
 * chains (segments between end points and junctions), with lengths in µm.
 *
 *   gray ──core: localNormalize (+ fillOutside with a region)──▶ contrast-normalised image
 *        ──core: hessianVesselness (Frangi 1998, scales from the µm diameter range)──▶ V
 *        ──core: hysteresisThreshold, removeSmallComponents──▶ mask
 *        ──core: thin (Guo–Hall 1989), skeletonGraph──▶ skeleton, chains
 *        ──here: chains → smoothed polylines, capillaries moved to the bottom of their
 *          intensity valley (centerline-valley.ts), chains without a visible lumen dropped
 *          (lumen-contrast.ts)──▶ metrics (src/metrics) for lengths, TVD
 *
 * Every size parameter is physical (segment-params.ts) and converted here with the
 * calibration; the result records both the µm values and the pixel values used. The core's
 * filters are isotropic, so non-square pixels use the geometric mean µm/px for the filter
 * sizes (a warning says when x and y differ by more than 2 %); lengths are measured with
 * both scales.
 */
import { loadBackend } from '../backend/index.js';
import type { BackendName, CoreBackend, SkeletonGraph } from '../backend/types.js';
import { HvmError } from '../errors.js';
import { computeClipMetrics, DEFAULT_SMALL_VESSEL_MAX_UM } from '../metrics/clip.js';
import { measurePolyline } from '../metrics/region.js';
import type { AnalysedRegion, PixelScale, PointPx, SegmentInput } from '../metrics/types.js';
import { DEFAULT_SEGMENT_PARAMS, type SegmentParams } from './segment-params.js';
import { refineToValley } from './centerline-valley.js';
import { lumenContrast } from './lumen-contrast.js';
import { calibreSteps, chainMaskWidthPx, maskDistance, widthAtPx } from './mask-width.js';
import { MAX_CONTINUATION_DIAMETER_RATIO, MAX_CONTINUATION_WIDTH_RATIO } from './vessel-graph.js';

/** Bad input to segmentImage (sizes, calibration or parameters). */
export class SegmentInputError extends HvmError {
  constructor(message: string) {
    super('E_SEGMENT_INPUT', message, { hint: 'See src/analysis/segment-params.ts for the parameters and their units.' });
  }
}

export interface SegmentOptions {
  /** Region of interest (non-zero inside), width·height: only it is analysed; outside is extended, never segmented. */
  roi?: Uint8Array | null;
  /** A core backend, or its name; default: loadBackend(). */
  backend?: CoreBackend | BackendName;
  /** Small vessels: median diameter below this, µm (for the geometry summary). Default 20. */
  smallVesselMaxUm?: number;
}

/** The pixel values the µm parameters became, for the record. */
export interface SegmentDerivedPx {
  /** µm/px used for the (isotropic) filter sizes: sqrt(umPerPxX · umPerPxY). */
  umPerPxFilters: number;
  sigmasPx: number[];
  backgroundSigmaPx: number;
  minComponentAreaPx: number;
  maxHoleAreaPx: number;
  centerlineSmoothingPx: number;
  /** σ of the smoothing of the image the valley refinement reads, px (≥ minSigmaPx). */
  centerlineValleySigmaPx: number;
  /** σ of the smoothing of the image the mask's darkness rule reads, px (≥ minSigmaPx). */
  maskDarknessSigmaPx: number;
}

export interface CenterlineSegment {
  /** Chain of pixel centres (x, y), in order, from the core's skeleton graph. */
  pixels: PointPx[];
  /** The smoothed polyline whose length is measured, px. */
  polyline: PointPx[];
  /** First / last pixel is a junction; closed loop. */
  startsAtJunction: boolean;
  endsAtJunction: boolean;
  closedLoop: boolean;
  lengthUm: number;
  /** Median over the chain of 2σ at the best vesselness scale, µm: a first diameter estimate. */
  diameterUm: number;
  /** The mask's width across the chain, µm (mask-width.ts): away from junctions, its median. */
  maskWidthUm: number;
}

export interface SegmentResult {
  width: number;
  height: number;
  scale: PixelScale;
  /** Frangi vesselness, 0–1. */
  vesselness: Float32Array;
  /** Index into derived.sigmasPx of the best scale; 255 where V = 0. */
  scaleIndex: Uint8Array;
  /** 1 on vessel pixels, 0 elsewhere. */
  mask: Uint8Array;
  /** 1 on the thinned mask (one pixel wide), 0 elsewhere: the core's skeleton, spurs included. */
  skeleton: Uint8Array;
  /** 1 on the centerline pixels that are measured (the skeleton less its spurs), 0 elsewhere. */
  centerlines: Uint8Array;
  /** Connected pieces of the mask. */
  components: number;
  segments: CenterlineSegment[];
  /** Chains dropped because their lumen was fainter than chainMinLumenContrast (tissue texture). */
  faintChains: number;
  /** Total centerline length, µm. */
  skeletonLengthUm: number;
  /** Area analysed (the region of interest, or the whole image), mm². */
  areaMm2: number;
  /** Geometry-only metrics from src/metrics (flow is not measured here: PPV, MFI are null). */
  geometry: { TVD: number; TVDSmall: number; deBackerScore: number; vesselCount: number } | null;
  params: SegmentParams;
  derived: SegmentDerivedPx;
  backend: BackendName;
  warnings: { code: string; message: string }[];
}

/** Resolves and checks parameters (defaults for those not given). */
export function resolveSegmentParams(params?: Partial<SegmentParams>): SegmentParams {
  const p: SegmentParams = { ...DEFAULT_SEGMENT_PARAMS, ...(params ?? {}) };
  const positive = (k: keyof SegmentParams): void => {
    const v = p[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new SegmentInputError(`${k} must be a positive number, got ${String(v)}`);
  };
  for (const k of Object.keys(DEFAULT_SEGMENT_PARAMS) as (keyof SegmentParams)[]) {
    if (k === 'thresholdLow' || k === 'contrastEpsRel' || k === 'minComponentAreaUm2' || k === 'maxHoleAreaUm2' || k === 'maskDarknessMin' || k === 'maskHalfDepth' || k === 'centerlineValleyMaxShiftRel' || k === 'chainMinLumenContrast') {
      const v = p[k];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new SegmentInputError(`${k} must be a number ≥ 0, got ${String(v)}`);
    } else positive(k);
  }
  if (p.diameterMaxUm < p.diameterMinUm) throw new SegmentInputError(`diameterMaxUm (${p.diameterMaxUm}) is below diameterMinUm (${p.diameterMinUm})`);
  if (p.scaleRatio <= 1) throw new SegmentInputError(`scaleRatio must be > 1, got ${p.scaleRatio}`);
  if (p.thresholdLow > p.thresholdHigh) throw new SegmentInputError(`thresholdLow (${p.thresholdLow}) is above thresholdHigh (${p.thresholdHigh})`);
  return p;
}

/**
 * Scales in px: σ = d/2 (the γ = 2 answer of a bar of width d) from diameterMin to
 * diameterMax, geometric with at most scaleRatio between neighbours, both ends included;
 * floored at minSigmaPx, duplicates dropped.
 */
export function scalesPx(p: SegmentParams, umPerPx: number): number[] {
  const lo = p.diameterMinUm / 2 / umPerPx;
  const hi = p.diameterMaxUm / 2 / umPerPx;
  const steps = hi > lo ? Math.ceil(Math.log(hi / lo) / Math.log(p.scaleRatio) - 1e-9) : 0;
  const out: number[] = [];
  for (let k = 0; k <= steps; k++) {
    const s = Math.max(p.minSigmaPx, steps === 0 ? lo : lo * (hi / lo) ** (k / steps));
    const f = Math.fround(s); // the core reads float32
    if (out.length === 0 || f > out[out.length - 1]!) out.push(f);
  }
  if (out.length > 64) throw new SegmentInputError(`${out.length} scales is more than the core's 64: raise scaleRatio`);
  return out;
}

function getBackend(b: SegmentOptions['backend']): CoreBackend {
  if (b === undefined) return loadBackend();
  if (typeof b === 'string') return loadBackend({ backend: b });
  return b;
}

/**
 * The first, expensive stage of segmentImage: normalisation, vesselness and the darkness maps
 * the mask needs. Kept separate so the threshold stage (maskAndCenterlines) can be re-run
 * with other thresholds without recomputing it (the DRIVE benchmark's threshold sweep).
 */
export interface VesselnessStage {
  width: number;
  height: number;
  scale: PixelScale;
  roi: Uint8Array | null;
  params: SegmentParams;
  derived: SegmentDerivedPx;
  backend: CoreBackend;
  vesselness: Float32Array;
  scaleIndex: Uint8Array;
  /** Contrast-normalised image smoothed at the smallest scale. */
  zSmooth: Float32Array;
  /** zSmooth eroded (min filter) with radius ceil(σ_k), per scale k. */
  zMin: Float32Array[];
  /** Contrast-normalised image smoothed at maskDarknessSigmaPx, read by the mask's darkness rule. */
  zDark: Float32Array;
  /** Contrast-normalised image smoothed at centerlineValleySigmaPx, read by the valley refinement; null when it is off. */
  zValley: Float32Array | null;
  warnings: { code: string; message: string }[];
}

export function vesselnessStage(
  gray: Float32Array | Uint8Array,
  width: number,
  height: number,
  scale: PixelScale,
  params?: Partial<SegmentParams>,
  options: SegmentOptions = {},
): VesselnessStage {
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) {
    throw new SegmentInputError(`width and height must be positive integers, got ${width}×${height}`);
  }
  if (!(gray instanceof Float32Array || gray instanceof Uint8Array) || gray.length !== width * height) {
    throw new SegmentInputError(`gray must be a Float32Array or Uint8Array of width·height = ${width * height} samples`);
  }
  const { umPerPxX, umPerPxY } = scale ?? ({} as PixelScale);
  if (!(Number.isFinite(umPerPxX) && umPerPxX > 0 && Number.isFinite(umPerPxY) && umPerPxY > 0)) {
    throw new SegmentInputError(`the calibration must give positive µm/px in x and y, got ${umPerPxX} × ${umPerPxY}`);
  }
  const roi = options.roi ?? null;
  if (roi !== null && !(roi instanceof Uint8Array && roi.length === width * height)) {
    throw new SegmentInputError(`roi must be a Uint8Array of width·height = ${width * height} values`);
  }
  const p = resolveSegmentParams(params);
  const be = getBackend(options.backend);
  const warnings: VesselnessStage['warnings'] = [];
  const umPx = Math.sqrt(umPerPxX * umPerPxY);
  if (Math.abs(umPerPxX / umPerPxY - 1) > 0.02) {
    warnings.push({
      code: 'segment-anisotropic-pixels',
      message: `pixels are ${umPerPxX.toFixed(4)} × ${umPerPxY.toFixed(4)} µm: the filters use the geometric mean ${umPx.toFixed(4)} µm/px, so vessel widths along x and y are seen ${(100 * Math.abs(umPerPxX / umPerPxY - 1)).toFixed(1)} % differently.`,
    });
  }
  const derived: SegmentDerivedPx = {
    umPerPxFilters: umPx,
    sigmasPx: scalesPx(p, umPx),
    backgroundSigmaPx: Math.min(1000, p.backgroundSigmaUm / umPx),
    minComponentAreaPx: Math.ceil(p.minComponentAreaUm2 / (umPerPxX * umPerPxY) - 1e-9),
    maxHoleAreaPx: Math.floor(p.maxHoleAreaUm2 / (umPerPxX * umPerPxY) + 1e-9),
    centerlineSmoothingPx: Math.max(1, Math.round(p.centerlineSmoothingUm / umPx)),
    centerlineValleySigmaPx: Math.max(p.minSigmaPx, p.centerlineValleySigmaUm / umPx),
    maskDarknessSigmaPx: Math.max(p.minSigmaPx, p.maskDarknessSigmaUm / umPx),
  };

  const src = gray instanceof Float32Array ? gray : Float32Array.from(gray);
  let z = be.localNormalize(src, roi, width, height, derived.backgroundSigmaPx, p.contrastEpsRel);
  if (roi !== null) z = be.fillOutside(z, roi, width, height);
  const { vesselness, scaleIndex } = be.hessianVesselness(z, width, height, derived.sigmasPx, {
    darkVessels: true,
    beta: p.frangiBeta,
    c: p.frangiCRelative,
    cRelative: true,
  });
  const zSmooth = be.gaussianBlur(z, width, height, derived.sigmasPx[0]!);
  const zMin = derived.sigmasPx.map((sg) => be.minFilter(zSmooth, width, height, Math.ceil(sg)));
  const zValley = p.centerlineValleyMaxShiftRel > 0 ? be.gaussianBlur(z, width, height, derived.centerlineValleySigmaPx) : null;
  // The darkness rule and the valley refinement smooth alike by default: one blur serves both.
  const zDark = zValley !== null && derived.maskDarknessSigmaPx === derived.centerlineValleySigmaPx ? zValley : be.gaussianBlur(z, width, height, derived.maskDarknessSigmaPx);
  return { width, height, scale: { umPerPxX, umPerPxY }, roi, params: p, derived, backend: be, vesselness, scaleIndex, zSmooth, zMin, zDark, zValley, warnings };
}

/**
 * The vessel mask of a vesselness stage: hysteresis on the vesselness, then each pixel must
 * lie within its vessel's own extent (see MASK_HALF_DEPTH, MASK_DARKNESS_MIN): darker than the
 * local background, and at least maskHalfDepth as dark as the darkest point within σ of its
 * best scale (its vessel's centre); pieces under minComponentArea dropped. Thresholds may be
 * overridden (benchmarks); they are validated like the parameters.
 */
export function vesselMask(st: VesselnessStage, thresholds?: { high: number; low: number }): { mask: Uint8Array; components: number; params: SegmentParams } {
  const p = thresholds === undefined ? st.params : resolveSegmentParams({ ...st.params, thresholdHigh: thresholds.high, thresholdLow: thresholds.low });
  const { width, height, scaleIndex, zSmooth: zs, zMin: zmin, zDark: zd, roi } = st;
  const seeds = st.backend.hysteresisThreshold(st.vesselness, width, height, p.thresholdLow, p.thresholdHigh);
  const dark = -p.maskDarknessMin;
  for (let i = 0; i < seeds.length; i++) {
    if (seeds[i] === 0) continue;
    const k = scaleIndex[i]!;
    if (zd[i]! > dark || k === 255 || zs[i]! > p.maskHalfDepth * zmin[k]![i]! || (roi !== null && roi[i] === 0)) seeds[i] = 0;
  }
  const { mask, components } = st.backend.removeSmallComponents(seeds, width, height, st.derived.minComponentAreaPx);
  fillSmallHoles(mask, roi, width, height, st.derived.maxHoleAreaPx, st.backend);
  return { mask, components, params: p };
}

/**
 * Fills holes of the mask (background pieces enclosed by vessel) of at most maxAreaPx pixels,
 * in place: the background, with everything outside the region counted as background, is
 * split into components by the core; those small enough are vessel.
 */
export function fillSmallHoles(mask: Uint8Array, roi: Uint8Array | null, width: number, height: number, maxAreaPx: number, core: CoreBackend): void {
  if (maxAreaPx < 1) return;
  const background = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) background[i] = mask[i] === 0 || (roi !== null && roi[i] === 0) ? 1 : 0;
  const kept = core.removeSmallComponents(background, width, height, maxAreaPx + 1).mask;
  for (let i = 0; i < mask.length; i++) if (background[i] === 1 && kept[i] === 0 && (roi === null || roi[i] !== 0)) mask[i] = 1;
}

/** Segments vessels in one grey image (u8 0–255 or float, any range; vessels darker than the background). */
export function segmentImage(
  gray: Float32Array | Uint8Array,
  width: number,
  height: number,
  scale: PixelScale,
  params?: Partial<SegmentParams>,
  options: SegmentOptions = {},
): SegmentResult {
  const st = vesselnessStage(gray, width, height, scale, params, options);
  const { mask, components, params: p } = vesselMask(st);
  const { derived, scaleIndex, roi, backend: be } = st;
  const umPx = derived.umPerPxFilters;
  const skeleton = be.thin(mask, width, height);
  const graph = be.skeletonGraph(skeleton, width, height);

  const region: AnalysedRegion = { x: 0, y: 0, width, height };
  const segments: CenterlineSegment[] = [];
  const metricInputs: SegmentInput[] = [];
  const dist = maskDistance(mask, width, height);
  const smallMaxPx = (options.smallVesselMaxUm ?? DEFAULT_SMALL_VESSEL_MAX_UM) / umPx;
  const chains = splitAtCalibreSteps(chainsOf(graph, width, scaleIndex, derived.sigmasPx, umPx), dist, width, scaleIndex, derived.sigmasPx, umPx, smallMaxPx);
  // The lumen test samples the segmented image as floats (a u8 image is converted once, only when the test is on).
  const grayF = p.chainMinLumenContrast > 0 ? (gray instanceof Float32Array ? gray : Float32Array.from(gray)) : null;
  let faintChains = 0;
  // The centerlines kept: the skeleton less its spurs (a spur's junction pixel stays).
  const centerlines = new Uint8Array(width * height);
  for (const c of chains) {
    const free = (c.startsAtJunction ? 0 : 1) + (c.endsAtJunction ? 0 : 1);
    // Spur: one free end, the other at a junction, shorter than its vessel is wide.
    if (!c.closedLoop && free === 1 && (c.pixels.length - 1) * umPx < p.spurMaxLengthRel * c.diameterUm) continue;
    const smoothed = smoothChain(c.pixels, derived.centerlineSmoothingPx, c.closedLoop);
    const zValley = st.zValley;
    const toValley = (pl: PointPx[]): PointPx[] => {
      if (zValley === null) return pl;
      const dPx = c.diameterUm / umPx;
      return refineToValley(pl, zValley, width, height, {
        maxShiftPx: Math.max(1, p.centerlineValleyMaxShiftRel * dPx),
        smoothPoints: derived.centerlineSmoothingPx,
        fadePx: dPx,
        fixedStart: c.startsAtJunction,
        fixedEnd: c.endsAtJunction,
        closed: c.closedLoop,
      });
    };
    // Thinning stops about a radius short of a vessel's free end: extend to the mask's edge.
    const withEnds = (pl: PointPx[]): PointPx[] => (c.closedLoop ? pl : extendFreeEnds(pl, !c.startsAtJunction, !c.endsAtJunction, mask, width, height, c.diameterUm / umPx));
    const polyline = withEnds(c.diameterUm < p.centerlineValleyMaxDiameterUm ? toValley(smoothed) : smoothed);
    // The traces this chain becomes, with their first diameter estimate, µm.
    let traces: { polyline: PointPx[]; diameterUm: number }[] = [{ polyline, diameterUm: c.diameterUm }];
    // A vessel has a visible lumen: a chain fainter than the bar is tissue texture (lumen-contrast.ts).
    if (grayF !== null) {
      const faint = (pl: PointPx[]): boolean => {
        const contrast = lumenContrast(grayF, width, height, pl, c.diameterUm / umPx, st.scale);
        return contrast !== null && contrast < p.chainMinLumenContrast;
      };
      if (faint(polyline)) {
        // Two capillaries running close together can fill one mask that the vesselness reads
        // as a single vessel twice as wide: too wide for the valley refinement, its skeleton
        // runs in the bright tissue between the two lumens and looks faint. Moved to the
        // nearer lumen it is a vessel, and the other lumen is found from the mirror image of
        // that move (see CENTERLINE_VALLEY_MAX_SHIFT_REL, with the numbers).
        const pair = c.diameterUm >= p.centerlineValleyMaxDiameterUm && zValley !== null ? closePair(smoothed, toValley, withEnds, faint) : null;
        if (pair === null) {
          faintChains++;
          continue;
        }
        // Each lumen is at most as wide as the two lie apart (one trace: as the gap's middle
        // lies from it, twice): the pair's width is no estimate of either.
        const d = Math.min(c.diameterUm, CLOSE_PAIR_DIAMETER_OF_SEPARATION * (pair.separationPx ?? 2 * pair.movedPx) * umPx);
        traces = pair.traces.map((pl) => ({ polyline: pl, diameterUm: d }));
      }
    }
    for (const [x, y] of c.pixels) centerlines[y * width + x] = 1;
    const ends: PointPx[] = [];
    if (c.startsAtJunction) ends.push(c.pixels[0]!);
    if (c.endsAtJunction) ends.push(c.pixels[c.pixels.length - 1]!);
    const maskWidthUm = chainMaskWidthPx(c.pixels, ends, dist, width) * umPx;
    for (const t of traces) {
      const m = measurePolyline(t.polyline, region, st.scale);
      segments.push({ ...c, polyline: t.polyline, diameterUm: t.diameterUm, lengthUm: m.lengthUm, maskWidthUm });
      metricInputs.push({ id: `s${segments.length - 1}`, ...m, diameterUm: t.diameterUm, flowClass: null });
    }
  }
  const skeletonLengthUm = segments.reduce((acc, sg) => acc + sg.lengthUm, 0);
  let areaPx = width * height;
  if (roi !== null) {
    areaPx = 0;
    for (const v of roi) areaPx += v !== 0 ? 1 : 0;
  }
  const areaMm2 = (areaPx * st.scale.umPerPxX * st.scale.umPerPxY) / 1e6;
  let geometry: SegmentResult['geometry'] = null;
  if (roi === null) {
    // The consensus formulas (src/metrics/clip.ts) over the whole image; flow is not measured.
    const cm = computeClipMetrics({ region, scale: st.scale, segments: metricInputs, ...(options.smallVesselMaxUm !== undefined ? { smallVesselMaxUm: options.smallVesselMaxUm } : {}) });
    geometry = { TVD: cm.all.TVD, TVDSmall: cm.small.TVD, deBackerScore: cm.all.deBackerScore, vesselCount: cm.all.vesselCount };
  }
  return {
    width,
    height,
    scale: st.scale,
    vesselness: st.vesselness,
    scaleIndex,
    mask,
    skeleton,
    centerlines,
    components,
    segments,
    faintChains,
    skeletonLengthUm,
    areaMm2,
    geometry,
    params: p,
    derived,
    backend: be.name,
    warnings: st.warnings,
  };
}

interface Chain {
  pixels: PointPx[];
  startsAtJunction: boolean;
  endsAtJunction: boolean;
  closedLoop: boolean;
  diameterUm: number;
}

/**
 * Chains cut where their calibre steps without a junction (mask-width.ts, calibreSteps): the
 * cut is flagged as a junction end on both parts, so joinChains decides whether the vessel
 * continues there by the same width rules as at any junction. Closed loops are left whole.
 */
function splitAtCalibreSteps(chains: Chain[], dist: Float32Array, width: number, scaleIndex: Uint8Array, sigmasPx: readonly number[], umPx: number, smallMaxPx: number): Chain[] {
  const out: Chain[] = [];
  for (const c of chains) {
    if (c.closedLoop) {
      out.push(c);
      continue;
    }
    const widths = c.pixels.map((p) => widthAtPx(dist, width, p));
    const cuts = calibreSteps(widths, c.startsAtJunction, c.endsAtJunction, {
      maxRatio: MAX_CONTINUATION_WIDTH_RATIO, maxRatioAcrossSmall: MAX_CONTINUATION_DIAMETER_RATIO, smallMaxPx,
    });
    if (cuts.length === 0) {
      out.push(c);
      continue;
    }
    const bounds = [0, ...cuts, c.pixels.length - 1];
    for (let k = 0; k + 1 < bounds.length; k++) {
      const pixels = c.pixels.slice(bounds[k]!, bounds[k + 1]! + 1);
      out.push({
        pixels,
        startsAtJunction: k === 0 ? c.startsAtJunction : true,
        endsAtJunction: k + 2 === bounds.length ? c.endsAtJunction : true,
        closedLoop: false,
        diameterUm: scaleDiameterUm(pixels, width, scaleIndex, sigmasPx, umPx),
      });
    }
  }
  return out;
}

/** The core's chains as pixel-centre points, with their flags and a first diameter estimate. */
function chainsOf(graph: SkeletonGraph, width: number, scaleIndex: Uint8Array, sigmasPx: readonly number[], umPx: number): Chain[] {
  const out: Chain[] = [];
  for (let s = 0; s + 1 < graph.offsets.length; s++) {
    const pixels: PointPx[] = [];
    for (let k = graph.offsets[s]!; k < graph.offsets[s + 1]!; k++) {
      const i = graph.pixels[k]!;
      pixels.push([i % width, Math.floor(i / width)]);
    }
    const f = graph.flags[s]!;
    out.push({ pixels, startsAtJunction: (f & 1) !== 0, endsAtJunction: (f & 2) !== 0, closedLoop: (f & 4) !== 0, diameterUm: scaleDiameterUm(pixels, width, scaleIndex, sigmasPx, umPx) });
  }
  return out;
}

/** A first diameter estimate, µm: the median over the pixels of 2σ at their best vesselness scale. */
function scaleDiameterUm(pixels: readonly PointPx[], width: number, scaleIndex: Uint8Array, sigmasPx: readonly number[], umPx: number): number {
  const diam: number[] = [];
  for (const [x, y] of pixels) {
    const si = scaleIndex[y * width + x]!;
    if (si !== 255) diam.push(2 * sigmasPx[si]! * umPx);
  }
  return median(diam);
}

/**
 * Extends a polyline's free ends straight on (direction of its last ~3 points) in 0.25 px
 * steps while the next point still falls on the mask, by at most maxPx.
 */
export function extendFreeEnds(
  pts: PointPx[], atStart: boolean, atEnd: boolean, mask: Uint8Array, width: number, height: number, maxPx: number,
): PointPx[] {
  const n = pts.length;
  if (n < 2) return pts;
  const ext = (tip: PointPx, from: PointPx): PointPx | null => {
    const dx = tip[0] - from[0], dy = tip[1] - from[1];
    const len = Math.hypot(dx, dy);
    if (len === 0) return null;
    const ux = dx / len, uy = dy / len;
    let t = 0;
    for (let step = 0.25; step <= maxPx; step += 0.25) {
      const x = Math.round(tip[0] + step * ux), y = Math.round(tip[1] + step * uy);
      if (x < 0 || y < 0 || x >= width || y >= height || mask[y * width + x] === 0) break;
      t = step;
    }
    return t > 0 ? [tip[0] + t * ux, tip[1] + t * uy] : null;
  };
  const back = Math.min(3, n - 1);
  const out = pts.slice();
  if (atEnd) {
    const e = ext(pts[n - 1]!, pts[n - 1 - back]!);
    if (e !== null) out.push(e);
  }
  if (atStart) {
    const e = ext(pts[0]!, pts[back]!);
    if (e !== null) out.unshift(e);
  }
  return out;
}

/** A close pair's lumens: each is at most this share of the distance between their traces wide (their gap is tissue). */
export const CLOSE_PAIR_DIAMETER_OF_SEPARATION = 0.6;
/** Least mean distance between a close pair's two traces, px (closePair). */
export const CLOSE_PAIR_MIN_SEPARATION_PX = 2;

/**
 * The lumens of a chain whose skeleton runs between two close vessels (see segmentImage):
 * the trace refined from the skeleton (it goes down to the nearer lumen), and the trace
 * refined from the mirror image of that move across the skeleton (the other lumen), kept
 * when it is not faint and runs apart from the first — on average at least
 * CLOSE_PAIR_MIN_SEPARATION_PX and as far from it as the first moved from the skeleton (two
 * lumens either side of a gap lie about twice that apart; one lumen refound lies on the first).
 * null when even the first is faint; separationPx is the mean distance between the two
 * refined traces (null with one trace), movedPx the first trace's mean move from the skeleton.
 */
function closePair(
  skeleton: PointPx[],
  toValley: (pl: PointPx[]) => PointPx[],
  withEnds: (pl: PointPx[]) => PointPx[],
  faint: (pl: PointPx[]) => boolean,
): { traces: PointPx[][]; separationPx: number | null; movedPx: number } | null {
  const near = toValley(skeleton);
  const first = withEnds(near);
  if (faint(first)) return null;
  const mirrored = skeleton.map((q, i): PointPx => [2 * q[0] - near[i]![0], 2 * q[1] - near[i]![1]]);
  const far = toValley(mirrored);
  let moved = 0;
  let apart = 0;
  for (let i = 0; i < skeleton.length; i++) {
    moved += Math.hypot(near[i]![0] - skeleton[i]![0], near[i]![1] - skeleton[i]![1]);
    apart += Math.hypot(far[i]![0] - near[i]![0], far[i]![1] - near[i]![1]);
  }
  moved /= skeleton.length;
  apart /= skeleton.length;
  if (!(apart >= CLOSE_PAIR_MIN_SEPARATION_PX && apart >= moved)) return { traces: [first], separationPx: null, movedPx: moved };
  const second = withEnds(far);
  if (faint(second)) return { traces: [first], separationPx: null, movedPx: moved };
  return { traces: [first, second], separationPx: apart, movedPx: moved };
}

/**
 * Moving average of ±k points along a chain; ends stay fixed (the window shrinks
 * symmetrically near them) so chains still meet at their junctions. A closed loop (first
 * point repeated at the end) is averaged cyclically.
 */
export function smoothChain(pts: readonly PointPx[], k: number, closed: boolean): PointPx[] {
  const n = pts.length;
  if (n <= 2 || k < 1) return pts.map((q) => [q[0], q[1]]);
  if (closed) {
    const m = n - 1; // distinct points
    const out: PointPx[] = [];
    const kk = Math.min(k, Math.floor((m - 1) / 2));
    for (let i = 0; i < m; i++) {
      let sx = 0, sy = 0;
      for (let j = -kk; j <= kk; j++) {
        const q = pts[(((i + j) % m) + m) % m]!;
        sx += q[0];
        sy += q[1];
      }
      out.push([sx / (2 * kk + 1), sy / (2 * kk + 1)]);
    }
    out.push([out[0]![0], out[0]![1]]);
    return out;
  }
  const out: PointPx[] = [];
  for (let i = 0; i < n; i++) {
    const kk = Math.min(k, i, n - 1 - i);
    let sx = 0, sy = 0;
    for (let j = -kk; j <= kk; j++) {
      sx += pts[i + j]![0];
      sy += pts[i + j]![1];
    }
    out.push([sx / (2 * kk + 1), sy / (2 * kk + 1)]);
  }
  return out;
}

function median(v: number[]): number {
  if (v.length === 0) return 0;
  const s = [...v].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 === 1 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}
