/**
 * truthOverlay: truth centerlines coloured by their distance to the engine's, on the mean
 * image, checked pixel by pixel on a hand-made truth and result.
 */
import { describe, expect, it } from 'vitest';
import type { PhantomTruth } from '../../src/phantom/index.js';
import { BESIDE_RGB, ENGINE_RGB, FOUND_RGB, MISSED_RGB, OUTSIDE_RGB, REGION_RGB, truthOverlay } from './overlay.js';
import type { EngineResult } from './harness.js';

const W = 60;
const H = 40;
const mean = new Float32Array(W * H).fill(128);
// Camera offset of the reference frame (1): truth (frame 0) = engine + (2, 0).
const truth = {
  frames: [{ offsetPx: [0, 0] }, { offsetPx: [2, 0] }],
  vessels: [
    { id: 'a', centerlinePx: [[12, 10], [52, 10]] }, // engine runs on it
    { id: 'b', centerlinePx: [[12, 20.5], [52, 20.5]] }, // engine 3 px beside it
    { id: 'c', centerlinePx: [[12, 32], [52, 32]] }, // no engine centerline near
    { id: 'd', centerlinePx: [[2, 39], [30, 39]] }, // below the analysed region
  ],
} as unknown as PhantomTruth;
const result = {
  analysis: { referenceFrame: 1, analysedRegion: { x: 2, y: 2, width: 56, height: 36 } },
  vessels: [
    { id: 'v0', points: [[10, 10], [50, 10]] },
    { id: 'v1', points: [[10, 23.5], [50, 23.5]] },
  ],
} as unknown as EngineResult;
const rgb = (img: ReturnType<typeof truthOverlay>, x: number, y: number): number[] => {
  const o = (y * img.width + x) * 3;
  return [img.data[o]!, img.data[o + 1]!, img.data[o + 2]!];
};

describe('truthOverlay', () => {
  const img = truthOverlay(mean, W, H, truth, result, 3);
  const at = (x: number, y: number): number[] => rgb(img, Math.round(x * 3 + 1), Math.round(y * 3 + 1));

  it('upscales the mean image', () => {
    expect([img.width, img.height]).toEqual([180, 120]);
    expect(at(30, 15)).toEqual([128, 128, 128]);
  });

  it('draws the engine in red on top, truth by its distance to the engine, the region in yellow', () => {
    expect(at(30, 10)).toEqual([...ENGINE_RGB]); // truth a lies under the engine's v0
    expect(at(30, 20.5)).toEqual([...BESIDE_RGB]); // truth b: 3 px from v1 (2 < d ≤ 4)
    expect(at(30, 23.5)).toEqual([...ENGINE_RGB]);
    expect(at(30, 32)).toEqual([...MISSED_RGB]); // truth c: nothing within 4 px
    expect(at(1.5, 20)).toEqual([...REGION_RGB]);
    expect(at(10, 39)).toEqual([...OUTSIDE_RGB]);
    // The truth is shifted into the reference frame: vessel a's start (12 − 2 = 10) is found.
    const left = truthOverlay(mean, W, H, truth, { ...result, vessels: [] } as unknown as EngineResult, 3);
    expect(rgb(left, 10 * 3 + 1, 10 * 3 + 1)).toEqual([...MISSED_RGB]);
    expect(rgb(left, 9 * 3 + 1, 10 * 3 + 1)).toEqual([128, 128, 128]);
  });

  it('colours found truth green where no engine line is drawn over it', () => {
    // An engine line 1 px from truth a: a is found (≤ 2 px) and stays visible beside it.
    const near = truthOverlay(mean, W, H, truth, { ...result, vessels: [{ id: 'v', points: [[10, 11], [50, 11]] }] } as unknown as EngineResult, 3);
    expect(rgb(near, 30 * 3 + 1, 10 * 3 + 1)).toEqual([...FOUND_RGB]);
  });

  it('rejects a mean image of the wrong size', () => {
    expect(() => truthOverlay(new Float32Array(10), W, H, truth, result)).toThrow(RangeError);
  });
});
