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
 * The per-frame image is made in the core (native/core/registration_image.cpp, the same
 * arithmetic this file did in TypeScript before, bit for bit); the geometry, once a clip, here.
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
}

/**
 * An axis at most this share above a power of two is cropped (centred) to it: PAL's 576 rows
 * at ×2 give 288 → 256, 89 % of the rows. Introduced when phaseCorrelate padded every axis
 * to a power of two (288 → 512, twice the transform); its FFT is now mixed radix and pads
 * to the next 2^a·3^b·5^c (native/core/fft.h), so the crop only saves the 11 % of the
 * registration's work those rows cost. Kept so that PAL clips still register on the same
 * rows as before the FFT changed.
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
  return { factor, x0, y0, width, height, frameWidth, valid, validBlur, weight, sigmaBg, inner, innerTaps };
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

/** The registration image of a frame (see the file comment): tapered contrast c·weight, made in the core. */
export function registrationImage(core: CoreBackend, frame: Uint8Array, g: RegistrationGeometry): Float32Array {
  const frameHeight = Math.floor(frame.length / g.frameWidth);
  return core.registrationImage(frame, g.frameWidth, frameHeight, g.x0, g.y0, g.factor, g.width, g.height, g.valid, g.validBlur, g.weight, g.sigmaBg);
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
 * Sub-pixel refinement of a translation (Lucas & Kanade, IJCAI 1981, for a pure
 * translation; gradients averaged over both images as in efficient second-order
 * minimisation, Benhimane & Malis 2004), in the core (native/core/refine_shift.cpp).
 * Phase correlation's sub-pixel step models the peak as a sinc, which holds for a white
 * spectrum; real (and phantom) frames are band-limited and noisy, the peak broadens and the
 * estimate is pulled towards whole pixels by up to ~0.3 px. Starting from it, this minimises
 * Σ (mov(p + d) − ref(p))² over the inner pixels of both images (pre-smoothed by
 * REFINE_SMOOTH_SIGMA), a few Gauss–Newton steps. `ref` and `mov` are the pre-smoothed
 * registration images; (dx, dy) downsampled px, content-shift convention. Returns the start
 * unchanged if the system is singular or the refinement wanders off.
 */
export function refineShift(core: CoreBackend, ref: Float32Array, mov: Float32Array, g: RegistrationGeometry, dx0: number, dy0: number): { dx: number; dy: number; iterations: number } {
  return core.refineShift(ref, mov, g.inner, g.innerTaps, g.width, g.height, dx0, dy0, {
    tolerance: REFINE_TOLERANCE,
    maxIterations: REFINE_MAX_ITERATIONS,
    maxChange: REFINE_MAX_CHANGE,
  });
}

/**
 * Residual of a registration: the moving image sampled at the measured shift (bilinear),
 * against the reference, over the usable inner pixels:
 * sqrt(Σ(a−b)² / (Σa² + Σb²)); 0 for identical images, ~1 for unrelated ones, null when
 * the overlap is empty. (dx, dy) in downsampled px, content-shift convention.
 */
export function registrationResidual(core: CoreBackend, ref: Float32Array, mov: Float32Array, g: RegistrationGeometry, dx: number, dy: number): number | null {
  return core.registrationResidual(ref, mov, g.inner, g.innerTaps, g.width, g.height, dx, dy);
}
