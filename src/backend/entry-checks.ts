/**
 * Argument checks of every core entry point, in one place for both backends (native.ts and
 * wasm.ts call the same function before crossing into C++), so a bad argument gets the
 * same typed error whichever backend runs: the parity test compares errors too.
 */
import type { BackendName } from './types.js';
import { expectArray, expectDims, expectNumber } from './args.js';
import { CoreArgumentError, CoreError, CoreStatus } from './errors.js';
import { expectInt32, expectMask, expectUint32, resolveVesselnessOptions, sigmasArray } from './segment-args.js';
import type { PhaseReference, RefineShiftOptions, VesselnessOptions } from './types.js';

/** A whole 8-bit frame (frameStats, frameSharpness). */
export function checkFrameStats(backend: BackendName, frame: Uint8Array, width: number, height: number, op = 'frameStats'): void {
  expectArray(op, 'frame', frame, Uint8Array);
  expectDims(op, backend, width, height);
}

export function checkGaussianBlur(backend: BackendName, src: Float32Array, width: number, height: number, sigmaPx: number): void {
  const op = 'gaussianBlur';
  expectArray(op, 'src', src, Float32Array);
  expectDims(op, backend, width, height);
  expectNumber(op, 'sigmaPx', sigmaPx);
}

export function checkAccumulateFrame(backend: BackendName, acc: Float64Array, frame: Uint8Array, width: number, height: number): void {
  const op = 'accumulateFrame';
  expectArray(op, 'acc', acc, Float64Array);
  expectArray(op, 'frame', frame, Uint8Array);
  expectDims(op, backend, width, height);
}

export function checkPhaseCorrelate(backend: BackendName, reference: Float32Array, moving: Float32Array, width: number, height: number): void {
  const op = 'phaseCorrelate';
  expectArray(op, 'reference', reference, Float32Array);
  expectArray(op, 'moving', moving, Float32Array);
  expectDims(op, backend, width, height);
}

export function checkPhaseReference(backend: BackendName, reference: Float32Array, width: number, height: number): void {
  const op = 'phaseReference';
  expectArray(op, 'reference', reference, Float32Array);
  expectDims(op, backend, width, height);
}

export function checkPhaseCorrelateReference(backend: BackendName, reference: PhaseReference, moving: Float32Array): void {
  const op = 'phaseCorrelateReference';
  if (typeof reference !== 'object' || reference === null) throw new CoreArgumentError(op, 'reference must be what phaseReference returned');
  expectArray(op, 'reference.spectrum', reference.spectrum, Float64Array);
  expectArray(op, 'moving', moving, Float32Array);
  expectDims(op, backend, reference.width, reference.height);
}

export function checkRegistrationImage(backend: BackendName, frame: Uint8Array, frameWidth: number, frameHeight: number, x0: number, y0: number, factor: number, width: number, height: number, valid: Float32Array, validBlur: Float32Array, weight: Float32Array, sigmaBg: number): void {
  const op = 'registrationImage';
  expectArray(op, 'frame', frame, Uint8Array);
  expectDims(op, backend, frameWidth, frameHeight);
  expectDims(op, backend, width, height);
  for (const [k, v] of [['x0', x0], ['y0', y0], ['factor', factor]] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 0x7fffffff) throw new CoreArgumentError(op, `${k} must be an integer ≥ 0, got ${v}`);
  }
  for (const [k, v] of [['valid', valid], ['validBlur', validBlur], ['weight', weight]] as const) expectArray(op, k, v, Float32Array);
  expectNumber(op, 'sigmaBg', sigmaBg);
}

/** Arguments shared by refineShift and registrationResidual. */
function checkRegistrationPair(op: string, backend: BackendName, reference: Float32Array, moving: Float32Array, inner: Uint8Array, innerTaps: Uint8Array, width: number, height: number, dx: number, dy: number): void {
  expectArray(op, 'reference', reference, Float32Array);
  expectArray(op, 'moving', moving, Float32Array);
  expectArray(op, 'inner', inner, Uint8Array);
  expectArray(op, 'innerTaps', innerTaps, Uint8Array);
  expectDims(op, backend, width, height);
  expectNumber(op, 'dx', dx);
  expectNumber(op, 'dy', dy);
}

export function checkRefineShift(backend: BackendName, reference: Float32Array, moving: Float32Array, inner: Uint8Array, innerTaps: Uint8Array, width: number, height: number, dx0: number, dy0: number, o: RefineShiftOptions): void {
  const op = 'refineShift';
  checkRegistrationPair(op, backend, reference, moving, inner, innerTaps, width, height, dx0, dy0);
  if (o === null || typeof o !== 'object') throw new CoreArgumentError(op, 'options must be { tolerance, maxIterations, maxChange }');
  expectNumber(op, 'tolerance', o.tolerance);
  expectInt32(op, backend, 'maxIterations', o.maxIterations);
  expectNumber(op, 'maxChange', o.maxChange);
}

export function checkRegistrationResidual(backend: BackendName, reference: Float32Array, moving: Float32Array, inner: Uint8Array, innerTaps: Uint8Array, width: number, height: number, dx: number, dy: number): void {
  checkRegistrationPair('registrationResidual', backend, reference, moving, inner, innerTaps, width, height, dx, dy);
}

export function checkPooledNcc(backend: BackendName, a: Float32Array, b: Float32Array, pairs: number, rowLength: number, sLo: number, sHi: number): void {
  const op = 'pooledNcc';
  expectArray(op, 'a', a, Float32Array);
  expectArray(op, 'b', b, Float32Array);
  expectInt32(op, backend, 'pairs', pairs);
  expectInt32(op, backend, 'rowLength', rowLength);
  expectInt32(op, backend, 'sLo', sLo);
  expectInt32(op, backend, 'sHi', sHi);
  // The output's length is sHi − sLo + 1: refuse a range the core would refuse anyway before
  // allocating for it (native allocates the result in the binding).
  if (!(sLo <= sHi && sHi - sLo < 1 << 24)) throw new CoreError(CoreStatus.BAD_ARGUMENT, op, backend, `sLo ${sLo} … sHi ${sHi} is not a range of shifts`);
}

export function checkScreenExtrema(backend: BackendName, frame: Uint8Array, width: number, height: number, lo: Uint8Array, hi: Uint8Array, rowSums: Uint32Array, colSums: Uint32Array): void {
  const op = 'screenExtrema';
  expectArray(op, 'frame', frame, Uint8Array);
  expectArray(op, 'lo', lo, Uint8Array);
  expectArray(op, 'hi', hi, Uint8Array);
  if (!(rowSums instanceof Uint32Array) || !(colSums instanceof Uint32Array)) throw new CoreArgumentError(op, 'rowSums and colSums must be Uint32Arrays');
  expectDims(op, backend, width, height);
}

export function checkShiftAccumulate(backend: BackendName, acc: Float64Array, count: Uint32Array, frame: Uint8Array, width: number, height: number, dx: number, dy: number): void {
  const op = 'shiftAccumulate';
  expectArray(op, 'acc', acc, Float64Array);
  if (!(count instanceof Uint32Array)) throw new CoreArgumentError(op, 'count must be a Uint32Array');
  expectArray(op, 'frame', frame, Uint8Array);
  expectDims(op, backend, width, height);
  expectNumber(op, 'dx', dx);
  expectNumber(op, 'dy', dy);
}

export function checkLocalNormalize(backend: BackendName, src: Float32Array, mask: Uint8Array | null, width: number, height: number, sigmaPx: number, epsRel: number): void {
  const op = 'localNormalize';
  expectArray(op, 'src', src, Float32Array);
  expectMask(op, backend, mask);
  expectDims(op, backend, width, height);
  expectNumber(op, 'sigmaPx', sigmaPx);
  expectNumber(op, 'epsRel', epsRel);
}

export function checkFillOutside(backend: BackendName, src: Float32Array, mask: Uint8Array, width: number, height: number): void {
  const op = 'fillOutside';
  expectArray(op, 'src', src, Float32Array);
  expectArray(op, 'mask', mask, Uint8Array);
  expectDims(op, backend, width, height);
}

export function checkHessianVesselness(backend: BackendName, src: Float32Array, width: number, height: number, sigmasPx: Float32Array | readonly number[], options?: VesselnessOptions): { sig: Float32Array; o: Required<VesselnessOptions> } {
  const op = 'hessianVesselness';
  expectArray(op, 'src', src, Float32Array);
  expectDims(op, backend, width, height);
  const sig = sigmasArray(op, sigmasPx);
  const o = resolveVesselnessOptions(op, options);
  return { sig, o };
}

export function checkMinFilter(backend: BackendName, src: Float32Array, width: number, height: number, radiusPx: number): void {
  const op = 'minFilter';
  expectArray(op, 'src', src, Float32Array);
  expectDims(op, backend, width, height);
  expectInt32(op, backend, 'radiusPx', radiusPx);
}

export function checkHysteresisThreshold(backend: BackendName, src: Float32Array, width: number, height: number, low: number, high: number): void {
  const op = 'hysteresisThreshold';
  expectArray(op, 'src', src, Float32Array);
  expectDims(op, backend, width, height);
  expectNumber(op, 'low', low);
  expectNumber(op, 'high', high);
}

export function checkRemoveSmallComponents(backend: BackendName, mask: Uint8Array, width: number, height: number, minAreaPx: number): void {
  const op = 'removeSmallComponents';
  expectArray(op, 'mask', mask, Uint8Array);
  expectDims(op, backend, width, height);
  expectUint32(op, backend, 'minAreaPx', minAreaPx);
}

export function checkThin(backend: BackendName, mask: Uint8Array, width: number, height: number): void {
  const op = 'thin';
  expectArray(op, 'mask', mask, Uint8Array);
  expectDims(op, backend, width, height);
}

export function checkSkeletonGraph(backend: BackendName, skeleton: Uint8Array, width: number, height: number): void {
  const op = 'skeletonGraph';
  expectArray(op, 'skeleton', skeleton, Uint8Array);
  expectDims(op, backend, width, height);
}

export function checkSpaceTimeSample(backend: BackendName, frame: Uint8Array, width: number, height: number, dx: number, dy: number, points: Float64Array, normals: Float64Array, halfWidthsPx: Float64Array, acrossStepPx: number, maxSideTaps: number): void {
  const op = 'spaceTimeSample';
  expectArray(op, 'frame', frame, Uint8Array);
  expectDims(op, backend, width, height);
  expectNumber(op, 'dx', dx);
  expectNumber(op, 'dy', dy);
  expectArray(op, 'points', points, Float64Array);
  expectArray(op, 'normals', normals, Float64Array);
  expectArray(op, 'halfWidthsPx', halfWidthsPx, Float64Array);
  expectNumber(op, 'acrossStepPx', acrossStepPx);
  if (!(Number.isInteger(maxSideTaps) && maxSideTaps >= 0 && maxSideTaps <= 0x7fffffff)) throw new CoreArgumentError(op, `maxSideTaps must be an integer ≥ 0, got ${maxSideTaps}`);
}

export function checkSpaceTimeEncode(values: Float32Array, valid: Uint8Array, counts: Uint32Array, gain: number, sampleScale: number, maxCode: number): void {
  const op = 'spaceTimeEncode';
  expectArray(op, 'values', values, Float32Array);
  expectArray(op, 'valid', valid, Uint8Array);
  if (!(counts instanceof Uint32Array)) throw new CoreArgumentError(op, 'counts must be a Uint32Array');
  for (const [k, v] of [['gain', gain], ['sampleScale', sampleScale], ['maxCode', maxCode]] as const) expectNumber(op, k, v);
}

export function checkGridCrossings(xy: Float64Array, x: number, y: number, width: number, height: number, bandPx: number): void {
  const op = 'gridCrossings';
  expectArray(op, 'xy', xy, Float64Array);
  if (xy.length % 2 !== 0) throw new CoreArgumentError(op, `xy holds x, y pairs: its length must be even, got ${xy.length}`);
  for (const [k, v] of [['x', x], ['y', y], ['bandPx', bandPx]] as const) expectNumber(op, k, v);
  expectNumber(op, 'width', width);
  expectNumber(op, 'height', height);
  if (!(width > 0 && height > 0)) throw new CoreArgumentError(op, `the region must have a positive size, got ${width}×${height}`);
  if (!(bandPx >= 0)) throw new CoreArgumentError(op, `bandPx must be ≥ 0, got ${bandPx}`);
}

export function checkShiftAccumulateMoments(backend: BackendName, acc: Float64Array, momentAcc: Float64Array, momentSq: Float64Array, count: Uint32Array, frame: Uint8Array, width: number, height: number, dx: number, dy: number, gain: number): void {
  const op = 'shiftAccumulateMoments';
  checkShiftAccumulate(backend, acc, count, frame, width, height, dx, dy);
  expectArray(op, 'momentAcc', momentAcc, Float64Array);
  expectArray(op, 'momentSq', momentSq, Float64Array);
  expectNumber(op, 'gain', gain);
}
