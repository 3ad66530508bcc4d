/**
 * Typed errors of the engine. Every error a user can meet names the file it concerns
 * (when there is one), a stable `code` a program can switch on, and a `hint` that says
 * what to do. Subclasses live next to the stage that throws them but all extend HvmError,
 * so callers can `instanceof HvmError` and batch runners can record `code` in failures.csv.
 */
export class HvmError extends Error {
  /** Stable machine-readable code, e.g. "E_NOT_A_VIDEO". */
  readonly code: string;
  /** The file this error concerns, as the user gave it (never rewritten). */
  readonly file: string | undefined;
  /** What the user can do about it. */
  readonly hint: string | undefined;

  constructor(code: string, message: string, opts: { file?: string; hint?: string; cause?: unknown } = {}) {
    const where = opts.file !== undefined ? `${opts.file}: ` : '';
    const hint = opts.hint !== undefined ? ` ${opts.hint}` : '';
    super(`${where}${message}${hint}`, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.name = new.target.name;
    this.code = code;
    this.file = opts.file;
    this.hint = opts.hint;
  }

  /** A plain object for JSON logs and failures.csv. */
  toJSON(): { name: string; code: string; file?: string; message: string; hint?: string } {
    return {
      name: this.name,
      code: this.code,
      ...(this.file !== undefined ? { file: this.file } : {}),
      message: this.message,
      ...(this.hint !== undefined ? { hint: this.hint } : {}),
    };
  }
}
