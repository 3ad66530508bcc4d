/**
 * The minimal WASI shim: provides only what a module imports, refuses imports it does not
 * implement (naming them), routes fd_write to stderr and turns proc_exit into WasiExit.
 * Uses tiny hand-assembled modules so it does not depend on what the core links today.
 */
import { describe, expect, test, vi } from 'vitest';
import { createWasiImports, WasiExit } from '../../src/backend/wasi-shim.js';
import { Wasm, type WasmMemory } from '../../src/backend/wasm-api.js';
import { createWasmBackend } from '../../src/backend/wasm.js';

const enc = (s: string): number[] => [s.length, ...Buffer.from(s, 'latin1')];
const section = (id: number, body: number[]): number[] => [id, body.length, ...body];

/**
 * (module (import MOD NAME (func (param i32 ...))) (memory (export "memory") 1)
 *   (func (export "run") CALL-ARGS call 0 [drop]))
 */
function moduleImporting(mod: string, name: string, params: number, returnsI32: boolean, args: number[]): Uint8Array {
  const i32 = 0x7f;
  const tImport = [0x60, params, ...new Array<number>(params).fill(i32), returnsI32 ? 1 : 0, ...(returnsI32 ? [i32] : [])];
  const tRun = [0x60, 0, 0];
  const body = [0x00, ...args.flatMap((a) => [0x41, a]), 0x10, 0x00, ...(returnsI32 ? [0x1a] : []), 0x0b];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [2, ...tImport, ...tRun]),
    ...section(2, [1, ...enc(mod), ...enc(name), 0x00, 0x00]),
    ...section(3, [1, 1]),
    ...section(5, [1, 0x00, 1]),
    ...section(7, [2, ...enc('memory'), 0x02, 0x00, ...enc('run'), 0x00, 0x01]),
    ...section(10, [1, body.length, ...body]),
  ]);
}

function instantiate(bytes: Uint8Array): () => void {
  const module = new Wasm.Module(bytes);
  let memory: WasmMemory | undefined;
  const inst = new Wasm.Instance(module, createWasiImports(module, () => memory!));
  memory = inst.exports.memory as WasmMemory;
  return inst.exports.run as () => void;
}

describe('wasi shim', () => {
  test('the core module needs no imports at all today', () => {
    const be = createWasmBackend();
    expect(be.coreVersion).toMatch(/^\d+\.\d+\.\d+$/);
  });

  test('proc_exit throws WasiExit with the code', () => {
    const run = instantiate(moduleImporting('wasi_snapshot_preview1', 'proc_exit', 1, false, [3]));
    try {
      run();
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(WasiExit);
      expect((e as WasiExit).exitCode).toBe(3);
    }
  });

  test('fd_write goes to stderr; unknown fds are EBADF', () => {
    // iovec at 16: {ptr 32, len 2}; bytes "ok" at 32; nwritten at 8. Set up by the test.
    const bytes = moduleImporting('wasi_snapshot_preview1', 'fd_write', 4, true, [1, 16, 1, 8]);
    const module = new Wasm.Module(bytes);
    let memory: WasmMemory | undefined;
    const imports = createWasiImports(module, () => memory!);
    const inst = new Wasm.Instance(module, imports);
    memory = inst.exports.memory as WasmMemory;
    const dv = new DataView(memory.buffer);
    dv.setUint32(16, 32, true);
    dv.setUint32(20, 2, true);
    new Uint8Array(memory.buffer).set(Buffer.from('ok'), 32);
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    (inst.exports.run as () => void)();
    expect(spy).toHaveBeenCalledTimes(1);
    expect(Buffer.from(spy.mock.calls[0]![0] as Uint8Array).toString()).toBe('ok');
    expect(dv.getUint32(8, true)).toBe(2);
    spy.mockRestore();
    const fdWrite = (imports.wasi_snapshot_preview1 as Record<string, (...a: number[]) => number>).fd_write!;
    expect(fdWrite(5, 16, 1, 8)).toBe(8);
  });

  test('an import the shim does not implement fails instantiation, naming it', () => {
    const bytes = moduleImporting('wasi_snapshot_preview1', 'path_open', 1, false, [0]);
    expect(() => createWasiImports(new Wasm.Module(bytes), () => undefined as never)).toThrow(/wasi_snapshot_preview1\.path_open/);
    const env = moduleImporting('env', 'foo', 1, false, [0]);
    expect(() => createWasiImports(new Wasm.Module(env), () => undefined as never)).toThrow(/env\.foo/);
  });
});
