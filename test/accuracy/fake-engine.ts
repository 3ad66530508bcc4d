/**
 * Engine results built from a phantom's truth, for the harness's self-tests: an exact one
 * (what a perfect engine would report), and the same with chosen errors, so the tests can
 * show that the harness passes what is right and fails what is wrong. Test code only.
 */
import { computeClipMetrics } from '../../src/metrics/clip.js';
import { measurePolyline } from '../../src/metrics/region.js';
import type { AnalysedRegion, PointPx, SegmentInput } from '../../src/metrics/types.js';
import type { PhantomTruth } from '../../src/phantom/index.js';
import { partsOutsidePolygons } from '../../src/phantom/occlusion.js';
import { unmeasuredMetricSet, type VesselResult } from '../../src/report/contract.js';
import type { EngineResult } from './harness.js';

export interface FakeOptions {
  /** Analysed region in frame-0 px (default: the truth's common region). */
  regionF0?: AnalysedRegion;
  /** Reference frame of the result: points and region are given in that frame's px. */
  referenceFrame?: number;
}

/** What a perfect engine would report: the visible parts of every truth vessel, truth classes and mean speeds, metrics from them. */
export function exactEngineResult(truth: PhantomTruth, opts: FakeOptions = {}): EngineResult {
  const regionF0 = opts.regionF0 ?? truth.regions.common;
  const k = opts.referenceFrame ?? 0;
  const [ox, oy] = truth.frames[k]!.offsetPx;
  const scale = truth.clip.scale;
  const polys = (truth.occlusions ?? []).map((o) => o.polygonPx);
  const vessels: VesselResult[] = [];
  const segments: SegmentInput[] = [];
  for (const v of truth.vessels) {
    const velocity = { valueUmPerS: v.velocity.meanUmPerS, lowerBoundUmPerS: v.velocity.meanUmPerS, upperBoundUmPerS: v.velocity.meanUmPerS, censored: null };
    // One metric segment per truth vessel (its visible parts together), one engine vessel per visible part.
    const seg: SegmentInput = { id: v.id, lengthUm: 0, lengthUmByQuadrant: [0, 0, 0, 0], diameterUm: v.diameterUm, flowClass: v.flowClass, velocity, gridCrossings: [0, 0, 0, 0, 0, 0] };
    const parts = polys.length === 0 ? [v.centerlinePx] : partsOutsidePolygons(v.centerlinePx, polys);
    parts.forEach((part, i) => {
      const m = measurePolyline(part, regionF0, scale);
      seg.lengthUm += m.lengthUm;
      for (let q = 0; q < 4; q++) seg.lengthUmByQuadrant[q] += m.lengthUmByQuadrant[q]!;
      for (let q = 0; q < 6; q++) seg.gridCrossings[q] += m.gridCrossings[q]!;
      if (m.lengthUm <= 0) return;
      vessels.push({
        id: `${v.id}.${i}`,
        points: part.map((p) => [p[0] - ox, p[1] - oy] as PointPx),
        lengthUm: m.lengthUm,
        diameterUm: v.diameterUm,
        diameterRangeUm: [v.diameterUm, v.diameterUm],
        small: v.small,
        flowClass: v.flowClass,
        classReason: 'truth',
        velocity,
        stoppedFraction: v.velocity.stoppedFraction,
        gridCrossings: m.gridCrossings,
      });
    });
    segments.push(seg);
  }
  const metrics = computeClipMetrics({ region: regionF0, scale, segments });
  return {
    metrics: { small: metrics.small, all: metrics.all },
    vessels,
    analysis: {
      window: { startS: 0, endS: truth.clip.durationS },
      referenceFrame: k,
      analysedRegion: { x: regionF0.x - ox, y: regionF0.y - oy, width: regionF0.width, height: regionF0.height },
      analysedAreaMm2: metrics.analysedAreaMm2,
      framesUsed: truth.clip.frameCount,
      framesDropped: 0,
    },
    calibration: { umPerPxX: scale.umPerPxX, umPerPxY: scale.umPerPxY, source: 'sidecar', device: null, smallVesselMaxUm: 20 },
  };
}

/** What today's engine reports: the whole frame, every metric null, no vessels. */
export function unmeasuredEngineResult(truth: PhantomTruth): EngineResult {
  const r = exactEngineResult(truth, { regionF0: { x: 0, y: 0, width: truth.clip.width, height: truth.clip.height } });
  return { ...r, metrics: { small: unmeasuredMetricSet(), all: unmeasuredMetricSet() }, vessels: [] };
}

/** A deep copy to perturb. */
export function clone<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}
