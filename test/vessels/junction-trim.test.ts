/**
 * junction-trim.ts: a vessel that drains into a wider one ends at that vessel's wall. The
 * cut itself on known geometry, which junctions qualify, a joined vessel's interior left
 * alone, and the whole vessel map on a drawn capillary draining into a venule.
 */
import { describe, expect, it } from 'vitest';
import { loadBackend } from '../../src/backend/index.js';
import { trimAtWiderVessels, trimStartInsideLumens, widerLumensAtEnds } from '../../src/analysis/junction-trim.js';
import { joinChains, type ChainInput } from '../../src/analysis/vessel-graph.js';
import { mapVessels } from '../../src/analysis/vessel-map.js';
import type { PointPx } from '../../src/metrics/types.js';

/** Points from a to b every 1 px (both included). */
function line(a: PointPx, b: PointPx): PointPx[] {
  const n = Math.max(1, Math.round(Math.hypot(b[0] - a[0], b[1] - a[1])));
  return Array.from({ length: n + 1 }, (_, k): PointPx => [a[0] + ((b[0] - a[0]) * k) / n, a[1] + ((b[1] - a[1]) * k) / n]);
}
function chain(a: PointPx, b: PointPx, widthPx: number, atJunction: { start: boolean; end: boolean }): ChainInput {
  const pts = line(a, b);
  return { pixels: pts.map((p): PointPx => [Math.round(p[0]), Math.round(p[1])]), polyline: pts, startsAtJunction: atJunction.start, endsAtJunction: atJunction.end, closedLoop: false, diameterPx: widthPx, widthPx };
}
const lengthPx = (pts: readonly PointPx[]): number => pts.slice(1).reduce((s, p, i) => s + Math.hypot(p[0] - pts[i]![0], p[1] - pts[i]![1]), 0);

describe('trimStartInsideLumens', () => {
  const venule = { polyline: line([-50, 0], [50, 0]), radiusPx: 10 };

  it('cuts a line that starts on the wide centerline back to the wall, exactly', () => {
    const cut = trimStartInsideLumens(line([0, 0], [0, 40]), [venule]);
    expect(cut[0]![0]).toBeCloseTo(0, 9);
    expect(cut[0]![1]).toBeCloseTo(10, 6);
    expect(cut[cut.length - 1]).toEqual([0, 40]);
    expect(lengthPx(cut)).toBeCloseTo(30, 6);
  });

  it('cuts an oblique drain where it crosses the wall', () => {
    // 45° into the venule: inside for 10·√2 px of its length.
    const cut = trimStartInsideLumens(line([0, 0], [30, 30]), [venule]);
    expect(cut[0]![1]).toBeCloseTo(10, 6);
    expect(lengthPx(cut)).toBeCloseTo(20 * Math.SQRT2, 5);
  });

  it('leaves a line that starts outside, or lies wholly inside, unchanged', () => {
    const outside = line([0, 12], [0, 40]);
    expect(trimStartInsideLumens(outside, [venule])).toEqual(outside);
    const inside = line([0, 0], [0, 8]);
    expect(trimStartInsideLumens(inside, [venule])).toEqual(inside);
    expect(trimStartInsideLumens(outside, [])).toEqual(outside);
  });
});

describe('widerLumensAtEnds', () => {
  const smallMaxPx = 15;
  // A venule 24 px wide through (50, 50), split there by a capillary 6 px wide draining from above.
  const T = [
    chain([0, 50], [50, 50], 24, { start: false, end: true }),
    chain([50, 50], [100, 50], 24, { start: true, end: false }),
    chain([50, 50], [50, 0], 6, { start: true, end: false }),
  ];

  it('gives the drain both halves of the venule, and the venule nothing', () => {
    const l = widerLumensAtEnds(T, smallMaxPx);
    expect(l[2 * 2 + 0]!.map((x) => x.radiusPx)).toEqual([12, 12]);
    expect(l[2 * 0 + 1]).toEqual([]);
    expect(l[2 * 1 + 0]).toEqual([]);
  });

  it('gives nothing at a calibre step (the wide vessel begins there), at a capillary junction, or below the small-vessel width', () => {
    const step = [chain([0, 50], [50, 50], 6, { start: false, end: true }), chain([50, 50], [100, 50], 24, { start: true, end: false })];
    expect(widerLumensAtEnds(step, smallMaxPx).every((x) => x.length === 0)).toBe(true);
    const capillaries = [chain([0, 50], [50, 50], 6, { start: false, end: true }), chain([50, 50], [100, 50], 6, { start: true, end: false }), chain([50, 50], [50, 0], 6, { start: true, end: false })];
    expect(widerLumensAtEnds(capillaries, smallMaxPx).every((x) => x.length === 0)).toBe(true);
    // 12 px is 2× the drain but still a small vessel (under smallMaxPx): no cut.
    const small = [chain([0, 50], [50, 50], 12, { start: false, end: true }), chain([50, 50], [100, 50], 12, { start: true, end: false }), chain([50, 50], [50, 0], 6, { start: true, end: false })];
    expect(widerLumensAtEnds(small, smallMaxPx).every((x) => x.length === 0)).toBe(true);
  });
});

describe('trimAtWiderVessels', () => {
  it('cuts a joined vessel only at its own ends; the join inside stays where it was', () => {
    // A capillary (two pieces joined straight through a capillary junction at (50, 20)) that
    // drains into the venule at (50, 50); a side branch leaves the junction at (50, 20).
    const chains = [
      chain([0, 50], [50, 50], 24, { start: false, end: true }),
      chain([50, 50], [100, 50], 24, { start: true, end: false }),
      chain([50, 50], [50, 20], 6, { start: true, end: true }),
      chain([50, 20], [50, 0], 6, { start: true, end: false }),
      chain([50, 20], [80, 20], 6, { start: true, end: false }),
    ];
    const paths = joinChains(chains, { smallMaxPx: 15 });
    const drain = paths.find((p) => p.pieces.some((q) => q.chain === 2))!;
    expect(drain.pieces.map((q) => q.chain).sort()).toEqual([2, 3]);
    const lumens = widerLumensAtEnds(chains, 15);
    const cut = trimAtWiderVessels(drain, lumens);
    const ends = [cut.polyline[0]!, cut.polyline[cut.polyline.length - 1]!].sort((a, b) => a[1] - b[1]);
    expect(ends[0]).toEqual([50, 0]);
    expect(ends[1]![1]).toBeCloseTo(38, 6); // the venule's wall: 50 − 12
    expect(lengthPx(cut.polyline)).toBeCloseTo(38, 6);
    expect(cut.joins).toHaveLength(1);
    expect(cut.polyline[cut.joins[0]!]![1]).toBeCloseTo(20, 9);
    // The venule is not cut: nothing wider passes through its junction.
    const venule = paths.find((p) => p.pieces.some((q) => q.chain === 0))!;
    expect(trimAtWiderVessels(venule, lumens).polyline).toEqual(venule.polyline);
  });
});

describe('mapVessels: a capillary draining into a venule', () => {
  it('ends the capillary at the venule wall, not on its centerline', () => {
    // 1 µm/px. Venule 30 µm wide along y = 120; capillary 6 µm wide at x = 100 from y = 20 down into it.
    const W = 200;
    const H = 160;
    const img = new Float32Array(W * H);
    const dark = (d: number, r: number): number => 1 / (1 + Math.exp((d - r) / 0.7));
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const ven = dark(Math.abs(y - 120), 15);
        const cap = y >= 20 && y <= 120 ? dark(Math.abs(x - 100), 3) : 0;
        img[y * W + x] = 1 - 0.5 * Math.max(ven, cap);
      }
    }
    const region = { x: 4, y: 4, width: W - 8, height: H - 8 };
    const map = mapVessels(img, W, H, region, { umPerPxX: 1, umPerPxY: 1 }, { core: loadBackend(), smallVesselMaxUm: 20 });
    const cap = map.vessels.find((v) => v.small && v.polylinePx.some((p) => p[1] < 60))!;
    expect(cap).toBeDefined();
    const lowest = Math.max(...cap.polylinePx.map((p) => p[1]));
    // The wall is at y = 105; on the venule's centerline it would end near y = 120.
    expect(Math.abs(lowest - 105)).toBeLessThan(2.5);
    expect(Math.abs(cap.lengthUm - 85)).toBeLessThan(4);
    // Its flow path ends on the junction at the venule (bottom), free at the top: the stop test
    // leaves a margin at that end only (flow/params.ts stopJunctionMarginUm).
    const flowBottomFirst = cap.flowPolylinePx[0]![1] > cap.flowPolylinePx[cap.flowPolylinePx.length - 1]![1];
    expect(cap.junctionEnds).toEqual(flowBottomFirst ? [true, false] : [false, true]);
  });
});

describe('axisThroughNode', () => {
  it('straightens the bend thinning leaves next to a branch and runs on past the node', async () => {
    const { axisThroughNode } = await import('../../src/analysis/junction-trim.js');
    // A venule axis along y = 50 whose last 6 px bend up to a node at (0, 46), as a Y-skeleton does.
    const pts: PointPx[] = [];
    for (let x = 40; x >= 0; x--) pts.push([x, x >= 6 ? 50 : 46 + (4 * x) / 6]);
    const axis = axisThroughNode(pts, 1, 10);
    for (const p of axis) expect(p[1]).toBeCloseTo(50, 9);
    // Drawn on past the node (x = 0) by about a radius.
    expect(Math.min(...axis.map((p) => p[0]))).toBeLessThan(-9);
  });
});
