/**
 * steepestPixels picks the evidence image's "steepest share" by a threshold instead of sorting
 * one object per pixel; it must pick exactly the pixels the stable sort picked (the slope
 * model's b and the wall fade are medians over them).
 */
import { describe, expect, it } from 'vitest';
import { steepestPixels } from '../../src/analysis/vessel-map.js';

function bySort(g2: Float64Array, roi: Uint8Array, share: number): number[] {
  const c: { g: number; i: number }[] = [];
  for (let i = 0; i < g2.length; i++) if (roi[i] !== 0 && g2[i]! > 0) c.push({ g: g2[i]!, i });
  c.sort((p, q) => q.g - p.g);
  return c
    .slice(0, Math.max(1, Math.floor(c.length * share)))
    .map((x) => x.i)
    .sort((a, b) => a - b);
}

describe('steepestPixels', () => {
  it('takes the same pixels as a stable descending sort, ties at the cut in scan order', () => {
    let x = 12345;
    const r = (): number => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    for (const [n, levels, share] of [[5000, 0, 0.05], [5000, 7, 0.05], [3000, 3, 0.2], [40, 2, 0.05], [10, 0, 0.5]] as const) {
      // levels > 0: few distinct values, so the cut falls inside a run of ties.
      const g2 = Float64Array.from({ length: n }, () => (r() < 0.1 ? 0 : levels > 0 ? Math.floor(r() * levels) + 1 : r()));
      const roi = Uint8Array.from({ length: n }, () => (r() < 0.8 ? 1 : 0));
      expect(Array.from(steepestPixels(g2, roi, share))).toEqual(bySort(g2, roi, share));
    }
  });

  it('is empty without a pixel of positive slope in the region', () => {
    expect(steepestPixels(new Float64Array(4), new Uint8Array(4).fill(1), 0.05).length).toBe(0);
  });
});
