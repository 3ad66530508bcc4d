/**
 * Typed errors of the backend layer. The C++ core reports failures as int32 status codes
 * (native/core/hvm_core.h); both backends turn a non-zero status into the same CoreError,
 * so callers see identical errors whichever backend runs.
 */
import { HvmError } from '../errors.js';
import type { BackendName } from './types.js';

/** Status codes of native/core/hvm_core.h (keep in sync; test/backend/errors.test.ts checks the messages). */
export const CoreStatus = {
  OK: 0,
  NULL_POINTER: -1,
  BAD_DIMENSIONS: -2,
  TOO_LARGE: -3,
  BUFFER_SIZE: -4,
  BAD_ARGUMENT: -5,
  NON_FINITE: -6,
  NO_MEMORY: -7,
  UNKNOWN_FUNCTION: -8,
} as const;

const CODE_BY_STATUS: Record<number, string> = {
  [-1]: 'E_CORE_NULL_POINTER',
  [-2]: 'E_CORE_BAD_DIMENSIONS',
  [-3]: 'E_CORE_TOO_LARGE',
  [-4]: 'E_CORE_BUFFER_SIZE',
  [-5]: 'E_CORE_BAD_ARGUMENT',
  [-6]: 'E_CORE_NON_FINITE',
  [-7]: 'E_CORE_NO_MEMORY',
  [-8]: 'E_CORE_UNKNOWN_FUNCTION',
};

const HINT_BY_STATUS: Record<number, string> = {
  [-2]: 'Width and height must be positive integers.',
  [-3]: 'Downscale or crop the frames before analysis.',
  [-4]: 'Pass an array of exactly width*height samples (check width/height order).',
  [-5]: 'Check the numeric parameters (sigma must be a number, at most 1000 px).',
  [-6]: 'Replace NaN/Infinity samples before calling the core.',
  [-7]: 'Free memory or process smaller frames.',
};

/** The core rejected a call; `status` is the core's int32 status code. */
export class CoreError extends HvmError {
  readonly status: number;
  readonly operation: string;
  readonly backend: BackendName;

  constructor(status: number, operation: string, backend: BackendName, message: string) {
    const hint = HINT_BY_STATUS[status];
    super(CODE_BY_STATUS[status] ?? 'E_CORE_STATUS', `${operation}: ${message} (status ${status})`, hint !== undefined ? { hint } : {});
    this.status = status;
    this.operation = operation;
    this.backend = backend;
  }
}

/** A JavaScript argument has the wrong type (e.g. Float64Array where Uint8Array is needed). */
export class CoreArgumentError extends HvmError {
  constructor(operation: string, message: string) {
    super('E_CORE_ARGUMENT_TYPE', `${operation}: ${message}`, {
      hint: 'See src/backend/types.ts for the expected typed arrays.',
    });
  }
}

/** A backend cannot be loaded; `reasons` lists what was tried and `hint` what to do. */
export class BackendUnavailableError extends HvmError {
  readonly backend: BackendName | string;
  constructor(backend: BackendName | string, message: string, hint: string, cause?: unknown) {
    super('E_BACKEND_UNAVAILABLE', message, { hint, ...(cause !== undefined ? { cause } : {}) });
    this.backend = backend;
  }
}

/**
 * The WebAssembly core trapped (a bug in the core, or memory exhausted mid-call). The
 * instance was discarded and a fresh one is used by the next call.
 */
export class WasmTrapError extends HvmError {
  readonly operation: string;
  constructor(operation: string, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super('E_WASM_TRAP', `${operation}: the WebAssembly core trapped (${why})`, {
      hint: 'The module was re-instantiated; please report this with the input that caused it.',
      cause,
    });
    this.operation = operation;
  }
}
