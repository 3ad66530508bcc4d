/**
 * The image phase correlation sees: a preprocessed copy of a frame in which only what moves
 * with the tissue carries structure.
 *
 *  1. Crop to the inside of the static borders and downsample by an integer factor f
 *     (f×f box mean): 4× fewer pixels for f = 2, and the box mean halves the sensor noise
 *     whose random phases would otherwise fill the whitened correlation spectrum. The
 *     shift is measured in downsampled px and multiplied by f (the grid is uniform, so
 *     the crop origin cancels).
 *  2. Flatten and normalise brightness: c = I / B − 1, with B a normalised-convolution
 *     Gaussian background (σ = BACKGROUND_SIGMA_PX full-res px) over the valid pixels only,
 *     B = G∗(I·valid) / G∗valid. Dividing (not subtracting) removes the illumination
 *     (vignetting, gradient: fixed to the sensor, so it would pull towards zero shift) and
 *     any frame gain (flicker) in one step; leaving the overlay out of B keeps its dark
 *     box from printing a static halo into the tissue around it.
 *  3. Mask and taper: pixels in an overlay box (and beyond the crop) are set to 0 — the
 *     mean of c — and the valid area is tapered to 0 over ~TAPER_SIGMA_PX at its edges so
 *     the cut does not become a static edge. The same weight is applied to every frame.
 *
 * Pure arithmetic on the caller's typed arrays (+ − × ÷ only) and core calls: results are
 * the same on both backends.
 */
import type { CoreBackend } from '../backend/types.js';
import type { ScreenBorders, ScreenRect } from './stabilise-types.js';

/** Background σ of the flattening, full-res px (illumination and the broadest mottle). */
export const BACKGROUND_SIGMA_PX = 16;
/** Taper σ at mask edges, full-res px. */
export const TAPER_SIGMA_PX = 4;

export interface RegistrationGeometry {
  /** Downsampling factor (1, 2, 4…). */
  factor: number;
  /** Full-res origin of the crop (top-left of downsampled pixel (0, 0)'s block). */
  x0: number;
  y0: number;
  /** Downsampled size. */
  width: number;
  height: number;
  /** Full-res frame width (row stride). */
  frameWidth: number;
  /** 1 valid, 0 masked (overlay), downsampled. */
  valid: Float32Array;
  /** G∗valid (normaliser of the background), downsampled. */
  validBlur: Float32Array;
  /** Taper weight, 0 on masked pixels, → 1 away from mask edges. */
  weight: Float32Array;
  /** Background σ in downsampled px. */
  sigmaBg: number;
  /** 1 where the weight is 1 over the whole neighbourhood of radius INNER_MARGIN: the pixels refinement and residual use. */
  inner: Uint8Array;
  /**
   * 1 where a pixel, its 4 neighbours and all their bilinear taps (+1 right, +1 down) are
   * inner: the moving image may be sampled there and differentiated. (inner eroded by 2.)
   */
  innerTaps: Uint8Array;
  /** The inner pixels, as indices, and their columns. */
  innerIndex: Int32Array;
  innerX: Int32Array;
}

/**
 * phaseCorrelate pads each axis to a power of two, so a registration image just above one
 * (PAL 576 rows at ×2: 288 → 512) costs nearly twice what it needs. An axis at most this
 * share above a power of two is cropped (centred) to it instead: 288 → 256 keeps 89 % of
 * the rows and halves the transform.
 */
export const POW2_CROP_MAX_EXCESS = 0.15;

function pow2Crop(n: number): number {
  let p = 1;
  while (p * 2 <= n) p *= 2;
  return p >= 64 && n <= p * (1 + POW2_CROP_MAX_EXCESS) ? p : n;
}

/** Downsampled registration geometry for a frame size, its borders and overlay boxes. */
export function registrationGeometry(
  core: CoreBackend,
  frameWidth: number,
  frameHeight: number,
  borders: ScreenBorders,
  overlays: readonly ScreenRect[],
  factor: number,
): RegistrationGeometry {
  const cw = frameWidth - borders.left - borders.right;
  const ch = frameHeight - borders.top - borders.bottom;
  const width = pow2Crop(Math.floor(cw / factor));
  const height = pow2Crop(Math.floor(ch / factor));
  if (width < 4 || height < 4) throw new RangeError(`the field inside the borders (${cw}×${ch} px) is too small to register`);
  // Centre the downsampled grid in the crop (the remainder < factor px is dropped evenly).
  const x0 = borders.left + Math.floor((cw - width * factor) / 2);
  const y0 = borders.top + Math.floor((ch - height * factor) / 2);
  const valid = new Float32Array(width * height).fill(1);
  for (const r of overlays) {
    const u0 = Math.max(0, Math.floor((r.x - x0) / factor)), u1 = Math.min(width - 1, Math.floor((r.x + r.width - 1 - x0) / factor));
    const v0 = Math.max(0, Math.floor((r.y - y0) / factor)), v1 = Math.min(height - 1, Math.floor((r.y + r.height - 1 - y0) / factor));
    for (let v = v0; v <= v1; v++) for (let u = u0; u <= u1; u++) valid[v * width + u] = 0;
  }
  const sigmaBg = BACKGROUND_SIGMA_PX / factor;
  const validBlur = core.gaussianBlur(valid, width, height, sigmaBg);
  // Taper: 0 at a mask edge, 1 from ~2σ inside. The crop's own edges need none: the Hann
  // window of phaseCorrelate tapers them.
  const sigmaT = TAPER_SIGMA_PX / factor;
  const t = core.gaussianBlur(valid, width, height, sigmaT);
  const weight = new Float32Array(width * height);
  for (let i = 0; i < weight.length; i++) {
    const s = (t[i]! - 0.5) * 2;
    weight[i] = valid[i] === 0 ? 0 : s <= 0 ? 0 : s >= 1 ? 1 : s;
  }
  // Inner pixels: full weight within INNER_MARGIN px (the refinement's pre-smoothing and
  // central differences then never reach a tapered or masked pixel), away from the crop edge.
  const full = new Uint8Array(width * height);
  for (let i = 0; i < full.length; i++) full[i] = weight[i] === 1 ? 1 : 0;
  const inner = erode(full, width, height, INNER_MARGIN);
  const innerTaps = erode(inner, width, height, 2);
  let count = 0;
  for (const v of inner) count += v;
  const innerIndex = new Int32Array(count), innerX = new Int32Array(count);
  for (let i = 0, k = 0; i < inner.length; i++) {
    if (inner[i] !== 1) continue;
    innerIndex[k] = i;
    innerX[k++] = i % width;
  }
  return { factor, x0, y0, width, height, frameWidth, valid, validBlur, weight, sigmaBg, inner, innerTaps, innerIndex, innerX };
}

/** Margin of `inner`, downsampled px (≥ 3·REFINE_SMOOTH_SIGMA + 1). */
export const INNER_MARGIN = 4;

/** Binary erosion by a (2r+1)² square; pixels within r of the image edge become 0. Separable. */
function erode(m: Uint8Array, w: number, h: number, r: number): Uint8Array {
  const tmp = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    let run = 0; // consecutive 1s ending at x
    const row = y * w;
    for (let x = 0; x < w; x++) {
      run = m[row + x] === 1 ? run + 1 : 0;
      // centre x − r has 1s over [x − 2r, x]
      if (x - r >= 0 && run >= 2 * r + 1) tmp[row + x - r] = 1;
    }
  }
  const out = new Uint8Array(w * h);
  for (let x = 0; x < w; x++) {
    let run = 0;
    for (let y = 0; y < h; y++) {
      run = tmp[y * w + x] === 1 ? run + 1 : 0;
      if (y - r >= 0 && run >= 2 * r + 1) out[(y - r) * w + x] = 1;
    }
  }
  return out;
}

/** Box-mean downsampling of the crop into a float image (grey levels). */
export function downsample(frame: Uint8Array, g: RegistrationGeometry): Float32Array {
  const { factor: f, width, height, x0, y0, frameWidth: fw } = g;
  const out = new Float32Array(width * height);
  if (f === 1) {
    for (let v = 0; v < height; v++) {
      const row = (y0 + v) * fw + x0;
      for (let u = 0; u < width; u++) out[v * width + u] = frame[row + u]!;
    }
    return out;
  }
  if (f === 2) {
    for (let v = 0; v < height; v++) {
      const r0 = (y0 + 2 * v) * fw + x0, r1 = r0 + fw;
      const o = v * width;
      for (let u = 0; u < width; u++) {
        const p = 2 * u;
        out[o + u] = (frame[r0 + p]! + frame[r0 + p + 1]! + frame[r1 + p]! + frame[r1 + p + 1]!) * 0.25;
      }
    }
    return out;
  }
  const inv = 1 / (f * f);
  for (let v = 0; v < height; v++) {
    const o = v * width;
    for (let dy = 0; dy < f; dy++) {
      const row = (y0 + v * f + dy) * fw + x0;
      for (let u = 0; u < width; u++) {
        let s = 0;
        const p = row + u * f;
        for (let dx = 0; dx < f; dx++) s += frame[p + dx]!;
        out[o + u] += s;
      }
    }
    for (let u = 0; u < width; u++) out[o + u] *= inv;
  }
  return out;
}

/** The registration image of a frame (see the file comment): tapered contrast c·weight. */
export function registrationImage(core: CoreBackend, frame: Uint8Array, g: RegistrationGeometry): Float32Array {
  const img = downsample(frame, g);
  const n = img.length;
  const masked = new Float32Array(n);
  for (let i = 0; i < n; i++) masked[i] = img[i]! * g.valid[i]!;
  const num = core.gaussianBlur(masked, g.width, g.height, g.sigmaBg);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const wgt = g.weight[i]!;
    if (wgt === 0) continue;
    const den = g.validBlur[i]!;
    const b = den > 1e-6 ? num[i]! / den : 0;
    out[i] = b >= 1 ? (img[i]! / b - 1) * wgt : 0; // a black background (< 1 grey) carries no texture
  }
  return out;
}

/** Contrast energy per unit weight: higher for sharp frames, lower for blurred ones. */
export function sharpness(img: Float32Array, g: RegistrationGeometry): number {
  let s = 0, wsum = 0;
  for (let i = 0; i < img.length; i++) {
    s += img[i]! * img[i]!;
    wsum += g.weight[i]! * g.weight[i]!;
  }
  return wsum > 0 ? s / wsum : 0;
}

/** Pre-smoothing of the refinement's images, downsampled px (noise down, linear range up). */
export const REFINE_SMOOTH_SIGMA = 1;
/** Refinement stops when an update is below this, downsampled px, or after REFINE_MAX_ITERATIONS. */
export const REFINE_TOLERANCE = 1e-3;
export const REFINE_MAX_ITERATIONS = 6;
/** A refinement that moves the phase-correlation estimate further than this (downsampled px) is not trusted. */
export const REFINE_MAX_CHANGE = 1.5;

/**
 * Bilinear sample of img at p + (dx, dy) for every pixel whose taps lie inside the image
 * (0 elsewhere; callers read only where innerTaps allows).
 */
function shifted(img: Float32Array, w: number, h: number, dx: number, dy: number, into?: Float32Array): Float32Array {
  const ix = Math.floor(dx), iy = Math.floor(dy);
  const fx = dx - ix, fy = dy - iy;
  const w00 = (1 - fy) * (1 - fx), w01 = (1 - fy) * fx, w10 = fy * (1 - fx), w11 = fy * fx;
  const out = into ?? new Float32Array(w * h);
  if (into !== undefined) out.fill(0);
  const x0 = Math.max(0, -ix), x1 = Math.min(w - 1, w - 2 - ix);
  const y0 = Math.max(0, -iy), y1 = Math.min(h - 1, h - 2 - iy);
  for (let y = y0; y <= y1; y++) {
    const o = y * w;
    const b = (y + iy) * w + ix;
    for (let x = x0; x <= x1; x++) {
      const p = b + x;
      out[o + x] = w00 * img[p]! + w01 * img[p + 1]! + w10 * img[p + w]! + w11 * img[p + w + 1]!;
    }
  }
  return out;
}

/**
 * The inner pixels i of the reference whose moving-image position (the pixel moved by the
 * whole part of the shift) has usable taps around it (innerTaps). Loops stay inline in the
 * callers: accumulating into closure variables would box every double in V8.
 */
function usable(g: RegistrationGeometry, ix: number, iy: number): Int32Array {
  const { width: w, height: h, innerTaps, innerIndex, innerX } = g;
  const off = iy * w + ix;
  const n = w * h;
  const out = new Int32Array(innerIndex.length);
  let m = 0;
  for (let k = 0; k < innerIndex.length; k++) {
    const x = innerX[k]! + ix;
    if (x < 0 || x >= w) continue; // would wrap to another row
    const i = innerIndex[k]!;
    const p = i + off;
    if (p < 0 || p >= n || innerTaps[p] !== 1) continue;
    out[m++] = i;
  }
  return out.subarray(0, m);
}

/**
 * Sub-pixel refinement of a translation (Lucas & Kanade, IJCAI 1981, for a pure
 * translation; gradients averaged over both images as in efficient second-order
 * minimisation, Benhimane & Malis 2004). Phase correlation's sub-pixel step models the peak
 * as a sinc, which holds for a white spectrum; real (and phantom) frames are band-limited
 * and noisy, the peak broadens and the estimate is pulled towards whole pixels by up to
 * ~0.3 px. Starting from it, this minimises Σ (mov(p + d) − ref(p))² over the inner pixels
 * of both images (pre-smoothed by REFINE_SMOOTH_SIGMA), a few Gauss–Newton steps.
 * `ref` and `mov` are the pre-smoothed registration images; (dx, dy) downsampled px,
 * content-shift convention. Returns the start unchanged if the system is singular or the
 * refinement wanders off.
 */
export function refineShift(ref: Float32Array, mov: Float32Array, g: RegistrationGeometry, dx0: number, dy0: number): { dx: number; dy: number; iterations: number } {
  const { width: w, height: h } = g;
  let dx = dx0, dy = dy0;
  let it = 0;
  let idx: Int32Array = new Int32Array(0), lastIx = NaN, lastIy = NaN;
  // The reference's central differences do not change between iterations: computed once
  // (the same double as inside the sum, so results are unchanged), and one buffer serves
  // every iteration's shifted image.
  const refDx = new Float64Array(w * h), refDy = new Float64Array(w * h);
  for (const i of g.innerIndex) {
    refDx[i] = ref[i + 1]! - ref[i - 1]!;
    refDy[i] = ref[i + w]! - ref[i - w]!;
  }
  const M = new Float32Array(w * h);
  for (; it < REFINE_MAX_ITERATIONS; it++) {
    shifted(mov, w, h, dx, dy, M);
    let hxx = 0, hxy = 0, hyy = 0, bx = 0, by = 0;
    // innerTaps at the moving position covers the 4 neighbours and their taps, and inner
    // pixels of the reference are ≥ INNER_MARGIN from its edges: no read leaves either image.
    const ix = Math.floor(dx), iy = Math.floor(dy);
    if (ix !== lastIx || iy !== lastIy) {
      idx = usable(g, ix, iy);
      lastIx = ix;
      lastIy = iy;
    }
    for (let k = 0; k < idx.length; k++) {
      const i = idx[k]!;
      const gx = 0.25 * (refDx[i]! + M[i + 1]! - M[i - 1]!);
      const gy = 0.25 * (refDy[i]! + M[i + w]! - M[i - w]!);
      const e = ref[i]! - M[i]!;
      hxx += gx * gx;
      hxy += gx * gy;
      hyy += gy * gy;
      bx += gx * e;
      by += gy * e;
    }
    const det = hxx * hyy - hxy * hxy;
    if (!(det > 1e-12 * (hxx * hyy + 1e-300))) return { dx: dx0, dy: dy0, iterations: it };
    const ux = (hyy * bx - hxy * by) / det;
    const uy = (hxx * by - hxy * bx) / det;
    dx += ux;
    dy += uy;
    if (Math.abs(dx - dx0) > REFINE_MAX_CHANGE || Math.abs(dy - dy0) > REFINE_MAX_CHANGE) return { dx: dx0, dy: dy0, iterations: it + 1 };
    if (Math.abs(ux) < REFINE_TOLERANCE && Math.abs(uy) < REFINE_TOLERANCE) {
      it++;
      break;
    }
  }
  return { dx, dy, iterations: it };
}

/**
 * Residual of a registration: the moving image sampled at the measured shift (bilinear),
 * against the reference, over the usable inner pixels:
 * sqrt(Σ(a−b)² / (Σa² + Σb²)); 0 for identical images, ~1 for unrelated ones, null when
 * the overlap is empty. (dx, dy) in downsampled px, content-shift convention.
 */
export function registrationResidual(ref: Float32Array, mov: Float32Array, g: RegistrationGeometry, dx: number, dy: number): number | null {
  const M = shifted(mov, g.width, g.height, dx, dy);
  const idx = usable(g, Math.floor(dx), Math.floor(dy));
  let num = 0, den = 0;
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k]!;
    const r = ref[i]!, v = M[i]!;
    num += (r - v) * (r - v);
    den += r * r + v * v;
  }
  return den > 0 ? Math.sqrt(num / den) : null;
}
