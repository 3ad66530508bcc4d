/**
 * segmentImage on a synthetic image with known truth (synthetic.ts): the mask covers the
 * dark lines, the centerlines lie on the true centerlines, and the total centerline length
 * is within 5 % of the truth — at two calibrations, on both backends (bitwise the same).
 */
import { describe, expect, test } from 'vitest';
import { resolveSegmentParams, scalesPx, segmentImage, SegmentInputError, smoothChain, vesselnessStage } from '../../src/analysis/segment.js';
import { DEFAULT_SEGMENT_PARAMS } from '../../src/analysis/segment-params.js';
import { eachBackend } from '../backend/helpers.js';
import { crossings, distanceToCenterline, insideLine, syntheticLines } from './synthetic.js';

describe.each(eachBackend().map((b) => [b.name, b] as const))('%s backend: segmentImage on synthetic lines', (_n, be) => {
  for (const umPerPx of [1.5, 1.0]) {
    test(`${umPerPx} µm/px: mask covers the lines, centerlines on the truth, length within 5 %`, () => {
      const img = syntheticLines(1, umPerPx);
      const { width: w, height: h } = img;
      const r = segmentImage(img.gray, w, h, { umPerPxX: umPerPx, umPerPxY: umPerPx }, undefined, { backend: be });
      // Mask: covers the lines' inside (1 px in from their edges).
      let inside = 0, covered = 0, maskPx = 0, maskNear = 0;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const i = y * w + x;
          if (insideLine(img, x, y, 1)) {
            inside++;
            covered += r.mask[i]!;
          }
          if (r.mask[i]) {
            maskPx++;
            if (distanceToCenterline(img, x, y) <= 20 / umPerPx / 2 + 2) maskNear++;
          }
        }
      }
      expect(covered / inside).toBeGreaterThan(0.97);
      // …and little else: ≥ 95 % of the mask lies within the widest line's half-width + 2 px of a line.
      expect(maskNear / maskPx).toBeGreaterThan(0.95);
      // Centerlines (away from the crossings, where the medial axis of two crossing bars
      // bends by construction): ≥ 90 % of the pixels within 1 px of a true centerline,
      // ≥ 95 % within 1.5 px, and < 3 % farther than 3 px (detections in the texture).
      const cross = crossings(img);
      let skel = 0, within1 = 0, within15 = 0, far = 0;
      for (let i = 0; i < w * h; i++) {
        if (!r.centerlines[i]) continue;
        const x = i % w, y = Math.floor(i / w);
        if (cross.some(([cx, cy]) => Math.hypot(cx - x, cy - y) < 20 / umPerPx)) continue;
        skel++;
        const d = distanceToCenterline(img, x, y);
        if (d <= 1) within1++;
        if (d <= 1.5) within15++;
        if (d > 3) far++;
      }
      expect(within1 / skel).toBeGreaterThan(0.9);
      expect(within15 / skel).toBeGreaterThan(0.95);
      expect(far / skel).toBeLessThan(0.03);
      // Every measured centerline pixel is on the skeleton of the mask, which lies in the mask.
      for (let i = 0; i < w * h; i++) if (r.centerlines[i]) expect(r.skeleton[i] && r.mask[i]).toBe(1);
      // Length within 5 % of the truth.
      expect(Math.abs(r.skeletonLengthUm / img.lengthUm - 1)).toBeLessThan(0.05);
      expect(r.geometry).not.toBeNull();
      expect(r.geometry!.TVD).toBeCloseTo(r.skeletonLengthUm / 1000 / r.areaMm2, 9);
      expect(r.backend).toBe(be.name);
    });
  }
});

describe('segmentImage: parameters and units', () => {
  test('scales follow the µm diameter range and the calibration, floored at 1 px', () => {
    const p = resolveSegmentParams();
    const s18 = scalesPx(p, 1.8);
    expect(s18[0]).toBeCloseTo(2.5 / 1.8, 5);
    expect(s18[s18.length - 1]).toBeCloseTo(30 / 1.8, 5);
    for (let k = 1; k < s18.length; k++) expect(s18[k]! / s18[k - 1]!).toBeLessThanOrEqual(Math.SQRT2 + 1e-6);
    const s07 = scalesPx(p, 0.7);
    expect(s07[0]).toBeCloseTo(2.5 / 0.7, 5);
    // At 5 µm/px, 5 µm is σ 0.5 px: floored at 1 px, no duplicates.
    const s5 = scalesPx(p, 5);
    expect(s5[0]).toBe(1);
    expect(new Set(s5).size).toBe(s5.length);
  });

  test('bad parameters and inputs are typed errors', () => {
    expect(() => resolveSegmentParams({ diameterMinUm: -1 })).toThrow(SegmentInputError);
    expect(() => resolveSegmentParams({ thresholdLow: 0.5, thresholdHigh: 0.1 })).toThrow(SegmentInputError);
    expect(() => resolveSegmentParams({ diameterMinUm: 80 })).toThrow(SegmentInputError);
    expect(() => segmentImage(new Uint8Array(10), 5, 3, { umPerPxX: 1, umPerPxY: 1 })).toThrow(SegmentInputError);
    expect(() => segmentImage(new Uint8Array(15), 5, 3, { umPerPxX: 0, umPerPxY: 1 })).toThrow(SegmentInputError);
    expect(DEFAULT_SEGMENT_PARAMS.diameterMinUm).toBe(5);
  });

  test('native and wasm give bitwise-identical maps and the same lengths', () => {
    const backs = eachBackend();
    if (backs.length < 2) return;
    const img = syntheticLines(2, 1.2);
    const [a, b] = backs.map((be) => segmentImage(img.gray, img.width, img.height, { umPerPxX: 1.2, umPerPxY: 1.2 }, undefined, { backend: be }));
    expect(Buffer.from(b!.vesselness.buffer).equals(Buffer.from(a!.vesselness.buffer))).toBe(true);
    expect(Buffer.from(b!.mask).equals(Buffer.from(a!.mask))).toBe(true);
    expect(Buffer.from(b!.skeleton).equals(Buffer.from(a!.skeleton))).toBe(true);
    expect(b!.skeletonLengthUm).toBe(a!.skeletonLengthUm);
  });

  test('the darkness rule reads the image smoothed at maskDarknessSigmaUm: a thin lumen keeps its depth at 1.3 µm, not at the smallest vessel scale', () => {
    // A 10-µm vessel (contrast 80) and a 5-µm one (contrast 40) on textured tissue, 1.3 µm/px.
    const um = 1.3, W = 200, H = 140;
    const im = new Float32Array(W * H);
    const bar = (y: number, c: number, d: number): number => 1 / (1 + Math.exp((Math.abs(y - c) - d / um / 2) / 0.6));
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      im[y * W + x] = 180 - Math.max(80 * bar(y, 35, 10), 40 * bar(y, 95, 5)) + 6 * Math.sin(x * 0.9 + 2 * Math.sin(y * 0.31)) * Math.cos(y * 0.77 + x * 0.13);
    }
    const depth = (sigmaUm: number, row: number): number => {
      const st = vesselnessStage(im, W, H, { umPerPxX: um, umPerPxY: um }, { maskDarknessSigmaUm: sigmaUm });
      expect(st.derived.maskDarknessSigmaPx).toBeCloseTo(Math.max(1, sigmaUm / um), 12);
      let sum = 0;
      for (let x = 20; x < 180; x++) sum += st.zDark[row * W + x]!;
      return sum / 160;
    };
    expect(DEFAULT_SEGMENT_PARAMS.maskDarknessSigmaUm).toBe(1.3);
    // Smoothing at σ 2.5 µm (the smallest vessel scale) takes over a quarter of the thin lumen's
    // depth and little of the wide one's.
    expect(depth(2.5, 95) / depth(1.3, 95)).toBeLessThan(0.8);
    expect(depth(2.5, 35) / depth(1.3, 35)).toBeGreaterThan(0.9);
    // With a darkness bar between the two depths, only the finer image keeps the thin vessel.
    const thin = (sigmaUm: number): number => segmentImage(im, W, H, { umPerPxX: um, umPerPxY: um }, { maskDarknessSigmaUm: sigmaUm, maskDarknessMin: 1.2 })
      .segments.filter((sg) => Math.abs(sg.polyline.reduce((q, p) => q + p[1], 0) / sg.polyline.length - 95) < 3)
      .reduce((q, sg) => q + sg.lengthUm, 0);
    expect(thin(1.3)).toBeGreaterThan(200);
    expect(thin(2.5)).toBe(0);
    expect(() => resolveSegmentParams({ maskDarknessSigmaUm: 0 })).toThrow(SegmentInputError);
  });

  test('smoothChain keeps the ends and averages the middle; closed loops wrap', () => {
    const pts: [number, number][] = [[0, 0], [1, 1], [2, 0], [3, 1], [4, 0]];
    const s = smoothChain(pts, 1, false);
    expect(s[0]).toEqual([0, 0]);
    expect(s[4]).toEqual([4, 0]);
    expect(s[2]![1]).toBeCloseTo(2 / 3, 12);
    const loop = smoothChain([[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]], 1, true);
    expect(loop[0]).toEqual(loop[loop.length - 1]);
  });
});
