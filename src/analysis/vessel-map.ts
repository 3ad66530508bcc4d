/**
 * The vessel map of one clip: which vessels are there, where, how long and how wide.
 *
 *   stabilised mean ──segment.ts (core: normalise, vesselness, threshold, thin, graph)──▶ chains
 *                   ──vessel-graph.ts (join through junctions where a vessel continues)──▶ vessels
 *                   ──junction-trim.ts (a drain ends at the wall of the wider vessel)──▶ centerlines
 *                   ──diameter.ts (blurred-cylinder fits across the centerline)──▶ diameters
 *                   ──core: grid crossings; metrics/region.ts: lengths by quadrant──▶ metric inputs
 *
 * Everything is in reference-frame px; the analysed region bounds the segmentation (nothing
 * outside it is segmented, so no vessel seen by only some frames enters the metrics).
 */
import type { CoreBackend } from '../backend/types.js';
import { isSmallVessel } from '../metrics/clip.js';
import { polylineLengthUmByQuadrant } from '../metrics/region.js';
import type { AnalysedRegion, PixelScale, PointPx, SegmentInput } from '../metrics/types.js';
import { CUT_MIN_SHARE, edgeTruncatedShare } from './frame-edge.js';
import { measureDiameter } from './diameter.js';
import { segmentImage, type SegmentResult } from './segment.js';
import type { SegmentParams } from './segment-params.js';
import { trimAtWiderVessels, widerLumensAtEnds } from './junction-trim.js';
import { joinChains, splitAtJoins, splitInHalves, type VesselPath } from './vessel-graph.js';
import { FLOW_HALVES_MIN_LENGTH_UM } from './split-by-flow.js';

/**
 * Hysteresis band of the grid-crossing count, px: the smoothed centerline must pass more than
 * this beyond a grid line to count as crossing it, so one that wiggles along a line counts
 * once (the centerline's own noise after smoothing is a few tenths of a pixel).
 */
export const GRID_CROSSING_BAND_PX = 1;

export interface MappedVessel {
  id: string;
  /** Smoothed centerline, reference-frame px (ends cut back at the walls of wider vessels it drains into: junction-trim.ts). */
  polylinePx: PointPx[];
  /**
   * The path its space-time diagram follows: the centerline before that cut (it runs on into
   * the wider vessel). A diagram needs length (its fastest resolvable speed grows with it), and
   * the blood it follows flows on into the venule; see junction-trim.ts for what was measured.
   */
  flowPolylinePx: PointPx[];
  /** Centerline length inside the analysed region, µm, and its split over the quadrants (TL, TR, BL, BR). */
  lengthUm: number;
  lengthUmByQuadrant: [number, number, number, number];
  /** Crossings with the De Backer grid lines [h¼, h½, h¾, v¼, v½, v¾] (counted in the core). */
  gridCrossings: [number, number, number, number, number, number];
  /** Median fitted diameter over the interior, µm, and its range; the vesselness estimate when no profile could be fitted. */
  diameterUm: number;
  diameterRangeUm: [number, number];
  /** 'profile-fit' or 'vesselness-scale' (fallback for vessels too short or at the edge). */
  diameterMethod: 'profile-fit' | 'vesselness-scale';
  /** diameterUm is a lower bound: the lumen runs on past the picture's edge and no profile fitted (frame-edge.ts). */
  diameterIsLowerBound: boolean;
  small: boolean;
  /** Whether the flow polyline's first and last points end at a junction (not a free end). */
  junctionEnds: [boolean, boolean];
  /** Centerline chains joined into this vessel. */
  pieces: number;
  closedLoop: boolean;
  /**
   * With two or more pieces: each piece described as a vessel of its own (ids `<id>.1`,
   * `<id>.2` … in order along the vessel); with one piece at least FLOW_HALVES_MIN_LENGTH_UM
   * long, its two halves. Flow is measured on the vessel and on each part;
   * the vessel is reported as its parts when their flow classes disagree (split-by-flow.ts).
   */
  parts?: MappedVessel[];
  /** The parts are the two halves of one chain (split-by-flow.ts judges them by speed only). */
  partsAreHalves?: true;
}

export interface VesselMap {
  segmentation: SegmentResult;
  vessels: MappedVessel[];
}

export interface VesselMapOptions {
  core: CoreBackend;
  /** Temporal SD image of the stabilised frames (stabilise.ts), or null for a still. */
  temporalSd?: Float32Array | null;
  /** Weight of the temporal SD in the evidence image (see evidenceImage); default TEMPORAL_SD_WEIGHT. */
  temporalSdWeight?: number;
  smallVesselMaxUm: number;
  params?: Partial<SegmentParams>;
}

/** Segments the stabilised mean inside the region and builds the vessel list. */
export function mapVessels(
  mean: Float32Array,
  width: number,
  height: number,
  region: AnalysedRegion,
  scale: PixelScale,
  o: VesselMapOptions,
): VesselMap {
  const roi = new Uint8Array(width * height);
  for (let y = region.y; y < region.y + region.height; y++) roi.fill(1, y * width + region.x, y * width + region.x + region.width);
  const evidence = o.temporalSd ? evidenceImage(mean, o.temporalSd, roi, width, o.temporalSdWeight ?? TEMPORAL_SD_WEIGHT) : mean;
  const seg = segmentImage(evidence, width, height, scale, o.params, { roi, backend: o.core, smallVesselMaxUm: o.smallVesselMaxUm });
  const umPx = seg.derived.umPerPxFilters;
  const chains = seg.segments.map((s) => ({ ...s, diameterPx: s.diameterUm / umPx, widthPx: s.maskWidthUm / umPx }));
  const smallMaxPx = o.smallVesselMaxUm / umPx;
  const paths = joinChains(chains, { smallMaxPx });
  // Vessels that drain into a wider one end at its wall (junction-trim.ts).
  const lumens = widerLumensAtEnds(chains, smallMaxPx);
  const vessels: MappedVessel[] = [];
  for (const joined of paths) {
    const p = trimAtWiderVessels(joined, lumens);
    const v = describeVessel(p, joined.polyline, seg, mean, region, scale, o, `v${vessels.length}`);
    if (v === null) continue;
    // Parts: the pieces joined at branch points; a vessel of one chain long enough, its halves
    // (one chain may still be two vessels whose branch point went unseen: split-by-flow.ts).
    // Pieces of a joined vessel are not halved: measured so (full phantom set), the length
    // read in each class was the same within 0.2 mm and vessels reported in more pieces only
    // fell out of the per-vessel comparison.
    const own: [VesselPath, PointPx[]][] = [];
    if (p.pieces.length > 1) {
      const pieces = splitAtJoins(chains, joined);
      for (const [k, piece] of pieces.entries()) own.push([trimAtWiderVessels(piece, lumens, { first: k === 0, last: k === pieces.length - 1 }), piece.polyline]);
    } else if (v.lengthUm >= FLOW_HALVES_MIN_LENGTH_UM) {
      const split = splitInHalves(p, joined.polyline);
      if (split !== null) own.push([split.halves[0], split.flow[0]], [split.halves[1], split.flow[1]]);
    }
    if (own.length > 1) {
      const parts: MappedVessel[] = [];
      for (const [k, [path, flow]] of own.entries()) {
        const part = describeVessel(path, flow, seg, mean, region, scale, o, `${v.id}.${k + 1}`);
        if (part !== null) parts.push(part);
      }
      if (parts.length > 1) {
        v.parts = parts;
        if (p.pieces.length === 1) v.partsAreHalves = true;
      }
    }
    vessels.push(v);
  }
  return { segmentation: seg, vessels };
}

function describeVessel(
  p: VesselPath,
  flowPolyline: PointPx[],
  seg: SegmentResult,
  mean: Float32Array,
  region: AnalysedRegion,
  scale: PixelScale,
  o: VesselMapOptions,
  id: string,
): MappedVessel | null {
  const q = polylineLengthUmByQuadrant(p.polyline, region, scale);
  const lengthUm = q[0] + q[1] + q[2] + q[3];
  if (!(lengthUm > 0)) return null;
  // Length-weighted first estimate over the pieces (vesselness scale).
  let wsum = 0;
  let dsum = 0;
  for (const piece of p.pieces) {
    const s = seg.segments[piece.chain]!;
    wsum += s.lengthUm;
    dsum += s.lengthUm * s.diameterUm;
  }
  const firstEstimateUm = wsum > 0 ? dsum / wsum : seg.segments[p.pieces[0]!.chain]!.diameterUm;
  const avoid: PointPx[] = p.joins.map((k) => p.polyline[k]!);
  if (p.startsAtJunction) avoid.push(p.polyline[0]!);
  if (p.endsAtJunction) avoid.push(p.polyline[p.polyline.length - 1]!);
  const d = measureDiameter(mean, seg.width, seg.height, p.polyline, scale, { firstEstimateUm, avoid });
  const fallback = d === null ? fallbackDiameterUm(p, seg) : firstEstimateUm;
  const diameterUm = d?.diameterUm ?? fallback;
  // Without a profile fit, a vessel whose lumen runs on past the picture's edge has only a
  // lower bound on its width (frame-edge.ts).
  const diameterIsLowerBound = d === null && edgeTruncatedShare(mean, seg.width, seg.height, p.polyline, diameterUm / seg.derived.umPerPxFilters / 2) >= CUT_MIN_SHARE;
  const crossings = o.core.gridCrossings(polylineXY(p.polyline), region.x, region.y, region.width, region.height, GRID_CROSSING_BAND_PX);
  return {
    id,
    polylinePx: p.polyline,
    flowPolylinePx: flowPolyline,
    lengthUm,
    lengthUmByQuadrant: q,
    gridCrossings: Array.from(crossings) as MappedVessel['gridCrossings'],
    diameterUm,
    diameterRangeUm: d?.rangeUm ?? [fallback, fallback],
    diameterMethod: d !== null ? 'profile-fit' : 'vesselness-scale',
    diameterIsLowerBound,
    small: isSmallVessel(diameterUm, o.smallVesselMaxUm, diameterIsLowerBound),
    junctionEnds: [p.startsAtJunction, p.endsAtJunction],
    pieces: p.pieces.length,
    closedLoop: p.closedLoop,
  };
}

/**
 * Weight of the temporal SD: flowing red cells make a vessel's grey level vary from frame to
 * frame while the tissue around it is static, so a faint capillary that an observer sees
 * only because its cells move is made darker in the image that is segmented by
 * weight × (its temporal SD above the field's median SD). Stopped vessels keep their
 * contrast in the mean; the tissue texture has no temporal SD. Chosen on the phantom set.
 */
export const TEMPORAL_SD_WEIGHT = 4;

/** Share of the region's pixels, steepest first, over which the motion-variance slope is read at the edges. */
export const STEEPEST_SHARE = 0.05;

/**
 * The image segmented for a clip: the mean, darkened where the grey level varies over time
 * for a reason other than residual motion.
 *
 * Residual motion (registration error, compression, warp) also makes pixels vary, in
 * proportion to the local gradient of the mean: a shift ε gives a change ε·|∇I|. So the
 * variance explained by motion, b·|∇I|², is removed first, with b fitted by least squares of
 * SD² on |∇I|² over the region (b = cov/var, b ≥ 0) — otherwise the walls of a venule light
 * up and are traced as two vessels. What is left is the variance of moving cells inside
 * lumens, where the mean's gradient is small.
 */
export function evidenceImage(mean: Float32Array, sd: Float32Array, roi: Uint8Array, width: number, weight: number): Float32Array {
  const n = mean.length;
  const height = n / width;
  const g2 = new Float64Array(n);
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const gx = (mean[i + 1]! - mean[i - 1]!) / 2;
      const gy = (mean[i + width]! - mean[i - width]!) / 2;
      g2[i] = gx * gx + gy * gy;
    }
  }
  let sw = 0, sg = 0, ss = 0, sgg = 0, sgs = 0;
  for (let i = 0; i < n; i++) {
    if (roi[i] === 0) continue;
    const v = sd[i]! * sd[i]!;
    sw++;
    sg += g2[i]!;
    ss += v;
    sgg += g2[i]! * g2[i]!;
    sgs += g2[i]! * v;
  }
  const varG = sw > 0 ? sgg / sw - (sg / sw) ** 2 : 0;
  const bFit = varG > 0 ? Math.max(0, (sgs / sw - (sg / sw) * (ss / sw)) / varG) : 0;
  // The fit is dominated by the flat majority of the field; at the strongest edges (venule
  // walls, the edges residual motion shakes most) it under-corrects and the walls are traced
  // as two vessels. So b is at least the median SD²/|∇I|² over the steepest pixels.
  // (Typed arrays and a threshold instead of sorting one object per pixel: the same pixels,
  // the same medians, a fraction of the time and garbage on a 2200×1650 field.)
  const steepest = steepestPixels(g2, roi, STEEPEST_SHARE);
  const top = Float64Array.from(steepest, (i) => (sd[i]! * sd[i]!) / g2[i]!).sort();
  const bEdge = top.length > 0 ? top[top.length >> 1]! : 0;
  const b = Math.max(bFit, bEdge);
  const rest = new Float32Array(n);
  let inRoi = 0;
  for (let i = 0; i < n; i++) if (roi[i] !== 0) inRoi++;
  const inside = new Float32Array(inRoi);
  for (let i = 0, k = 0; i < n; i++) {
    rest[i] = Math.sqrt(Math.max(0, sd[i]! * sd[i]! - b * g2[i]!));
    if (roi[i] !== 0) inside[k++] = rest[i]!;
  }
  inside.sort();
  const floor = inside.length > 0 ? inside[inside.length >> 1]! : 0;
  const out = new Float32Array(n);
  // Where the mean itself is steep (a vessel's wall) what varies is mostly the wall shaking,
  // whatever the slope model says: the SD's weight fades as (|∇I|/gEdge)² grows, gEdge² the
  // median |∇I|² of the steepest pixels (a wall keeps ≤ 1/(1 + 1) of the weight, a lumen all).
  const steep = Float64Array.from(steepest, (i) => g2[i]!).sort();
  const gEdge2 = steep.length > 0 ? steep[steep.length >> 1]! : 0;
  for (let i = 0; i < n; i++) {
    const fade = gEdge2 > 0 ? 1 / (1 + g2[i]! / gEdge2) : 1;
    out[i] = mean[i]! - weight * fade * Math.max(0, rest[i]! - floor);
  }
  return out;
}

/**
 * The share of the region's pixels with |∇I|² > 0 that are steepest (at least one), as indices
 * in scan order; ties at the cut are taken in scan order, as a stable sort would.
 */
export function steepestPixels(g2: Float64Array, roi: Uint8Array, share: number): Int32Array {
  let m = 0;
  for (let i = 0; i < g2.length; i++) if (roi[i] !== 0 && g2[i]! > 0) m++;
  if (m === 0) return new Int32Array(0);
  const values = new Float64Array(m);
  for (let i = 0, k = 0; i < g2.length; i++) if (roi[i] !== 0 && g2[i]! > 0) values[k++] = g2[i]!;
  const k = Math.max(1, Math.floor(m * share));
  const cut = values.sort()[m - k]!;
  let tiesTaken = k;
  for (let i = 0; i < m; i++) if (values[i]! > cut) tiesTaken--;
  const out = new Int32Array(k);
  for (let i = 0, j = 0; i < g2.length && j < k; i++) {
    if (roi[i] === 0 || !(g2[i]! >= cut)) continue;
    if (g2[i]! === cut) {
      if (tiesTaken === 0) continue;
      tiesTaken--;
    }
    out[j++] = i;
  }
  return out;
}

/**
 * The diameter of a vessel no profile could be fitted on (short, or at the region's edge):
 * the mask's width across it (mask-width.ts), length-weighted median over its pieces. Not
 * the vesselness scale: such vessels are mostly short pieces between junctions, where the
 * best scale is that of the junction's blob, and capillary pieces read as venules.
 */
function fallbackDiameterUm(p: VesselPath, seg: SegmentResult): number {
  const pieces = p.pieces.map((piece) => seg.segments[piece.chain]!).sort((a, b) => a.maskWidthUm - b.maskWidthUm);
  const total = pieces.reduce((acc, c) => acc + c.lengthUm, 0);
  let run = 0;
  for (const c of pieces) {
    run += c.lengthUm;
    if (run >= total / 2) return c.maskWidthUm;
  }
  return pieces[pieces.length - 1]!.maskWidthUm;
}

/** A polyline as interleaved x, y (float64) for the core. */
export function polylineXY(pts: readonly PointPx[]): Float64Array {
  const out = new Float64Array(2 * pts.length);
  pts.forEach((q, k) => {
    out[2 * k] = q[0];
    out[2 * k + 1] = q[1];
  });
  return out;
}

/** The metric inputs of the vessels (flow classes from the flow stage when it ran, else null). */
export function metricInputs(vessels: readonly MappedVessel[]): SegmentInput[] {
  return vessels.map((v) => ({
    id: v.id,
    lengthUm: v.lengthUm,
    lengthUmByQuadrant: v.lengthUmByQuadrant,
    diameterUm: v.diameterUm,
    ...(v.diameterIsLowerBound ? { diameterIsLowerBound: true } : {}),
    flowClass: null,
    gridCrossings: v.gridCrossings,
  }));
}
