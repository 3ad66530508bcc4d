/**
 * The native backend: the Node-API addon build/Release/hvm_core.node (binding.gyp,
 * native/binding/addon.cpp) wrapped in the CoreBackend interface. The addon does the
 * argument plumbing; this file turns its failures into the typed errors of errors.ts.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { checkAccumulateFrame, checkFillOutside, checkFrameStats, checkGaussianBlur, checkHessianVesselness, checkHysteresisThreshold, checkLocalNormalize, checkMinFilter, checkPhaseCorrelate, checkRemoveSmallComponents, checkShiftAccumulate, checkSkeletonGraph, checkThin } from './entry-checks.js';
import { checkSpaceTimeSample } from './entry-checks.js';
import { checkGridCrossings } from './entry-checks.js';
import { checkPhaseCorrelateReference, checkPhaseReference, checkRegistrationImage, checkPooledNcc, checkRefineShift, checkRegistrationResidual, checkScreenExtrema, checkShiftAccumulateMoments, checkSpaceTimeEncode } from './entry-checks.js';
import type { SpaceTimeCodes, SpaceTimeSamples } from './types.js';
import { BackendUnavailableError, CoreArgumentError, CoreError } from './errors.js';
import { packageRoot } from './paths.js';
import type { CoreBackend, FrameStats, PhaseCorrelation, PhaseReference, RefinedShift, RefineShiftOptions } from './types.js';
import type { ComponentsResult, SkeletonGraph, VesselnessOptions, VesselnessResult } from './types.js';

/** The shape of the addon's exports (native/binding/addon.cpp). */
interface Addon {
  frameStats(frame: Uint8Array, w: number, h: number): FrameStats;
  gaussianBlur(src: Float32Array, w: number, h: number, sigma: number): Float32Array;
  accumulateFrame(acc: Float64Array, frame: Uint8Array, w: number, h: number): void;
  phaseCorrelate(a: Float32Array, b: Float32Array, w: number, h: number): PhaseCorrelation;
  phaseReference(a: Float32Array, w: number, h: number): Float64Array;
  frameSharpness(frame: Uint8Array, w: number, h: number): number;
  registrationImage(frame: Uint8Array, fw: number, fh: number, x0: number, y0: number, f: number, w: number, h: number, valid: Float32Array, validBlur: Float32Array, weight: Float32Array, sigmaBg: number): Float32Array;
  spaceTimeEncode(values: Float32Array, valid: Uint8Array, counts: Uint32Array, gain: number, sampleScale: number, maxCode: number): SpaceTimeCodes;
  phaseCorrelateReference(spectrum: Float64Array, b: Float32Array, w: number, h: number): PhaseCorrelation;
  refineShift(a: Float32Array, b: Float32Array, inner: Uint8Array, taps: Uint8Array, w: number, h: number, dx0: number, dy0: number, tol: number, maxIt: number, maxChange: number): RefinedShift;
  registrationResidual(a: Float32Array, b: Float32Array, inner: Uint8Array, taps: Uint8Array, w: number, h: number, dx: number, dy: number): number | null;
  pooledNcc(a: Float32Array, b: Float32Array, pairs: number, len: number, lo: number, hi: number): Float64Array;
  screenExtrema(frame: Uint8Array, w: number, h: number, lo: Uint8Array, hi: Uint8Array, rows: Uint32Array, cols: Uint32Array): void;
  shiftAccumulate(acc: Float64Array, count: Uint32Array, frame: Uint8Array, w: number, h: number, dx: number, dy: number): void;
  detmathEval(fn: number, x: Float64Array, y: Float64Array | null): Float64Array;
  statusMessage(status: number): string;
  localNormalize(src: Float32Array, mask: Uint8Array | null, w: number, h: number, sigma: number, epsRel: number): Float32Array;
  fillOutside(src: Float32Array, mask: Uint8Array, w: number, h: number): Float32Array;
  hessianVesselness(src: Float32Array, w: number, h: number, sigmas: Float32Array, dark: number, beta: number, c: number, cRelative: number): VesselnessResult;
  minFilter(src: Float32Array, w: number, h: number, radius: number): Float32Array;
  hysteresisThreshold(src: Float32Array, w: number, h: number, low: number, high: number): Uint8Array;
  removeSmallComponents(mask: Uint8Array, w: number, h: number, minArea: number): ComponentsResult;
  thin(mask: Uint8Array, w: number, h: number): Uint8Array;
  skeletonGraph(skel: Uint8Array, w: number, h: number): SkeletonGraph;
  gridCrossings(xy: Float64Array, x: number, y: number, w: number, h: number, band: number): Uint32Array;
  shiftAccumulateMoments(acc: Float64Array, momentAcc: Float64Array, momentSq: Float64Array, count: Uint32Array, frame: Uint8Array, w: number, h: number, dx: number, dy: number, gain: number): void;
  spaceTimeSample(frame: Uint8Array, w: number, h: number, dx: number, dy: number, points: Float64Array, normals: Float64Array, halfWidths: Float64Array, step: number, maxSideTaps: number): SpaceTimeSamples;
  coreVersion: string;
  simd: boolean;
}

/** Where the addon is looked for: $HVM_NATIVE_ADDON, else <package>/build/Release/hvm_core.node. */
export function nativeAddonPath(): string {
  const override = process.env.HVM_NATIVE_ADDON;
  if (override !== undefined && override !== '') return path.resolve(override);
  return path.join(packageRoot(), 'build', 'Release', 'hvm_core.node');
}

export const NATIVE_BUILD_HINT =
  'Run `npm run build:native` (needs python3, make and a C++17 compiler: on Debian `apt-get install build-essential python3`), ' +
  'or use the WebAssembly core with HVM_BACKEND=wasm.';

export class NativeBackend implements CoreBackend {
  readonly name = 'native' as const;
  readonly coreVersion: string;
  readonly simd: boolean;
  readonly file: string;

  constructor(private readonly addon: Addon, file: string) {
    this.coreVersion = addon.coreVersion;
    this.simd = addon.simd;
    this.file = file;
  }

  frameStats(frame: Uint8Array, width: number, height: number): FrameStats {
    const op = 'frameStats';
    checkFrameStats(this.name, frame, width, height);
    return this.call(op, () => this.addon.frameStats(frame, width, height));
  }

  gaussianBlur(src: Float32Array, width: number, height: number, sigmaPx: number): Float32Array {
    const op = 'gaussianBlur';
    checkGaussianBlur(this.name, src, width, height, sigmaPx);
    return this.call(op, () => this.addon.gaussianBlur(src, width, height, sigmaPx));
  }

  accumulateFrame(acc: Float64Array, frame: Uint8Array, width: number, height: number): void {
    const op = 'accumulateFrame';
    checkAccumulateFrame(this.name, acc, frame, width, height);
    this.call(op, () => this.addon.accumulateFrame(acc, frame, width, height));
  }

  phaseCorrelate(reference: Float32Array, moving: Float32Array, width: number, height: number): PhaseCorrelation {
    const op = 'phaseCorrelate';
    checkPhaseCorrelate(this.name, reference, moving, width, height);
    return this.call(op, () => this.addon.phaseCorrelate(reference, moving, width, height));
  }

  registrationImage(frame: Uint8Array, frameWidth: number, frameHeight: number, x0: number, y0: number, factor: number, width: number, height: number, valid: Float32Array, validBlur: Float32Array, weight: Float32Array, sigmaBg: number): Float32Array {
    const op = 'registrationImage';
    checkRegistrationImage(this.name, frame, frameWidth, frameHeight, x0, y0, factor, width, height, valid, validBlur, weight, sigmaBg);
    return this.call(op, () => this.addon.registrationImage(frame, frameWidth, frameHeight, x0, y0, factor, width, height, valid, validBlur, weight, sigmaBg));
  }

  frameSharpness(frame: Uint8Array, width: number, height: number): number {
    const op = 'frameSharpness';
    checkFrameStats(this.name, frame, width, height, op);
    return this.call(op, () => this.addon.frameSharpness(frame, width, height));
  }

  phaseReference(reference: Float32Array, width: number, height: number): PhaseReference {
    const op = 'phaseReference';
    checkPhaseReference(this.name, reference, width, height);
    return { width, height, spectrum: this.call(op, () => this.addon.phaseReference(reference, width, height)) };
  }

  phaseCorrelateReference(reference: PhaseReference, moving: Float32Array): PhaseCorrelation {
    const op = 'phaseCorrelateReference';
    checkPhaseCorrelateReference(this.name, reference, moving);
    return this.call(op, () => this.addon.phaseCorrelateReference(reference.spectrum, moving, reference.width, reference.height));
  }

  refineShift(reference: Float32Array, moving: Float32Array, inner: Uint8Array, innerTaps: Uint8Array, width: number, height: number, dx0: number, dy0: number, o: RefineShiftOptions): RefinedShift {
    const op = 'refineShift';
    checkRefineShift(this.name, reference, moving, inner, innerTaps, width, height, dx0, dy0, o);
    return this.call(op, () => this.addon.refineShift(reference, moving, inner, innerTaps, width, height, dx0, dy0, o.tolerance, o.maxIterations, o.maxChange));
  }

  registrationResidual(reference: Float32Array, moving: Float32Array, inner: Uint8Array, innerTaps: Uint8Array, width: number, height: number, dx: number, dy: number): number | null {
    const op = 'registrationResidual';
    checkRegistrationResidual(this.name, reference, moving, inner, innerTaps, width, height, dx, dy);
    return this.call(op, () => this.addon.registrationResidual(reference, moving, inner, innerTaps, width, height, dx, dy));
  }

  pooledNcc(a: Float32Array, b: Float32Array, pairs: number, rowLength: number, sLo: number, sHi: number): Float64Array {
    const op = 'pooledNcc';
    checkPooledNcc(this.name, a, b, pairs, rowLength, sLo, sHi);
    return this.call(op, () => this.addon.pooledNcc(a, b, pairs, rowLength, sLo, sHi));
  }

  screenExtrema(frame: Uint8Array, width: number, height: number, lo: Uint8Array, hi: Uint8Array, rowSums: Uint32Array, colSums: Uint32Array): void {
    const op = 'screenExtrema';
    checkScreenExtrema(this.name, frame, width, height, lo, hi, rowSums, colSums);
    this.call(op, () => this.addon.screenExtrema(frame, width, height, lo, hi, rowSums, colSums));
  }

  shiftAccumulate(acc: Float64Array, count: Uint32Array, frame: Uint8Array, width: number, height: number, dx: number, dy: number): void {
    const op = 'shiftAccumulate';
    checkShiftAccumulate(this.name, acc, count, frame, width, height, dx, dy);
    this.call(op, () => this.addon.shiftAccumulate(acc, count, frame, width, height, dx, dy));
  }

  localNormalize(src: Float32Array, mask: Uint8Array | null, width: number, height: number, sigmaPx: number, epsRel: number): Float32Array {
    const op = 'localNormalize';
    checkLocalNormalize(this.name, src, mask, width, height, sigmaPx, epsRel);
    return this.call(op, () => this.addon.localNormalize(src, mask, width, height, sigmaPx, epsRel));
  }

  fillOutside(src: Float32Array, mask: Uint8Array, width: number, height: number): Float32Array {
    const op = 'fillOutside';
    checkFillOutside(this.name, src, mask, width, height);
    return this.call(op, () => this.addon.fillOutside(src, mask, width, height));
  }

  hessianVesselness(src: Float32Array, width: number, height: number, sigmasPx: Float32Array | readonly number[], options?: VesselnessOptions): VesselnessResult {
    const op = 'hessianVesselness';
    const { sig, o } = checkHessianVesselness(this.name, src, width, height, sigmasPx, options);
    return this.call(op, () =>
      this.addon.hessianVesselness(src, width, height, sig, o.darkVessels ? 1 : 0, o.beta, o.c, o.cRelative ? 1 : 0));
  }

  minFilter(src: Float32Array, width: number, height: number, radiusPx: number): Float32Array {
    const op = 'minFilter';
    checkMinFilter(this.name, src, width, height, radiusPx);
    return this.call(op, () => this.addon.minFilter(src, width, height, radiusPx));
  }

  hysteresisThreshold(src: Float32Array, width: number, height: number, low: number, high: number): Uint8Array {
    const op = 'hysteresisThreshold';
    checkHysteresisThreshold(this.name, src, width, height, low, high);
    return this.call(op, () => this.addon.hysteresisThreshold(src, width, height, low, high));
  }

  removeSmallComponents(mask: Uint8Array, width: number, height: number, minAreaPx: number): ComponentsResult {
    const op = 'removeSmallComponents';
    checkRemoveSmallComponents(this.name, mask, width, height, minAreaPx);
    return this.call(op, () => this.addon.removeSmallComponents(mask, width, height, minAreaPx));
  }

  thin(mask: Uint8Array, width: number, height: number): Uint8Array {
    const op = 'thin';
    checkThin(this.name, mask, width, height);
    return this.call(op, () => this.addon.thin(mask, width, height));
  }

  skeletonGraph(skeleton: Uint8Array, width: number, height: number): SkeletonGraph {
    const op = 'skeletonGraph';
    checkSkeletonGraph(this.name, skeleton, width, height);
    return this.call(op, () => this.addon.skeletonGraph(skeleton, width, height));
  }

  shiftAccumulateMoments(acc: Float64Array, momentAcc: Float64Array, momentSq: Float64Array, count: Uint32Array, frame: Uint8Array, width: number, height: number, dx: number, dy: number, gain: number): void {
    const op = 'shiftAccumulateMoments';
    checkShiftAccumulateMoments(this.name, acc, momentAcc, momentSq, count, frame, width, height, dx, dy, gain);
    this.call(op, () => this.addon.shiftAccumulateMoments(acc, momentAcc, momentSq, count, frame, width, height, dx, dy, gain));
  }

  gridCrossings(xy: Float64Array, x: number, y: number, width: number, height: number, bandPx: number): Uint32Array {
    const op = 'gridCrossings';
    checkGridCrossings(xy, x, y, width, height, bandPx);
    return this.call(op, () => this.addon.gridCrossings(xy, x, y, width, height, bandPx));
  }

  spaceTimeSample(frame: Uint8Array, width: number, height: number, dx: number, dy: number, points: Float64Array, normals: Float64Array, halfWidthsPx: Float64Array, acrossStepPx: number, maxSideTaps = 0): SpaceTimeSamples {
    const op = 'spaceTimeSample';
    checkSpaceTimeSample(this.name, frame, width, height, dx, dy, points, normals, halfWidthsPx, acrossStepPx, maxSideTaps);
    return this.call(op, () => this.addon.spaceTimeSample(frame, width, height, dx, dy, points, normals, halfWidthsPx, acrossStepPx, maxSideTaps));
  }

  spaceTimeEncode(values: Float32Array, valid: Uint8Array, counts: Uint32Array, gain: number, sampleScale: number, maxCode: number): SpaceTimeCodes {
    const op = 'spaceTimeEncode';
    checkSpaceTimeEncode(values, valid, counts, gain, sampleScale, maxCode);
    return this.call(op, () => this.addon.spaceTimeEncode(values, valid, counts, gain, sampleScale, maxCode));
  }

  /** detmath self-check (hvm_detmath_eval): fn 1 exp, 2 log, 3 sin, 4 cos, 5 atan2(x, y), 6 sqrt. */
  detmathEval(fn: number, x: Float64Array, y?: Float64Array): Float64Array {
    return this.call('detmathEval', () => this.addon.detmathEval(fn, x, y ?? null));
  }

  private call<T>(op: string, body: () => T): T {
    try {
      return body();
    } catch (e) {
      const status = e instanceof Error ? (e as Error & { hvmStatus?: unknown }).hvmStatus : undefined;
      if (typeof status === 'number') throw new CoreError(status, op, this.name, (e as Error).message);
      if (e instanceof TypeError) throw new CoreArgumentError(op, e.message);
      throw e;
    }
  }
}

/** Loads the addon; throws BackendUnavailableError saying why and what to do. */
export function createNativeBackend(file: string = nativeAddonPath()): NativeBackend {
  if (!existsSync(file)) {
    throw new BackendUnavailableError('native', `native addon not built (${file} is missing)`, NATIVE_BUILD_HINT);
  }
  let addon: Addon;
  try {
    addon = createRequire(import.meta.url)(file) as Addon;
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new BackendUnavailableError(
      'native',
      `native addon ${file} failed to load (${why})`,
      `It was probably built for another Node version or platform. ${NATIVE_BUILD_HINT}`,
      e,
    );
  }
  if (typeof addon.gaussianBlur !== 'function' || typeof addon.coreVersion !== 'string') {
    throw new BackendUnavailableError('native', `${file} is not the hvm core addon`, NATIVE_BUILD_HINT);
  }
  return new NativeBackend(addon, file);
}
