/**
 * segmentImage drops centerline chains without a visible lumen (SegmentParams
 * chainMinLumenContrast, lumen-contrast.ts): a faint line the vesselness filter still traces
 * is not reported, a plainly dark vessel beside it is, and the bar set to 0 keeps both.
 */
import { describe, expect, it } from 'vitest';
import { segmentImage } from '../../src/analysis/segment.js';
import { DEFAULT_SEGMENT_PARAMS } from '../../src/analysis/segment-params.js';
import { mapVessels } from '../../src/analysis/vessel-map.js';
import { loadBackend } from '../../src/backend/index.js';

/** 240×120 px at 1 µm/px: a 6-µm vessel 35 % darker than the tissue at y = 30, a 6-µm trace 5 % darker at y = 90, mild noise. */
function image(): Float32Array {
  const W = 240;
  const H = 120;
  const img = new Float32Array(W * H);
  let s = 12345;
  const rnd = (): number => {
    s = (s * 1103515245 + 12345) >>> 0;
    return s / 4294967296 - 0.5;
  };
  const line = (y: number, cy: number): number => Math.exp(-((y - cy) ** 2) / (2 * 2.5 * 2.5));
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) img[y * W + x] = 200 * (1 - 0.35 * line(y, 30) - 0.05 * line(y, 90)) + 2 * rnd();
  }
  return img;
}
const scale = { umPerPxX: 1, umPerPxY: 1 };
const rowsOf = (r: ReturnType<typeof segmentImage>): number[] => r.segments.map((sg) => sg.polyline.reduce((a, p) => a + p[1], 0) / sg.polyline.length);

describe('segmentImage: chains without a visible lumen', () => {
  it('reports the dark vessel and drops the faint trace at the default bar', () => {
    expect(DEFAULT_SEGMENT_PARAMS.chainMinLumenContrast).toBe(0.1);
    const r = segmentImage(image(), 240, 120, scale);
    const rows = rowsOf(r);
    expect(rows.some((y) => Math.abs(y - 30) < 2)).toBe(true);
    expect(rows.some((y) => Math.abs(y - 90) < 4)).toBe(false);
    expect(r.faintChains).toBeGreaterThanOrEqual(1);
    for (let x = 0; x < 240; x++) for (let y = 80; y < 100; y++) expect(r.centerlines[y * 240 + x]).toBe(0);
  });

  it('keeps the faint trace when the bar is 0 (so the filter, not the mask, removed it)', () => {
    const r = segmentImage(image(), 240, 120, scale, { chainMinLumenContrast: 0 });
    expect(rowsOf(r).some((y) => Math.abs(y - 90) < 4)).toBe(true);
    expect(r.faintChains).toBe(0);
  });

  it('finds both of two capillaries running close together: the trace in the bright gap moves to one lumen, its mirror image to the other', () => {
    // Two 7-µm capillaries 4 µm apart (1.3 µm/px): the vesselness reads one 24-µm vessel, too
    // wide for the valley refinement, so the skeleton runs in the tissue between them and used
    // to be dropped as faint — both capillaries lost.
    const um = 1.3, W = 160, H = 120;
    const y1 = 60, y2 = 60 + 11 / um;
    const im = new Float32Array(W * H);
    const bar = (y: number, c: number): number => 1 / (1 + Math.exp((Math.abs(y - c) - 3.5 / um) / 0.6));
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) im[y * W + x] = 180 - 70 * Math.max(bar(y, y1), bar(y, y2)) + 6 * Math.sin(x * 0.7) * Math.cos(y * 0.9);
    expect(im[Math.round((y1 + y2) / 2) * W + 80]!).toBeGreaterThan(150); // the gap is tissue
    const r = segmentImage(im, W, H, { umPerPxX: um, umPerPxY: um });
    expect(r.faintChains).toBe(0);
    expect(r.segments).toHaveLength(2);
    const ys = r.segments.map((s) => s.polyline.reduce((q, p) => q + p[1], 0) / s.polyline.length).sort((a, b) => a - b);
    expect(Math.abs(ys[0]! - y1)).toBeLessThan(0.5);
    expect(Math.abs(ys[1]! - y2)).toBeLessThan(0.5);
    for (const s of r.segments) {
      expect(s.lengthUm).toBeGreaterThan(0.95 * (W - 1) * um);
      // The first diameter estimate is the lumen's, not the pair's 24 µm.
      expect(s.diameterUm).toBeLessThan(DEFAULT_SEGMENT_PARAMS.centerlineValleyMaxDiameterUm);
    }
    // Through the vessel map: two small vessels whose fitted diameters are the lumens' (7 µm).
    const vm = mapVessels(im, W, H, { x: 0, y: 0, width: W, height: H }, { umPerPxX: um, umPerPxY: um }, { core: loadBackend(), smallVesselMaxUm: 20 });
    expect(vm.vessels).toHaveLength(2);
    for (const v of vm.vessels) {
      expect(v.small).toBe(true);
      expect(Math.abs(v.diameterUm - 7)).toBeLessThan(1.5);
    }
    // One wide vessel is not split: a 22-µm lumen keeps a single trace on its axis.
    const wide = new Float32Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) wide[y * W + x] = 180 - 70 / (1 + Math.exp((Math.abs(y - 64) - 11 / um) / 0.6)) + 6 * Math.sin(x * 0.7) * Math.cos(y * 0.9);
    const w1 = segmentImage(wide, W, H, { umPerPxX: um, umPerPxY: um });
    expect(w1.segments).toHaveLength(1);
  });

  it('rejects a negative bar with a typed error', () => {
    expect(() => segmentImage(image(), 240, 120, scale, { chainMinLumenContrast: -0.1 })).toThrow(/chainMinLumenContrast must be a number ≥ 0/);
  });
});
