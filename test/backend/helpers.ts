/**
 * Shared fixtures for the backend tests: seeded random inputs, a smooth textured image
 * that can be sampled at sub-pixel shifts, byte-level comparison, and backend loading.
 */
import { expect } from 'vitest';
import { CoreError } from '../../src/backend/errors.js';
import type { CoreBackend } from '../../src/backend/types.js';
import { createNativeBackend, type NativeBackend } from '../../src/backend/native.js';
import { createWasmBackend, type WasmBackend } from '../../src/backend/wasm.js';

/** mulberry32: a tiny seeded PRNG, so every run sees the same "random" inputs. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomU8(n: number, seed: number): Uint8Array {
  const r = rng(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(r() * 256);
  return out;
}

export function randomF32(n: number, seed: number, lo = 0, hi = 255): Float32Array {
  const r = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * r();
  return out;
}

/**
 * A textured image like a microcirculation frame: ~1 blob per 25 px² (Gaussian spots,
 * sigma 1–3.5 px, bright and dark, cells and plasma gaps) on a grey background, evaluated
 * analytically at (x − dx, y − dy): content moved by +dx right and +dy down, as
 * phaseCorrelate expects. Gaussians of sigma >= 1 px are band-limited enough that
 * sub-pixel shifts are sampled faithfully, and the many blobs make the spectrum broadband
 * (phase correlation whitens the spectrum, so a few pure tones would be a poor test).
 */
export function texture(w: number, h: number, dx: number, dy: number, seed = 7): Float32Array {
  const r = rng(seed);
  const margin = 24;
  const count = Math.round(((w + 2 * margin) * (h + 2 * margin)) / 25);
  const out = new Float32Array(w * h).fill(100);
  for (let i = 0; i < count; i++) {
    const cx = -margin + (w + 2 * margin) * r() + dx;
    const cy = -margin + (h + 2 * margin) * r() + dy;
    const sigma = 1 + 2.5 * r();
    const amp = (r() < 0.5 ? -1 : 1) * (20 + 60 * r());
    const rad = Math.ceil(4 * sigma);
    const x0 = Math.max(0, Math.floor(cx) - rad), x1 = Math.min(w - 1, Math.ceil(cx) + rad);
    const y0 = Math.max(0, Math.floor(cy) - rad), y1 = Math.min(h - 1, Math.ceil(cy) + rad);
    const k = -1 / (2 * sigma * sigma);
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) out[y * w + x] += amp * Math.exp(k * ((x - cx) ** 2 + (y - cy) ** 2));
    }
  }
  return out;
}

export function bytesOf(a: ArrayBufferView): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

export function f64Bits(x: number): string {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(x);
  return b.readBigUInt64LE().toString(16).padStart(16, '0');
}

/** Throws with the first differing element when two typed arrays differ in any byte. */
export function expectSameBytes(a: ArrayBufferView & ArrayLike<number>, b: ArrayBufferView & ArrayLike<number>, label: string): void {
  if (a.length !== b.length) throw new Error(`${label}: lengths differ (${a.length} vs ${b.length})`);
  if (bytesOf(a).equals(bytesOf(b))) return;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = b[i]!;
    if (!Object.is(x, y) || f64Bits(x) !== f64Bits(y)) {
      throw new Error(`${label}: element ${i} differs: native ${x} (${f64Bits(x)}) vs wasm ${y} (${f64Bits(y)})`);
    }
  }
  throw new Error(`${label}: bytes differ (NaN payloads?)`);
}

/**
 * Both backends, loaded directly (not through the loader's fallback). The native addon is
 * required: parity is the point of these tests. Set HVM_ALLOW_NO_NATIVE=1 to run only the
 * wasm side on a machine without a C++ toolchain (parity tests are then skipped).
 */
export const nativeRequired = process.env.HVM_ALLOW_NO_NATIVE !== '1';

export function loadNative(): NativeBackend | undefined {
  try {
    return createNativeBackend();
  } catch (e) {
    if (!nativeRequired) return undefined;
    throw new Error(`these tests need the native addon: run \`npm run build:native\` first, or set HVM_ALLOW_NO_NATIVE=1 (${(e as Error).message})`);
  }
}

export function bothBackends(): { native: NativeBackend | undefined; wasm: WasmBackend } {
  return { native: loadNative(), wasm: createWasmBackend() };
}

/** The backends to run per-backend tests on: wasm always, native unless allowed missing. */
export function eachBackend(): (NativeBackend | WasmBackend)[] {
  const { native, wasm } = bothBackends();
  return native !== undefined ? [native, wasm] : [wasm];
}

/**
 * Runs fn on both backends; if either throws, both must throw a CoreError with the same
 * status (and, with sameMessage, the same message up to the backend's name). Returns both
 * results, or undefined when both failed alike.
 */
export function onBoth<T>(native: CoreBackend, wasm: CoreBackend, fn: (b: CoreBackend) => T, sameMessage = false): [T, T] | undefined {
  const results: ({ ok: T } | { err: unknown })[] = [native, wasm].map((b) => {
    try {
      return { ok: fn(b) };
    } catch (err) {
      return { err };
    }
  });
  const [n, w] = results as [{ ok?: T; err?: unknown }, { ok?: T; err?: unknown }];
  if ('err' in n || 'err' in w) {
    expect(n.err, 'both backends must fail alike').toBeInstanceOf(CoreError);
    expect(w.err, 'both backends must fail alike').toBeInstanceOf(CoreError);
    expect((w.err as CoreError).status).toBe((n.err as CoreError).status);
    if (sameMessage) expect((w.err as CoreError).message.replace('wasm', 'native')).toBe((n.err as CoreError).message);
    return undefined;
  }
  return [n.ok as T, w.ok as T];
}
