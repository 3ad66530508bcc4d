import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The package root: one level above src/ (vitest) or dist/ (compiled). */
export const packageRoot: string = fileURLToPath(new URL('..', import.meta.url));

/** The engine version, from package.json, so there is one place to bump it. */
export const engineVersion: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
