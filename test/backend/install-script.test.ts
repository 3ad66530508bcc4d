/**
 * The install step must never break `npm ci`: when the native addon cannot be built, the
 * script warns once and exits 0 (the engine then runs on wasm); `npm run build:native`
 * (--required) fails loudly instead. Exercised through the Node-headers check, which runs
 * before node-gyp, so the working addon in build/ is not touched.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from 'vitest';

const script = join(import.meta.dirname, '..', '..', 'scripts', 'build-native.mjs');
const env = { ...process.env, HVM_NODEDIR: join(import.meta.dirname, 'no-such-node-headers') };

test('a failed native build leaves install successful, with one clear warning', () => {
  const r = spawnSync(process.execPath, [script], { encoding: 'utf8', env });
  expect(r.status).toBe(0);
  expect(r.stderr).toContain('Node headers not found');
  expect(r.stderr).toMatch(/wasm/i);
});

test('--required turns the same failure into a non-zero exit', () => {
  const r = spawnSync(process.execPath, [script, '--required'], { encoding: 'utf8', env });
  expect(r.status).toBe(1);
  expect(r.stderr).toContain('Node headers not found');
});
