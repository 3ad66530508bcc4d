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

export interface PhaseCorrelation {
  /** Shift of `moving` relative to `reference`, px (sub-pixel), x to the right. */
  dx: number;
  /** Shift, px (sub-pixel), y downwards. */
  dy: number;
  /** Height of the normalised correlation peak (0–1): confidence of the match. */
  peak: number;
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
}
