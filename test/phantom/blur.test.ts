/**
 * The phantom's own Gaussian blur (src/phantom/blur.ts) on sparse vessel layers: its vertical
 * pass spreads only the non-zero runs of each row, which must give bitwise what visiting
 * every sample and skipping zeros gave (the phantom's frames, and so every fixture's hash,
 * depend on it), and it must be a Gaussian blur.
 */
import { describe, expect, it } from 'vitest';
import { gaussianBlur, gaussianKernel } from '../../src/phantom/blur.js';

/** The vertical pass as it was before the runs: every sample of a used row visited. */
function blurReference(img: Float32Array, width: number, height: number, sigmaX: number, sigmaY: number): void {
  const kx = gaussianKernel(sigmaX);
  const ky = gaussianKernel(sigmaY);
  const tmp = new Float32Array(img.length);
  const rx = (kx.length - 1) >> 1;
  const ry = (ky.length - 1) >> 1;
  const rowUsed = new Uint8Array(height);
  for (let j = 0; j < height; j++) {
    const o = j * width;
    for (let i = 0; i < width; i++) {
      const v = img[o + i]!;
      if (v === 0) continue;
      rowUsed[j] = 1;
      const a = i - rx < 0 ? rx - i : 0;
      const b = i + rx >= width ? rx + (width - 1 - i) : 2 * rx;
      for (let q = a; q <= b; q++) tmp[o + i - rx + q] += kx[q]! * v;
    }
  }
  img.fill(0);
  for (let q = 0; q < height; q++) {
    if (!rowUsed[q]) continue;
    for (let j = Math.max(0, q - ry); j <= Math.min(height - 1, q + ry); j++) {
      const w = ky[q - j + ry]!;
      for (let i = 0; i < width; i++) {
        const v = tmp[q * width + i]!;
        if (v !== 0) img[j * width + i] += w * v;
      }
    }
  }
}

function sparseLayer(width: number, height: number, seed: number): Float32Array {
  let x = seed >>> 0;
  const r = (): number => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const img = new Float32Array(width * height);
  // A few thick strokes (vessels) and scattered dots, most of the layer 0.
  for (let k = 0; k < 6; k++) {
    const y0 = Math.floor(r() * height), x0 = Math.floor(r() * width), len = 10 + Math.floor(r() * 60);
    for (let t = 0; t < len; t++) for (let d = 0; d < 3; d++) {
      const xx = Math.min(width - 1, x0 + t), yy = Math.min(height - 1, y0 + d + Math.floor(t / 4));
      img[yy * width + xx] = 0.2 + r();
    }
  }
  for (let k = 0; k < 30; k++) img[Math.floor(r() * width * height)] = -0.5 + r();
  return img;
}

describe('phantom gaussianBlur', () => {
  it('equals the sample-by-sample vertical pass bitwise on sparse layers', () => {
    for (const [w, h, sx, sy, seed] of [[97, 61, 1.5, 2.5, 1], [160, 40, 0.6, 0.6, 2], [33, 90, 4, 3, 3], [20, 20, 0, 2, 4]] as const) {
      const a = sparseLayer(w, h, seed);
      const b = a.slice();
      gaussianBlur(a, w, h, sx, sy);
      blurReference(b, w, h, sx, sy);
      expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer)), `${w}×${h} σ ${sx}/${sy}`).toBe(true);
    }
  });

  it('blurs a dot into its separable Gaussian, mass kept away from the edges', () => {
    const w = 41, h = 41;
    const img = new Float32Array(w * h);
    img[20 * w + 20] = 1;
    gaussianBlur(img, w, h, 2, 3);
    const kx = gaussianKernel(2), ky = gaussianKernel(3);
    expect(img[20 * w + 20]).toBeCloseTo(kx[(kx.length - 1) / 2]! * ky[(ky.length - 1) / 2]!, 6);
    expect(img[(20 + 3) * w + 20]).toBeCloseTo(kx[(kx.length - 1) / 2]! * ky[(ky.length - 1) / 2 + 3]!, 6);
    expect(img.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
  });
});
