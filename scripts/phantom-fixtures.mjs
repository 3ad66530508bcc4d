#!/usr/bin/env node
/**
 * Generates the committed phantom clips in videos-fixtures/ (deterministic: same code →
 * same frames; the encoded bytes also depend on the local ffmpeg build), each with its truth
 * (<name>.truth.json) and calibration sidecar (<name>.calibration.json), and
 * videos-fixtures/manifest.json listing them with their settings and sha256.
 *
 *   npm run build:ts && node scripts/phantom-fixtures.mjs           # (re)generate
 *   npm run build:ts && node scripts/phantom-fixtures.mjs --check   # re-render, compare frame hashes with the manifest
 *
 * The whole set must stay under 5 MB (checked).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'videos-fixtures');
const MAX_TOTAL_BYTES = 5 * 1024 * 1024;
const check = process.argv.includes('--check');

let phantom;
try {
  phantom = await import(join(root, 'dist', 'phantom', 'index.js'));
} catch (e) {
  console.error(`Cannot load dist/phantom/index.js (${e.message}). Run \`npm run build:ts\` first.`);
  process.exit(1);
}
const { writePhantom, generatePhantom, PHANTOM_GENERATOR_VERSION } = phantom;

/** The fixture set. Each entry: a description and the phantom options (seed included). */
const FIXTURES = [
  {
    description:
      'README demo: MicroScan-like PAL DV-AVI (720×576, 25 fps, SAR 16:15, interlaced BFF), 1 s, healthy dense capillary mesh with venules; scale from the microscan-sdf-pal field (940×750 µm).',
    options: { name: 'demo-sdf-pal', seed: 1, codec: 'dv', device: 'microscan-sdf-pal', seconds: 1, flowMix: 'healthy' },
  },
  {
    description: 'Healthy mesh, H.264-MP4 320×256 at 1.3 µm/px, 4 s, 25 fps: continuous flow almost everywhere (MFI ≈ 3, PPV ≈ 100 %).',
    options: { name: 'healthy-h264', seed: 2, codec: 'h264', width: 320, height: 256, seconds: 4, flowMix: 'healthy', h264Crf: 23 },
  },
  {
    description:
      'Septic-like mesh, H.264-MP4 320×256, 4 s: clustered mix of no-flow, intermittent, sluggish and continuous vessels (clear-cut classes), static black side borders, a burnt-in timestamp, two dropped (duplicated) frames.',
    options: {
      name: 'septic-h264',
      seed: 3,
      codec: 'h264',
      width: 320,
      height: 256,
      seconds: 4,
      flowMix: 'septic',
      flowLayout: 'clustered',
      continuousMeanUmPerS: 830,
      borders: { left: 6, right: 6 },
      overlay: true,
      duplicateFrames: 2,
      h264Crf: 23,
    },
  },
  {
    description: 'Probe pressure: the venule does not flow (pressureStopped in the truth) while capillaries do; H.264-MP4 320×256, 3 s, more camera drift.',
    options: {
      name: 'pressure-venule-h264',
      seed: 4,
      codec: 'h264',
      width: 320,
      height: 256,
      seconds: 3,
      venules: 1,
      pressureStoppedVenules: 1,
      driftPxPerS: 8,
      h264Crf: 23,
    },
  },
  {
    description:
      'Four isolated vessels, one per flow class (3 continuous 1000 µm/s, 2 sluggish 180 µm/s, 1 intermittent, 0 no flow), lossless FFV1-AVI 160×112, 1.2 s: the simplest velocity / class check (the truth holds the velocity series).',
    options: {
      name: 'isolated-classes-ffv1',
      seed: 5,
      codec: 'ffv1',
      width: 160,
      height: 112,
      seconds: 1.2,
      mode: 'isolated',
      isolatedVessels: [
        { flowClass: 3, velocityUmPerS: 1000, diameterUm: 7 },
        { flowClass: 2, velocityUmPerS: 180, diameterUm: 7 },
        { flowClass: 1, diameterUm: 7 },
        { flowClass: 0, diameterUm: 7 },
      ],
      noise: 0.6,
      truthVelocitySeries: true,
    },
  },
  {
    description: 'Numbered PNG frames (a frame-folder export), 160×128, NTSC rate 30000/1001 (folders carry no rate: it is in the truth), 12 frames, septic mix.',
    options: { name: 'frames-png', seed: 6, codec: 'png', width: 160, height: 128, frameCount: 12, fps: { num: 30000, den: 1001 }, flowMix: 'septic' },
  },
];

const sha256File = async (p) => createHash('sha256').update(await readFile(p)).digest('hex');
async function sizeOf(p) {
  const s = await stat(p);
  if (!s.isDirectory()) return s.size;
  let n = 0;
  for (const f of await readdir(p)) n += await sizeOf(join(p, f));
  return n;
}
async function hashOf(p) {
  const s = await stat(p);
  if (!s.isDirectory()) return sha256File(p);
  const h = createHash('sha256');
  for (const f of (await readdir(p)).sort()) h.update(`${f}\0${await sha256File(join(p, f))}\n`);
  return h.digest('hex');
}

if (check) {
  const manifest = JSON.parse(await readFile(join(outDir, 'manifest.json'), 'utf8'));
  let bad = 0;
  for (const entry of manifest.clips) {
    const p = generatePhantom(entry.options);
    const h = createHash('sha256');
    for (const f of p.frames()) h.update(f);
    const got = h.digest('hex');
    const ok = got === entry.framesSha256;
    if (!ok) bad++;
    console.log(`${ok ? 'ok  ' : 'DIFF'} ${entry.name}  frames ${got.slice(0, 16)}… (manifest ${entry.framesSha256.slice(0, 16)}…)`);
  }
  process.exit(bad ? 1 : 0);
}

const tmp = await mkdtemp(join(tmpdir(), 'hvm-fixtures-'));
const clips = [];
let total = 0;
try {
  // Remove what a previous run wrote (only the files this script owns).
  for (const fx of FIXTURES) {
    for (const suffix of ['.avi', '.mp4', '.truth.json', '.calibration.json', '']) {
      const p = join(outDir, fx.options.name + suffix);
      await rm(p, { recursive: true, force: true });
    }
  }
  for (const fx of FIXTURES) {
    const w = await writePhantom(fx.options, outDir);
    const t = w.truth;
    const m = t.metrics.fullFrame;
    const bytes = (await sizeOf(w.clipPath)) + (await sizeOf(w.truthPath)) + (w.calibrationPath === null ? 0 : await sizeOf(w.calibrationPath));
    total += bytes;
    clips.push({
      name: fx.options.name,
      description: fx.description,
      file: relative(outDir, w.clipPath),
      truth: relative(outDir, w.truthPath),
      calibration: w.calibrationPath === null ? `device profile ${fx.options.device}` : relative(outDir, w.calibrationPath),
      codec: t.settings.codec,
      width: t.clip.width,
      height: t.clip.height,
      fps: t.clip.fps,
      frameCount: t.clip.frameCount,
      durationS: t.clip.durationS,
      scale: t.clip.scale,
      sar: t.clip.sar,
      interlace: t.clip.interlace,
      options: fx.options,
      truthSummary: {
        vessels: t.vessels.length,
        smallTVD: m.small.TVD,
        smallPPV: m.small.PPV,
        smallMFI: m.small.MFI,
        smallDeBackerScore: m.small.deBackerScore,
        allTVD: m.all.TVD,
      },
      sha256: await hashOf(w.clipPath),
      truthSha256: await sha256File(w.truthPath),
      framesSha256: w.framesSha256,
      bytes,
    });
    console.log(
      `${fx.options.name.padEnd(24)} ${String(bytes).padStart(9)} B  ${w.elapsedS.toFixed(1).padStart(5)} s  TVD ${m.small.TVD.toFixed(2)}  PPV ${m.small.PPV?.toFixed(1)}  MFI ${m.small.MFI?.toFixed(2)}`,
    );
  }
} finally {
  await rm(tmp, { recursive: true, force: true });
}

const manifest = {
  description:
    'Synthetic sublingual microcirculation clips (hvm-engine phantoms) with exact truth. Regenerate with `npm run build:ts && node scripts/phantom-fixtures.mjs`; ' +
    'verify the rendering with `--check` (framesSha256 is encoder-independent; sha256 of the encoded files depends on the ffmpeg build).',
  generatorVersion: PHANTOM_GENERATOR_VERSION,
  totalBytes: total,
  clips,
};
await writeFile(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`total ${(total / 1024 / 1024).toFixed(2)} MiB (limit ${(MAX_TOTAL_BYTES / 1024 / 1024).toFixed(0)} MiB)`);
if (total > MAX_TOTAL_BYTES) {
  console.error('the fixture set is over its size budget');
  process.exit(1);
}
