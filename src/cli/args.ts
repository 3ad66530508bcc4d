/**
 * Argument helpers shared by the `hvm` commands, so every command words the same mistakes
 * the same way (and exits 2 through UsageError).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

import type { BackendName } from '../backend/types.js';
import { UsageError } from './usage.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** What parseCommandArgs returns for a given option table. */
export type ParsedCommandArgs<T extends Options> = ReturnType<typeof parseArgs<{ options: T; allowPositionals: true; strict: true }>>;

/** node:util parseArgs (strict), with its errors turned into UsageError. */
export function parseCommandArgs<T extends Options>(argv: string[], options: T, allowPositionals: true): ParsedCommandArgs<T> {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** A positive finite number option, or undefined when absent. */
export function positiveNumber(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} needs a positive number, got "${v}".`);
  return n;
}

/** The --backend option, checked. */
export function backendOption(v: string | undefined): BackendName | undefined {
  if (v === undefined || v === 'native' || v === 'wasm') return v;
  throw new UsageError(`--backend is native or wasm, got "${v}".`);
}
