/**
 * edgeTruncatedShare on small known mean images: a venule whose lumen runs on past the
 * bottom edge (its visible band traced), a capillary running close to the edge with its whole
 * profile visible, a vessel in the middle.
 */
import { describe, expect, it } from 'vitest';
import { CUT_MIN_SHARE, edgeTruncatedShare } from '../../src/analysis/frame-edge.js';
import type { PointPx } from '../../src/metrics/types.js';

const W = 120;
const H = 80;

/** Tissue at 130 with a dark band (60) between rows y0 and y1 (exclusive), blurred edges of 1 row. */
function image(y0: number, y1: number): Float32Array {
  const img = new Float32Array(W * H);
  for (let y = 0; y < H; y++) {
    const v = y >= y0 && y < y1 ? 60 : y === y0 - 1 || y === y1 ? 95 : 130;
    img.fill(v, y * W, (y + 1) * W);
  }
  return img;
}
const line = (y: number): PointPx[] => Array.from({ length: 41 }, (_, k) => [10 + 2.5 * k, y] as PointPx);

describe('edgeTruncatedShare', () => {
  it('a venule whose lumen runs past the bottom edge, traced along its visible band, is truncated everywhere', () => {
    // Lumen rows 66–95 (30 px); the picture ends at row 79: visible band 66–79, traced at 72.5 with half width 7.
    expect(edgeTruncatedShare(image(66, 96), W, H, line(72.5), 7)).toBeGreaterThan(0.95);
  });

  it('a capillary close to the edge with its whole profile visible is not', () => {
    // Lumen rows 70–75 (6 px), tissue again at rows 77–79 before the edge.
    const share = edgeTruncatedShare(image(70, 76), W, H, line(72.5), 3);
    expect(share).toBeLessThan(CUT_MIN_SHARE);
    expect(share).toBe(0);
  });

  it('a vessel in the middle of the picture is not', () => {
    expect(edgeTruncatedShare(image(35, 45), W, H, line(40), 5)).toBe(0);
  });
});
