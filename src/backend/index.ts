/**
 * Picks the core backend and explains the choice (compare sharp's lib/sharp.js: try the
 * native addon, fall back, and when nothing loads say what to do).
 *
 *   choice = opts.backend ?? $HVM_BACKEND ?? 'native'
 *
 * If native was only the default and fails to load, the wasm core is used instead and ONE
 * notice goes to stderr saying why and how to build native. If a backend was demanded
 * (option or environment variable) and fails, a BackendUnavailableError says what to do.
 * Instances are cached per backend; both give bitwise-identical results.
 */
import { BackendUnavailableError } from './errors.js';
import { createNativeBackend, NATIVE_BUILD_HINT, nativeAddonPath } from './native.js';
import type { BackendName, CoreBackend } from './types.js';
import { createWasmBackend, WASM_HINT, wasmPath, wasmSimdSupported } from './wasm.js';

export type { BackendName, CoreBackend, FrameStats, PhaseCorrelation, PhaseReference } from './types.js';
export { BackendUnavailableError, CoreArgumentError, CoreError, CoreStatus, WasmTrapError } from './errors.js';

export interface LoadBackendOptions {
  backend?: BackendName;
}

export interface BackendAvailability {
  native: { available: boolean; reason?: string };
  wasm: { available: boolean; reason?: string; simd: boolean };
}

const loaded: Partial<Record<BackendName, CoreBackend>> = {};
const failed: Partial<Record<BackendName, BackendUnavailableError>> = {};
let reason: string | undefined;
let noticeShown = false;

function tryLoad(name: BackendName): CoreBackend | BackendUnavailableError {
  const have = loaded[name] ?? failed[name];
  if (have !== undefined) return have;
  try {
    const b = name === 'native' ? createNativeBackend() : createWasmBackend();
    loaded[name] = b;
    return b;
  } catch (e) {
    const err =
      e instanceof BackendUnavailableError
        ? e
        : new BackendUnavailableError(name, `${name} backend failed to load (${e instanceof Error ? e.message : String(e)})`,
            name === 'native' ? NATIVE_BUILD_HINT : WASM_HINT, e);
    failed[name] = err;
    return err;
  }
}

function requested(opts: LoadBackendOptions | undefined): { name: BackendName; explicit: string | undefined } {
  if (opts?.backend !== undefined) return { name: checkName(opts.backend, 'the backend option'), explicit: `backend: '${opts.backend}' was requested` };
  const env = process.env.HVM_BACKEND;
  if (env !== undefined && env !== '') return { name: checkName(env, 'HVM_BACKEND'), explicit: `HVM_BACKEND=${env}` };
  return { name: 'native', explicit: undefined };
}

function checkName(v: string, where: string): BackendName {
  if (v === 'native' || v === 'wasm') return v;
  throw new BackendUnavailableError(v, `unknown core backend "${v}" (from ${where})`, "Use 'native' or 'wasm'.");
}

/** The core backend to use; see the file comment for the rules. */
export function loadBackend(opts?: LoadBackendOptions): CoreBackend {
  const { name, explicit } = requested(opts);
  const got = tryLoad(name);
  if (!(got instanceof BackendUnavailableError)) {
    reason = explicit !== undefined ? `${name}: ${explicit}` : `native: default (addon ${nativeAddonPath()})`;
    return got;
  }
  if (explicit !== undefined || name === 'wasm') {
    throw new BackendUnavailableError(name, `the ${name} core backend was requested (${explicit ?? 'default'}) but is unavailable: ${got.message}`,
      got.hint ?? (name === 'native' ? NATIVE_BUILD_HINT : WASM_HINT), got);
  }
  // Native was only the default: fall back to wasm.
  const wasm = tryLoad('wasm');
  if (wasm instanceof BackendUnavailableError) {
    throw new BackendUnavailableError('native',
      `no core backend could be loaded. native: ${got.message}. wasm: ${wasm.message}`,
      `${NATIVE_BUILD_HINT} ${WASM_HINT}`, wasm);
  }
  reason = `wasm: fallback, ${got.message}`;
  if (!noticeShown) {
    noticeShown = true;
    process.stderr.write(
      `hvm: using the WebAssembly core because the native one is unavailable (${got.message}). ` +
        `Results are identical, only slower. To build native: npm run build:native. To silence this: HVM_BACKEND=wasm.\n`,
    );
  }
  return wasm;
}

/** Why the last loadBackend() chose what it chose (for `hvm doctor` and reports). */
export function chosenBackendReason(): string {
  return reason ?? 'no backend loaded yet';
}

/** Which backends can load here, and why not (for `hvm doctor`). Loads and caches both. */
export function backendAvailability(): BackendAvailability {
  const n = tryLoad('native');
  const w = tryLoad('wasm');
  return {
    native: n instanceof BackendUnavailableError ? { available: false, reason: `${n.message}. ${n.hint ?? ''}`.trim() } : { available: true },
    wasm:
      w instanceof BackendUnavailableError
        ? { available: false, reason: `${w.message}. ${w.hint ?? ''}`.trim(), simd: wasmSimdSupported() }
        : { available: true, simd: w.simd && wasmSimdSupported() },
  };
}

/** Where each backend's binary is expected (for `hvm doctor`). */
export function backendFiles(): { native: string; wasm: string } {
  return { native: nativeAddonPath(), wasm: wasmPath() };
}

/** Forgets cached backends, failures, the reason and the notice (tests; after a rebuild). */
export function resetBackendCache(): void {
  for (const k of ['native', 'wasm'] as const) {
    delete loaded[k];
    delete failed[k];
  }
  reason = undefined;
  noticeShown = false;
}
