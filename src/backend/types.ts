/**
 * The one TypeScript face of the C++ core. `native` (Node-API addon) and `wasm`
 * (WebAssembly) both implement it from the same sources under native/core/, and must
 * give bitwise-identical results for identical inputs (see native/README.md for the
 * determinism rules). Everything here is synchronous and allocation-explicit: inputs are
 * typed arrays owned by the caller; outputs are fresh typed arrays owned by the caller.
 *
 * Images are row-major, `width * height` samples, no padding.
 */
export type BackendName = 'native' | 'wasm';

export interface FrameStats {
  /** Mean grey level (0–255). */
  mean: number;
  /** Population standard deviation of grey levels. */
  sd: number;
  min: number;
  max: number;
  /** 256-bin histogram of grey levels (counts). */
  histogram: Uint32Array;
}

export interface RefineShiftOptions {
  /** Stop when both components of an update are below this, px. */
  tolerance: number;
  /** At most this many Gauss–Newton steps (0–1000). */
  maxIterations: number;
  /** Return the start when the estimate moves further than this from it, px. */
  maxChange: number;
}

export interface RefinedShift {
  dx: number;
  dy: number;
  /** Gauss–Newton steps taken. */
  iterations: number;
}

/** A registration reference's spectrum (CoreBackend.phaseReference), for the image size it was made at. */
export interface PhaseReference {
  readonly width: number;
  readonly height: number;
  /** The windowed reference's half spectrum (real parts, then imaginary), as the core lays it out. */
  readonly spectrum: Float64Array;
}

export interface PhaseCorrelation {
  /** Shift of `moving` relative to `reference`, px (sub-pixel), x to the right. */
  dx: number;
  /** Shift, px (sub-pixel), y downwards. */
  dy: number;
  /** Height of the normalised correlation peak (0–1): confidence of the match. */
  peak: number;
}

/** Parameters of the Frangi vesselness measure (hessianVesselness). */
export interface VesselnessOptions {
  /** Vessels darker than the background (true, HVM and fundus images: λ2 > 0) or brighter. Default true. */
  darkVessels?: boolean;
  /** Frangi's β: sensitivity to blobness Rb = λ1/λ2. Default 0.5. */
  beta?: number;
  /** Frangi's c: sensitivity to structureness S = ‖H‖. Default 0.5 (relative). */
  c?: number;
  /** c is a fraction of the largest S over all scales and vessel-polarity pixels (true, default) or absolute. */
  cRelative?: boolean;
}

export interface VesselnessResult {
  /** Maximum over scales of Frangi's V, in [0, 1]. */
  vesselness: Float32Array;
  /** Index into sigmasPx of the first scale reaching the maximum; 255 where V = 0. */
  scaleIndex: Uint8Array;
}

export interface ComponentsResult {
  /** 1 on the kept components, 0 elsewhere. */
  mask: Uint8Array;
  /** Number of 8-connected components kept. */
  components: number;
}

/** A skeleton split into pixel chains (see native/core/skeleton_graph.cpp). */
export interface SkeletonGraph {
  /** Pixel indices y·width + x of all chains, concatenated. */
  pixels: Uint32Array;
  /** Segment s is pixels[offsets[s] .. offsets[s+1]); length segments + 1. */
  offsets: Uint32Array;
  /** Per segment: bit 0 first pixel is a junction, bit 1 last pixel is, bit 2 closed loop. */
  flags: Uint8Array;
}

/** One frame's samples along space-time diagram paths (spaceTimeSample). */
export interface SpaceTimeSamples {
  /** Mean grey level across the vessel at each sample point (0 where not valid). */
  values: Float32Array;
  /** 1 where every bilinear tap of the point's across samples lies inside the frame, else 0. */
  valid: Uint8Array;
}

/** One frame's space-time rows as 16-bit codes (CoreBackend.spaceTimeEncode). */
export interface SpaceTimeCodes {
  /** Row codes, path after path. */
  rows: Int16Array;
  /** Noise-reference codes, the same layout. */
  diffs: Int16Array;
}

export interface CoreBackend {
  readonly name: BackendName;
  /** Version string of the compiled core (same for both backends built from one tree). */
  readonly coreVersion: string;
  /** Whether the build uses 128-bit SIMD (wasm: -msimd128; native: SSE baseline). */
  readonly simd: boolean;

  /** Statistics of one 8-bit grey frame. */
  frameStats(frame: Uint8Array, width: number, height: number): FrameStats;

  /** Separable Gaussian blur of a float image, sigma in px, edges clamped. */
  gaussianBlur(src: Float32Array, width: number, height: number, sigmaPx: number): Float32Array;

  /**
   * Adds an 8-bit frame into a float64 accumulator (running temporal sum), so a temporal
   * mean image can be built while frames stream and are never all held.
   */
  accumulateFrame(acc: Float64Array, frame: Uint8Array, width: number, height: number): void;

  /**
   * Translation between two equally sized float images by phase correlation (Kuglin &
   * Hines 1975) with a Hann window and sub-pixel peak refinement. Sizes need not be powers
   * of two (the core pads).
   */
  phaseCorrelate(reference: Float32Array, moving: Float32Array, width: number, height: number): PhaseCorrelation;

  /**
   * The registration image of one frame (src/analysis/registration-image.ts,
   * native/core/registration_image.cpp): the width × height grid of factor × factor box means
   * whose first block starts at frame px (x0, y0), flattened by G_σ∗(img·valid) / validBlur
   * and tapered by weight (each width·height).
   */
  registrationImage(frame: Uint8Array, frameWidth: number, frameHeight: number, x0: number, y0: number, factor: number, width: number, height: number, valid: Float32Array, validBlur: Float32Array, weight: Float32Array, sigmaBg: number): Float32Array;

  /**
   * Sharpness of an 8-bit frame for motion-blur detection (src/quality/frame-sharpness.ts):
   * mean squared central-difference gradient of the 2×2-binned frame over its squared mean;
   * 0 below 6×6 px or for a black frame.
   */
  frameSharpness(frame: Uint8Array, width: number, height: number): number;

  /**
   * phaseCorrelate in two steps, for many images against one reference: the reference's
   * spectrum once, then phaseCorrelateReference per image (one forward and one inverse
   * transform each, not two of each). The same result as phaseCorrelate, bit for bit.
   */
  phaseReference(reference: Float32Array, width: number, height: number): PhaseReference;
  phaseCorrelateReference(reference: PhaseReference, moving: Float32Array): PhaseCorrelation;

  /**
   * Lucas–Kanade refinement of a translation between two registration images (Lucas &
   * Kanade 1981; gradients of both images, Benhimane & Malis 2004): from (dx0, dy0),
   * Gauss–Newton steps minimise Σ (moving(p + d) − reference(p))² over the pixels marked 1 in
   * `inner` whose moving-image position (p moved by floor(d)) is marked 1 in `innerTaps`.
   * Stops when an update is below `tolerance`, after `maxIterations`, or returns (dx0, dy0)
   * when the system is singular or d strays more than `maxChange` from it.
   */
  refineShift(reference: Float32Array, moving: Float32Array, inner: Uint8Array, innerTaps: Uint8Array, width: number, height: number, dx0: number, dy0: number, options: RefineShiftOptions): RefinedShift;

  /**
   * Residual of a registration over the same pixels as refineShift:
   * sqrt(Σ(a − b)² / Σ(a² + b²)), b the moving image sampled at p + (dx, dy); 0 for identical
   * images, ~1 for unrelated ones, null when no pixel is usable.
   */
  registrationResidual(reference: Float32Array, moving: Float32Array, inner: Uint8Array, innerTaps: Uint8Array, width: number, height: number, dx: number, dy: number): number | null;

  /**
   * Pooled normalised cross-correlation of row pairs (the velocity estimator's inner loop,
   * src/flow/correlate.ts): a and b hold `pairs` rows of `rowLength` one after another;
   * out[s − sLo] = Σ_p Σ_i a_p[i] b_p[i+s] / sqrt(Σ_p Σ_i a_p[i]² · Σ_p Σ_i b_p[i+s]²) over the
   * overlap, 0 where an energy is 0, for −(rowLength − 1) ≤ sLo ≤ s ≤ sHi ≤ rowLength − 1.
   */
  pooledNcc(a: Float32Array, b: Float32Array, pairs: number, rowLength: number, sLo: number, sHi: number): Float64Array;

  /**
   * What stays put on screen (src/analysis/screen-mask.ts): per pixel lo = min(lo, frame) and
   * hi = max(hi, frame), in place; rowSums (height) and colSums (width) receive this frame's
   * row and column sums of grey levels.
   */
  screenExtrema(frame: Uint8Array, width: number, height: number, lo: Uint8Array, hi: Uint8Array, rowSums: Uint32Array, colSums: Uint32Array): void;

  /**
   * Stabilised temporal sum: adds `frame`, moved back by its content shift (dx, dy) — the
   * shift `phaseCorrelate(reference, frame)` reports, frame(x, y) = reference(x − dx, y − dy)
   * — into `acc` in the reference frame's coordinates, by bilinear interpolation:
   * acc[x, y] += frame(x + dx, y + dy), and count[x, y] += 1 wherever that sample lies
   * inside the frame; pixels it does not cover are left untouched. After a clip,
   * acc / count is the stabilised mean and count === frames added marks the region seen by
   * every frame. An integer shift copies exactly; |dx|, |dy| ≤ 2^30 and finite.
   */
  shiftAccumulate(acc: Float64Array, count: Uint32Array, frame: Uint8Array, width: number, height: number, dx: number, dy: number): void;

  // ---- Vessel segmentation (native/core: local_normalize, hessian_vesselness, …) ----

  /**
   * Background flattening and local contrast normalisation (Foracchia et al. 2005):
   * (src − μ) / sqrt(σ² + ε²) with μ, σ² the Gaussian(sigmaPx)-weighted local mean and
   * variance, ε² = epsRel² · mean σ². With a mask (non-zero = inside), only inside pixels
   * enter the statistics (normalised convolution) and the output is 0 outside.
   */
  localNormalize(src: Float32Array, mask: Uint8Array | null, width: number, height: number, sigmaPx: number, epsRel: number): Float32Array;

  /**
   * Extends src beyond the region {mask ≠ 0} by iterated means of known neighbours (Soares
   * et al. 2006): src inside, a smooth continuation outside, so filters run afterwards see
   * no step at the region's border.
   */
  fillOutside(src: Float32Array, mask: Uint8Array, width: number, height: number): Float32Array;

  /**
   * Multi-scale Hessian vesselness (Frangi et al. 1998): γ = 2 normalised Gaussian second
   * derivatives at each σ in sigmasPx (px), the maximum over scales of Frangi's measure.
   */
  hessianVesselness(src: Float32Array, width: number, height: number, sigmasPx: Float32Array | readonly number[], options?: VesselnessOptions): VesselnessResult;

  /** Grey-level erosion: the minimum over the (2r+1)² square around each pixel (window clipped to the image). */
  minFilter(src: Float32Array, width: number, height: number, radiusPx: number): Float32Array;

  /** Hysteresis threshold (Canny 1986), 8-connected: 1 where ≥ low and connected to a pixel ≥ high. */
  hysteresisThreshold(src: Float32Array, width: number, height: number, low: number, high: number): Uint8Array;

  /** Removes 8-connected components of {mask ≠ 0} smaller than minAreaPx pixels. */
  removeSmallComponents(mask: Uint8Array, width: number, height: number, minAreaPx: number): ComponentsResult;

  /** Guo–Hall (1989) thinning of {mask ≠ 0} to a one-pixel-wide skeleton (1 on it). */
  thin(mask: Uint8Array, width: number, height: number): Uint8Array;

  /** Splits a skeleton into pixel chains between end points and junctions, plus closed loops. */
  skeletonGraph(skeleton: Uint8Array, width: number, height: number): SkeletonGraph;

  /**
   * Crossings of one polyline (xy: x0, y0, x1, y1, … reference px) with the six De Backer
   * grid lines of the region x, y, width, height (De Backer 2007): [h¼, h½, h¾, v¼, v½, v¾].
   * A side is taken only beyond bandPx of a line (hysteresis; 0 = plain side test), so a
   * centerline wiggling along a line counts once (native/core/grid_crossings.cpp).
   */
  gridCrossings(xy: Float64Array, x: number, y: number, width: number, height: number, bandPx: number): Uint32Array;

  /**
   * shiftAccumulate (acc += v, count += 1 where covered) and, from the same bilinear sample v
   * in the same pass over the frame, the temporal variance's moments: gain·v into momentAcc
   * and (gain·v)² into momentSq. gain (0 < gain ≤ 1e6) normalises the frame's brightness so
   * that flicker does not read as variance.
   */
  shiftAccumulateMoments(acc: Float64Array, momentAcc: Float64Array, momentSq: Float64Array, count: Uint32Array, frame: Uint8Array, width: number, height: number, dx: number, dy: number, gain: number): void;

  // ---- Flow (native/core/space_time.cpp) ----

  /**
   * One frame's rows of space-time diagrams (Ellis et al. 1992): at each sample point P
   * (points: x0, y0, x1, y1, … reference px) with unit normal n (normals, same layout) and
   * half-width hw (halfWidthsPx, one per point), the mean over j = −K…K (K = ⌊hw / step⌋) of
   * the bilinear sample of `frame` at P + (dx, dy) + j·step·n, (dx, dy) the frame's content
   * shift (a tissue point P of the reference is seen at P + (dx, dy)). valid = 0 (value 0)
   * where a tap leaves the frame. 0.05 ≤ acrossStepPx ≤ 1000, 0 ≤ hw ≤ 1000. maxSideTaps
   * (integer ≥ 0, default 0: no cap): where K would exceed it, K = maxSideTaps taps a side at
   * hw / K apart — the same band, fewer taps.
   */
  spaceTimeSample(frame: Uint8Array, width: number, height: number, dx: number, dy: number, points: Float64Array, normals: Float64Array, halfWidthsPx: Float64Array, acrossStepPx: number, maxSideTaps?: number): SpaceTimeSamples;

  /**
   * spaceTimeSample's output for paths laid one after another (each its left line of counts[p]
   * samples, then its right line) as the flow stage stores it (src/flow/row-store.ts): per
   * sample the code of ((l + r) / 2)·gain and of (l − r)·gain — float32, × sampleScale, rounded
   * half up, clamped to ±maxCode, −maxCode − 1 where a line's sample is not valid
   * (native/core/space_time.cpp).
   */
  spaceTimeEncode(values: Float32Array, valid: Uint8Array, counts: Uint32Array, gain: number, sampleScale: number, maxCode: number): SpaceTimeCodes;
}
