/**
 * Types for the part of the WebAssembly JS API this package uses. The project compiles
 * with lib ES2023 and @types/node 20, neither of which declares `WebAssembly` (it lives in
 * lib.dom), and adding the DOM lib would leak browser globals into every file. A typed
 * handle on `globalThis.WebAssembly` avoids both, without global declarations that could
 * clash if the DOM lib is ever added.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
export type WasmModule = object;
export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
export interface WasmImportDescriptor {
  module: string;
  name: string;
  kind: 'function' | 'table' | 'memory' | 'global' | 'tag';
}
export type WasmImports = Record<string, Record<string, unknown>>;

interface WasmApi {
  Module: {
    new (bytes: ArrayBufferView | ArrayBuffer): WasmModule;
    imports(module: WasmModule): WasmImportDescriptor[];
    exports(module: WasmModule): { name: string; kind: string }[];
  };
  Instance: new (module: WasmModule, imports?: WasmImports) => WasmInstance;
  compile(bytes: ArrayBufferView | ArrayBuffer): Promise<WasmModule>;
  validate(bytes: ArrayBufferView | ArrayBuffer): boolean;
  RuntimeError: new (message?: string) => Error;
}

export const Wasm: WasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
