/**
 * The accuracy harness: compares one engine result (the clip result contract) with the
 * phantom's truth, and pools the comparisons of a clip set into a summary.
 *
 *  - Metrics: the truth is recomputed over the engine's OWN analysed region (reference-frame
 *    px shifted into frame-0 px by the reference frame's camera offset) with the engine's
 *    small-vessel threshold, then each metric the engine reports is judged by its bar
 *    (bars.ts); a null is "not measured".
 *  - Vessels: centerlines matched at MATCH_TOLERANCE_PX: recall = share of the truth's visible
 *    SMALL-vessel centerline length (inside the region, outside occluders) near an engine
 *    centerline; precision = share of the engine's small-vessel centerline length near a truth
 *    centerline (the vessel-map issue's bar is on small vessels; all vessels are reported
 *    beside, not judged). Each truth
 *    vessel is paired with the engine vessel covering most of it (≥ PAIR_MIN_COVERAGE).
 *  - Flow classes of the pairs: 4×4 confusion matrix (rows truth, columns engine) and the
 *    linear weighted kappa; accuracy split by the truth's distance from the class thresholds.
 *  - Velocity: relative error of the pairs whose truth speed is in the measurable range:
 *    0 < v ≤ path length × fps / 2 (the pattern must stay on the visible path for two frames)
 *    and v ≥ 2 px / clip duration (it must move at all); the median absolute relative error.
 *
 * Nothing here imports src/analysis: the harness judges the engine, it does not use it.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AnalysedRegion, FlowClass, MetricSet, PointPx } from '../../src/metrics/types.js';
import { MARGIN_BINS, thresholdMargin, truthMetricsForRegion, type PhantomTruth } from '../../src/phantom/index.js';
import { partsOutsidePolygons } from '../../src/phantom/occlusion.js';
import { Rng } from '../../src/phantom/prng.js';
import { bilinear } from '../../src/quality/image-tools.js';
import type { ClipResult } from '../../src/report/contract.js';
import { barRows, describeBar, MATCH_TOLERANCE_PX, METRIC_BARS, PAIR_MIN_COVERAGE, PAIR_MIN_LENGTH_UM, VESSEL_BARS, type MetricBar, type MetricKey } from './bars.js';

/** What the harness reads from an engine result. */
export type EngineResult = Pick<ClipResult, 'metrics' | 'vessels' | 'analysis' | 'calibration'>;

export type Status = 'pass' | 'fail' | 'not measured' | 'info';
export type Population = 'small' | 'all';

export interface MetricRow {
  metric: MetricKey;
  population: Population;
  engine: unknown;
  truth: unknown;
  /** Signed error engine − truth (relative for relative bars, absolute otherwise; mismatching quadrants for MFIQuadrants). */
  error: number | null;
  bar: string;
  status: Status;
  reason?: string;
}

export interface Pair {
  truthId: string;
  engineId: string | null;
  /** Share of the truth vessel's visible length in the region covered by that engine vessel. */
  coverage: number;
  truthLengthUm: number;
  /** The truth vessel is small (< the small-vessel limit, by its true diameter). */
  truthSmall: boolean;
  truthClass: FlowClass;
  engineClass: FlowClass | null;
  marginRelative: number;
  marginBin: string;
  truthVelocityUmPerS: number;
  engineVelocityUmPerS: number | null;
  engineCensored: 'above' | 'below' | null;
  measurable: boolean;
  relativeError: number | null;
  /** Diameters of the pair, µm (engine null when unpaired), and the truth's blur σ in px (depth layer and defocus). */
  truthDiameterUm?: number;
  engineDiameterUm?: number | null;
  blurSigmaPx?: number;
}

export interface EngineVesselMatch {
  id: string;
  lengthUm: number;
  matchedShare: number | null;
  diameterUm: number;
  small: boolean;
  flowClass: 0 | 1 | 2 | 3 | null;
  /** The part within the match tolerance of a truth centerline, µm, by that truth vessel's flow class (0–3). */
  matchedUmByTruthClass: [number, number, number, number];
}

export interface VesselComparison {
  /** False when the engine reported no vessel and no metric (the stage has not run). */
  measured: boolean;
  /** Small vessels (the judged population): truth and engine centerline length inside the region and the parts matched, µm. */
  truthLengthUm: number;
  engineLengthUm: number;
  matchedTruthUm: number;
  matchedEngineUm: number;
  /** Small vessels: truth small length near any engine centerline; engine small length near any truth centerline (judged). */
  recall: number | null;
  precision: number | null;
  /** The same over all vessels (reported, not judged). */
  recallAll: number | null;
  precisionAll: number | null;
  recallStatus: Status;
  precisionStatus: Status;
  pairs: Pair[];
  /**
   * Every engine vessel: its length inside the region (µm, by the same samples as precision),
   * the share of it within the match tolerance of a truth centerline, and its class, so false
   * vessels can be told apart by what the engine said about them.
   */
  engineVessels: EngineVesselMatch[];
  /** Small vessels' truth length and the part of it matched, µm, by the truth's depth layer (0 = in focus). */
  recallByDepthLayer: { layer: number; truthUm: number; matchedUm: number }[];
  /** Small vessels' truth and matched length by the truth's flow class (0–3). */
  recallByFlowClass: { flowClass: number; truthUm: number; matchedUm: number }[];
  /** Small vessels' truth and matched length by their lumen contrast on the mean image (bin = index into LUMEN_CONTRAST_BINS); empty without a mean image. */
  recallByLumenContrast: { bin: number; truthUm: number; matchedUm: number }[];
  /** confusion[truth][engine] (classified pairs), counts. */
  confusion: number[][];
  /** Pairs whose engine vessel has no class, by truth class. */
  unclassified: number[];
  /** Truth vessels with no engine vessel covering them, by truth class. */
  missed: number[];
  weightedKappa: number | null;
  exactAgreement: number | null;
  velocity: { measurable: number; measured: number; censoredInRange: number; mdare: number | null };
  /** Diameter of paired vessels: median absolute error over sharp ones (blur σ ≤ DIAMETER_SHARP_MAX_BLUR_PX), bias per class over all. */
  diameter: { sharpPairs: number; sharpMdAEUm: number | null; status: Status; biasByClassUm: { label: string; pairs: number; medianErrorUm: number | null }[] };
}

export interface ClipComparison {
  id: string;
  description: string;
  /** The phantom's flow mode: clear-cut classes, or velocities spread across the class thresholds (issue 6 judges them apart). */
  flowMode: 'classes' | 'spread';
  clip: { codec: string; width: number; height: number; fps: string; frameCount: number; umPerPx: [number, number]; interlace: string };
  /** The engine's region in reference-frame px and in frame-0 px, and diagnostics. */
  region: {
    engine: AnalysedRegion;
    referenceFrame: number;
    frame0: AnalysedRegion;
    areaMm2: number;
    truthCommon: AnalysedRegion;
    /** Share of the region outside the full frame (static borders), 0–1. */
    outsideFullFrame: number;
    /** Share of the region outside the part of the tissue seen in every frame, 0–1. */
    outsideCommon: number;
    /** Whether it overlaps the burnt-in overlay. */
    overlapsOverlay: boolean;
  };
  rows: MetricRow[];
  vessels: VesselComparison;
  /** Judged items that failed their bar, as "metric (population): why". */
  failures: string[];
  /** Metrics (and vessel stats) the engine did not report, "metric (population)". */
  notMeasured: string[];
  engineWarnings?: string[];
  runtimeS?: { generate: number; analyze: number };
}

const POPULATIONS: Population[] = ['small', 'all'];
const METRIC_KEYS = Object.keys(METRIC_BARS) as MetricKey[];

// ---------------------------------------------------------------------------------------
// Geometry

function intersectArea(a: AnalysedRegion, b: { x: number; y: number; width: number; height: number }): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

interface Sample {
  x: number;
  y: number;
  /** µm of centerline this sample stands for. */
  w: number;
  owner: number;
}

/** Samples of a polyline every ≤ 0.25 px, each carrying its µm length, kept when inside the region (closed). */
function sampleInside(points: readonly PointPx[], owner: number, region: AnalysedRegion, sx: number, sy: number, out: Sample[]): number {
  let total = 0;
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i]!;
    const b = points[i + 1]!;
    const dx = b[0] - a[0];
    const dy = b[1] - a[1];
    const lenPx = Math.sqrt(dx * dx + dy * dy);
    const lenUm = Math.sqrt(dx * sx * (dx * sx) + dy * sy * (dy * sy));
    const n = Math.max(1, Math.ceil(lenPx / 0.25));
    for (let k = 0; k < n; k++) {
      const t = (k + 0.5) / n;
      const x = a[0] + t * dx;
      const y = a[1] + t * dy;
      if (x < region.x || x > region.x + region.width || y < region.y || y > region.y + region.height) continue;
      out.push({ x, y, w: lenUm / n, owner });
      total += lenUm / n;
    }
  }
  return total;
}

/** A uniform grid of polyline segments for "nearest polyline within tol" queries (pad each add by the largest tol asked). */
export class SegmentIndex {
  private readonly cells = new Map<number, number[]>();
  private readonly segs: { ax: number; ay: number; bx: number; by: number; owner: number }[] = [];
  constructor(private readonly cell: number) {}
  private key(cx: number, cy: number): number {
    return (cx + 32768) * 65536 + (cy + 32768);
  }
  add(points: readonly PointPx[], owner: number, pad: number): void {
    for (let i = 0; i + 1 < points.length; i++) {
      const [ax, ay] = points[i]!;
      const [bx, by] = points[i + 1]!;
      const id = this.segs.length;
      this.segs.push({ ax, ay, bx, by, owner });
      const cx0 = Math.floor((Math.min(ax, bx) - pad) / this.cell);
      const cx1 = Math.floor((Math.max(ax, bx) + pad) / this.cell);
      const cy0 = Math.floor((Math.min(ay, by) - pad) / this.cell);
      const cy1 = Math.floor((Math.max(ay, by) + pad) / this.cell);
      for (let cy = cy0; cy <= cy1; cy++) {
        for (let cx = cx0; cx <= cx1; cx++) {
          const k = this.key(cx, cy);
          const list = this.cells.get(k);
          if (list) list.push(id);
          else this.cells.set(k, [id]);
        }
      }
    }
  }
  /** The owner of the nearest segment within tol of (x, y), or -1. */
  nearest(x: number, y: number, tol: number): number {
    const list = this.cells.get(this.key(Math.floor(x / this.cell), Math.floor(y / this.cell)));
    if (!list) return -1;
    let best = tol * tol;
    let owner = -1;
    for (const id of list) {
      const s = this.segs[id]!;
      const ex = s.bx - s.ax;
      const ey = s.by - s.ay;
      const l2 = ex * ex + ey * ey;
      let t = l2 > 0 ? ((x - s.ax) * ex + (y - s.ay) * ey) / l2 : 0;
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      const qx = s.ax + t * ex - x;
      const qy = s.ay + t * ey - y;
      const d2 = qx * qx + qy * qy;
      if (d2 <= best) {
        best = d2;
        owner = s.owner;
      }
    }
    return owner;
  }
}

// ---------------------------------------------------------------------------------------
// Statistics

/** Linear weighted kappa of a k×k confusion matrix (rows rater A, columns rater B); null when undefined. */
export function weightedKappa(m: readonly (readonly number[])[]): number | null {
  const k = m.length;
  let n = 0;
  for (const r of m) for (const v of r) n += v;
  if (n === 0) return null;
  const rows = m.map((r) => r.reduce((a, b) => a + b, 0) / n);
  const cols = m[0]!.map((_, j) => m.reduce((a, r) => a + r[j]!, 0) / n);
  let po = 0;
  let pe = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const w = 1 - Math.abs(i - j) / (k - 1);
      po += (w * m[i]![j]!) / n;
      pe += w * rows[i]! * cols[j]!;
    }
  }
  if (Math.abs(1 - pe) < 1e-12) return po >= 1 - 1e-12 ? 1 : null;
  return (po - pe) / (1 - pe);
}

/** Resamples of kappaInterval and the seed of its draws (fixed: the interval is reproducible). */
export const KAPPA_INTERVAL_RESAMPLES = 2000;
export const KAPPA_INTERVAL_SEED = 20261208;

/**
 * 95 % percentile interval of the weighted κ of pooled confusion matrices when the clips are
 * drawn with replacement (a cluster bootstrap: vessels of one clip share its camera, codec and
 * segmentation, so clips, not vessels, are the independent units). null with fewer than 2
 * clips or when no resample has a κ.
 */
export function kappaInterval(perClip: readonly (readonly (readonly number[])[])[], resamples = KAPPA_INTERVAL_RESAMPLES, seed = KAPPA_INTERVAL_SEED): [number, number] | null {
  const n = perClip.length;
  if (n < 2) return null;
  const rng = new Rng(seed);
  const k = perClip[0]!.length;
  const ks: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    for (let i = 0; i < n; i++) {
      const c = perClip[rng.int(n)]!;
      for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) m[a]![b]! += c[a]![b]!;
    }
    const v = weightedKappa(m);
    if (v !== null) ks.push(v);
  }
  if (ks.length === 0) return null;
  ks.sort((a, b) => a - b);
  const at = (q: number): number => ks[Math.min(ks.length - 1, Math.max(0, Math.round(q * (ks.length - 1))))]!;
  return [at(0.025), at(0.975)];
}

export function median(x: readonly number[]): number | null {
  if (x.length === 0) return null;
  const s = [...x].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

// ---------------------------------------------------------------------------------------
// One clip

function judgeMetric(bar: MetricBar, engine: unknown, truth: unknown): { status: Status; error: number | null; reason?: string } {
  if (engine === null || engine === undefined) return { status: 'not measured', error: null };
  if (bar.kind === 'informational') {
    const e = typeof engine === 'number' && typeof truth === 'number' ? engine - truth : null;
    return { status: 'info', error: e };
  }
  if (bar.kind === 'quadrants') {
    const e = engine as (FlowClass | null)[];
    const t = truth as (FlowClass | null)[];
    let mismatches = 0;
    let worst = 0;
    for (let q = 0; q < 4; q++) {
      if (e[q] === t[q]) continue;
      mismatches++;
      const d = e[q] === null || t[q] === null ? Infinity : Math.abs(e[q]! - t[q]!);
      worst = Math.max(worst, d);
    }
    const ok = mismatches <= bar.maxMismatches && worst <= bar.maxClassDifference;
    return ok ? { status: 'pass', error: mismatches } : { status: 'fail', error: mismatches, reason: `${mismatches} quadrant(s) differ${worst === Infinity ? ' (one scored null)' : `, by up to ${worst}`}` };
  }
  if (typeof engine !== 'number' || !Number.isFinite(engine)) return { status: 'fail', error: null, reason: `engine value ${String(engine)} is not a finite number` };
  if (truth === null || truth === undefined) return { status: 'fail', error: null, reason: 'the truth has no value here (nothing to measure), the engine reports one' };
  const t = truth as number;
  if (bar.kind === 'relative') {
    const allowed = Math.max(bar.tolerance * Math.abs(t), bar.floor);
    const err = t !== 0 ? (engine - t) / Math.abs(t) : engine - t;
    return Math.abs(engine - t) <= allowed
      ? { status: 'pass', error: err }
      : { status: 'fail', error: err, reason: `engine ${fmtNum(engine)} vs truth ${fmtNum(t)}: off by ${fmtNum(engine - t)} ${bar.unit}${t !== 0 ? ` (${(100 * err).toFixed(1)} %)` : ''}, allowed ${fmtNum(allowed)}` };
  }
  const err = engine - t;
  return Math.abs(err) <= bar.tolerance
    ? { status: 'pass', error: err }
    : { status: 'fail', error: err, reason: `engine ${fmtNum(engine)} vs truth ${fmtNum(t)}: off by ${fmtNum(err)} ${bar.unit}, allowed ±${bar.tolerance}` };
}

export interface CompareOptions {
  id: string;
  description?: string;
  /**
   * The clip's stabilised mean image (reference-frame px), as the engine saw it: when given,
   * recall is also reported by each truth vessel's lumen contrast on it (recallByLumenContrast).
   */
  mean?: { image: Float32Array; width: number; height: number };
}

/**
 * Bins of a truth vessel's lumen contrast on the clip's mean image (the median relative
 * darkness of its centerline against the tissue beside it, src/analysis/lumen-contrast.ts,
 * measured along the TRUTH centerline with the truth diameter): below the engine's own bar for
 * a chain to be a vessel (CHAIN_MIN_LUMEN_CONTRAST, 0.1) a vessel is too faint for the engine
 * to count by construction; below ~0.05 it is not visible in the mean at all. A diagnostic
 * (not judged): it separates vessels the engine misses from vessels the picture does not show.
 */
export const LUMEN_CONTRAST_BINS: readonly { label: string; below: number }[] = [
  { label: '< 0.05', below: 0.05 },
  { label: '0.05–0.1', below: 0.1 },
  { label: '0.1–0.2', below: 0.2 },
  { label: '≥ 0.2', below: Infinity },
];

/** Compare one engine result with the truth of its phantom. */
export function compareClip(truth: PhantomTruth, result: EngineResult, opts: CompareOptions): ClipComparison {
  const { umPerPxX: sx, umPerPxY: sy } = truth.clip.scale;
  const refK = result.analysis.referenceFrame;
  const refOff = truth.frames[refK]?.offsetPx ?? [0, 0];
  const er = result.analysis.analysedRegion;
  const region: AnalysedRegion = { x: er.x + refOff[0], y: er.y + refOff[1], width: er.width, height: er.height };
  const toF0 = (p: PointPx): PointPx => [p[0] + refOff[0], p[1] + refOff[1]];

  // Metrics.
  const tm = truthMetricsForRegion(truth, region, { smallVesselMaxUm: result.calibration.smallVesselMaxUm });
  const rows: MetricRow[] = [];
  for (const pop of POPULATIONS) {
    for (const key of METRIC_KEYS) {
      const bar = METRIC_BARS[key];
      const engine = result.metrics[pop][key];
      const tv = (tm[pop] as MetricSet)[key];
      const j = judgeMetric(bar, engine, tv);
      rows.push({ metric: key, population: pop, engine: engine ?? null, truth: tv, error: j.error, bar: describeBar(bar), status: j.status, ...(j.reason !== undefined ? { reason: j.reason } : {}) });
    }
  }

  // Vessels.
  const vessels = compareVessels(truth, result, region, toF0, sx, sy, opts.mean, refOff);

  const failures = rows.filter((r) => r.status === 'fail').map((r) => `${r.metric} (${r.population}): ${r.reason ?? 'outside its bar'}`);
  if (vessels.recallStatus === 'fail') failures.push(`small-vessel recall ${pct(vessels.recall)} < ${VESSEL_BARS.recall.min * 100} %`);
  if (vessels.precisionStatus === 'fail') failures.push(`small-vessel precision ${pct(vessels.precision)} < ${VESSEL_BARS.precision.min * 100} %`);
  if (vessels.diameter.status === 'fail') failures.push(`diameter MdAE ${vessels.diameter.sharpMdAEUm!.toFixed(2)} µm > ${VESSEL_BARS.diameterMdAEUm.max} µm over ${vessels.diameter.sharpPairs} sharp pairs`);
  const notMeasured = rows.filter((r) => r.status === 'not measured').map((r) => `${r.metric} (${r.population})`);
  if (!vessels.measured) notMeasured.push('vessels (recall, precision, classes, velocities)');
  else {
    if (vessels.pairs.every((p) => p.engineClass === null)) notMeasured.push('vessel flow classes');
    if (vessels.pairs.every((p) => p.engineVelocityUmPerS === null && p.engineCensored === null)) notMeasured.push('vessel velocities');
  }

  const ff = truth.regions.fullFrame;
  const area = er.width * er.height;
  const fps = truth.clip.fps.den === 1 ? String(truth.clip.fps.num) : `${truth.clip.fps.num}/${truth.clip.fps.den}`;
  return {
    id: opts.id,
    description: opts.description ?? '',
    flowMode: truth.settings.flow.mode === 'spread' ? 'spread' : 'classes',
    clip: {
      codec: truth.settings.codec,
      width: truth.clip.width,
      height: truth.clip.height,
      fps,
      frameCount: truth.clip.frameCount,
      umPerPx: [sx, sy],
      interlace: truth.clip.interlace,
    },
    region: {
      engine: er,
      referenceFrame: refK,
      frame0: region,
      areaMm2: tm.analysedAreaMm2,
      truthCommon: truth.regions.common,
      outsideFullFrame: 1 - intersectArea(er, ff) / area,
      outsideCommon: 1 - intersectArea(region, truth.regions.common) / area,
      overlapsOverlay: truth.overlayRect !== null && intersectArea(er, truth.overlayRect) > 0,
    },
    rows,
    vessels,
    failures,
    notMeasured,
  };
}

function compareVessels(truth: PhantomTruth, result: EngineResult, region: AnalysedRegion, toF0: (p: PointPx) => PointPx, sx: number, sy: number, mean: CompareOptions['mean'], refOff: readonly [number, number]): VesselComparison {
  const empty4 = (): number[] => [0, 0, 0, 0];
  const anyMetric = POPULATIONS.some((p) => METRIC_KEYS.some((k) => result.metrics[p][k] !== null));
  const measured = result.vessels.length > 0 || anyMetric;
  const base: VesselComparison = {
    measured,
    truthLengthUm: 0,
    engineLengthUm: 0,
    matchedTruthUm: 0,
    matchedEngineUm: 0,
    recall: null,
    precision: null,
    recallAll: null,
    precisionAll: null,
    recallStatus: measured ? 'fail' : 'not measured',
    precisionStatus: measured ? 'fail' : 'not measured',
    pairs: [],
    engineVessels: [],
    recallByDepthLayer: [],
    recallByFlowClass: [],
    recallByLumenContrast: [],
    confusion: [empty4(), empty4(), empty4(), empty4()],
    unclassified: empty4(),
    missed: empty4(),
    weightedKappa: null,
    exactAgreement: null,
    velocity: { measurable: 0, measured: 0, censoredInRange: 0, mdare: null },
    diameter: { sharpPairs: 0, sharpMdAEUm: null, status: 'not measured', biasByClassUm: [] },
  };
  if (!measured) return base;

  const polys = (truth.occlusions ?? []).map((o) => o.polygonPx);
  const tol = MATCH_TOLERANCE_PX;
  // Truth: visible parts, sampled inside the region; index for precision.
  const truthIndex = new SegmentIndex(4);
  const truthSamples: Sample[] = [];
  const truthLen: number[] = [];
  truth.vessels.forEach((v, i) => {
    const parts = partsOutsidePolygons(v.centerlinePx, polys);
    let len = 0;
    for (const part of parts) {
      truthIndex.add(part, i, tol);
      len += sampleInside(part, i, region, sx, sy, truthSamples);
    }
    truthLen.push(len);
  });
  // Engine: centerlines into frame-0 px.
  const engineIndex = new SegmentIndex(4);
  const engineSamples: Sample[] = [];
  result.vessels.forEach((v, i) => {
    const pts = v.points.map(toF0);
    engineIndex.add(pts, i, tol);
    sampleInside(pts, i, region, sx, sy, engineSamples);
  });

  // Recall, and per truth vessel: covered length by each engine vessel. The judged recall and
  // precision are the SMALL vessels' (the vessel-map issue's bar: "small-vessel centerline
  // recall and precision"): truth small vessels found by any engine centerline, engine small
  // vessels near any truth centerline. All vessels are reported too, not judged: a venule's
  // axis 2 px off is a few per cent of its width and moves no small-vessel metric.
  const cover = truth.vessels.map(() => new Map<number, number>());
  const t = { all: 0, allHit: 0, small: 0, smallHit: 0 };
  // Small vessels' truth and matched length by the truth's depth layer (0 in focus, deeper more blurred).
  const byLayer = new Map<number, { truthUm: number; matchedUm: number }>();
  // …and by the truth's flow class: a class the segmentation misses more often skews MFI and PPV.
  const byClass = new Map<number, { truthUm: number; matchedUm: number }>();
  const bin = (m: Map<number, { truthUm: number; matchedUm: number }>, k: number): { truthUm: number; matchedUm: number } => {
    const b = m.get(k) ?? { truthUm: 0, matchedUm: 0 };
    m.set(k, b);
    return b;
  };
  // …and by the truth vessel's lumen contrast on the mean image (see LUMEN_CONTRAST_BINS).
  const byContrast = new Map<number, { truthUm: number; matchedUm: number }>();
  const contrastBin = truth.vessels.map((v): number | null => {
    if (mean === undefined || !v.small) return null;
    const c = truthLumenContrast(mean, v.centerlinePx.map((p): PointPx => [p[0] - refOff[0], p[1] - refOff[1]]), v.diameterUm / Math.sqrt(sx * sy), Math.sqrt(sx * sy));
    return c === null ? null : LUMEN_CONTRAST_BINS.findIndex((b) => c < b.below);
  });
  for (const s of truthSamples) {
    const tv = truth.vessels[s.owner]!;
    const layer = tv.small ? bin(byLayer, tv.depthLayer) : null;
    const cls = tv.small ? bin(byClass, tv.flowClass) : null;
    const cb = contrastBin[s.owner] ?? null;
    const con = cb !== null ? bin(byContrast, cb) : null;
    if (con !== null) con.truthUm += s.w;
    t.all += s.w;
    if (layer !== null) {
      t.small += s.w;
      layer.truthUm += s.w;
      cls!.truthUm += s.w;
    }
    const e = engineIndex.nearest(s.x, s.y, tol);
    if (e < 0) continue;
    t.allHit += s.w;
    if (con !== null) con.matchedUm += s.w;
    if (layer !== null) {
      t.smallHit += s.w;
      layer.matchedUm += s.w;
      cls!.matchedUm += s.w;
    }
    const m = cover[s.owner]!;
    m.set(e, (m.get(e) ?? 0) + s.w);
  }
  const e = { all: 0, allHit: 0, small: 0, smallHit: 0 };
  const perEngine = result.vessels.map(() => ({ len: 0, hit: 0, byTruthClass: [0, 0, 0, 0] as [number, number, number, number] }));
  for (const s of engineSamples) {
    const small = result.vessels[s.owner]!.small;
    e.all += s.w;
    if (small) e.small += s.w;
    perEngine[s.owner]!.len += s.w;
    const near = truthIndex.nearest(s.x, s.y, tol);
    if (near >= 0) {
      e.allHit += s.w;
      if (small) e.smallHit += s.w;
      perEngine[s.owner]!.hit += s.w;
      perEngine[s.owner]!.byTruthClass[truth.vessels[near]!.flowClass] += s.w;
    }
  }
  const engineVessels = result.vessels.map((v, i) => ({
    id: v.id,
    lengthUm: perEngine[i]!.len,
    matchedShare: perEngine[i]!.len > 0 ? perEngine[i]!.hit / perEngine[i]!.len : null,
    diameterUm: v.diameterUm,
    small: v.small,
    flowClass: v.flowClass,
    matchedUmByTruthClass: perEngine[i]!.byTruthClass,
  }));
  const recall = t.small > 0 ? t.smallHit / t.small : null;
  const precision = e.small > 0 ? e.smallHit / e.small : null;
  const recallAll = t.all > 0 ? t.allHit / t.all : null;
  const precisionAll = e.all > 0 ? e.allHit / e.all : null;
  const recallByDepthLayer = [...byLayer.entries()].sort((a, b) => a[0] - b[0]).map(([layer, b]) => ({ layer, ...b }));
  const recallByFlowClass = [...byClass.entries()].sort((a, b) => a[0] - b[0]).map(([flowClass, b]) => ({ flowClass, ...b }));
  const recallByLumenContrast = [...byContrast.entries()].sort((a, b) => a[0] - b[0]).map(([bin, b]) => ({ bin, ...b }));

  // Pairs.
  const fpsV = truth.clip.fps.num / truth.clip.fps.den;
  const vMin = (2 * ((sx + sy) / 2)) / truth.clip.durationS;
  const pairs: Pair[] = [];
  const out = { ...base };
  truth.vessels.forEach((v, i) => {
    const L = truthLen[i]!;
    if (L < PAIR_MIN_LENGTH_UM) return;
    let bestE = -1;
    let bestLen = 0;
    for (const [e, len] of cover[i]!) if (len > bestLen || (len === bestLen && e < bestE)) [bestE, bestLen] = [e, len];
    const coverage = bestLen / L;
    const margin = thresholdMargin(v.velocity);
    const bin = MARGIN_BINS.find((b) => margin.relative >= b.min && margin.relative < b.max)!.label;
    const vt = v.velocity.meanUmPerS;
    const measurable = vt > 0 && vt >= vMin && vt <= (L * fpsV) / 2;
    if (bestE < 0 || coverage < PAIR_MIN_COVERAGE) {
      out.missed[v.flowClass]!++;
      pairs.push({ truthId: v.id, engineId: null, coverage, truthLengthUm: L, truthSmall: v.small, truthClass: v.flowClass, engineClass: null, marginRelative: margin.relative, marginBin: bin, truthVelocityUmPerS: vt, engineVelocityUmPerS: null, engineCensored: null, measurable, relativeError: null });
      return;
    }
    const ev = result.vessels[bestE]!;
    const evel = ev.velocity;
    const value = evel && evel.censored === null ? evel.valueUmPerS : null;
    const relativeError = measurable && value !== null ? Math.abs(value - vt) / vt : null;
    if (ev.flowClass === null) out.unclassified[v.flowClass]!++;
    else out.confusion[v.flowClass]![ev.flowClass]!++;
    pairs.push({
      truthId: v.id,
      engineId: ev.id,
      coverage,
      truthLengthUm: L,
      truthSmall: v.small,
      truthClass: v.flowClass,
      engineClass: ev.flowClass,
      marginRelative: margin.relative,
      marginBin: bin,
      truthVelocityUmPerS: vt,
      engineVelocityUmPerS: value,
      engineCensored: evel?.censored ?? null,
      measurable,
      relativeError,
      truthDiameterUm: v.diameterUm,
      engineDiameterUm: ev.diameterUm,
      blurSigmaPx: v.blurSigmaUm / Math.sqrt(sx * sy),
    });
  });
  const dp = pairs.filter((p) => p.engineDiameterUm !== undefined && p.engineDiameterUm !== null);
  const sharp = dp.filter((p) => p.blurSigmaPx! <= DIAMETER_SHARP_MAX_BLUR_PX).map((p) => Math.abs(p.engineDiameterUm! - p.truthDiameterUm!));
  const sharpMdAE = median(sharp);
  const diameter: VesselComparison['diameter'] = {
    sharpPairs: sharp.length,
    sharpMdAEUm: sharpMdAE,
    status: sharp.length < DIAMETER_MIN_PAIRS ? 'info' : sharpMdAE! <= VESSEL_BARS.diameterMdAEUm.max ? 'pass' : 'fail',
    biasByClassUm: DIAMETER_CLASSES.map((c) => {
      const e = dp.filter((p) => p.truthDiameterUm! >= c.min && p.truthDiameterUm! < c.max).map((p) => p.engineDiameterUm! - p.truthDiameterUm!);
      return { label: c.label, pairs: e.length, medianErrorUm: median(e) };
    }),
  };
  const classified = out.confusion.reduce((a, r) => a + r.reduce((x, y) => x + y, 0), 0);
  const agree = out.confusion.reduce((a, r, i) => a + r[i]!, 0);
  const rel = pairs.filter((p) => p.relativeError !== null).map((p) => p.relativeError!);
  return {
    ...out,
    truthLengthUm: t.small,
    engineLengthUm: e.small,
    matchedTruthUm: t.smallHit,
    matchedEngineUm: e.smallHit,
    recallAll,
    precisionAll,
    recall,
    precision,
    recallStatus: recall !== null && recall >= VESSEL_BARS.recall.min ? 'pass' : t.small === 0 ? 'info' : 'fail',
    precisionStatus: precision !== null && precision >= VESSEL_BARS.precision.min ? 'pass' : e.small === 0 && t.small === 0 ? 'info' : 'fail',
    pairs,
    engineVessels,
    recallByDepthLayer,
    recallByFlowClass,
    recallByLumenContrast,
    weightedKappa: weightedKappa(out.confusion),
    exactAgreement: classified > 0 ? agree / classified : null,
    velocity: {
      measurable: pairs.filter((p) => p.measurable && p.engineId !== null).length,
      measured: rel.length,
      censoredInRange: pairs.filter((p) => p.measurable && p.engineCensored !== null).length,
      mdare: median(rel),
    },
    diameter,
  };
}

/** Pairs whose truth blur σ is at most this many px count as sharp for the diameter bar (issue: "blur σ ≤ 1 px"). */
export const DIAMETER_SHARP_MAX_BLUR_PX = 1;
/** The diameter bar is judged on a clip with at least this many sharp pairs. */
export const DIAMETER_MIN_PAIRS = 3;
const DIAMETER_CLASSES = [
  { label: '< 8 µm', min: 0, max: 8 },
  { label: '8–20 µm', min: 8, max: 20 },
  { label: '≥ 20 µm', min: 20, max: Infinity },
];

// ---------------------------------------------------------------------------------------
// A clip set

export interface MetricSummaryRow {
  metric: MetricKey;
  population: Population;
  bar: string;
  judged: boolean;
  clips: number;
  measured: number;
  pass: number;
  fail: number;
  medianAbsError: number | null;
  maxAbsError: number | null;
}

export interface SetSummary {
  set: string;
  clips: number;
  metrics: MetricSummaryRow[];
  vessels: {
    measuredClips: number;
    /** Small vessels (judged). */
    recall: { median: number | null; min: number | null; pass: number; fail: number };
    precision: { median: number | null; min: number | null; pass: number; fail: number };
    /** All vessels, medians over the clips (reported, not judged). */
    recallAllMedian: number | null;
    precisionAllMedian: number | null;
    confusion: number[][];
    unclassified: number[];
    missed: number[];
    weightedKappa: number | null;
    kappaStatus: Status;
    exactAgreement: number | null;
    byMargin: { bin: string; pairs: number; classified: number; exactAgreement: number | null; weightedKappa: number | null; velocityMdARE: number | null }[];
    /** Issue 6's two modes, over matched SMALL truth vessels (flowModeSummary). */
    byFlowMode: FlowModeSummary;
    velocity: { measurable: number; measured: number; censoredInRange: number; mdare: number | null; status: Status };
    /** Pooled recall by the truth's depth layer (0 = in focus), and the truth length behind it, µm. */
    recallByDepthLayer: { layer: number; truthUm: number; recall: number | null }[];
    /** Pooled small-vessel recall by the truth's flow class (0–3), and the truth length behind it, µm. */
    recallByFlowClass: { flowClass: number; truthUm: number; recall: number | null }[];
    /** Pooled small-vessel recall by lumen contrast on the mean image (LUMEN_CONTRAST_BINS), over the clips compared with their mean image. */
    recallByLumenContrast: { label: string; truthUm: number; recall: number | null }[];
    /** Engine length off every truth centerline (beyond the match tolerance), µm, by the engine's flow class (null = unclassified), pooled. */
    falseLengthUmByEngineClass: { engineClass: 0 | 1 | 2 | 3 | null; engineUm: number; falseUm: number }[];
    /**
     * Small engine vessels' length near a truth centerline, µm, pooled: [engine class 0–3, then
     * unclassified][the nearest truth vessel's class]. Length, not vessel counts: what PPV and
     * quadrant MFI weigh (κ pairs each truth vessel with one engine vessel only).
     */
    lengthConfusionUm: number[][];
  };
  /** Items the engine reported in no clip, "metric (population)". */
  notMeasuredAnywhere: string[];
  /** Every failure, "clip: item: why". */
  failures: string[];
}

/** Truth and matched length pooled over clips by a key (depth layer, flow class), with the recall. */
function pooledRecall(bins: readonly (readonly { key: number; truthUm: number; matchedUm: number }[])[]): { key: number; truthUm: number; recall: number | null }[] {
  const by = new Map<number, { t: number; m: number }>();
  for (const clip of bins) {
    for (const b of clip) {
      const a = by.get(b.key) ?? { t: 0, m: 0 };
      a.t += b.truthUm;
      a.m += b.matchedUm;
      by.set(b.key, a);
    }
  }
  return [...by.entries()].sort((a, b) => a[0] - b[0]).map(([key, a]) => ({ key, truthUm: a.t, recall: a.t > 0 ? a.m / a.t : null }));
}

function pooledLengthConfusion(comps: readonly ClipComparison[]): number[][] {
  const m = [0, 1, 2, 3, 4].map(() => [0, 0, 0, 0]);
  for (const c of comps) {
    for (const e of c.vessels.engineVessels) {
      if (!e.small) continue;
      const row = m[e.flowClass ?? 4]!;
      e.matchedUmByTruthClass.forEach((um, k) => (row[k] += um));
    }
  }
  return m;
}

function pooledFalseLength(comps: readonly ClipComparison[]): SetSummary['vessels']['falseLengthUmByEngineClass'] {
  const classes = [0, 1, 2, 3, null] as const;
  return classes.map((k) => {
    let engineUm = 0;
    let falseUm = 0;
    for (const c of comps) {
      for (const e of c.vessels.engineVessels) {
        if (e.flowClass !== k || e.matchedShare === null) continue;
        engineUm += e.lengthUm;
        falseUm += e.lengthUm * (1 - e.matchedShare);
      }
    }
    return { engineClass: k, engineUm, falseUm };
  });
}

/** Issue 6's bars by flow mode (see flowModeSummary). */
export interface FlowModeSummary {
  clearCut: {
    clips: number;
    classified: number;
    confusion: number[][];
    weightedKappa: number | null;
    /** 95 % interval of the weighted κ when the clips are resampled (kappaInterval): how far the bar judgement is from chance. */
    weightedKappaInterval: [number, number] | null;
    exactAgreement: number | null;
    classifiedLengthShare: number | null;
  };
  spread: { clips: number; classified: number; exactAgreement: number | null; farFromThreshold: number; farExactAgreement: number | null };
}

/** Issue 6: spread-mode accuracy is judged on vessels at least this far (relative) from a class threshold. */
export const SPREAD_FAR_MARGIN = 0.2;

/**
 * Issue 6's flow-class bars, each over the matched small truth vessels of its kind of clip.
 * Clear-cut clips (flowMode 'classes'): the 4×4 confusion, linear weighted κ, exact agreement,
 * and the share of the matched length (truth length × coverage) that got a class. Spread clips:
 * exact agreement overall and for vessels at least SPREAD_FAR_MARGIN from a threshold.
 */
export function flowModeSummary(comps: readonly ClipComparison[]): FlowModeSummary {
  const matchedSmall = (cs: readonly ClipComparison[]): Pair[] => cs.filter((c) => c.vessels.measured).flatMap((c) => c.vessels.pairs.filter((p) => p.truthSmall && p.engineId !== null));
  const exact = (ps: readonly Pair[]): number | null => {
    const cl = ps.filter((p) => p.engineClass !== null);
    return cl.length > 0 ? cl.filter((p) => p.engineClass === p.truthClass).length / cl.length : null;
  };
  const clear = comps.filter((c) => c.flowMode === 'classes');
  const cp = matchedSmall(clear);
  const confusionOf = (ps: readonly Pair[]): number[][] => {
    const m = [0, 1, 2, 3].map(() => [0, 0, 0, 0]);
    for (const p of ps) if (p.engineClass !== null) m[p.truthClass]![p.engineClass]!++;
    return m;
  };
  const confusion = confusionOf(cp);
  const matchedUm = cp.reduce((a, p) => a + p.truthLengthUm * p.coverage, 0);
  const classifiedUm = cp.filter((p) => p.engineClass !== null).reduce((a, p) => a + p.truthLengthUm * p.coverage, 0);
  const spread = comps.filter((c) => c.flowMode === 'spread');
  const sp = matchedSmall(spread);
  const far = sp.filter((p) => p.marginRelative >= SPREAD_FAR_MARGIN);
  return {
    clearCut: {
      clips: clear.length,
      classified: cp.filter((p) => p.engineClass !== null).length,
      confusion,
      weightedKappa: weightedKappa(confusion),
      weightedKappaInterval: kappaInterval(clear.filter((c) => c.vessels.measured).map((c) => confusionOf(matchedSmall([c])))),
      exactAgreement: exact(cp),
      classifiedLengthShare: matchedUm > 0 ? classifiedUm / matchedUm : null,
    },
    spread: { clips: spread.length, classified: sp.filter((p) => p.engineClass !== null).length, exactAgreement: exact(sp), farFromThreshold: far.filter((p) => p.engineClass !== null).length, farExactAgreement: exact(far) },
  };
}

export function summarize(set: string, comps: readonly ClipComparison[]): SetSummary {
  const metrics: MetricSummaryRow[] = [];
  for (const pop of POPULATIONS) {
    for (const key of METRIC_KEYS) {
      const rs = comps.map((c) => c.rows.find((r) => r.metric === key && r.population === pop)!);
      const errs = rs.filter((r) => r.error !== null && r.status !== 'not measured').map((r) => Math.abs(r.error!));
      metrics.push({
        metric: key,
        population: pop,
        bar: describeBar(METRIC_BARS[key]),
        judged: METRIC_BARS[key].kind !== 'informational',
        clips: rs.length,
        measured: rs.filter((r) => r.status !== 'not measured').length,
        pass: rs.filter((r) => r.status === 'pass').length,
        fail: rs.filter((r) => r.status === 'fail').length,
        medianAbsError: median(errs),
        maxAbsError: errs.length ? Math.max(...errs) : null,
      });
    }
  }
  const vm = comps.filter((c) => c.vessels.measured);
  const recalls = vm.map((c) => c.vessels.recall).filter((x): x is number => x !== null);
  const precisions = vm.map((c) => c.vessels.precision).filter((x): x is number => x !== null);
  const confusion = [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => vm.reduce((a, c) => a + c.vessels.confusion[i]![j]!, 0)));
  const pairs = vm.flatMap((c) => c.vessels.pairs);
  const classifiedTotal = confusion.reduce((a, r) => a + r.reduce((x, y) => x + y, 0), 0);
  const kappa = weightedKappa(confusion);
  const rel = pairs.filter((p) => p.relativeError !== null).map((p) => p.relativeError!);
  const mdare = median(rel);
  const byMargin = MARGIN_BINS.map((b) => {
    const ps = pairs.filter((p) => p.marginBin === b.label && p.engineId !== null);
    const m = [0, 1, 2, 3].map(() => [0, 0, 0, 0]);
    for (const p of ps) if (p.engineClass !== null) m[p.truthClass]![p.engineClass]!++;
    const n = m.reduce((a, r) => a + r.reduce((x, y) => x + y, 0), 0);
    const re = ps.filter((p) => p.relativeError !== null).map((p) => p.relativeError!);
    return { bin: b.label, pairs: ps.length, classified: n, exactAgreement: n > 0 ? m.reduce((a, r, i) => a + r[i]!, 0) / n : null, weightedKappa: weightedKappa(m), velocityMdARE: median(re) };
  });
  const anyClass = pairs.some((p) => p.engineClass !== null);
  const kappaStatus: Status = !anyClass ? 'not measured' : kappa === null ? 'info' : kappa >= VESSEL_BARS.pooledWeightedKappa.min ? 'pass' : 'fail';
  const velStatus: Status = rel.length === 0 ? 'not measured' : mdare! <= VESSEL_BARS.pooledVelocityMdARE.max ? 'pass' : 'fail';
  const failures = comps.flatMap((c) => c.failures.map((f) => `${c.id}: ${f}`));
  if (kappaStatus === 'fail') failures.push(`pooled: flow-class weighted kappa ${kappa!.toFixed(3)} < ${VESSEL_BARS.pooledWeightedKappa.min}`);
  if (velStatus === 'fail') failures.push(`pooled: velocity MdARE ${pct(mdare)} > ${VESSEL_BARS.pooledVelocityMdARE.max * 100} %`);
  const notMeasuredAnywhere = metrics.filter((m) => m.measured === 0).map((m) => `${m.metric} (${m.population})`);
  if (vm.length === 0) notMeasuredAnywhere.push('vessels (recall, precision, classes, velocities)');
  else {
    if (!anyClass) notMeasuredAnywhere.push('vessel flow classes');
    if (rel.length === 0) notMeasuredAnywhere.push('vessel velocities');
  }
  return {
    set,
    clips: comps.length,
    metrics,
    vessels: {
      measuredClips: vm.length,
      recall: { median: median(recalls), min: recalls.length ? Math.min(...recalls) : null, pass: vm.filter((c) => c.vessels.recallStatus === 'pass').length, fail: vm.filter((c) => c.vessels.recallStatus === 'fail').length },
      precision: { median: median(precisions), min: precisions.length ? Math.min(...precisions) : null, pass: vm.filter((c) => c.vessels.precisionStatus === 'pass').length, fail: vm.filter((c) => c.vessels.precisionStatus === 'fail').length },
      confusion,
      unclassified: [0, 1, 2, 3].map((i) => vm.reduce((a, c) => a + c.vessels.unclassified[i]!, 0)),
      missed: [0, 1, 2, 3].map((i) => vm.reduce((a, c) => a + c.vessels.missed[i]!, 0)),
      weightedKappa: kappa,
      kappaStatus,
      exactAgreement: classifiedTotal > 0 ? confusion.reduce((a, r, i) => a + r[i]!, 0) / classifiedTotal : null,
      byMargin,
      byFlowMode: flowModeSummary(comps),
      velocity: { measurable: pairs.filter((p) => p.measurable && p.engineId !== null).length, measured: rel.length, censoredInRange: pairs.filter((p) => p.measurable && p.engineCensored !== null).length, mdare, status: velStatus },
      recallAllMedian: median(vm.map((c) => c.vessels.recallAll).filter((x): x is number => x !== null)),
      precisionAllMedian: median(vm.map((c) => c.vessels.precisionAll).filter((x): x is number => x !== null)),
      recallByDepthLayer: pooledRecall(vm.map((c) => c.vessels.recallByDepthLayer.map((b) => ({ key: b.layer, ...b })))).map(({ key, ...b }) => ({ layer: key, ...b })),
      recallByFlowClass: pooledRecall(vm.map((c) => c.vessels.recallByFlowClass.map((b) => ({ key: b.flowClass, ...b })))).map(({ key, ...b }) => ({ flowClass: key, ...b })),
      recallByLumenContrast: pooledRecall(vm.map((c) => (c.vessels.recallByLumenContrast ?? []).map((b) => ({ key: b.bin, ...b })))).map(({ key, ...b }) => ({ label: LUMEN_CONTRAST_BINS[key]!.label, ...b })),
      falseLengthUmByEngineClass: pooledFalseLength(vm),
      lengthConfusionUm: pooledLengthConfusion(vm),
    },
    notMeasuredAnywhere,
    failures,
  };
}

// ---------------------------------------------------------------------------------------
// Text

function fmtNum(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x)) return String(x);
  const a = Math.abs(x);
  return a >= 1000 ? x.toFixed(0) : a >= 100 ? x.toFixed(1) : a >= 1 ? x.toFixed(2) : a === 0 ? '0' : x.toPrecision(3);
}

function pct(x: number | null): string {
  return x === null ? '—' : `${(100 * x).toFixed(1)} %`;
}

export function fmtValue(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return fmtNum(v);
  if (Array.isArray(v)) return v.map((x) => (x === null ? '·' : String(x))).join(',');
  if (typeof v === 'object') {
    const o = v as Record<string, number>;
    if ('unclassified' in o) return `${[0, 1, 2, 3].map((c) => fmtNum(o[c]!)).join('/')}/${fmtNum(o.unclassified!)}`;
    return JSON.stringify(v);
  }
  return String(v);
}

function fmtError(r: MetricRow): string {
  if (r.error === null) return '—';
  const bar = METRIC_BARS[r.metric];
  if (bar.kind === 'relative') return r.truth === 0 ? fmtNum(r.error) : `${(100 * r.error).toFixed(1)} %`;
  if (bar.kind === 'quadrants') return `${r.error} differ`;
  return fmtNum(r.error);
}

const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number): string => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

function regionText(r: AnalysedRegion): string {
  return `${fmtNum(r.width)}×${fmtNum(r.height)} at (${fmtNum(r.x)}, ${fmtNum(r.y)})`;
}

/** The per-clip table (text): every judged metric and the vessel count (the JSON and markdown hold all rows). */
export function formatClip(c: ClipComparison, opts: { allRows?: boolean } = {}): string {
  const L: string[] = [];
  L.push(`── ${c.id}: ${c.description}`);
  L.push(`   ${c.clip.codec}, ${c.clip.width}×${c.clip.height}, ${c.clip.fps} fps, ${c.clip.frameCount} frames, ${c.clip.umPerPx[0].toFixed(3)}×${c.clip.umPerPx[1].toFixed(3)} µm/px${c.clip.interlace !== 'none' ? `, interlaced ${c.clip.interlace}` : ''}${c.runtimeS ? `; generate ${c.runtimeS.generate.toFixed(1)} s, analyse ${c.runtimeS.analyze.toFixed(1)} s` : ''}`);
  const g = c.region;
  L.push(
    `   engine region ${regionText(g.engine)} px (reference frame ${g.referenceFrame}) = ${g.areaMm2.toFixed(4)} mm²; truth common region ${regionText(g.truthCommon)}; ` +
      `outside full frame ${(100 * g.outsideFullFrame).toFixed(1)} %, outside common ${(100 * g.outsideCommon).toFixed(1)} %, overlaps overlay ${g.overlapsOverlay ? 'YES' : 'no'}`,
  );
  L.push(`   ${pad('metric', 23)} ${pad('pop', 6)}${lpad('engine', 12)}${lpad('truth', 12)}${lpad('error', 10)}  ${pad('bar', 27)}status`);
  for (const r of c.rows) {
    if (opts.allRows !== true && METRIC_BARS[r.metric].kind === 'informational' && r.metric !== 'vesselCount') continue;
    L.push(`   ${pad(r.metric, 23)} ${pad(r.population, 6)}${lpad(fmtValue(r.engine), 12)}${lpad(fmtValue(r.truth), 12)}${lpad(fmtError(r), 10)}  ${pad(r.bar, 27)}${r.status}${r.status === 'fail' && r.reason ? `: ${r.reason}` : ''}`);
  }
  const v = c.vessels;
  if (!v.measured) L.push('   vessels: not measured (the engine reported no vessel and no metric)');
  else {
    L.push(`   small vessels: recall ${pct(v.recall)} [${v.recallStatus}], precision ${pct(v.precision)} [${v.precisionStatus}] at ${MATCH_TOLERANCE_PX} px; truth ${fmtNum(v.truthLengthUm)} µm, engine ${fmtNum(v.engineLengthUm)} µm (all vessels: recall ${pct(v.recallAll)}, precision ${pct(v.precisionAll)})`);
    L.push(`   classes (rows truth 0–3, columns engine 0–3 | unclassified | missed): ${v.confusion.map((r, i) => `${r.join(' ')} | ${v.unclassified[i]} | ${v.missed[i]}`).join(' ; ')}`);
    L.push(`   weighted κ ${v.weightedKappa === null ? '—' : v.weightedKappa.toFixed(3)}, exact ${pct(v.exactAgreement)}; velocity: ${v.velocity.measured} of ${v.velocity.measurable} measurable pairs measured, MdARE ${pct(v.velocity.mdare)}, censored in range ${v.velocity.censoredInRange}`);
    L.push(`   diameter: MdAE ${v.diameter.sharpMdAEUm === null ? '—' : v.diameter.sharpMdAEUm.toFixed(2)} µm over ${v.diameter.sharpPairs} sharp pairs [${v.diameter.status}]; median error by class ${v.diameter.biasByClassUm.map((b) => `${b.label}: ${b.medianErrorUm === null ? '—' : b.medianErrorUm.toFixed(2)} (${b.pairs})`).join(', ')}`);
  }
  L.push(c.failures.length ? `   FAILED: ${c.failures.join('; ')}` : '   no reported metric outside its bar');
  if (c.notMeasured.length) L.push(`   not measured: ${c.notMeasured.length} item(s) (see the summary)`);
  return L.join('\n');
}

/** The summary (text). */
export function formatSummary(s: SetSummary, extra: { engineVersion?: string; runtimeS?: number } = {}): string {
  const L: string[] = [];
  L.push(`ACCURACY SUMMARY — set "${s.set}", ${s.clips} clips${extra.engineVersion ? `, engine ${extra.engineVersion}` : ''}${extra.runtimeS !== undefined ? `, ${extra.runtimeS.toFixed(0)} s` : ''}`);
  L.push(`${pad('metric', 23)} ${pad('pop', 6)}${lpad('measured', 10)}${lpad('pass', 6)}${lpad('fail', 6)}${lpad('median |err|', 14)}${lpad('max |err|', 12)}  bar`);
  for (const m of s.metrics) {
    const rel = METRIC_BARS[m.metric].kind === 'relative';
    const f = (x: number | null): string => (x === null ? '—' : rel ? `${(100 * x).toFixed(1)} %` : fmtNum(x));
    L.push(`${pad(m.metric, 23)} ${pad(m.population, 6)}${lpad(`${m.measured}/${m.clips}`, 10)}${lpad(String(m.pass), 6)}${lpad(String(m.fail), 6)}${lpad(f(m.medianAbsError), 14)}${lpad(f(m.maxAbsError), 12)}  ${m.bar}`);
  }
  const v = s.vessels;
  if (v.measuredClips === 0) L.push('vessels: not measured in any clip');
  else {
    L.push(`small vessels (${v.measuredClips} clips): recall median ${pct(v.recall.median)}, min ${pct(v.recall.min)} (${v.recall.pass} pass, ${v.recall.fail} fail); precision median ${pct(v.precision.median)}, min ${pct(v.precision.min)} (${v.precision.pass} pass, ${v.precision.fail} fail); all vessels (not judged): recall median ${pct(v.recallAllMedian)}, precision median ${pct(v.precisionAllMedian)}`);
    L.push(`   small-vessel recall pooled by depth layer (0 = in focus): ${v.recallByDepthLayer.map((b) => `layer ${b.layer} ${pct(b.recall)} of ${(b.truthUm / 1000).toFixed(1)} mm`).join('; ')}`);
    L.push(`   small-vessel recall pooled by the truth's flow class: ${v.recallByFlowClass.map((b) => `class ${b.flowClass} ${pct(b.recall)} of ${(b.truthUm / 1000).toFixed(1)} mm`).join('; ')}`);
    if (v.recallByLumenContrast.length > 0) L.push(`   small-vessel recall pooled by the truth vessel's lumen contrast on the mean image: ${v.recallByLumenContrast.map((b) => `${b.label} ${pct(b.recall)} of ${(b.truthUm / 1000).toFixed(1)} mm`).join('; ')}`);
    L.push(`   engine length off the truth, by the engine's class: ${v.falseLengthUmByEngineClass.map((b) => `${b.engineClass ?? 'unclassified'} ${(b.falseUm / 1000).toFixed(2)} of ${(b.engineUm / 1000).toFixed(2)} mm`).join('; ')}`);
    L.push('   small-vessel length near the truth, mm, pooled (rows engine class, columns the nearest truth vessel\'s class):');
    L.push(`        ${['t0', 't1', 't2', 't3'].map((x) => lpad(x, 8)).join('')}`);
    v.lengthConfusionUm.forEach((r, i) => L.push(`   ${i < 4 ? `e${i}   ` : 'uncl.'}${r.map((x) => lpad((x / 1000).toFixed(2), 8)).join('')}`));
    L.push('flow classes, pooled (rows truth, columns engine):');
    L.push(`        ${['e0', 'e1', 'e2', 'e3'].map((x) => lpad(x, 6)).join('')}${lpad('uncl.', 7)}${lpad('missed', 8)}`);
    v.confusion.forEach((r, i) => L.push(`   t${i}   ${r.map((x) => lpad(String(x), 6)).join('')}${lpad(String(v.unclassified[i]), 7)}${lpad(String(v.missed[i]), 8)}`));
    L.push(`   weighted κ ${v.weightedKappa === null ? '—' : v.weightedKappa.toFixed(3)} [${v.kappaStatus}], exact agreement ${pct(v.exactAgreement)}`);
    L.push(`   by distance from the class thresholds: ${v.byMargin.map((b) => `${b.bin}: ${b.classified} classified, exact ${pct(b.exactAgreement)}, MdARE ${pct(b.velocityMdARE)}`).join('; ')}`);
    const fm = v.byFlowMode;
    if (fm.clearCut.clips > 0) {
      const c = fm.clearCut;
      L.push(`   issue 6, clear-cut clips (${c.clips}), matched small vessels: ${c.classified} classified, exact ${pct(c.exactAgreement)} (bar ≥ 90 %), weighted κ ${c.weightedKappa === null ? '—' : c.weightedKappa.toFixed(3)} (bar ≥ 0.85${c.weightedKappaInterval === null ? '' : `; 95 % interval over resampled clips ${c.weightedKappaInterval[0].toFixed(3)}–${c.weightedKappaInterval[1].toFixed(3)}`}), ${pct(c.classifiedLengthShare)} of their matched length classified (bar ≥ 80 %); confusion (rows truth 0–3): ${c.confusion.map((r) => r.join(' ')).join(' | ')}`);
    }
    if (fm.spread.clips > 0) {
      const sp = fm.spread;
      L.push(`   issue 6, spread clips (${sp.clips}), matched small vessels: exact ${pct(sp.exactAgreement)} over ${sp.classified}; ≥ ${SPREAD_FAR_MARGIN * 100} % from a threshold ${pct(sp.farExactAgreement)} over ${sp.farFromThreshold} (bar ≥ 90 %)`);
    }
    L.push(`velocity, pooled: ${v.velocity.measured} of ${v.velocity.measurable} measurable pairs measured, MdARE ${pct(v.velocity.mdare)} [${v.velocity.status}], censored in range ${v.velocity.censoredInRange}`);
  }
  L.push(s.notMeasuredAnywhere.length ? `NOT MEASURED in any clip (${s.notMeasuredAnywhere.length}): ${s.notMeasuredAnywhere.join(', ')}` : 'every item was measured in at least one clip');
  L.push(s.failures.length ? `FAILURES (${s.failures.length}):\n  ${s.failures.join('\n  ')}` : 'FAILURES: none — every reported metric is within its bar');
  return L.join('\n');
}

/** The report as markdown: bars, summary, one table per clip. */
export function formatMarkdown(s: SetSummary, comps: readonly ClipComparison[], extra: { engineVersion?: string; runtimeS?: number } = {}): string {
  const L: string[] = [];
  L.push(`# Accuracy on phantoms — set "${s.set}"`, '');
  L.push(`${s.clips} clips${extra.engineVersion ? `, engine ${extra.engineVersion}` : ''}${extra.runtimeS !== undefined ? `, ${extra.runtimeS.toFixed(0)} s` : ''}. Generated by \`npm run test:accuracy\` (test/accuracy/). Truth recomputed over the engine's analysed region.`, '');
  L.push('## Summary', '', '| metric | pop | measured | pass | fail | median abs error | max abs error | bar |', '|---|---|---|---|---|---|---|---|');
  for (const m of s.metrics) {
    const rel = METRIC_BARS[m.metric].kind === 'relative';
    const f = (x: number | null): string => (x === null ? '—' : rel ? `${(100 * x).toFixed(1)} %` : fmtNum(x));
    L.push(`| ${m.metric} | ${m.population} | ${m.measured}/${m.clips} | ${m.pass} | ${m.fail} | ${f(m.medianAbsError)} | ${f(m.maxAbsError)} | ${m.bar} |`);
  }
  const v = s.vessels;
  L.push('', v.measuredClips === 0 ? '**Vessels: not measured in any clip.**' : `Small vessels: recall median ${pct(v.recall.median)} (min ${pct(v.recall.min)}), precision median ${pct(v.precision.median)} (min ${pct(v.precision.min)}); weighted κ ${v.weightedKappa?.toFixed(3) ?? '—'} [${v.kappaStatus}]; velocity MdARE ${pct(v.velocity.mdare)} [${v.velocity.status}].`);
  L.push('', s.notMeasuredAnywhere.length ? `**Not measured in any clip:** ${s.notMeasuredAnywhere.join(', ')}.` : 'Every item was measured in at least one clip.');
  L.push('', s.failures.length ? `**Failures:**\n\n${s.failures.map((f) => `- ${f}`).join('\n')}` : '**Failures:** none.');
  L.push('', '## Bars (test/accuracy/bars.ts)', '', '| item | bar | judged | source |', '|---|---|---|---|');
  for (const b of barRows()) L.push(`| ${b.name} | ${b.bar} | ${b.judged ? 'yes' : 'no'} | ${b.source} |`);
  L.push('', '## Clips');
  for (const c of comps) {
    L.push('', `### ${c.id}`, '', `${c.description} — ${c.clip.codec}, ${c.clip.width}×${c.clip.height}, ${c.clip.fps} fps, ${c.clip.frameCount} frames, ${c.clip.umPerPx[0].toFixed(3)} µm/px. Engine region ${regionText(c.region.engine)} (${c.region.areaMm2.toFixed(4)} mm²), outside full frame ${(100 * c.region.outsideFullFrame).toFixed(1)} %, outside common ${(100 * c.region.outsideCommon).toFixed(1)} %, overlaps overlay ${c.region.overlapsOverlay ? 'yes' : 'no'}.`, '');
    L.push('| metric | pop | engine | truth | error | bar | status |', '|---|---|---|---|---|---|---|');
    for (const r of c.rows) L.push(`| ${r.metric} | ${r.population} | ${fmtValue(r.engine)} | ${fmtValue(r.truth)} | ${fmtError(r)} | ${r.bar} | ${r.status}${r.reason ? ` (${r.reason})` : ''} |`);
    const cv = c.vessels;
    L.push('', cv.measured ? `Small vessels: recall ${pct(cv.recall)}, precision ${pct(cv.precision)} (all vessels ${pct(cv.recallAll)}, ${pct(cv.precisionAll)}), κ ${cv.weightedKappa?.toFixed(3) ?? '—'}, velocity MdARE ${pct(cv.velocity.mdare)}.` : 'Vessels: not measured.');
  }
  return `${L.join('\n')}\n`;
}

/** Write results/latest.json and results/latest.md. */
export async function writeResults(dir: string, report: { summary: SetSummary; clips: ClipComparison[]; engineVersion?: string; runtimeS?: number }): Promise<{ json: string; md: string }> {
  await mkdir(dir, { recursive: true });
  const json = join(dir, 'latest.json');
  const md = join(dir, 'latest.md');
  const { summary, clips, ...extra } = report;
  await writeFile(json, `${JSON.stringify({ ...extra, bars: barRows(), summary, clips }, null, 2)}\n`);
  await writeFile(md, formatMarkdown(summary, clips, extra));
  return { json, md };
}

/**
 * A truth vessel's lumen contrast on the mean image: along its centerline (reference-frame px,
 * points ~1 px apart or closer), (ring − centre) / ring, the ring the median of samples across
 * the vessel from its radius + 3 µm to its radius + 8 µm on both sides; the vessel's value is
 * the median over its points (null when none is inside the image). The measure is written here,
 * not imported from src/analysis (the harness does not use the engine's decisions to judge it;
 * the definition matches the engine's chain filter so the bins can be read against its bar);
 * only the plain bilinear sampler is shared.
 */
export function truthLumenContrast(mean: { image: Float32Array; width: number; height: number }, pointsPx: readonly PointPx[], diameterPx: number, umPerPx: number): number | null {
  const { image, width: w, height: h } = mean;
  const r = diameterPx / 2;
  const inner = r + 3 / umPerPx;
  const outer = r + 8 / umPerPx;
  const values: number[] = [];
  const ring: number[] = [];
  for (let i = 1; i < pointsPx.length - 1; i++) {
    const a = pointsPx[i - 1]!;
    const b = pointsPx[i + 1]!;
    const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
    if (!(len > 0)) continue;
    const nx = -(b[1] - a[1]) / len;
    const ny = (b[0] - a[0]) / len;
    const [x, y] = pointsPx[i]!;
    const centre = bilinear(image, w, h, x, y);
    if (Number.isNaN(centre)) continue;
    ring.length = 0;
    for (let d = inner; d <= outer + 1e-9; d += 1) {
      for (const sgn of [1, -1]) {
        const v = bilinear(image, w, h, x + sgn * d * nx, y + sgn * d * ny);
        if (!Number.isNaN(v)) ring.push(v);
      }
    }
    if (ring.length === 0) continue;
    const bg = median(ring)!;
    if (bg > 0) values.push((bg - centre) / bg);
  }
  return median(values);
}
