/** The truth file: metrics from src/metrics over any region, JSON round trip, regions. */
import { describe, expect, it } from 'vitest';
import { computeClipMetrics } from '../../src/metrics/clip.js';
import { polylineLengthUm } from '../../src/metrics/region.js';
import { generatePhantom, serializeTruth, truthMetricsForRegion, truthSegments } from '../../src/phantom/index.js';
import type { PhantomTruth } from '../../src/phantom/index.js';

describe('phantom truth', () => {
  const p = generatePhantom({ seed: 31, width: 400, height: 320, frameCount: 10, borders: { left: 8, right: 6 }, overlay: true, driftPxPerS: 40, flowMix: 'septic' });
  const t = p.truth;

  it('records settings, per-frame offsets and gains, borders and the overlay', () => {
    expect(t.format).toBe('hvm-phantom-truth');
    expect(t.settings.seed).toBe(31);
    expect(t.frames).toHaveLength(10);
    expect(t.frames[0]!.offsetPx).toEqual([0, 0]);
    expect(t.regions.fullFrame).toEqual({ x: 8, y: 0, width: 386, height: 320 });
    // The common region lies inside the full frame and shrinks by the drift.
    const c = t.regions.common;
    expect(c.x).toBeGreaterThanOrEqual(8);
    expect(c.x + c.width).toBeLessThanOrEqual(394);
    expect(c.width * c.height).toBeLessThan(386 * 320);
    expect(t.overlayRect).not.toBeNull();
    // Borders and the overlay box are static: identical in every frame.
    const f0 = p.frame(0);
    const f5 = p.frame(5);
    for (let j = 0; j < 320; j++) for (let i = 0; i < 8; i++) expect(f5[j * 400 + i]).toBe(f0[j * 400 + i]);
    const r = t.overlayRect!;
    let same = 0;
    let n = 0;
    for (let j = r.y; j < r.y + r.height; j++) for (let i = r.x; i < r.x + r.width; i++, n++) same += f0[j * 400 + i] === f5[j * 400 + i] ? 1 : 0;
    expect(same / n).toBeGreaterThan(0.8); // only the changing digits differ
  });

  it('computes its metrics with src/metrics, over the full frame and any region', () => {
    expect(truthMetricsForRegion(t, t.regions.fullFrame)).toEqual(t.metrics.fullFrame);
    const full = truthSegments(t, t.regions.fullFrame);
    t.vessels.forEach((v, i) => {
      expect(v.inFullFrame.lengthUm).toBe(full[i]!.lengthUm);
      expect(v.inFullFrame.gridCrossings).toEqual(full[i]!.gridCrossings);
    });
    const region = { x: 50.5, y: 40, width: 200, height: 150 };
    const segs = truthSegments(t, region);
    expect(computeClipMetrics({ region, scale: t.clip.scale, segments: segs })).toEqual(truthMetricsForRegion(t, region));
    // Lengths are clipped to the region.
    const total = segs.reduce((s, x) => s + x.lengthUm, 0);
    const direct = t.vessels.reduce((s, v) => s + polylineLengthUm(v.centerlinePx, region, t.clip.scale), 0);
    expect(total).toBeCloseTo(direct, 6);
    const m = truthMetricsForRegion(t, region);
    expect(m.all.TVD).toBeCloseTo(total / 1000 / ((200 * 150 * t.clip.scale.umPerPxX * t.clip.scale.umPerPxY) / 1e6), 6);
  });

  it('agrees with stereology: De Backer score ≈ (2/π) × TVD', () => {
    const q = generatePhantom({ seed: 32, width: 640, height: 512, frameCount: 1, anisotropy: 1 });
    const m = q.truth.metrics.fullFrame.all;
    expect(m.deBackerScore / ((2 / Math.PI) * m.TVD)).toBeGreaterThan(0.75);
    expect(m.deBackerScore / ((2 / Math.PI) * m.TVD)).toBeLessThan(1.25);
    // Healthy default: MFI 3 in every quadrant, PPV ~100 %.
    expect(q.truth.metrics.fullFrame.small.MFI).toBeGreaterThanOrEqual(2.75);
    expect(q.truth.metrics.fullFrame.small.PPV).toBeGreaterThan(95);
  });

  it('serialises to stable JSON that recomputes the same metrics', () => {
    const json = serializeTruth(t);
    expect(serializeTruth(JSON.parse(json) as PhantomTruth)).toBe(json);
    const back = JSON.parse(json) as PhantomTruth;
    expect(truthMetricsForRegion(back, back.regions.common)).toEqual(t.metrics.common);
    // Centerlines are the rendered points on the 1/1000 px grid.
    for (const v of back.vessels) for (const [x, y] of v.centerlinePx) expect(Math.abs(x * 1000 - Math.round(x * 1000))).toBeLessThan(1e-6);
  });

  it('keeps time in seconds at NTSC rates and moves RBCs by the exact integral', () => {
    const q = generatePhantom({ seed: 33, width: 64, height: 64, fps: 29.97, seconds: 1, mode: 'isolated', isolatedCount: 1 });
    expect(q.truth.clip.fps).toEqual({ num: 30000, den: 1001 });
    expect(q.truth.clip.frameCount).toBe(30);
    expect(q.truth.clip.durationS).toBeCloseTo((30 * 1001) / 30000, 12);
    expect(q.truth.frames[29]!.timeS).toBeCloseTo((29 * 1001) / 30000, 6);
    const v = q.truth.vessels[0]!;
    expect(q.displacementAt(v.id, q.truth.clip.durationS)).toBeCloseTo(v.velocity.displacementUm, 5);
    expect(Math.abs(v.velocity.displacementUm) / q.truth.clip.durationS).toBeCloseTo(v.velocity.meanUmPerS, 5);
  });
});
