/**
 * The WebAssembly backend: wasm/hvm-core.wasm (built from native/core by wasm/build.mjs)
 * behind the CoreBackend interface, with our own minimal WASI shim (never node:wasi).
 *
 * Memory discipline: inputs are copied into wasm memory (malloc), outputs copied out into
 * fresh arrays, and everything allocated is freed. Any call may grow the memory, which
 * detaches old ArrayBuffers, so views are re-made after every call into the module. A trap
 * (WebAssembly.RuntimeError, or proc_exit) leaves the instance in an unknown state: it is
 * discarded, a fresh instance is made from the compiled module, and WasmTrapError thrown.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { checkAccumulateFrame, checkFillOutside, checkFrameStats, checkGaussianBlur, checkHessianVesselness, checkHysteresisThreshold, checkLocalNormalize, checkMinFilter, checkPhaseCorrelate, checkRemoveSmallComponents, checkShiftAccumulate, checkSkeletonGraph, checkThin } from './entry-checks.js';
import { checkSpaceTimeSample } from './entry-checks.js';
import { checkGridCrossings } from './entry-checks.js';
import { checkPhaseCorrelateReference, checkPhaseReference, checkRegistrationImage, checkPooledNcc, checkRefineShift, checkRegistrationResidual, checkScreenExtrema, checkShiftAccumulateMoments, checkSpaceTimeEncode } from './entry-checks.js';
import type { SpaceTimeCodes, SpaceTimeSamples } from './types.js';
import { BackendUnavailableError, CoreArgumentError, CoreError, CoreStatus, WasmTrapError } from './errors.js';
import { packageRoot } from './paths.js';
import type { CoreBackend, FrameStats, PhaseCorrelation, PhaseReference, RefinedShift, RefineShiftOptions } from './types.js';
import type { ComponentsResult, SkeletonGraph, VesselnessOptions, VesselnessResult } from './types.js';
import { createWasiImports, WasiExit } from './wasi-shim.js';
import { Wasm, type WasmInstance, type WasmMemory, type WasmModule } from './wasm-api.js';

/** The module's exports (native/core/hvm_core.h plus allocator and a test hook). */
interface CoreExports {
  memory: WasmMemory;
  _initialize(): void;
  malloc(bytes: number): number;
  free(ptr: number): void;
  hvm_frame_stats(frame: number, len: number, w: number, h: number, out: number): number;
  hvm_gaussian_blur(src: number, srcLen: number, w: number, h: number, sigma: number, dst: number, dstLen: number): number;
  hvm_accumulate_frame(acc: number, accLen: number, frame: number, frameLen: number, w: number, h: number): number;
  hvm_phase_correlate(ref: number, refLen: number, mov: number, movLen: number, w: number, h: number, out: number): number;
  hvm_phase_spectrum_len(w: number, h: number): number;
  hvm_frame_sharpness(frame: number, frameLen: number, w: number, h: number, out: number): number;
  hvm_registration_image(frame: number, frameLen: number, fw: number, fh: number, x0: number, y0: number, f: number, w: number, h: number, valid: number, validLen: number, validBlur: number, validBlurLen: number, weight: number, weightLen: number, sigmaBg: number, out: number, outLen: number): number;
  hvm_space_time_encode(values: number, valuesLen: number, valid: number, validLen: number, counts: number, paths: number, gain: number, scale: number, maxCode: number, rows: number, rowsLen: number, diffs: number, diffsLen: number): number;
  hvm_phase_reference(ref: number, refLen: number, w: number, h: number, spec: number, specLen: number): number;
  hvm_phase_correlate_reference(spec: number, specLen: number, mov: number, movLen: number, w: number, h: number, out: number): number;
  hvm_shift_accumulate(acc: number, accLen: number, count: number, countLen: number, frame: number, frameLen: number, w: number, h: number, dx: number, dy: number): number;
  hvm_detmath_eval(fn: number, x: number, y: number, out: number, n: number): number;
  hvm_status_message(status: number): number;
  hvm_local_normalize(src: number, srcLen: number, mask: number, maskLen: number, w: number, h: number, sigma: number, epsRel: number, dst: number, dstLen: number): number;
  hvm_fill_outside(src: number, srcLen: number, mask: number, maskLen: number, w: number, h: number, dst: number, dstLen: number): number;
  hvm_hessian_vesselness(src: number, srcLen: number, w: number, h: number, sigmas: number, nSigmas: number, dark: number, beta: number, c: number, cRelative: number, v: number, vLen: number, si: number, siLen: number): number;
  hvm_min_filter(src: number, srcLen: number, w: number, h: number, radius: number, dst: number, dstLen: number): number;
  hvm_hysteresis_threshold(src: number, srcLen: number, w: number, h: number, low: number, high: number, mask: number, maskLen: number): number;
  hvm_remove_small_components(src: number, srcLen: number, w: number, h: number, minArea: number, dst: number, dstLen: number, kept: number): number;
  hvm_thin(src: number, srcLen: number, w: number, h: number, dst: number, dstLen: number): number;
  hvm_skeleton_graph(skel: number, skelLen: number, w: number, h: number, pixels: number, pixelsCap: number, offsets: number, offsetsCap: number, flags: number, flagsCap: number, counts: number): number;
  hvm_grid_crossings(xy: number, xyLen: number, x: number, y: number, w: number, h: number, band: number, counts: number, countsLen: number): number;
  hvm_shift_accumulate_moments(acc: number, accLen: number, mo: number, moLen: number, sq: number, sqLen: number, count: number, countLen: number, frame: number, frameLen: number, w: number, h: number, dx: number, dy: number, gain: number): number;
  hvm_space_time_sample(frame: number, frameLen: number, w: number, h: number, dx: number, dy: number, points: number, pointsLen: number, normals: number, normalsLen: number, hw: number, hwLen: number, step: number, maxSideTaps: number, out: number, outLen: number, valid: number, validLen: number): number;
  hvm_refine_shift(ref: number, refLen: number, mov: number, movLen: number, inner: number, innerLen: number, taps: number, tapsLen: number, w: number, h: number, dx0: number, dy0: number, tol: number, maxIt: number, maxChange: number, out: number, outLen: number): number;
  hvm_registration_residual(ref: number, refLen: number, mov: number, movLen: number, inner: number, innerLen: number, taps: number, tapsLen: number, w: number, h: number, dx: number, dy: number, out: number, outLen: number): number;
  hvm_pooled_ncc(a: number, aLen: number, b: number, bLen: number, pairs: number, len: number, lo: number, hi: number, out: number, outLen: number): number;
  hvm_screen_extrema(frame: number, frameLen: number, w: number, h: number, lo: number, loLen: number, hi: number, hiLen: number, rows: number, rowsLen: number, cols: number, colsLen: number): number;
  hvm_core_version(): number;
  hvm_core_simd(): number;
  hvm_debug_trap(): number;
}

const FRAME_STATS_BYTES = 1048; // sizeof(hvm_frame_stats_t), pinned in native/core/status.cpp
const PHASE_RESULT_BYTES = 24;

export function wasmPath(): string {
  return path.join(packageRoot(), 'wasm', 'hvm-core.wasm');
}

export const WASM_HINT =
  'Reinstall hvm-engine (wasm/hvm-core.wasm ships with the package), or from a checkout run `npm run build:wasm` ' +
  '(needs Debian clang-14, lld-14, wasi-libc, libclang-rt-14-dev-wasm32).';

/** Whether this JavaScript engine accepts 128-bit SIMD wasm (a tiny v128.const probe). */
export function wasmSimdSupported(): boolean {
  // (module (func (result v128) v128.const i32x4 0 0 0 0))
  const probe = new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, 0x03, 0x02, 0x01, 0x00,
    0x0a, 0x16, 0x01, 0x14, 0x00, 0xfd, 0x0c, ...new Array<number>(16).fill(0), 0x0b,
  ]);
  return Wasm.validate(probe);
}

/** Scratch allocations of one call, freed together. */
class Arena {
  private readonly ptrs: number[] = [];
  constructor(private readonly ex: CoreExports, private readonly op: string) {}

  alloc(bytes: number): number {
    const ptr = this.ex.malloc(Math.max(bytes, 1)) >>> 0;
    if (ptr === 0) throw new CoreError(CoreStatus.NO_MEMORY, this.op, 'wasm', 'out of memory in the WebAssembly core');
    this.ptrs.push(ptr);
    return ptr;
  }

  /** Copies a typed array in; returns its address. */
  copyIn(src: ArrayBufferView): number {
    const ptr = this.alloc(src.byteLength);
    new Uint8Array(this.ex.memory.buffer, ptr, src.byteLength).set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength));
    return ptr;
  }

  freeAll(): void {
    for (const p of this.ptrs) this.ex.free(p);
    this.ptrs.length = 0;
  }
}

/** Typed-array length as the core's uint32 (saturated like the addon does). */
const len32 = (n: number): number => (n > 0xffffffff ? 0xffffffff : n);

export class WasmBackend implements CoreBackend {
  readonly name = 'wasm' as const;
  readonly coreVersion: string;
  readonly simd: boolean;
  private ex: CoreExports;
  /** How many times a trap forced a fresh instance (for diagnostics and tests). */
  resets = 0;

  constructor(private readonly module: WasmModule, instance?: WasmInstance) {
    this.ex = instance !== undefined ? start(instance) : instantiate(module);
    this.coreVersion = this.cString(this.ex.hvm_core_version());
    this.simd = this.ex.hvm_core_simd() !== 0;
  }

  frameStats(frame: Uint8Array, width: number, height: number): FrameStats {
    const op = 'frameStats';
    checkFrameStats(this.name, frame, width, height);
    return this.call(op, (ex, a) => {
      const f = a.copyIn(frame);
      const out = a.alloc(FRAME_STATS_BYTES);
      this.check(op, ex.hvm_frame_stats(f, len32(frame.length), width, height, out));
      const dv = new DataView(ex.memory.buffer, out, FRAME_STATS_BYTES);
      return {
        mean: dv.getFloat64(0, true),
        sd: dv.getFloat64(8, true),
        min: dv.getInt32(16, true),
        max: dv.getInt32(20, true),
        histogram: new Uint32Array(ex.memory.buffer.slice(out + 24, out + 24 + 1024)),
      };
    });
  }

  gaussianBlur(src: Float32Array, width: number, height: number, sigmaPx: number): Float32Array {
    const op = 'gaussianBlur';
    checkGaussianBlur(this.name, src, width, height, sigmaPx);
    return this.call(op, (ex, a) => {
      const s = a.copyIn(src);
      const d = a.alloc(src.byteLength);
      this.check(op, ex.hvm_gaussian_blur(s, len32(src.length), width, height, sigmaPx, d, len32(src.length)));
      return new Float32Array(ex.memory.buffer.slice(d, d + src.byteLength));
    });
  }

  accumulateFrame(acc: Float64Array, frame: Uint8Array, width: number, height: number): void {
    const op = 'accumulateFrame';
    checkAccumulateFrame(this.name, acc, frame, width, height);
    this.call(op, (ex, a) => {
      const p = a.copyIn(acc);
      const f = a.copyIn(frame);
      this.check(op, ex.hvm_accumulate_frame(p, len32(acc.length), f, len32(frame.length), width, height));
      acc.set(new Float64Array(ex.memory.buffer, p, acc.length));
    });
  }

  phaseCorrelate(reference: Float32Array, moving: Float32Array, width: number, height: number): PhaseCorrelation {
    const op = 'phaseCorrelate';
    checkPhaseCorrelate(this.name, reference, moving, width, height);
    return this.call(op, (ex, a) => {
      const r = a.copyIn(reference);
      const m = a.copyIn(moving);
      const out = a.alloc(PHASE_RESULT_BYTES);
      this.check(op, ex.hvm_phase_correlate(r, len32(reference.length), m, len32(moving.length), width, height, out));
      const dv = new DataView(ex.memory.buffer, out, PHASE_RESULT_BYTES);
      return { dx: dv.getFloat64(0, true), dy: dv.getFloat64(8, true), peak: dv.getFloat64(16, true) };
    });
  }

  registrationImage(frame: Uint8Array, frameWidth: number, frameHeight: number, x0: number, y0: number, factor: number, width: number, height: number, valid: Float32Array, validBlur: Float32Array, weight: Float32Array, sigmaBg: number): Float32Array {
    const op = 'registrationImage';
    checkRegistrationImage(this.name, frame, frameWidth, frameHeight, x0, y0, factor, width, height, valid, validBlur, weight, sigmaBg);
    const n = width * height;
    return this.call(op, (ex, a) => {
      const f = a.copyIn(frame);
      const v = a.copyIn(valid);
      const vb = a.copyIn(validBlur);
      const wt = a.copyIn(weight);
      const o = a.alloc(4 * n);
      this.check(op, ex.hvm_registration_image(f, len32(frame.length), frameWidth, frameHeight, x0, y0, factor, width, height, v, len32(valid.length), vb, len32(validBlur.length), wt, len32(weight.length), sigmaBg, o, len32(n)));
      return new Float32Array(ex.memory.buffer.slice(o, o + 4 * n));
    });
  }

  frameSharpness(frame: Uint8Array, width: number, height: number): number {
    const op = 'frameSharpness';
    checkFrameStats(this.name, frame, width, height, op);
    return this.call(op, (ex, a) => {
      const f = a.copyIn(frame);
      const out = a.alloc(8);
      this.check(op, ex.hvm_frame_sharpness(f, len32(frame.length), width, height, out));
      return new DataView(ex.memory.buffer, out, 8).getFloat64(0, true);
    });
  }

  phaseReference(reference: Float32Array, width: number, height: number): PhaseReference {
    const op = 'phaseReference';
    checkPhaseReference(this.name, reference, width, height);
    return this.call(op, (ex, a) => {
      const len = ex.hvm_phase_spectrum_len(width, height) >>> 0;
      const r = a.copyIn(reference);
      const s = a.alloc(8 * Math.max(1, len));
      this.check(op, ex.hvm_phase_reference(r, len32(reference.length), width, height, s, len));
      return { width, height, spectrum: new Float64Array(ex.memory.buffer.slice(s, s + 8 * len)) };
    });
  }

  phaseCorrelateReference(reference: PhaseReference, moving: Float32Array): PhaseCorrelation {
    const op = 'phaseCorrelateReference';
    checkPhaseCorrelateReference(this.name, reference, moving);
    return this.call(op, (ex, a) => {
      const s = a.copyIn(reference.spectrum);
      const m = a.copyIn(moving);
      const out = a.alloc(PHASE_RESULT_BYTES);
      this.check(op, ex.hvm_phase_correlate_reference(s, len32(reference.spectrum.length), m, len32(moving.length), reference.width, reference.height, out));
      const dv = new DataView(ex.memory.buffer, out, PHASE_RESULT_BYTES);
      return { dx: dv.getFloat64(0, true), dy: dv.getFloat64(8, true), peak: dv.getFloat64(16, true) };
    });
  }

  refineShift(reference: Float32Array, moving: Float32Array, inner: Uint8Array, innerTaps: Uint8Array, width: number, height: number, dx0: number, dy0: number, o: RefineShiftOptions): RefinedShift {
    const op = 'refineShift';
    checkRefineShift(this.name, reference, moving, inner, innerTaps, width, height, dx0, dy0, o);
    return this.call(op, (ex, a) => {
      const r = a.copyIn(reference);
      const m = a.copyIn(moving);
      const i = a.copyIn(inner);
      const t = a.copyIn(innerTaps);
      const out = a.alloc(3 * 8);
      this.check(op, ex.hvm_refine_shift(r, len32(reference.length), m, len32(moving.length), i, len32(inner.length), t, len32(innerTaps.length), width, height, dx0, dy0, o.tolerance, o.maxIterations, o.maxChange, out, 3));
      const v = new Float64Array(ex.memory.buffer, out, 3);
      return { dx: v[0]!, dy: v[1]!, iterations: v[2]! };
    });
  }

  registrationResidual(reference: Float32Array, moving: Float32Array, inner: Uint8Array, innerTaps: Uint8Array, width: number, height: number, dx: number, dy: number): number | null {
    const op = 'registrationResidual';
    checkRegistrationResidual(this.name, reference, moving, inner, innerTaps, width, height, dx, dy);
    return this.call(op, (ex, a) => {
      const r = a.copyIn(reference);
      const m = a.copyIn(moving);
      const i = a.copyIn(inner);
      const t = a.copyIn(innerTaps);
      const out = a.alloc(2 * 8);
      this.check(op, ex.hvm_registration_residual(r, len32(reference.length), m, len32(moving.length), i, len32(inner.length), t, len32(innerTaps.length), width, height, dx, dy, out, 2));
      const v = new Float64Array(ex.memory.buffer, out, 2);
      return v[1] === 1 ? v[0]! : null;
    });
  }

  pooledNcc(a: Float32Array, b: Float32Array, pairs: number, rowLength: number, sLo: number, sHi: number): Float64Array {
    const op = 'pooledNcc';
    checkPooledNcc(this.name, a, b, pairs, rowLength, sLo, sHi);
    return this.call(op, (ex, mem) => {
      const pa = mem.copyIn(a);
      const pb = mem.copyIn(b);
      const n = sHi - sLo + 1;
      const out = mem.alloc(n * 8);
      this.check(op, ex.hvm_pooled_ncc(pa, len32(a.length), pb, len32(b.length), pairs, rowLength, sLo, sHi, out, n));
      return new Float64Array(ex.memory.buffer.slice(out, out + n * 8));
    });
  }

  screenExtrema(frame: Uint8Array, width: number, height: number, lo: Uint8Array, hi: Uint8Array, rowSums: Uint32Array, colSums: Uint32Array): void {
    const op = 'screenExtrema';
    checkScreenExtrema(this.name, frame, width, height, lo, hi, rowSums, colSums);
    this.call(op, (ex, a) => {
      const f = a.copyIn(frame);
      const l = a.copyIn(lo);
      const h = a.copyIn(hi);
      const r = a.alloc(rowSums.byteLength);
      const c = a.alloc(colSums.byteLength);
      this.check(op, ex.hvm_screen_extrema(f, len32(frame.length), width, height, l, len32(lo.length), h, len32(hi.length), r, len32(rowSums.length), c, len32(colSums.length)));
      lo.set(new Uint8Array(ex.memory.buffer, l, lo.length));
      hi.set(new Uint8Array(ex.memory.buffer, h, hi.length));
      rowSums.set(new Uint32Array(ex.memory.buffer, r, rowSums.length));
      colSums.set(new Uint32Array(ex.memory.buffer, c, colSums.length));
    });
  }

  shiftAccumulate(acc: Float64Array, count: Uint32Array, frame: Uint8Array, width: number, height: number, dx: number, dy: number): void {
    const op = 'shiftAccumulate';
    checkShiftAccumulate(this.name, acc, count, frame, width, height, dx, dy);
    this.call(op, (ex, a) => {
      const p = a.copyIn(acc);
      const c = a.copyIn(count);
      const f = a.copyIn(frame);
      this.check(op, ex.hvm_shift_accumulate(p, len32(acc.length), c, len32(count.length), f, len32(frame.length), width, height, dx, dy));
      acc.set(new Float64Array(ex.memory.buffer, p, acc.length));
      count.set(new Uint32Array(ex.memory.buffer, c, count.length));
    });
  }

  localNormalize(src: Float32Array, mask: Uint8Array | null, width: number, height: number, sigmaPx: number, epsRel: number): Float32Array {
    const op = 'localNormalize';
    checkLocalNormalize(this.name, src, mask, width, height, sigmaPx, epsRel);
    return this.call(op, (ex, a) => {
      const s = a.copyIn(src);
      const m = mask !== null ? a.copyIn(mask) : 0;
      const d = a.alloc(src.byteLength);
      this.check(op, ex.hvm_local_normalize(s, len32(src.length), m, mask !== null ? len32(mask.length) : 0, width, height, sigmaPx, epsRel, d, len32(src.length)));
      return new Float32Array(ex.memory.buffer.slice(d, d + src.byteLength));
    });
  }

  fillOutside(src: Float32Array, mask: Uint8Array, width: number, height: number): Float32Array {
    const op = 'fillOutside';
    checkFillOutside(this.name, src, mask, width, height);
    return this.call(op, (ex, a) => {
      const s = a.copyIn(src);
      const m = a.copyIn(mask);
      const d = a.alloc(src.byteLength);
      this.check(op, ex.hvm_fill_outside(s, len32(src.length), m, len32(mask.length), width, height, d, len32(src.length)));
      return new Float32Array(ex.memory.buffer.slice(d, d + src.byteLength));
    });
  }

  hessianVesselness(src: Float32Array, width: number, height: number, sigmasPx: Float32Array | readonly number[], options?: VesselnessOptions): VesselnessResult {
    const op = 'hessianVesselness';
    const { sig, o } = checkHessianVesselness(this.name, src, width, height, sigmasPx, options);
    return this.call(op, (ex, a) => {
      const s = a.copyIn(src);
      const g = a.copyIn(sig);
      const v = a.alloc(src.byteLength);
      const si = a.alloc(src.length);
      this.check(op, ex.hvm_hessian_vesselness(s, len32(src.length), width, height, g, len32(sig.length), o.darkVessels ? 1 : 0,
        o.beta, o.c, o.cRelative ? 1 : 0, v, len32(src.length), si, len32(src.length)));
      return {
        vesselness: new Float32Array(ex.memory.buffer.slice(v, v + src.byteLength)),
        scaleIndex: new Uint8Array(ex.memory.buffer.slice(si, si + src.length)),
      };
    });
  }

  minFilter(src: Float32Array, width: number, height: number, radiusPx: number): Float32Array {
    const op = 'minFilter';
    checkMinFilter(this.name, src, width, height, radiusPx);
    return this.call(op, (ex, a) => {
      const s = a.copyIn(src);
      const d = a.alloc(src.byteLength);
      this.check(op, ex.hvm_min_filter(s, len32(src.length), width, height, radiusPx, d, len32(src.length)));
      return new Float32Array(ex.memory.buffer.slice(d, d + src.byteLength));
    });
  }

  hysteresisThreshold(src: Float32Array, width: number, height: number, low: number, high: number): Uint8Array {
    const op = 'hysteresisThreshold';
    checkHysteresisThreshold(this.name, src, width, height, low, high);
    return this.call(op, (ex, a) => {
      const s = a.copyIn(src);
      const m = a.alloc(src.length);
      this.check(op, ex.hvm_hysteresis_threshold(s, len32(src.length), width, height, low, high, m, len32(src.length)));
      return new Uint8Array(ex.memory.buffer.slice(m, m + src.length));
    });
  }

  removeSmallComponents(mask: Uint8Array, width: number, height: number, minAreaPx: number): ComponentsResult {
    const op = 'removeSmallComponents';
    checkRemoveSmallComponents(this.name, mask, width, height, minAreaPx);
    return this.call(op, (ex, a) => {
      const s = a.copyIn(mask);
      const d = a.alloc(mask.length);
      const k = a.alloc(4);
      this.check(op, ex.hvm_remove_small_components(s, len32(mask.length), width, height, minAreaPx >>> 0, d, len32(mask.length), k));
      return {
        mask: new Uint8Array(ex.memory.buffer.slice(d, d + mask.length)),
        components: new DataView(ex.memory.buffer, k, 4).getUint32(0, true),
      };
    });
  }

  thin(mask: Uint8Array, width: number, height: number): Uint8Array {
    const op = 'thin';
    checkThin(this.name, mask, width, height);
    return this.call(op, (ex, a) => {
      const s = a.copyIn(mask);
      const d = a.alloc(mask.length);
      this.check(op, ex.hvm_thin(s, len32(mask.length), width, height, d, len32(mask.length)));
      return new Uint8Array(ex.memory.buffer.slice(d, d + mask.length));
    });
  }

  skeletonGraph(skeleton: Uint8Array, width: number, height: number): SkeletonGraph {
    const op = 'skeletonGraph';
    checkSkeletonGraph(this.name, skeleton, width, height);
    return this.call(op, (ex, a) => {
      const s = a.copyIn(skeleton);
      const counts = a.alloc(8);
      this.check(op, ex.hvm_skeleton_graph(s, len32(skeleton.length), width, height, 0, 0, 0, 0, 0, 0, counts));
      const dv = new DataView(ex.memory.buffer, counts, 8);
      const nSeg = dv.getUint32(0, true);
      const nPix = dv.getUint32(4, true);
      if (nSeg === 0) return { pixels: new Uint32Array(0), offsets: new Uint32Array(1), flags: new Uint8Array(0) };
      const p = a.alloc(nPix * 4);
      const o = a.alloc((nSeg + 1) * 4);
      const f = a.alloc(nSeg);
      this.check(op, ex.hvm_skeleton_graph(s, len32(skeleton.length), width, height, p, nPix, o, nSeg + 1, f, nSeg, counts));
      return {
        pixels: new Uint32Array(ex.memory.buffer.slice(p, p + nPix * 4)),
        offsets: new Uint32Array(ex.memory.buffer.slice(o, o + (nSeg + 1) * 4)),
        flags: new Uint8Array(ex.memory.buffer.slice(f, f + nSeg)),
      };
    });
  }

  shiftAccumulateMoments(acc: Float64Array, momentAcc: Float64Array, momentSq: Float64Array, count: Uint32Array, frame: Uint8Array, width: number, height: number, dx: number, dy: number, gain: number): void {
    const op = 'shiftAccumulateMoments';
    checkShiftAccumulateMoments(this.name, acc, momentAcc, momentSq, count, frame, width, height, dx, dy, gain);
    this.call(op, (ex, a) => {
      const p = a.copyIn(acc);
      const mo = a.copyIn(momentAcc);
      const q = a.copyIn(momentSq);
      const c = a.copyIn(count);
      const f = a.copyIn(frame);
      this.check(op, ex.hvm_shift_accumulate_moments(p, len32(acc.length), mo, len32(momentAcc.length), q, len32(momentSq.length), c, len32(count.length), f, len32(frame.length), width, height, dx, dy, gain));
      acc.set(new Float64Array(ex.memory.buffer, p, acc.length));
      momentAcc.set(new Float64Array(ex.memory.buffer, mo, momentAcc.length));
      momentSq.set(new Float64Array(ex.memory.buffer, q, momentSq.length));
      count.set(new Uint32Array(ex.memory.buffer, c, count.length));
    });
  }

  gridCrossings(xy: Float64Array, x: number, y: number, width: number, height: number, bandPx: number): Uint32Array {
    const op = 'gridCrossings';
    checkGridCrossings(xy, x, y, width, height, bandPx);
    return this.call(op, (ex, a) => {
      const p = a.copyIn(xy);
      const c = a.alloc(24);
      this.check(op, ex.hvm_grid_crossings(p, len32(xy.length), x, y, width, height, bandPx, c, 6));
      return new Uint32Array(ex.memory.buffer.slice(c, c + 24));
    });
  }

  spaceTimeSample(frame: Uint8Array, width: number, height: number, dx: number, dy: number, points: Float64Array, normals: Float64Array, halfWidthsPx: Float64Array, acrossStepPx: number, maxSideTaps = 0): SpaceTimeSamples {
    const op = 'spaceTimeSample';
    checkSpaceTimeSample(this.name, frame, width, height, dx, dy, points, normals, halfWidthsPx, acrossStepPx, maxSideTaps);
    return this.call(op, (ex, a) => {
      const f = a.copyIn(frame);
      const p = a.copyIn(points);
      const n = a.copyIn(normals);
      const hw = a.copyIn(halfWidthsPx);
      const m = halfWidthsPx.length;
      const o = a.alloc(m * 4);
      const v = a.alloc(m);
      this.check(op, ex.hvm_space_time_sample(f, len32(frame.length), width, height, dx, dy, p, len32(points.length), n, len32(normals.length),
        hw, len32(m), acrossStepPx, maxSideTaps, o, len32(m), v, len32(m)));
      return {
        values: new Float32Array(ex.memory.buffer.slice(o, o + m * 4)),
        valid: new Uint8Array(ex.memory.buffer.slice(v, v + m)),
      };
    });
  }

  spaceTimeEncode(values: Float32Array, valid: Uint8Array, counts: Uint32Array, gain: number, sampleScale: number, maxCode: number): SpaceTimeCodes {
    const op = 'spaceTimeEncode';
    checkSpaceTimeEncode(values, valid, counts, gain, sampleScale, maxCode);
    let total = 0;
    for (const c of counts) total += c;
    return this.call(op, (ex, a) => {
      const v = a.copyIn(values);
      const ok = a.copyIn(valid);
      const c = a.copyIn(counts);
      const r = a.alloc(2 * Math.max(1, total));
      const d = a.alloc(2 * Math.max(1, total));
      this.check(op, ex.hvm_space_time_encode(v, len32(values.length), ok, len32(valid.length), c, len32(counts.length), gain, sampleScale, maxCode, r, len32(total), d, len32(total)));
      return { rows: new Int16Array(ex.memory.buffer.slice(r, r + 2 * total)), diffs: new Int16Array(ex.memory.buffer.slice(d, d + 2 * total)) };
    });
  }

  /** detmath self-check (hvm_detmath_eval): fn 1 exp, 2 log, 3 sin, 4 cos, 5 atan2(x, y), 6 sqrt. */
  detmathEval(fn: number, x: Float64Array, y?: Float64Array): Float64Array {
    const op = 'detmathEval';
    return this.call(op, (ex, a) => {
      if (y !== undefined && y.length !== x.length) this.check(op, CoreStatus.BUFFER_SIZE);
      const px = a.copyIn(x);
      const py = y !== undefined ? a.copyIn(y) : 0;
      const out = a.alloc(x.byteLength);
      this.check(op, ex.hvm_detmath_eval(fn, px, py, out, len32(x.length)));
      return new Float64Array(ex.memory.buffer.slice(out, out + x.byteLength));
    });
  }

  /** Test hook: runs an export that executes `unreachable`, to exercise trap recovery. */
  debugTrap(): void {
    this.call('debugTrap', (ex) => {
      ex.hvm_debug_trap();
    });
  }

  /** Bytes of linear memory now (it only grows while the instance lives). */
  memoryBytes(): number {
    return this.ex.memory.buffer.byteLength;
  }

  private call<T>(op: string, body: (ex: CoreExports, arena: Arena) => T): T {
    const ex = this.ex;
    const arena = new Arena(ex, op);
    let trapped = false;
    try {
      return body(ex, arena);
    } catch (e) {
      if (e instanceof Wasm.RuntimeError || e instanceof WasiExit) {
        trapped = true;
        this.ex = instantiate(this.module);
        this.resets++;
        throw new WasmTrapError(op, e);
      }
      throw e;
    } finally {
      if (!trapped) arena.freeAll();
    }
  }

  private check(op: string, status: number): void {
    if (status !== 0) throw new CoreError(status, op, this.name, this.cString(this.ex.hvm_status_message(status)));
  }

  private cString(ptr: number): string {
    const mem = new Uint8Array(this.ex.memory.buffer);
    let end = ptr >>> 0;
    while (end < mem.length && mem[end] !== 0) end++;
    return Buffer.from(mem.subarray(ptr >>> 0, end)).toString('utf8');
  }
}

function start(instance: WasmInstance): CoreExports {
  const ex = instance.exports as unknown as CoreExports;
  ex._initialize(); // reactor: run static constructors once
  return ex;
}

function instantiate(module: WasmModule): CoreExports {
  let ex: CoreExports | undefined;
  const imports = createWasiImports(module, () => {
    if (ex === undefined) throw new Error('WASI call before the instance exists');
    return ex.memory;
  });
  ex = start(new Wasm.Instance(module, imports));
  return ex;
}

function readWasm(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new BackendUnavailableError('wasm', `cannot read ${file} (${(e as Error).message})`, WASM_HINT, e);
  }
}

function unavailable(file: string, e: unknown): BackendUnavailableError {
  const why = e instanceof Error ? e.message : String(e);
  const simd = wasmSimdSupported() ? '' : ' This JavaScript engine lacks WebAssembly SIMD (Node >= 16.4 has it).';
  return new BackendUnavailableError('wasm', `cannot instantiate ${file} (${why}).${simd}`, WASM_HINT, e);
}

/** Loads and instantiates the wasm core synchronously (fine for a ~30 KB module). */
export function createWasmBackend(file: string = wasmPath()): WasmBackend {
  const bytes = readWasm(file);
  try {
    return new WasmBackend(new Wasm.Module(bytes));
  } catch (e) {
    throw unavailable(file, e);
  }
}

/** Same, compiling off the main thread's critical path (WebAssembly.compile). */
export async function createWasmBackendAsync(file: string = wasmPath()): Promise<WasmBackend> {
  const bytes = readWasm(file);
  try {
    const module = await Wasm.compile(bytes);
    return new WasmBackend(module);
  } catch (e) {
    throw unavailable(file, e);
  }
}
