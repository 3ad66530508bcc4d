/**
 * Validate a clip result against schema/clip-result.schema.json (JSON Schema 2020-12, ajv 8,
 * compiled once on first use). Used before writing a result and by tests, so a field added
 * in code but not in the schema (or the reverse) fails loudly instead of drifting.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020Module from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { HvmError } from '../errors.js';
import { packageRoot } from '../version.js';
import type { ClipResult } from './contract.js';

/** Where the schema lives (shipped in the package's `schema/`). */
export const CLIP_RESULT_SCHEMA_PATH = join(packageRoot, 'schema', 'clip-result.schema.json');

/** How many problems the error message lists. */
const MAX_LISTED = 8;

/** A result does not match the contract. `problems` lists every problem found. */
export class ClipResultInvalidError extends HvmError {
  readonly problems: string[];
  constructor(problems: string[], file?: string) {
    const shown = problems.slice(0, MAX_LISTED);
    const more = problems.length > shown.length ? `; and ${problems.length - shown.length} more` : '';
    super('E_RESULT_INVALID', `the clip result does not match hvm-engine/clip-result@1: ${shown.join('; ')}${more}.`, {
      ...(file !== undefined ? { file } : {}),
      hint: 'See schema/clip-result.schema.json. A result written by hvm-engine that fails here is a bug; please report it.',
    });
    this.problems = problems;
  }
}

let compiled: ValidateFunction | null = null;

function validator(): ValidateFunction {
  if (compiled === null) {
    const schema = JSON.parse(readFileSync(CLIP_RESULT_SCHEMA_PATH, 'utf8')) as object;
    const Ajv2020 = Ajv2020Module.default;
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
    compiled = ajv.compile(schema);
  }
  return compiled;
}

/** The problems of `obj` as a clip result, each "path: message"; empty when valid. */
export function clipResultProblems(obj: unknown): string[] {
  // JSON cannot carry NaN or ±Infinity (JSON.stringify silently writes null): catch them first.
  const problems = nonFiniteNumbers(obj, '');
  const validate = validator();
  if (!validate(obj)) problems.push(...(validate.errors ?? []).map(describe));
  return problems;
}

/**
 * Returns `obj` typed as a ClipResult when it matches the contract; otherwise throws
 * ClipResultInvalidError listing the first problems (`file` names the JSON it came from).
 */
export function validateClipResult(obj: unknown, file?: string): ClipResult {
  const problems = clipResultProblems(obj);
  if (problems.length > 0) throw new ClipResultInvalidError(problems, file);
  return obj as ClipResult;
}

function describe(e: ErrorObject): string {
  const where = e.instancePath === '' ? '(top level)' : e.instancePath;
  const p = e.params as Record<string, unknown>;
  let detail = '';
  if (e.keyword === 'additionalProperties') detail = ` "${String(p.additionalProperty)}"`;
  else if (e.keyword === 'enum') detail = ` ${JSON.stringify(p.allowedValues)}`;
  else if (e.keyword === 'const') detail = ` ${JSON.stringify(p.allowedValue)}`;
  return `${where} ${e.message ?? e.keyword}${detail}`;
}

function nonFiniteNumbers(v: unknown, path: string): string[] {
  if (typeof v === 'number') return Number.isFinite(v) ? [] : [`${path || '(top level)'} must be a finite number, got ${v}`];
  if (Array.isArray(v)) return v.flatMap((x, i) => nonFiniteNumbers(x, `${path}/${i}`));
  if (v !== null && typeof v === 'object') {
    return Object.entries(v as Record<string, unknown>).flatMap(([k, x]) => nonFiniteNumbers(x, `${path}/${k}`));
  }
  return [];
}
