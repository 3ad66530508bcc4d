/**
 * The native backend: the Node-API addon build/Release/hvm_core.node (binding.gyp,
 * native/binding/addon.cpp) wrapped in the CoreBackend interface. The addon does the
 * argument plumbing; this file turns its failures into the typed errors of errors.ts.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { expectArray, expectDims, expectNumber } from './args.js';
import { BackendUnavailableError, CoreArgumentError, CoreError } from './errors.js';
import { packageRoot } from './paths.js';
import type { CoreBackend, FrameStats, PhaseCorrelation } from './types.js';

/** The shape of the addon's exports (native/binding/addon.cpp). */
interface Addon {
  frameStats(frame: Uint8Array, w: number, h: number): FrameStats;
  gaussianBlur(src: Float32Array, w: number, h: number, sigma: number): Float32Array;
  accumulateFrame(acc: Float64Array, frame: Uint8Array, w: number, h: number): void;
  phaseCorrelate(a: Float32Array, b: Float32Array, w: number, h: number): PhaseCorrelation;
  detmathEval(fn: number, x: Float64Array, y: Float64Array | null): Float64Array;
  statusMessage(status: number): string;
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
    expectArray(op, 'frame', frame, Uint8Array);
    expectDims(op, this.name, width, height);
    return this.call(op, () => this.addon.frameStats(frame, width, height));
  }

  gaussianBlur(src: Float32Array, width: number, height: number, sigmaPx: number): Float32Array {
    const op = 'gaussianBlur';
    expectArray(op, 'src', src, Float32Array);
    expectDims(op, this.name, width, height);
    expectNumber(op, 'sigmaPx', sigmaPx);
    return this.call(op, () => this.addon.gaussianBlur(src, width, height, sigmaPx));
  }

  accumulateFrame(acc: Float64Array, frame: Uint8Array, width: number, height: number): void {
    const op = 'accumulateFrame';
    expectArray(op, 'acc', acc, Float64Array);
    expectArray(op, 'frame', frame, Uint8Array);
    expectDims(op, this.name, width, height);
    this.call(op, () => this.addon.accumulateFrame(acc, frame, width, height));
  }

  phaseCorrelate(reference: Float32Array, moving: Float32Array, width: number, height: number): PhaseCorrelation {
    const op = 'phaseCorrelate';
    expectArray(op, 'reference', reference, Float32Array);
    expectArray(op, 'moving', moving, Float32Array);
    expectDims(op, this.name, width, height);
    return this.call(op, () => this.addon.phaseCorrelate(reference, moving, width, height));
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
