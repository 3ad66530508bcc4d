/**
 * Resume keys. A finished clip is reused only when what produced it is what would produce it
 * now: the same input bytes (sha256), the same calibration request (row device / µm/px, the
 * sidecar's bytes), the same analysis parameters, the same engine (version and a fingerprint
 * of its code). Anything else recomputes it, with the reason in words.
 *
 * The backend (native or wasm) is not part of the key: both are bitwise identical (README).
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { engineVersion } from '../version.js';

export interface ClipKey {
  input: { sha256: string };
  calibration: {
    device: string | null;
    umPerPx: number | null;
    /** Sidecars looked for next to the clip: file name → sha256 of its bytes (only those that exist). */
    sidecars: Record<string, string>;
  };
  /** Analysis options that change the result (null: the engine's default). */
  parameters: {
    startS: number | null;
    durationS: number | null;
    fps: number | null;
    smallVesselMaxUm: number | null;
  };
  engine: { version: string; build: string };
}

/** Why a stored key does not match the current one, in words ([] when it matches). */
export function keyDifferences(stored: ClipKey, now: ClipKey): string[] {
  const out: string[] = [];
  const v = (x: unknown): string => (x === null || x === undefined ? 'none' : String(x));
  if (stored.input?.sha256 !== now.input.sha256) out.push(`input changed (sha256 ${short(stored.input?.sha256)} → ${short(now.input.sha256)})`);
  const sc = stored.calibration ?? ({} as Partial<ClipKey['calibration']>);
  if (sc.device !== now.calibration.device) out.push(`calibration changed (device ${v(sc.device)} → ${v(now.calibration.device)})`);
  if (sc.umPerPx !== now.calibration.umPerPx) out.push(`calibration changed (umPerPx ${v(sc.umPerPx)} → ${v(now.calibration.umPerPx)})`);
  if (stableJson(sc.sidecars ?? {}) !== stableJson(now.calibration.sidecars)) out.push('calibration changed (sidecar file added, removed or edited)');
  const sp = (stored.parameters ?? {}) as Record<string, unknown>;
  for (const [k, x] of Object.entries(now.parameters)) {
    if ((sp[k] ?? null) !== x) out.push(`parameter ${k} changed (${v(sp[k])} → ${v(x)})`);
  }
  if (stored.engine?.version !== now.engine.version) out.push(`engine version changed (${v(stored.engine?.version)} → ${now.engine.version})`);
  else if (stored.engine?.build !== now.engine.build) out.push(`engine code changed (build ${short(stored.engine?.build)} → ${short(now.engine.build)})`);
  return out;
}

function short(h: string | undefined): string {
  return h === undefined ? 'none' : `${h.slice(0, 12)}…`;
}

/** JSON with sorted keys (for comparing small records). */
export function stableJson(x: unknown): string {
  if (x === null || typeof x !== 'object') return JSON.stringify(x);
  if (Array.isArray(x)) return `[${x.map(stableJson).join(',')}]`;
  const o = x as Record<string, unknown>;
  return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`).join(',')}}`;
}

/** The sidecar names resolveCalibration looks for next to a clip (a.avi.calibration.json, a.calibration.json). */
export function sidecarCandidates(clipAbsPath: string): string[] {
  const dir = dirname(clipAbsPath);
  const name = clipAbsPath.slice(dir.length + 1);
  const dot = name.lastIndexOf('.');
  const out = [`${name}.calibration.json`];
  if (dot > 0) out.push(`${name.slice(0, dot)}.calibration.json`);
  return out.map((n) => join(dir, n));
}

/** sha256 of each sidecar that exists, keyed by its file name. */
export async function sidecarHashes(clipAbsPath: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const p of sidecarCandidates(clipAbsPath)) {
    try {
      out[p.slice(dirname(p).length + 1)] = createHash('sha256').update(await readFile(p)).digest('hex');
    } catch {
      // absent: not part of the calibration
    }
  }
  return out;
}

/**
 * The folders whose code decides a clip's result and files. Their compiled files (dist/) —
 * or sources under a test runner — are hashed, with the core's BUILDINFO (sha256 of every
 * C++ source), so a changed engine recomputes even before its version is bumped.
 */
const ENGINE_FOLDERS = ['analysis', 'backend', 'calibration', 'decode', 'metrics', 'quality', 'flow', 'report'];
const ENGINE_FILES = ['version', 'errors', 'write-file'];

let buildPromise: Promise<string> | undefined;

/** Fingerprint of the engine code in use (computed once per process). */
export function engineBuild(): Promise<string> {
  buildPromise ??= computeEngineBuild();
  return buildPromise;
}

async function computeEngineBuild(): Promise<string> {
  const codeRoot = dirname(dirname(fileURLToPath(import.meta.url))); // dist/ or src/
  const hash = createHash('sha256');
  const isCode = (n: string) => /\.(js|ts|mjs|cjs|json)$/.test(n) && !n.endsWith('.d.ts') && !n.endsWith('.map');
  async function walk(dir: string, rel: string): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p, `${rel}/${e.name}`);
      else if (e.isFile() && isCode(e.name)) hash.update(`${rel}/${e.name}\0`).update(await readFile(p)).update('\n');
    }
  }
  for (const f of ENGINE_FOLDERS) await walk(join(codeRoot, f), f);
  for (const f of ENGINE_FILES) {
    for (const ext of ['.js', '.ts']) {
      try {
        hash.update(`${f}${ext}\0`).update(await readFile(join(codeRoot, `${f}${ext}`))).update('\n');
      } catch {
        // the other extension
      }
    }
  }
  try {
    hash.update('BUILDINFO\0').update(await readFile(join(codeRoot, '..', 'wasm', 'BUILDINFO.json')));
  } catch {
    // no wasm build info: the JS fingerprint alone
  }
  return hash.digest('hex');
}

/** The engine part of a key. */
export async function engineKey(): Promise<ClipKey['engine']> {
  return { version: engineVersion, build: await engineBuild() };
}
