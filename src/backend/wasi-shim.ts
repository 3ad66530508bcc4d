/**
 * A minimal WASI (snapshot preview1) for the hvm core module, instead of node:wasi: the
 * core is a pure computation library, so it gets no files, no arguments, no environment
 * and no randomness. Only functions the module actually imports are provided (see
 * `WebAssembly.Module.imports`); an import we do not implement fails instantiation with a
 * message naming it, rather than failing later at call time.
 *
 * Today's module imports nothing (wasm/build.mjs checks the core needs only malloc/free/
 * mem*), so this is the safety net for when wasi-libc code (e.g. a diagnostic fprintf)
 * is linked in: output goes to stderr (never stdout, which may carry the CLI's JSON),
 * proc_exit/abort unwinds as a WasiExit that the host treats like a trap.
 */

import { Wasm, type WasmImports, type WasmMemory, type WasmModule } from './wasm-api.js';

/** Thrown by proc_exit: the module asked to end; the host discards the instance. */
export class WasiExit extends Error {
  readonly exitCode: number;
  constructor(exitCode: number) {
    super(`the WebAssembly core called proc_exit(${exitCode})`);
    this.name = 'WasiExit';
    this.exitCode = exitCode;
  }
}

const ERRNO_SUCCESS = 0;
const ERRNO_BADF = 8;
const ERRNO_INVAL = 28;
const ERRNO_NOSYS = 52;

// never[] parameters: any concrete WASI signature (i32 numbers, i64 bigints) is assignable.
type WasiFn = (...args: never[]) => unknown;

/**
 * Builds the `wasi_snapshot_preview1` import object for `module`. `memory` is called at
 * each use because the module's memory may grow (and detach old buffers) between calls.
 */
export function createWasiImports(module: WasmModule, memory: () => WasmMemory): WasmImports {
  const view = (): DataView => new DataView(memory().buffer);
  const stderrWrite = (bytes: Uint8Array): void => {
    process.stderr.write(Buffer.from(bytes));
  };

  const impl: Record<string, WasiFn> = {
    fd_write(fd: number, iovs: number, iovsLen: number, nwritten: number): number {
      if (fd !== 1 && fd !== 2) return ERRNO_BADF;
      const dv = view();
      let total = 0;
      for (let i = 0; i < iovsLen; i++) {
        const ptr = dv.getUint32(iovs + i * 8, true);
        const len = dv.getUint32(iovs + i * 8 + 4, true);
        stderrWrite(new Uint8Array(memory().buffer, ptr, len));
        total += len;
      }
      dv.setUint32(nwritten, total, true);
      return ERRNO_SUCCESS;
    },
    proc_exit(code: number): never {
      throw new WasiExit(code);
    },
    environ_sizes_get(countPtr: number, sizePtr: number): number {
      const dv = view();
      dv.setUint32(countPtr, 0, true);
      dv.setUint32(sizePtr, 0, true);
      return ERRNO_SUCCESS;
    },
    environ_get(): number {
      return ERRNO_SUCCESS;
    },
    args_sizes_get(countPtr: number, sizePtr: number): number {
      const dv = view();
      dv.setUint32(countPtr, 0, true);
      dv.setUint32(sizePtr, 0, true);
      return ERRNO_SUCCESS;
    },
    args_get(): number {
      return ERRNO_SUCCESS;
    },
    clock_time_get(clockId: number, _precision: bigint, timePtr: number): number {
      // 0 realtime, 1 monotonic; only for diagnostics, never for results.
      const ns = clockId === 0 ? BigInt(Date.now()) * 1_000_000n : clockId === 1 ? process.hrtime.bigint() : -1n;
      if (ns < 0n) return ERRNO_INVAL;
      view().setBigUint64(timePtr, ns, true);
      return ERRNO_SUCCESS;
    },
    random_get(): number {
      // Randomness would break reproducibility: the core must not ask for it.
      return ERRNO_NOSYS;
    },
    fd_close(): number {
      return ERRNO_BADF;
    },
    fd_seek(): number {
      return ERRNO_BADF;
    },
    fd_fdstat_get(): number {
      return ERRNO_BADF;
    },
  };

  const wasi: Record<string, WasiFn> = {};
  const missing: string[] = [];
  for (const imp of Wasm.Module.imports(module)) {
    const fn = imp.module === 'wasi_snapshot_preview1' && imp.kind === 'function' ? impl[imp.name] : undefined;
    if (fn === undefined) missing.push(`${imp.module}.${imp.name} (${imp.kind})`);
    else wasi[imp.name] = fn;
  }
  if (missing.length > 0) {
    throw new Error(`the WebAssembly core imports what the hvm WASI shim does not provide: ${missing.join(', ')}`);
  }
  return { wasi_snapshot_preview1: wasi };
}
