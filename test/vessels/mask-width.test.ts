import { describe, expect, it } from 'vitest';
import { calibreSteps, chainMaskWidthPx, maskDistance, widthAtPx } from '../../src/analysis/mask-width.js';

/** Brute force: distance from each mask pixel to the nearest background pixel (padding counts as background). */
function bruteDistance(mask: Uint8Array, w: number, h: number): Float32Array {
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (mask[y * w + x] === 0) continue;
      let best = Infinity;
      for (let v = -1; v <= h; v++) {
        for (let u = -1; u <= w; u++) {
          const bg = u < 0 || v < 0 || u >= w || v >= h || mask[v * w + u] === 0;
          if (bg) best = Math.min(best, (u - x) ** 2 + (v - y) ** 2);
        }
      }
      out[y * w + x] = Math.sqrt(best);
    }
  }
  return out;
}

describe('mask width (Felzenszwalb–Huttenlocher distance transform)', () => {
  it('equals the brute-force Euclidean distance on a random mask', () => {
    const w = 37, h = 23;
    const mask = new Uint8Array(w * h);
    let s = 12345;
    for (let i = 0; i < mask.length; i++) {
      s = (s * 1103515245 + 12345) % 2147483648;
      mask[i] = s / 2147483648 < 0.75 ? 1 : 0;
    }
    const got = maskDistance(mask, w, h);
    const want = bruteDistance(mask, w, h);
    for (let i = 0; i < mask.length; i++) expect(got[i]).toBeCloseTo(want[i]!, 5);
  });

  it('reads the width of straight bars of 1–15 px, horizontal and diagonal, at their centre', () => {
    for (const bar of [1, 3, 5, 8, 15]) {
      const w = 64, h = 64;
      const mask = new Uint8Array(w * h);
      const y0 = 30 - Math.floor(bar / 2);
      for (let y = y0; y < y0 + bar; y++) mask.fill(1, y * w + 4, y * w + 60);
      const dist = maskDistance(mask, w, h);
      const centre: [number, number] = [32, y0 + Math.floor(bar / 2)];
      // Even widths have no centre pixel: the estimate lies within a pixel.
      expect(Math.abs(widthAtPx(dist, w, centre) - bar)).toBeLessThanOrEqual(bar % 2 === 0 ? 1 : 0);
      // A chain along the bar, its two ends at junctions: the median away from them.
      const chain: [number, number][] = [];
      for (let x = 10; x <= 54; x++) chain.push([x, centre[1]]);
      expect(Math.abs(chainMaskWidthPx(chain, [chain[0]!, chain[chain.length - 1]!], dist, w) - bar)).toBeLessThanOrEqual(bar % 2 === 0 ? 1 : 0);
    }
    // A diagonal bar 7 px wide across (measured perpendicular to it).
    const w = 80, h = 80;
    const mask = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (Math.abs(x - y) / Math.SQRT2 <= 3.5) mask[y * w + x] = 1;
    const dist = maskDistance(mask, w, h);
    expect(Math.abs(widthAtPx(dist, w, [40, 40]) - 7)).toBeLessThanOrEqual(1);
  });

  it('does not widen a vessel cut by the image edge, and a junction blob does not set the chain width', () => {
    const w = 40, h = 40;
    const mask = new Uint8Array(w * h);
    for (let y = 18; y <= 22; y++) mask.fill(1, y * w, y * w + w); // 5 px bar touching both side edges
    for (let y = 10; y <= 30; y++) mask.fill(1, y * w + 16, y * w + 25); // a 9 px blob at x 16–24
    const dist = maskDistance(mask, w, h);
    expect(widthAtPx(dist, w, [0, 20])).toBe(1); // at the edge: 1 px from the padding
    const chain: [number, number][] = [];
    for (let x = 0; x <= 20; x++) chain.push([x, 20]);
    expect(chainMaskWidthPx(chain, [[20, 20]], dist, w)).toBe(5);
  });
});

describe('calibre steps along a chain (a capillary leaving a venule end-on, no junction)', () => {
  const o = { maxRatio: 2.5, maxRatioAcrossSmall: 1.6, smallMaxPx: 15 };
  it('cuts a 17-px venule running on as a 6-px capillary at the step', () => {
    const w = [...Array(40).fill(17), 15, 11, 9, ...Array(40).fill(6)];
    const cuts = calibreSteps(w, false, false, o);
    expect(cuts).toHaveLength(1);
    expect(cuts[0]).toBeGreaterThanOrEqual(39);
    expect(cuts[0]).toBeLessThanOrEqual(43);
  });
  it('does not cut capillary width noise (3–7 px), a 18 → 22 µm-like change within a class, or a short chain', () => {
    const noisy = [5, 5, 7, 7, 7, 8, 6, 7, 5, 7, 5, 5, 5, 7, 7, 7, 7, 6, 5, 7, 5, 3, 3, 3, 3, 3, 3, 3, 3, 3, 5, 6, 7, 9, 7, 5];
    expect(calibreSteps(noisy, false, false, o)).toEqual([]);
    expect(calibreSteps([...Array(30).fill(16), ...Array(30).fill(20)], false, false, o)).toEqual([]);
    expect(calibreSteps([...Array(8).fill(17), ...Array(8).fill(5)], false, false, o)).toEqual([]);
  });
  it('cuts across the small-vessel threshold at a smaller ratio (1.6 < r ≤ 2.5), and not at a junction blob', () => {
    expect(calibreSteps([...Array(30).fill(20), ...Array(30).fill(10)], false, false, o)).toHaveLength(1);
    // A capillary whose first pixels lie in a junction's blob (wide): no cut there.
    const blob = [19, 18, 16, 14, 12, 10, 9, 8, ...Array(40).fill(6)];
    expect(calibreSteps(blob, true, false, o)).toEqual([]);
  });
});
