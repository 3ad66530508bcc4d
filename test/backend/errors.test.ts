/**
 * Bad input never crashes or traps: the core validates and returns a status code, and the
 * TypeScript layer raises typed errors (CoreError with the status, CoreArgumentError for
 * wrong JS types). A trap inside wasm becomes WasmTrapError and the next call still works.
 */
import { describe, expect, test } from 'vitest';
import { CoreArgumentError, CoreError, CoreStatus, WasmTrapError } from '../../src/backend/errors.js';
import { HvmError } from '../../src/errors.js';
import { createWasmBackend } from '../../src/backend/wasm.js';
import { eachBackend, texture } from './helpers.js';

function statusOf(fn: () => unknown): number {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CoreError);
    expect(e).toBeInstanceOf(HvmError);
    return (e as CoreError).status;
  }
  throw new Error('expected a CoreError');
}

describe.each(eachBackend().map((b) => [b.name, b] as const))('%s backend errors', (_n, be) => {
  test('wrong buffer sizes', () => {
    expect(statusOf(() => be.frameStats(new Uint8Array(11), 4, 3))).toBe(CoreStatus.BUFFER_SIZE);
    expect(statusOf(() => be.frameStats(new Uint8Array(13), 4, 3))).toBe(CoreStatus.BUFFER_SIZE);
    expect(statusOf(() => be.frameStats(new Uint8Array(0), 4, 3))).toBe(CoreStatus.BUFFER_SIZE);
    expect(statusOf(() => be.gaussianBlur(new Float32Array(5), 2, 2, 1))).toBe(CoreStatus.BUFFER_SIZE);
    expect(statusOf(() => be.accumulateFrame(new Float64Array(4), new Uint8Array(3), 2, 2))).toBe(CoreStatus.BUFFER_SIZE);
    expect(statusOf(() => be.phaseCorrelate(new Float32Array(4), new Float32Array(6), 2, 2))).toBe(CoreStatus.BUFFER_SIZE);
    expect(statusOf(() => be.phaseReference(new Float32Array(5), 2, 2))).toBe(CoreStatus.BUFFER_SIZE);
    // A spectrum made for another size, or cut short.
    const spec = be.phaseReference(new Float32Array(64 * 48).map((_, i) => i % 7), 64, 48);
    expect(statusOf(() => be.phaseCorrelateReference({ ...spec, width: 60 }, new Float32Array(60 * 48)))).toBe(CoreStatus.BUFFER_SIZE);
    expect(statusOf(() => be.phaseCorrelateReference({ ...spec, spectrum: spec.spectrum.subarray(1) }, new Float32Array(64 * 48)))).toBe(CoreStatus.BUFFER_SIZE);
    expect(statusOf(() => be.phaseCorrelateReference(spec, new Float32Array(64 * 47)))).toBe(CoreStatus.BUFFER_SIZE);
    const bad = spec.spectrum.slice();
    bad[10] = Number.NaN;
    expect(statusOf(() => be.phaseCorrelateReference({ ...spec, spectrum: bad }, new Float32Array(64 * 48)))).toBe(CoreStatus.NON_FINITE);
  });

  test('bad dimensions', () => {
    expect(statusOf(() => be.frameStats(new Uint8Array(0), 0, 0))).toBe(CoreStatus.BAD_DIMENSIONS);
    expect(statusOf(() => be.frameStats(new Uint8Array(4), -2, -2))).toBe(CoreStatus.BAD_DIMENSIONS);
    expect(statusOf(() => be.frameStats(new Uint8Array(4), 2.5, 2))).toBe(CoreStatus.BAD_DIMENSIONS);
    expect(statusOf(() => be.frameStats(new Uint8Array(4), NaN, 2))).toBe(CoreStatus.BAD_DIMENSIONS);
    expect(statusOf(() => be.frameStats(new Uint8Array(4), 2 ** 32 + 2, 2))).toBe(CoreStatus.BAD_DIMENSIONS);
    // width*height overflows int32: rejected before any allocation
    expect(statusOf(() => be.gaussianBlur(new Float32Array(4), 65536, 65536, 1))).toBe(CoreStatus.TOO_LARGE);
    expect(statusOf(() => be.phaseCorrelate(new Float32Array(4), new Float32Array(4), 50_000, 50_000))).toBe(CoreStatus.TOO_LARGE);
  });

  test('NaN or out-of-range sigma', () => {
    const img = new Float32Array(9);
    expect(statusOf(() => be.gaussianBlur(img, 3, 3, NaN))).toBe(CoreStatus.BAD_ARGUMENT);
    expect(statusOf(() => be.gaussianBlur(img, 3, 3, Infinity))).toBe(CoreStatus.BAD_ARGUMENT);
    expect(statusOf(() => be.gaussianBlur(img, 3, 3, 1e4))).toBe(CoreStatus.BAD_ARGUMENT);
  });

  test('non-finite samples are rejected, not propagated', () => {
    const img = texture(8, 8, 0, 0);
    img[10] = NaN;
    expect(statusOf(() => be.gaussianBlur(img, 8, 8, 1))).toBe(CoreStatus.NON_FINITE);
    const clean = texture(8, 8, 0, 0);
    img[10] = Infinity;
    expect(statusOf(() => be.phaseCorrelate(clean, img, 8, 8))).toBe(CoreStatus.NON_FINITE);
  });

  test('typed errors carry code, message and hint', () => {
    try {
      be.gaussianBlur(new Float32Array(5), 2, 2, 1);
      expect.unreachable();
    } catch (e) {
      const err = e as CoreError;
      expect(err.code).toBe('E_CORE_BUFFER_SIZE');
      expect(err.backend).toBe(be.name);
      expect(err.operation).toBe('gaussianBlur');
      expect(err.message).toContain('buffer length does not equal width*height');
      expect(err.hint).toBeDefined();
    }
  });

  test('wrong JavaScript types', () => {
    expect(() => be.frameStats(new Float32Array(4) as unknown as Uint8Array, 2, 2)).toThrow(CoreArgumentError);
    expect(() => be.gaussianBlur([1, 2, 3, 4] as unknown as Float32Array, 2, 2, 1)).toThrow(CoreArgumentError);
    expect(() => be.gaussianBlur(new Float32Array(4), 2, 2, '1' as unknown as number)).toThrow(CoreArgumentError);
    expect(() => be.accumulateFrame(new Float32Array(4) as unknown as Float64Array, new Uint8Array(4), 2, 2)).toThrow(CoreArgumentError);
  });

  test('the backend keeps working after errors', () => {
    const s = be.frameStats(Uint8Array.of(1, 2, 3, 4), 2, 2);
    expect(s.mean).toBe(2.5);
  });
});

describe('wasm traps', () => {
  test('a trap becomes WasmTrapError and the next call works on a fresh instance', () => {
    const be = createWasmBackend();
    const before = be.gaussianBlur(texture(37, 23, 0, 0), 37, 23, 1.5);
    expect(() => be.debugTrap()).toThrow(WasmTrapError);
    try {
      be.debugTrap();
    } catch (e) {
      expect(e).toBeInstanceOf(HvmError);
      expect((e as WasmTrapError).code).toBe('E_WASM_TRAP');
      expect((e as WasmTrapError).cause).toBeInstanceOf(Error);
    }
    expect(be.resets).toBe(2);
    const after = be.gaussianBlur(texture(37, 23, 0, 0), 37, 23, 1.5);
    expect(Buffer.from(after.buffer).equals(Buffer.from(before.buffer))).toBe(true);
  });

  test('memory is freed: repeated calls do not grow linear memory', () => {
    const be = createWasmBackend();
    const img = texture(200, 150, 0, 0);
    be.gaussianBlur(img, 200, 150, 2);
    be.phaseCorrelate(img, img, 200, 150);
    const settled = be.memoryBytes();
    for (let i = 0; i < 30; i++) {
      be.gaussianBlur(img, 200, 150, 2);
      be.phaseCorrelate(img, img, 200, 150);
      be.frameStats(new Uint8Array(200 * 150), 200, 150);
      expect(() => be.gaussianBlur(img, 200, 151, 2)).toThrow(CoreError); // error paths free too
    }
    expect(be.memoryBytes()).toBe(settled);
  });
});
