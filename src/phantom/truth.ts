/**
 * The truth of a phantom clip (`<name>.truth.json`): what was rendered, exactly.
 *
 * Coordinates are px in frame 0 (the reference frame): the centre of pixel (i, j) is at
 * (i, j). Frame k shows tissue point P at P − offset_k (see camera.ts). Centerlines are the
 * very points that were rendered (µm = px × µm/px), rounded to 1/1000 px.
 *
 * Metrics are computed with the engine's own metric functions (src/metrics: region.ts for
 * lengths, quadrants and grid crossings, clip.ts for TVD, PVD, PPV, MFI, De Backer), from the
 * analytic geometry and the flow classes by construction, so an engine result and the
 * truth are compared like with like. `truthMetricsForRegion` recomputes them over any
 * region (e.g. the region the engine analysed).
 */
import { readFile } from 'node:fs/promises';
import { computeClipMetrics } from '../metrics/clip.js';
import { measurePolyline } from '../metrics/region.js';
import type { AnalysedRegion, ClipMetrics, FlowClass, PixelScale, PointPx, SegmentInput } from '../metrics/types.js';
import { HvmError } from '../errors.js';
import type { VesselFlow } from './flow.js';
import type { ThresholdMargin } from './flow-thresholds.js';
import { occlusionPolygonPx, partsOutsidePolygons, polygonAreaUm2, type Occlusion, type OcclusionKind } from './occlusion.js';
import { polylineLengthScaled } from './geometry.js';
import { visiblePoints, type NetworkJunction, type NetworkVessel, type VesselKind } from './network.js';
import type { ResolvedOptions, Rational } from './options.js';
import type { Borders, ScreenRect } from './overlay.js';
import { DEPTH_LAYERS, depthLayer, WARP_LATTICE_UM, type SceneWarp } from './render.js';

export const TRUTH_FORMAT = 'hvm-phantom-truth';
export const TRUTH_VERSION = 1;
/** Bumped whenever the same seed + options would render different pixels. */
export const PHANTOM_GENERATOR_VERSION = 1;

export interface TruthVelocity {
  /** Mean speed over the clip, stops included, µm/s. */
  meanUmPerS: number;
  /** Mean speed while moving, µm/s. */
  meanWhileMovingUmPerS: number;
  /** Fraction of the clip's time with v = 0. */
  stoppedFraction: number;
  minUmPerS: number;
  maxUmPerS: number;
  /** Net displacement of the RBC pattern along the centerline over the clip, µm (signed). */
  displacementUm: number;
}

export interface TruthVessel {
  id: string;
  kind: VesselKind;
  /** Centerline, px, frame-0 coordinates (pixel centres at integers). */
  centerlinePx: PointPx[];
  diameterUm: number;
  /** Length of the whole (visible) centerline, also outside the frame, µm. */
  lengthUm: number;
  /** diameterUm < 20 µm. */
  small: boolean;
  flowClass: FlowClass;
  /** +1: RBCs move from the first centerline point towards the last; −1 the other way. */
  direction: 1 | -1;
  velocity: TruthVelocity;
  /** A venule stopped by probe pressure (artefact). */
  pressureStopped: boolean;
  depthUm: number;
  /** Depth layer 0 (in focus) … 2 (deep), and its blur σ, µm. */
  depthLayer: number;
  blurSigmaUm: number;
  startJunction: number | null;
  endJunction: number | null;
  /**
   * The centerline measured against regions.fullFrame with src/metrics/region.ts: length
   * inside it, per quadrant (TL, TR, BL, BR), and De Backer grid crossings [h¼, h½, h¾, v¼, v½, v¾].
   */
  inFullFrame: { lengthUm: number; lengthUmByQuadrant: [number, number, number, number]; gridCrossings: [number, number, number, number, number, number] };
  /** Optional: signed velocity at knots every velocityStepS seconds from t = 0, µm/s. */
  velocitySeries?: { stepS: number; valuesUmPerS: number[] };
  /** Clips with occlusions: length of this vessel hidden under them inside regions.fullFrame, µm. */
  occludedLengthUm?: number;
  /** Spread flow mode: the class the velocity was drawn around (flowClass comes from the thresholds). */
  drawnForClass?: FlowClass;
  /** Spread flow mode: distance from the nearest class threshold (flow-thresholds.ts). */
  flowThresholdMargin?: { nearest: ThresholdMargin['nearest']; relative: number };
}

/** An occluder (bubble, saliva) as the truth records it. */
export interface TruthOcclusion {
  id: string;
  kind: OcclusionKind;
  /** Centre, frame-0 px. */
  centerPx: PointPx;
  radiusUm: number;
  /** Half-width of its soft edge, µm. */
  edgeUm: number;
  /** Its outline (opacity ½), frame-0 px: vessel length inside it counts as hidden. */
  polygonPx: PointPx[];
  areaUm2: number;
  /** Vessel length inside the outline and inside regions.fullFrame, µm (all vessels / small vessels). */
  hiddenLengthUm: number;
  hiddenSmallLengthUm: number;
}

/** The non-rigid warp as the truth records it (see render.ts SceneWarp). */
export interface TruthWarp {
  /** The amplitude option A, px. */
  amplitudePx: number;
  latticeUm: number;
  modes: { freqHz: number; weight: number }[];
  /** Largest |w| per axis over the frame and all frames (fields), px. */
  maxDisplacementPx: number;
  /** Largest per-frame RMS of |w| over the frame, px. */
  maxRmsPx: number;
}

export interface TruthFrame {
  index: number;
  /** Nominal time of the frame, s (index / fps). */
  timeS: number;
  /** Time the content shows, s (a duplicated frame shows its source's time). */
  sceneTimeS: number;
  /** Camera offset of the content, px [x, y] (interlaced: of the first field). */
  offsetPx: [number, number];
  /** Interlaced: the two fields' times and offsets, in temporal order. */
  fields?: { rows: 'even' | 'odd'; timeS: number; offsetPx: [number, number] }[];
  /** Brightness gain applied to the frame. */
  gain: number;
  /** Index of the frame this one duplicates (null when it is a fresh capture). */
  duplicateOf: number | null;
  /** With a warp: RMS and max of the warp displacement over the frame, px. */
  warpRmsPx?: number;
  warpMaxPx?: number;
}

export interface PhantomTruth {
  format: typeof TRUTH_FORMAT;
  version: typeof TRUTH_VERSION;
  generator: { name: 'hvm-engine phantom'; generatorVersion: number; engineVersion: string };
  /** Everything needed to regenerate the clip (seed and resolved options). */
  settings: ResolvedOptions;
  clip: {
    width: number;
    height: number;
    fps: Rational;
    frameCount: number;
    durationS: number;
    scale: PixelScale;
    /** Sample aspect ratio written to the container. */
    sar: Rational;
    interlace: 'none' | 'bff' | 'tff';
    coordinateConvention: string;
    /** Exposure of each frame (field), s; absent: instantaneous. */
    exposureS?: number;
  };
  frames: TruthFrame[];
  duplicatedFrames: number[];
  borders: Borders;
  overlayRect: ScreenRect | null;
  regions: {
    /** The whole frame less the static borders, frame-0 px. */
    fullFrame: AnalysedRegion;
    /** The part of fullFrame whose tissue is seen in every frame (after drift), frame-0 px. */
    common: AnalysedRegion;
  };
  vessels: TruthVessel[];
  junctions: { id: number; pointPx: PointPx; vessels: string[] }[];
  metrics: { fullFrame: ClipMetrics; common: ClipMetrics };
  /** Per depth layer: blur σ, µm. */
  depthLayers: { maxDepthUm: number | null; sigmaUm: number }[];
  /** Occluders (only when the clip has some). Metrics count only the vessel length outside them. */
  occlusions?: TruthOcclusion[];
  /** The non-rigid warp (only when the clip has one). */
  warp?: TruthWarp;
}

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];
const round = (x: number, digits: number): number => {
  const f = POW10[digits]!;
  return Math.round(x * f) / f;
};

export interface TruthInput {
  options: ResolvedOptions;
  engineVersion: string;
  vessels: NetworkVessel[];
  junctions: NetworkJunction[];
  flows: Map<string, VesselFlow>;
  frames: TruthFrame[];
  duplicated: number[];
  overlayRect: ScreenRect | null;
  layerSigmaUm: number[];
  occlusions?: Occlusion[];
  warp?: SceneWarp | null;
}

/** Convert µm tissue coordinates to frame-0 px, rounded to 1/1000 px (the canonical form). */
export function umToPx(p: [number, number], scale: PixelScale): PointPx {
  return [round(p[0] / scale.umPerPxX, 3), round(p[1] / scale.umPerPxY, 3)];
}

export function buildTruth(input: TruthInput): PhantomTruth {
  const o = input.options;
  const scale = o.scale;
  const b = o.borders;
  const fullFrame: AnalysedRegion = { x: b.left, y: b.top, width: o.width - b.left - b.right, height: o.height - b.top - b.bottom };
  // Common region: tissue seen in every frame (both fields of interlaced frames).
  let minX = 0;
  let maxX = 0;
  let minY = 0;
  let maxY = 0;
  for (const f of input.frames) {
    const offs = f.fields ? f.fields.map((x) => x.offsetPx) : [f.offsetPx];
    for (const [x, y] of offs) {
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
  }
  // A warp moves tissue by up to its max displacement beyond the rigid offsets.
  const wm = input.warp ? input.frames.reduce((m, f) => Math.max(m, f.warpMaxPx ?? 0), 0) : 0;
  const cx0 = Math.ceil(fullFrame.x + maxX + wm);
  const cy0 = Math.ceil(fullFrame.y + maxY + wm);
  const cx1 = Math.floor(fullFrame.x + fullFrame.width + minX - wm);
  const cy1 = Math.floor(fullFrame.y + fullFrame.height + minY - wm);
  const common: AnalysedRegion =
    cx1 > cx0 && cy1 > cy0 ? { x: cx0, y: cy0, width: cx1 - cx0, height: cy1 - cy0 } : { ...fullFrame };

  const vessels: TruthVessel[] = input.vessels.map((v) => {
    const flow = input.flows.get(v.id)!;
    // Only the visible part (vessels that dive out of focus fade to half contrast at its ends).
    const centerlinePx = visiblePoints(v).map((p) => umToPx(p, scale));
    const layer = depthLayer(v.depthUm);
    const s = flow.summary;
    const tv: TruthVessel = {
      id: v.id,
      kind: v.kind,
      centerlinePx,
      diameterUm: round(v.diameterUm, 6),
      lengthUm: round(polylineLengthScaled(centerlinePx, scale.umPerPxX, scale.umPerPxY), 6),
      small: v.diameterUm < 20,
      flowClass: flow.flowClass,
      direction: flow.direction,
      velocity: {
        meanUmPerS: round(s.meanUmPerS, 6),
        meanWhileMovingUmPerS: round(s.meanWhileMovingUmPerS, 6),
        stoppedFraction: round(s.stoppedFraction, 9),
        minUmPerS: round(s.minUmPerS, 6),
        maxUmPerS: round(s.maxUmPerS, 6),
        displacementUm: round(s.displacementUm, 6),
      },
      pressureStopped: flow.pressureStopped,
      depthUm: round(v.depthUm, 6),
      depthLayer: layer,
      blurSigmaUm: round(input.layerSigmaUm[layer]!, 6),
      startJunction: v.startJunction,
      endJunction: v.endJunction,
      inFullFrame: measurePolyline(centerlinePx, fullFrame, scale),
    };
    if (o.truthVelocitySeries) {
      tv.velocitySeries = { stepS: flow.series.stepS, valuesUmPerS: Array.from(flow.series.values, (x) => round(x, 9)) };
    }
    if (flow.drawnForClass !== undefined) tv.drawnForClass = flow.drawnForClass;
    if (flow.margin !== undefined) tv.flowThresholdMargin = { nearest: flow.margin.nearest, relative: round(flow.margin.relative, 6) };
    return tv;
  });

  // Occluders: outlines, areas, and the vessel length they hide inside the full frame.
  let occlusions: TruthOcclusion[] | undefined;
  if (input.occlusions !== undefined && input.occlusions.length > 0) {
    const polys = input.occlusions.map((oc) => occlusionPolygonPx(oc, scale));
    const hiddenBy = (poly: PointPx[], v: TruthVessel): number => {
      const visible = partsOutsidePolygons(v.centerlinePx, [poly]).reduce((a, part) => a + measurePolyline(part, fullFrame, scale).lengthUm, 0);
      return Math.max(0, v.inFullFrame.lengthUm - visible);
    };
    occlusions = input.occlusions.map((oc, i) => {
      const poly = polys[i]!;
      let all = 0;
      let small = 0;
      for (const v of vessels) {
        const h = hiddenBy(poly, v);
        all += h;
        if (v.small) small += h;
      }
      return {
        id: oc.id,
        kind: oc.kind,
        centerPx: umToPx(oc.centerUm, scale),
        radiusUm: round(oc.radiusUm, 6),
        edgeUm: round(oc.edgeUm, 6),
        polygonPx: poly,
        areaUm2: round(polygonAreaUm2(poly, scale.umPerPxX, scale.umPerPxY), 3),
        hiddenLengthUm: round(all, 6),
        hiddenSmallLengthUm: round(small, 6),
      };
    });
    for (const v of vessels) {
      const visible = partsOutsidePolygons(v.centerlinePx, polys).reduce((a, part) => a + measurePolyline(part, fullFrame, scale).lengthUm, 0);
      v.occludedLengthUm = round(Math.max(0, v.inFullFrame.lengthUm - visible), 6);
    }
  }

  const truth: PhantomTruth = {
    format: TRUTH_FORMAT,
    version: TRUTH_VERSION,
    generator: { name: 'hvm-engine phantom', generatorVersion: PHANTOM_GENERATOR_VERSION, engineVersion: input.engineVersion },
    settings: o,
    clip: {
      width: o.width,
      height: o.height,
      fps: o.fps,
      frameCount: o.frameCount,
      durationS: o.durationS,
      scale,
      sar: o.sar,
      interlace: o.interlace,
      coordinateConvention:
        'px in frame 0, x right, y down, pixel (i, j) centred at (i, j); frame k shows tissue point P at P − offsetPx[k]; µm = px × µm/px per axis',
    },
    frames: input.frames,
    duplicatedFrames: input.duplicated,
    borders: b,
    overlayRect: input.overlayRect,
    regions: { fullFrame, common },
    vessels,
    junctions: input.junctions.map((j) => ({ id: j.id, pointPx: umToPx(j.point, scale), vessels: j.vessels })),
    metrics: { fullFrame: null as unknown as ClipMetrics, common: null as unknown as ClipMetrics },
    depthLayers: DEPTH_LAYERS.map((l, i) => ({ maxDepthUm: Number.isFinite(l.maxDepthUm) ? l.maxDepthUm : null, sigmaUm: round(input.layerSigmaUm[i]!, 6) })),
  };
  if (o.exposureS !== undefined) truth.clip.exposureS = o.exposureS;
  if (occlusions !== undefined) truth.occlusions = occlusions;
  if (input.warp) {
    truth.warp = {
      amplitudePx: input.warp.amplitudePx,
      latticeUm: WARP_LATTICE_UM,
      modes: input.warp.modes.map((m) => ({ freqHz: round(m.freqHz, 9), weight: m.weight })),
      maxDisplacementPx: input.frames.reduce((m, f) => Math.max(m, f.warpMaxPx ?? 0), 0),
      maxRmsPx: input.frames.reduce((m, f) => Math.max(m, f.warpRmsPx ?? 0), 0),
    };
  }
  truth.metrics = { fullFrame: truthMetricsForRegion(truth, fullFrame), common: truthMetricsForRegion(truth, common) };
  return truth;
}

/**
 * The metric inputs of the truth over a region: every vessel's centerline measured against
 * the region (length, quadrant lengths, grid crossings), its true diameter and flow class,
 * and its mean velocity (stops included) as a measured, uncensored value. Vessel length
 * under an occluder (truth.occlusions) is left out, as no observer can see it, unless
 * `includeOccluded` is set (then the tissue's full length counts).
 */
export function truthSegments(
  truth: Pick<PhantomTruth, 'vessels' | 'clip' | 'occlusions'>,
  region: AnalysedRegion,
  opts: { includeOccluded?: boolean } = {},
): SegmentInput[] {
  const polys = opts.includeOccluded === true ? [] : (truth.occlusions ?? []).map((o) => o.polygonPx);
  return truth.vessels.map((v) => {
    let m: ReturnType<typeof measurePolyline>;
    if (polys.length === 0) m = measurePolyline(v.centerlinePx, region, truth.clip.scale);
    else {
      m = { lengthUm: 0, lengthUmByQuadrant: [0, 0, 0, 0], gridCrossings: [0, 0, 0, 0, 0, 0] };
      for (const part of partsOutsidePolygons(v.centerlinePx, polys)) {
        const q = measurePolyline(part, region, truth.clip.scale);
        m.lengthUm += q.lengthUm;
        for (let i = 0; i < 4; i++) m.lengthUmByQuadrant[i] += q.lengthUmByQuadrant[i]!;
        for (let i = 0; i < 6; i++) m.gridCrossings[i] += q.gridCrossings[i]!;
      }
    }
    return {
      id: v.id,
      lengthUm: m.lengthUm,
      lengthUmByQuadrant: m.lengthUmByQuadrant,
      diameterUm: v.diameterUm,
      flowClass: v.flowClass,
      velocity: { valueUmPerS: v.velocity.meanUmPerS, lowerBoundUmPerS: v.velocity.meanUmPerS, upperBoundUmPerS: v.velocity.meanUmPerS, censored: null },
      gridCrossings: m.gridCrossings,
    };
  });
}

/** Truth metrics over any region (frame-0 px), e.g. the region an engine analysed. */
export function truthMetricsForRegion(
  truth: Pick<PhantomTruth, 'vessels' | 'clip' | 'occlusions'>,
  region: AnalysedRegion,
  opts: { smallVesselMaxUm?: number; includeOccluded?: boolean } = {},
): ClipMetrics {
  const input: Parameters<typeof computeClipMetrics>[0] = {
    region,
    scale: truth.clip.scale,
    segments: truthSegments(truth, region, opts.includeOccluded !== undefined ? { includeOccluded: opts.includeOccluded } : {}),
  };
  if (opts.smallVesselMaxUm !== undefined) input.smallVesselMaxUm = opts.smallVesselMaxUm;
  return computeClipMetrics(input);
}

/** The truth as JSON text (stable: same truth → same bytes). */
export function serializeTruth(truth: PhantomTruth): string {
  return `${JSON.stringify(truth)}\n`;
}

/** Read and check a truth file. */
export async function readTruth(path: string): Promise<PhantomTruth> {
  let obj: unknown;
  try {
    obj = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new HvmError('E_PHANTOM_TRUTH', `cannot read the phantom truth (${(e as Error).message})`, { file: path, cause: e });
  }
  const t = obj as Partial<PhantomTruth>;
  if (t.format !== TRUTH_FORMAT || t.version !== TRUTH_VERSION) {
    throw new HvmError('E_PHANTOM_TRUTH', `not a phantom truth file of version ${TRUTH_VERSION} (format ${String(t.format)}, version ${String(t.version)})`, { file: path });
  }
  return t as PhantomTruth;
}
