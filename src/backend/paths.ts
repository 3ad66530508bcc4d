/**
 * Locates files shipped with the package (the addon, the .wasm). Works from src/ under
 * vitest and from dist/ after tsc: both are two levels below the package root, but we
 * walk up to the package.json named "hvm-engine" rather than count levels.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = path.join(dir, 'package.json');
    if (existsSync(pj)) {
      try {
        if ((JSON.parse(readFileSync(pj, 'utf8')) as { name?: string }).name === 'hvm-engine') return (root = dir);
      } catch {
        // unreadable package.json: keep walking
      }
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error('hvm-engine: cannot find the package root (package.json named "hvm-engine")');
    dir = up;
  }
}
