/**
 * Separable Gaussian blur of float images, written here (no library resampling) so the
 * phantom's pixels are bit-reproducible. Kernel weights come from the deterministic
 * exponential; pixels beyond the image count as 0 (callers pad the image so that content
 * outside the frame is rendered and blurred in correctly).
 */
import { dexp } from './dmath.js';

/** Normalised 1-D Gaussian kernel of radius ceil(3σ) (σ in px; σ ≤ 0 gives [1]). */
export function gaussianKernel(sigmaPx: number): Float64Array {
  if (!(sigmaPx > 0)) return Float64Array.of(1);
  const r = Math.max(1, Math.ceil(3 * sigmaPx));
  const k = new Float64Array(2 * r + 1);
  let sum = 0;
  for (let i = -r; i <= r; i++) {
    const w = dexp(-(i * i) / (2 * sigmaPx * sigmaPx));
    k[i + r] = w;
    sum += w;
  }
  for (let i = 0; i < k.length; i++) k[i]! /= sum;
  return k;
}

/**
 * Blur `img` (width×height, row-major) in place with σx along x and σy along y (px).
 * `scratch` (same size) may be passed to avoid an allocation.
 *
 * Both passes scatter from non-zero samples only (vessel layers are sparse: most of a
 * layer is 0), in a fixed order, so the result is deterministic. Rows that are entirely 0
 * are skipped.
 */
export function gaussianBlur(img: Float32Array, width: number, height: number, sigmaX: number, sigmaY: number, scratch?: Float32Array): void {
  const kx = gaussianKernel(sigmaX);
  const ky = gaussianKernel(sigmaY);
  const tmp = scratch && scratch.length >= img.length ? scratch : new Float32Array(img.length);
  const rx = (kx.length - 1) >> 1;
  const ry = (ky.length - 1) >> 1;
  const n = width * height;
  tmp.fill(0, 0, n);
  // Horizontal pass: img → tmp; remember which rows hold anything.
  const rowUsed = new Uint8Array(height);
  for (let j = 0; j < height; j++) {
    const o = j * width;
    let any = false;
    for (let i = 0; i < width; i++) {
      const v = img[o + i]!;
      if (v === 0) continue;
      any = true;
      const a = i - rx < 0 ? rx - i : 0;
      const b = i + rx >= width ? rx + (width - 1 - i) : 2 * rx;
      const base = o + i - rx;
      for (let q = a; q <= b; q++) tmp[base + q] += kx[q]! * v;
    }
    if (any) rowUsed[j] = 1;
  }
  // Vertical pass: tmp → img, a source row at a time (cache friendly). Each source row's
  // non-zero runs are found once, and only they are spread over the 2·ry + 1 output rows:
  // the same products added to each output pixel in the same order (source rows ascending)
  // as visiting every sample and skipping the zeros, at a fraction of the cost on sparse
  // vessel layers (the phantom generator's largest cost before).
  img.fill(0, 0, n);
  const runs = new Int32Array(width + 1);
  for (let q = 0; q < height; q++) {
    if (!rowUsed[q]) continue;
    const src = q * width;
    let nRuns = 0;
    for (let i = 0; i < width; ) {
      if (tmp[src + i] === 0) {
        i++;
        continue;
      }
      const start = i;
      while (i < width && tmp[src + i] !== 0) i++;
      runs[nRuns++] = start;
      runs[nRuns++] = i;
    }
    const a = Math.max(0, q - ry);
    const b = Math.min(height - 1, q + ry);
    for (let j = a; j <= b; j++) {
      const w = ky[q - j + ry]!;
      const o = j * width;
      for (let r = 0; r < nRuns; r += 2) {
        const end = runs[r + 1]!;
        for (let i = runs[r]!; i < end; i++) img[o + i] += w * tmp[src + i]!;
      }
    }
  }
}
