/**
 * JavaScript-level argument checks shared by both backends. They catch only what cannot
 * reach the C ABI intact (a wrong typed-array kind, a width of 37.5 that i32 conversion
 * would silently truncate); every value check (sizes, NaN sigma, non-finite samples) is
 * left to the core, so native and wasm report those through the same status codes.
 */
import { CoreArgumentError, CoreError, CoreStatus } from './errors.js';
import type { BackendName } from './types.js';

type TypedCtor = Uint8ArrayConstructor | Float32ArrayConstructor | Float64ArrayConstructor;

export function expectArray(op: string, name: string, value: unknown, ctor: TypedCtor): void {
  if (!(value instanceof ctor)) {
    const got = value === null ? 'null' : typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
    throw new CoreArgumentError(op, `${name} must be a ${ctor.name}, got ${got}`);
  }
}

export function expectNumber(op: string, name: string, value: unknown): void {
  if (typeof value !== 'number') throw new CoreArgumentError(op, `${name} must be a number, got ${typeof value}`);
}

/** Width/height must be int32 integers to cross the C ABI unchanged; the core checks > 0. */
export function expectDims(op: string, backend: BackendName, width: unknown, height: unknown): void {
  for (const v of [width, height]) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) {
      throw new CoreError(CoreStatus.BAD_DIMENSIONS, op, backend, `width and height must be integers, got ${String(width)}x${String(height)}`);
    }
  }
}
