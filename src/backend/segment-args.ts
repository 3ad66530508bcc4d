/**
 * Argument checks and defaults of the vessel-segmentation entry points, shared by both
 * backends (like args.ts: only what cannot cross the C ABI intact is checked here; every
 * value check the core can make — NaN, ranges, sizes — is left to the core, so both
 * backends report it through the same status codes).
 */
import { CoreArgumentError, CoreError, CoreStatus } from './errors.js';
import type { BackendName, VesselnessOptions } from './types.js';

/**
 * Frangi et al. 1998's own choices: β = 0.5 (blobness), c = half the largest Hessian norm
 * (here: over all scales and the pixels of the vessel's polarity), dark vessels.
 */
export const FRANGI_DEFAULTS: Readonly<Required<VesselnessOptions>> = {
  darkVessels: true,
  beta: 0.5,
  c: 0.5,
  cRelative: true,
};

export function resolveVesselnessOptions(op: string, o: VesselnessOptions | undefined): Required<VesselnessOptions> {
  const r = { ...FRANGI_DEFAULTS, ...(o ?? {}) };
  if (typeof r.darkVessels !== 'boolean') throw new CoreArgumentError(op, `darkVessels must be a boolean, got ${typeof r.darkVessels}`);
  if (typeof r.cRelative !== 'boolean') throw new CoreArgumentError(op, `cRelative must be a boolean, got ${typeof r.cRelative}`);
  if (typeof r.beta !== 'number') throw new CoreArgumentError(op, `beta must be a number, got ${typeof r.beta}`);
  if (typeof r.c !== 'number') throw new CoreArgumentError(op, `c must be a number, got ${typeof r.c}`);
  return r;
}

/** Sigmas as the Float32Array the core reads (a plain number array is converted). */
export function sigmasArray(op: string, sigmas: Float32Array | readonly number[]): Float32Array {
  if (sigmas instanceof Float32Array) return sigmas;
  if (Array.isArray(sigmas) && sigmas.every((s) => typeof s === 'number')) return Float32Array.from(sigmas);
  throw new CoreArgumentError(op, 'sigmasPx must be a Float32Array or an array of numbers');
}

/** A count that crosses the C ABI as uint32: a whole number in [0, 2^32 − 1]. */
export function expectUint32(op: string, backend: BackendName, name: string, v: unknown): void {
  if (typeof v !== 'number') throw new CoreArgumentError(op, `${name} must be a number, got ${typeof v}`);
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
    throw new CoreError(CoreStatus.BAD_ARGUMENT, op, backend, `${name} must be a whole number in [0, 2^32 − 1], got ${v}`);
  }
}

/** An integer that crosses the C ABI as int32 (the core checks its range). */
export function expectInt32(op: string, backend: BackendName, name: string, v: unknown): void {
  if (typeof v !== 'number') throw new CoreArgumentError(op, `${name} must be a number, got ${typeof v}`);
  if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) {
    throw new CoreError(CoreStatus.BAD_ARGUMENT, op, backend, `${name} must be a whole number, got ${v}`);
  }
}

/**
 * The optional region mask of localNormalize: a Uint8Array or null (no mask). An EMPTY
 * array is refused here (the core reads length 0 as "no mask", which an empty array of the
 * wrong size must not silently become), identically on both backends.
 */
export function expectMask(op: string, backend: BackendName, mask: unknown): void {
  if (mask !== null && !(mask instanceof Uint8Array)) {
    throw new CoreArgumentError(op, 'mask must be a Uint8Array or null');
  }
  if (mask !== null && mask.length === 0) {
    throw new CoreError(CoreStatus.BUFFER_SIZE, op, backend, 'mask is empty: pass null for no mask, or width*height values');
  }
}
