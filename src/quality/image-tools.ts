/** Small image helpers of the quality features (regions, medians, bilinear samples). */
import type { AnalysedRect } from '../analysis/stabilise-types.js';

export function median(values: ArrayLike<number>): number {
  return quantile(values, 0.5);
}

/** Linear-interpolated quantile q ∈ [0, 1] of the values (NaN for none). */
export function quantile(values: ArrayLike<number>, q: number): number {
  const n = values.length;
  if (n === 0) return NaN;
  const s = Float64Array.from(values as ArrayLike<number>).sort();
  const pos = q * (n - 1);
  const lo = Math.floor(pos), hi = Math.min(n - 1, lo + 1);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

/** The region clipped to the image, integer px (x, y inclusive start, width/height ≥ 0). */
export function clipRect(r: AnalysedRect, width: number, height: number): AnalysedRect {
  const x0 = Math.max(0, Math.ceil(r.x)), y0 = Math.max(0, Math.ceil(r.y));
  const x1 = Math.min(width, Math.floor(r.x + r.width)), y1 = Math.min(height, Math.floor(r.y + r.height));
  return { x: x0, y: y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0) };
}

/** Bilinear sample of a float image at (x, y) px; NaN outside [0, w−1]×[0, h−1]. */
export function bilinear(img: ArrayLike<number>, width: number, height: number, x: number, y: number): number {
  if (!(x >= 0 && y >= 0 && x <= width - 1 && y <= height - 1)) return NaN;
  const i = Math.min(width - 2, Math.floor(x)), j = Math.min(height - 2, Math.floor(y));
  const fx = x - i, fy = y - j;
  const k = j * width + i;
  const a = img[k]!, b = img[k + 1]!, c = img[k + width]!, d = img[k + width + 1]!;
  return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy;
}

/** The image as float32 (a copy only when it is 8-bit). */
export function asFloat(img: Float32Array | Uint8Array): Float32Array {
  return img instanceof Float32Array ? img : Float32Array.from(img);
}

/** Mask dilated by r px (square window), for keeping vessel halos out of the tissue. */
export function dilate(mask: Uint8Array, width: number, height: number, r: number): Uint8Array {
  if (r <= 0) return mask.slice();
  const tmp = new Uint8Array(mask.length);
  const out = new Uint8Array(mask.length);
  for (let j = 0; j < height; j++) {
    let last = -Infinity;
    for (let i = 0; i < width + r; i++) {
      if (i < width && mask[j * width + i] !== 0) last = i;
      const t = i - r;
      if (t >= 0 && t < width && i - last <= 2 * r) tmp[j * width + t] = 1;
    }
  }
  for (let i = 0; i < width; i++) {
    let last = -Infinity;
    for (let j = 0; j < height + r; j++) {
      if (j < height && tmp[j * width + i] !== 0) last = j;
      const t = j - r;
      if (t >= 0 && t < height && j - last <= 2 * r) out[t * width + i] = 1;
    }
  }
  return out;
}
