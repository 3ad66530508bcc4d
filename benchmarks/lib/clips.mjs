/**
 * The benchmark clips: phantom options, the cache under benchmarks/.cache/ keyed by those
 * options (and the phantom generator's version), and generation in parallel worker
 * processes (benchmarks/lib/gen-worker.mjs), one per core, largest clip first.
 *
 * Every clip is a real, fully rendered phantom clip of its stated length (no repeated or
 * looped frames) with the phantom's DEFAULT scene (all vessels, all depth-blur layers,
 * noise, mottle, drift and jitter). Codecs: the SDF clips are PAL DV-AVI (what MicroScan SDF
 * recordings are, and the only size DV allows); the USB3 and CytoCam sizes are Motion-JPEG
 * AVI (DV cannot hold them; MJPEG is an intra-frame DCT codec like DV, so decode cost per
 * pixel stays comparable).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
/** benchmarks/.cache/, or $HVM_BENCH_CACHE. */
export const CACHE_DIR = process.env.HVM_BENCH_CACHE ? path.resolve(process.env.HVM_BENCH_CACHE) : path.resolve(here, '..', '.cache');

const SEED = 20260808;

/** id, what it stands for, and the phantom options. */
export const CLIPS = [
  {
    id: 'sdf-5s', label: 'SDF 720×576 25 fps 5 s', group: ['duration'],
    device: 'microscan-sdf-pal',
    options: { seed: SEED, width: 720, height: 576, fps: 25, seconds: 5, codec: 'dv', device: 'microscan-sdf-pal' },
  },
  {
    id: 'sdf-10s', label: 'SDF 720×576 25 fps 10 s', group: ['duration', 'size'],
    device: 'microscan-sdf-pal',
    options: { seed: SEED, width: 720, height: 576, fps: 25, seconds: 10, codec: 'dv', device: 'microscan-sdf-pal' },
  },
  {
    id: 'sdf-20s', label: 'SDF 720×576 25 fps 20 s', group: ['duration'],
    device: 'microscan-sdf-pal',
    options: { seed: SEED, width: 720, height: 576, fps: 25, seconds: 20, codec: 'dv', device: 'microscan-sdf-pal' },
  },
  {
    id: 'usb3-10s', label: 'MicroScan USB3 1280×960 30 fps 10 s', group: ['size'],
    device: 'microscan-usb3',
    options: { seed: SEED, width: 1280, height: 960, fps: 30, seconds: 10, codec: 'mjpeg', device: 'microscan-usb3' },
  },
  {
    id: 'cytocam-10s', label: 'CytoCam 2200×1650 25 fps 10 s', group: ['size'],
    device: 'cytocam-idf',
    options: { seed: SEED, width: 2200, height: 1650, fps: 25, seconds: 10, codec: 'mjpeg', device: 'cytocam-idf' },
  },
];

export function pixelFrames(spec) {
  const o = spec.options;
  return o.width * o.height * Math.round(o.seconds * o.fps);
}

/** Stable JSON (sorted keys) so the cache key does not depend on property order. */
export function stableStringify(v) {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stableStringify(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Cache key: the options plus the generator version (a new generator renders new frames). */
export function cacheKey(options, generatorVersion) {
  return createHash('sha256').update(stableStringify({ options, generatorVersion })).digest('hex').slice(0, 16);
}

export function cacheEntry(spec, generatorVersion) {
  const key = cacheKey(spec.options, generatorVersion);
  const dir = path.join(CACHE_DIR, `${spec.id}-${key}`);
  return { key, dir, meta: path.join(dir, 'meta.json') };
}

/** The cached clip's meta.json (written last, so its presence means complete), or null. */
export function readCached(spec, generatorVersion) {
  const e = cacheEntry(spec, generatorVersion);
  if (!existsSync(e.meta)) return null;
  try {
    const meta = JSON.parse(readFileSync(e.meta, 'utf8'));
    if (!existsSync(meta.clipPath)) return null;
    return { ...meta, cached: true };
  } catch {
    return null;
  }
}

function runWorker(spec, generatorVersion, log) {
  const e = cacheEntry(spec, generatorVersion);
  const tmp = `${e.dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(here, 'gen-worker.mjs'), JSON.stringify({ options: { ...spec.options, name: spec.id }, outDir: tmp })], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`phantom generation of ${spec.id} failed (exit ${code})`));
        return;
      }
      const r = JSON.parse(out.trim().split('\n').pop());
      rmSync(e.dir, { recursive: true, force: true });
      renameSync(tmp, e.dir);
      const clipPath = path.join(e.dir, path.basename(r.clipPath));
      const meta = {
        id: spec.id,
        key: e.key,
        options: spec.options,
        generatorVersion,
        clipPath,
        fileBytes: statSync(clipPath).size,
        framesSha256: r.framesSha256,
        generationS: r.elapsedS,
        generationCpuS: r.cpuS ?? null,
        generationWallS: (performance.now() - t0) / 1000,
        createdAt: new Date().toISOString(),
      };
      // meta.json last: its presence marks a complete entry.
      const metaTmp = `${e.meta}.tmp`;
      writeFileSync(metaTmp, `${JSON.stringify(meta, null, 2)}\n`);
      renameSync(metaTmp, e.meta);
      log(`  generated ${spec.id} in ${meta.generationS.toFixed(1)} s (${(meta.fileBytes / 1e6).toFixed(1)} MB)`);
      resolve({ ...meta, cached: false });
    });
  });
}

/**
 * Make sure every clip is in the cache; generate the missing ones, `jobs` at a time,
 * largest first (the longest job starts first, so the pool finishes together).
 */
export async function ensureClips(specs, generatorVersion, { jobs = Math.max(1, os.availableParallelism()), log = console.log } = {}) {
  const found = new Map();
  const missing = [];
  for (const s of specs) {
    const c = readCached(s, generatorVersion);
    if (c !== null) found.set(s.id, c);
    else missing.push(s);
  }
  const t0 = performance.now();
  if (missing.length > 0) {
    missing.sort((a, b) => pixelFrames(b) - pixelFrames(a));
    log(`Generating ${missing.length} phantom clip(s) into ${path.relative(process.cwd(), CACHE_DIR)}/ (${jobs} at a time): ${missing.map((s) => s.id).join(', ')}`);
    const queue = [...missing];
    const worker = async () => {
      for (;;) {
        const s = queue.shift();
        if (s === undefined) return;
        found.set(s.id, await runWorker(s, generatorVersion, log));
      }
    };
    await Promise.all(Array.from({ length: Math.min(jobs, missing.length) }, worker));
  }
  return { clips: specs.map((s) => found.get(s.id)), generationWallS: (performance.now() - t0) / 1000, generated: missing.map((s) => s.id) };
}
