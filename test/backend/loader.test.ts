/**
 * The loader's choice and its explanations: HVM_BACKEND / the option pick the backend, an
 * explicit demand that cannot be met is a typed error saying what to do, and a default
 * native that cannot load falls back to wasm with exactly one notice.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import {
  backendAvailability,
  BackendUnavailableError,
  chosenBackendReason,
  loadBackend,
  resetBackendCache,
} from '../../src/backend/index.js';
import { createWasmBackendAsync } from '../../src/backend/wasm.js';
import { loadNative, texture } from './helpers.js';

const hasNative = loadNative() !== undefined;
const saved = { backend: process.env.HVM_BACKEND, addon: process.env.HVM_NATIVE_ADDON };
const missingAddon = path.join(tmpdir(), 'hvm-no-such-dir', 'hvm_core.node');

function restoreEnv(): void {
  for (const [k, v] of [['HVM_BACKEND', saved.backend], ['HVM_NATIVE_ADDON', saved.addon]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
}

beforeEach(() => {
  delete process.env.HVM_BACKEND;
  delete process.env.HVM_NATIVE_ADDON;
  resetBackendCache();
});
afterEach(() => {
  restoreEnv();
  resetBackendCache();
  vi.restoreAllMocks();
});

describe('loadBackend', () => {
  test('HVM_BACKEND=wasm chooses wasm and says why', () => {
    process.env.HVM_BACKEND = 'wasm';
    const b = loadBackend();
    expect(b.name).toBe('wasm');
    expect(chosenBackendReason()).toContain('HVM_BACKEND=wasm');
    expect(loadBackend()).toBe(b); // cached
  });

  test.skipIf(!hasNative)('the default is native; the option beats the environment', () => {
    expect(loadBackend().name).toBe('native');
    expect(chosenBackendReason()).toMatch(/^native: default/);
    process.env.HVM_BACKEND = 'wasm';
    expect(loadBackend({ backend: 'native' }).name).toBe('native');
    expect(chosenBackendReason()).toContain("backend: 'native' was requested");
  });

  test('explicitly demanded native that cannot load is a typed error saying what to do', () => {
    process.env.HVM_NATIVE_ADDON = missingAddon;
    for (const demand of [() => loadBackend({ backend: 'native' }), () => ((process.env.HVM_BACKEND = 'native'), loadBackend())]) {
      resetBackendCache();
      try {
        demand();
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(BackendUnavailableError);
        const err = e as BackendUnavailableError;
        expect(err.code).toBe('E_BACKEND_UNAVAILABLE');
        expect(err.message).toContain(missingAddon);
        expect(err.hint).toContain('npm run build:native');
        expect(err.hint).toContain('HVM_BACKEND=wasm');
      }
    }
  });

  test('an addon file that is not loadable is reported as such', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hvm-loader-'));
    const junk = path.join(dir, 'hvm_core.node');
    writeFileSync(junk, 'not a shared object');
    process.env.HVM_NATIVE_ADDON = junk;
    expect(() => loadBackend({ backend: 'native' })).toThrow(/failed to load/);
  });

  test('a default native that cannot load falls back to wasm with ONE notice', () => {
    process.env.HVM_NATIVE_ADDON = missingAddon;
    const writes: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    expect(loadBackend().name).toBe('wasm');
    expect(loadBackend().name).toBe('wasm');
    expect(writes).toHaveLength(1);
    expect(writes[0]).toContain('npm run build:native');
    expect(writes[0]).toContain(missingAddon);
    expect(chosenBackendReason()).toMatch(/^wasm: fallback/);
  });

  test('an unknown backend name is a typed error', () => {
    process.env.HVM_BACKEND = 'gpu';
    expect(() => loadBackend()).toThrow(BackendUnavailableError);
    expect(() => loadBackend({ backend: 'cuda' as never })).toThrow(/unknown core backend "cuda"/);
  });
});

describe('backendAvailability', () => {
  test('reports both backends, with reasons when unavailable', () => {
    process.env.HVM_NATIVE_ADDON = missingAddon;
    const a = backendAvailability();
    expect(a.native.available).toBe(false);
    expect(a.native.reason).toContain('npm run build:native');
    expect(a.wasm).toEqual({ available: true, simd: true });
  });

  test.skipIf(!hasNative)('native available when built', () => {
    expect(backendAvailability().native).toEqual({ available: true });
  });
});

test('the async wasm path gives the same results', async () => {
  const a = await createWasmBackendAsync();
  process.env.HVM_BACKEND = 'wasm';
  const b = loadBackend();
  const img = texture(50, 40, 0, 0);
  expect(Buffer.from(a.gaussianBlur(img, 50, 40, 2).buffer)).toEqual(Buffer.from(b.gaussianBlur(img, 50, 40, 2).buffer));
});
