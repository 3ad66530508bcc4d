/**
 * `hvm phantom`: render a synthetic sublingual clip with exact truth (src/phantom) into a
 * folder: the clip, `<name>.truth.json` and, unless the scale comes from a device profile,
 * `<name>.calibration.json` (the exact µm/px, which `hvm analyze` reads as the clip's
 * calibration sidecar). Prints what it wrote and the truth metrics; progress goes to stderr.
 *
 * Every flag maps to one phantom option (docs/phantom.md has the full table); `--options
 * FILE` reads any PhantomOptions as JSON (e.g. isolatedVessels) and the flags override it.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { findDeviceProfile } from '../calibration/profiles.js';
import { HvmError } from '../errors.js';
import type { MetricSet } from '../metrics/types.js';
import { flowMixPresets, resolveOptions, writePhantom, type PhantomCodec, type PhantomOptions, type PhantomTruth } from '../phantom/index.js';
import { UsageError } from './usage.js';

export const phantomUsage = `Usage:
  hvm phantom --seed N --out DIR [options]

Writes DIR/NAME.<avi|mp4> (or the folder DIR/NAME of PNG frames), DIR/NAME.truth.json and
DIR/NAME.calibration.json (exact µm/px; not written with --device) and prints the truth metrics.

Clip:      --name NAME (phantom)  --codec ffv1|h264|mjpeg|dv|rawavi|png|none (ffv1)  --crf N (h264, 20)
           --width W --height H (320×256; dv and --device: the device's frame)  --fps 25|30|30000/1001 (25)
           --seconds S (2) | --frames N   --um-per-px N (1.3) | --device NAME
Network:   --mode mesh|isolated  --isolated-count N  --density MM_PER_MM2 (17)  --venules N
           --deep-vessels N  --tortuosity T  --in-focus-share F
Flow:      --flow-mix healthy|septic|severe|allContinuous|allStopped|F0,F1,F2,F3 (healthy)
           --flow-mode classes|spread (classes)  --flow-layout random|clustered  --realistic-flow
           --continuous-mean UM_PER_S (1300)  --pressure-stopped-venules N
Camera:    --jitter PX (0.6)  --drift PX_PER_S (3)  --flicker F (0.015)  --noise SD (1)  --defocus UM
           --brightness L (150)  --vignetting V (0.22)  --exposure instant|strobe|continuous|SECONDS
           --warp PX (0)  --occlusions N (0)
Capture:   --interlace none|bff|tff  --borders | --border-px N  --overlay  --duplicate-frames N
Other:     --options FILE.json (any phantom options; flags win)  --truth-velocity-series
           --json (print the summary as JSON)  --quiet
`;

const OPTIONS = {
  seed: { type: 'string' },
  out: { type: 'string' },
  name: { type: 'string' },
  codec: { type: 'string' },
  crf: { type: 'string' },
  width: { type: 'string' },
  height: { type: 'string' },
  fps: { type: 'string' },
  seconds: { type: 'string' },
  frames: { type: 'string' },
  'um-per-px': { type: 'string' },
  device: { type: 'string' },
  mode: { type: 'string' },
  'isolated-count': { type: 'string' },
  density: { type: 'string' },
  venules: { type: 'string' },
  'deep-vessels': { type: 'string' },
  tortuosity: { type: 'string' },
  'in-focus-share': { type: 'string' },
  'flow-mix': { type: 'string' },
  'flow-mode': { type: 'string' },
  'flow-layout': { type: 'string' },
  'realistic-flow': { type: 'boolean' },
  'continuous-mean': { type: 'string' },
  'pressure-stopped-venules': { type: 'string' },
  jitter: { type: 'string' },
  drift: { type: 'string' },
  flicker: { type: 'string' },
  noise: { type: 'string' },
  defocus: { type: 'string' },
  brightness: { type: 'string' },
  vignetting: { type: 'string' },
  exposure: { type: 'string' },
  warp: { type: 'string' },
  occlusions: { type: 'string' },
  interlace: { type: 'string' },
  borders: { type: 'boolean' },
  'border-px': { type: 'string' },
  overlay: { type: 'boolean' },
  'duplicate-frames': { type: 'string' },
  options: { type: 'string' },
  'truth-velocity-series': { type: 'boolean' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
} as const;

/** Side borders written by `--borders` (analogue captures: black bars left and right), px. */
export const DEFAULT_BORDERS_PX = 8;

const CODECS: readonly PhantomCodec[] = ['ffv1', 'h264', 'mjpeg', 'dv', 'rawavi', 'png', 'none'];

function num(name: string, v: string | undefined, check: (x: number) => boolean = Number.isFinite, what = 'a number'): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x) || !check(x)) throw new UsageError(`--${name} needs ${what}, got "${v}".`);
  return x;
}
const nonNeg = (x: number): boolean => Number.isFinite(x) && x >= 0;
const positive = (x: number): boolean => Number.isFinite(x) && x > 0;
const int = (name: string, v: string | undefined, min = 0): number | undefined =>
  num(name, v, (x) => Number.isInteger(x) && x >= min, `an integer ≥ ${min}`);

function oneOf<T extends string>(name: string, v: string | undefined, allowed: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`--${name} is one of ${allowed.join(', ')}; got "${v}".`);
  return v as T;
}

function parseFps(v: string | undefined): PhantomOptions['fps'] {
  if (v === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(v.trim());
  if (m) {
    const n = Number(m[1]);
    const d = Number(m[2]);
    if (n > 0 && d > 0) return { num: n, den: d };
  } else {
    const x = Number(v);
    if (v.trim() !== '' && Number.isFinite(x) && x > 0) return x;
  }
  throw new UsageError(`--fps needs a rate such as 25, 30 or 30000/1001; got "${v}".`);
}

function parseFlowMix(v: string | undefined): PhantomOptions['flowMix'] {
  if (v === undefined) return undefined;
  if (Object.hasOwn(flowMixPresets, v)) return v as keyof typeof flowMixPresets;
  const parts = v.split(',').map((x) => Number(x.trim()));
  if (parts.length === 4 && parts.every((x) => Number.isFinite(x) && x >= 0) && parts.some((x) => x > 0)) {
    return parts as [number, number, number, number];
  }
  throw new UsageError(`--flow-mix is a preset (${Object.keys(flowMixPresets).join(', ')}) or four fractions F0,F1,F2,F3; got "${v}".`);
}

function parseExposure(v: string | undefined): PhantomOptions['exposure'] {
  if (v === undefined) return undefined;
  if (v === 'instant' || v === 'strobe' || v === 'continuous') return v;
  const x = Number(v);
  if (v.trim() !== '' && Number.isFinite(x) && x >= 0) return x;
  throw new UsageError(`--exposure is instant, strobe, continuous or a time in seconds; got "${v}".`);
}

/** Build the phantom options from the command line (and the --options file). */
export async function phantomOptionsFromArgs(argv: string[]): Promise<{ options: PhantomOptions; out: string; json: boolean; quiet: boolean }> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values;
  if (v.seed === undefined) throw new UsageError('phantom needs --seed N (an integer in [0, 2^32)).');
  if (v.out === undefined || v.out.trim() === '') throw new UsageError('phantom needs --out DIR.');
  const seed = num('seed', v.seed, (x) => Number.isInteger(x) && x >= 0 && x <= 0xffffffff, 'an integer in [0, 2^32)')!;
  if (v['um-per-px'] !== undefined && v.device !== undefined) throw new UsageError('give --um-per-px or --device, not both.');
  if (v.seconds !== undefined && v.frames !== undefined) throw new UsageError('give --seconds or --frames, not both.');
  if (v.borders === true && v['border-px'] !== undefined) throw new UsageError('give --borders or --border-px, not both.');
  if (v.device !== undefined && findDeviceProfile(v.device) === undefined) throw new UsageError(`unknown device "${v.device}".`);

  let base: Partial<PhantomOptions> = {};
  if (v.options !== undefined) {
    try {
      base = JSON.parse(await readFile(v.options, 'utf8')) as Partial<PhantomOptions>;
    } catch (e) {
      throw new UsageError(`--options ${v.options}: cannot read a JSON object of phantom options (${(e as Error).message}).`);
    }
    if (base === null || typeof base !== 'object' || Array.isArray(base)) throw new UsageError(`--options ${v.options}: not a JSON object.`);
  }

  const codec = oneOf('codec', v.codec, CODECS);
  let width = int('width', v.width, 32);
  let height = int('height', v.height, 32);
  if ((width === undefined) !== (height === undefined)) throw new UsageError('give --width and --height together.');
  // A device clip defaults to the device's own frame size (its field of view then maps to the right µm/px).
  if (width === undefined && v.device !== undefined && codec !== 'dv' && base.width === undefined) {
    const f = findDeviceProfile(v.device)!.nativeFrames[0]!;
    width = f.width;
    height = f.height;
  }
  const borderPx = int('border-px', v['border-px'], 0);
  const pressure = int('pressure-stopped-venules', v['pressure-stopped-venules'], 0);
  const flags: Partial<PhantomOptions> = {
    name: v.name,
    seed,
    codec,
    h264Crf: num('crf', v.crf, (x) => x >= 0 && x <= 51, 'a number in [0, 51]'),
    width,
    height,
    fps: parseFps(v.fps),
    seconds: num('seconds', v.seconds, positive, 'a positive number'),
    frameCount: int('frames', v.frames, 1),
    umPerPx: num('um-per-px', v['um-per-px'], positive, 'a positive number'),
    device: v.device,
    mode: oneOf('mode', v.mode, ['mesh', 'isolated'] as const),
    isolatedCount: int('isolated-count', v['isolated-count'], 1),
    density: num('density', v.density, positive, 'a positive number'),
    venules: int('venules', v.venules, 0),
    deepVessels: int('deep-vessels', v['deep-vessels'], 0),
    tortuosity: num('tortuosity', v.tortuosity, nonNeg, 'a number ≥ 0'),
    inFocusShare: num('in-focus-share', v['in-focus-share'], nonNeg, 'a number in [0, 1]'),
    flowMix: parseFlowMix(v['flow-mix']),
    flowMode: oneOf('flow-mode', v['flow-mode'], ['classes', 'spread'] as const),
    flowLayout: oneOf('flow-layout', v['flow-layout'], ['random', 'clustered'] as const),
    clearCut: v['realistic-flow'] === true ? false : undefined,
    continuousMeanUmPerS: num('continuous-mean', v['continuous-mean'], positive, 'a positive speed in µm/s'),
    pressureStoppedVenules: pressure,
    jitterPx: num('jitter', v.jitter, nonNeg, 'a number of px ≥ 0'),
    driftPxPerS: num('drift', v.drift, nonNeg, 'a number of px/s ≥ 0'),
    flicker: num('flicker', v.flicker, nonNeg, 'a number ≥ 0'),
    noise: num('noise', v.noise, nonNeg, 'a number ≥ 0'),
    defocusUm: num('defocus', v.defocus, nonNeg, 'a number of µm ≥ 0'),
    brightness: num('brightness', v.brightness, positive, 'a grey level'),
    vignetting: num('vignetting', v.vignetting, nonNeg, 'a number in [0, 0.9]'),
    exposure: parseExposure(v.exposure),
    warpPx: num('warp', v.warp, nonNeg, 'a number of px ≥ 0'),
    occlusions: int('occlusions', v.occlusions, 0),
    interlace: oneOf('interlace', v.interlace, ['none', 'bff', 'tff'] as const),
    borders: v.borders === true ? DEFAULT_BORDERS_PX : borderPx,
    overlay: v.overlay === true ? true : undefined,
    duplicateFrames: int('duplicate-frames', v['duplicate-frames'], 0),
    truthVelocitySeries: v['truth-velocity-series'] === true ? true : undefined,
  };
  const options = { ...base } as PhantomOptions;
  for (const [k, x] of Object.entries(flags)) if (x !== undefined) (options as unknown as Record<string, unknown>)[k] = x;
  // One scale source: a flag replaces the other source from the options file.
  if (flags.device !== undefined) delete options.umPerPx;
  if (flags.umPerPx !== undefined) delete options.device;
  if (flags.frameCount !== undefined) delete options.seconds;
  if (flags.seconds !== undefined) delete options.frameCount;
  // Invalid values (out of range, unknown preset…) are usage errors here, before any work.
  try {
    resolveOptions(options);
  } catch (e) {
    if (e instanceof HvmError && e.code === 'E_PHANTOM_OPTIONS') throw new UsageError(e.message, 'The phantom options and their ranges are listed in docs/phantom.md.');
    throw e;
  }
  return { options, out: v.out, json: v.json === true, quiet: v.quiet === true };
}

function fmt(x: number | null | undefined, digits: number): string {
  return x === null || x === undefined ? '—' : x.toFixed(digits);
}

/** The truth metrics as a small table (full frame and the region seen in every frame). */
export function formatTruthSummary(truth: PhantomTruth): string {
  const full = truth.metrics.fullFrame;
  const common = truth.metrics.common;
  const rows: [string, string, (m: MetricSet) => string][] = [
    ['TVD', 'mm/mm²', (m) => fmt(m.TVD, 2)],
    ['PVD', 'mm/mm²', (m) => fmt(m.PVD, 2)],
    ['PPV', '%', (m) => fmt(m.PPV, 1)],
    ['MFI (quadrants)', '0–3', (m) => fmt(m.MFI, 2)],
    ['MFI (vessel-by-vessel)', '0–3', (m) => fmt(m.MFIVessel, 2)],
    ['De Backer score', '1/mm', (m) => fmt(m.deBackerScore, 2)],
    ['mean velocity', 'µm/s', (m) => fmt(m.meanVelocityUmPerS, 0)],
    ['vessels', '', (m) => String(m.vesselCount)],
  ];
  const r = (a: { x: number; y: number; width: number; height: number }): string => `${a.width}×${a.height} at (${a.x}, ${a.y})`;
  const lines = [
    `truth metrics (small < ${full.smallVesselMaxUm} µm / all vessels):`,
    `${'metric'.padEnd(24)}${'unit'.padEnd(8)}${'full frame'.padStart(18)}${'common region'.padStart(18)}`,
    ...rows.map(([name, unit, f]) =>
      `${name.padEnd(24)}${unit.padEnd(8)}${`${f(full.small)} / ${f(full.all)}`.padStart(18)}${`${f(common.small)} / ${f(common.all)}`.padStart(18)}`,
    ),
    `full frame ${r(truth.regions.fullFrame)} px (${full.analysedAreaMm2.toFixed(3)} mm²); common region ${r(truth.regions.common)} px (${common.analysedAreaMm2.toFixed(3)} mm²)`,
  ];
  return `${lines.join('\n')}\n`;
}

export async function runPhantom(argv: string[]): Promise<number> {
  const { options, out, json, quiet } = await phantomOptionsFromArgs(argv);
  const resolved = resolveOptions(options);
  const total = resolved.frameCount;
  // Progress for renders that take more than a few seconds (≈ 10 Mpx of frames).
  const long = resolved.frameCount * resolved.width * resolved.height * (resolved.interlace === 'none' ? 1 : 2) > 10_000_000;
  const tty = process.stderr.isTTY === true;
  let lastPct = -1;
  const onProgress =
    quiet || !long
      ? undefined
      : (done: number): void => {
          const pct = Math.floor((100 * done) / total);
          if (tty) {
            if (pct !== lastPct || done === total) process.stderr.write(`\rphantom ${resolved.name}: frame ${done} of ${total} (${pct} %)   ${done === total ? '\n' : ''}`);
          } else if (Math.floor(pct / 10) !== Math.floor(lastPct / 10) || done === total) {
            process.stderr.write(`phantom ${resolved.name}: frame ${done} of ${total}\n`);
          }
          lastPct = pct;
        };
  const w = await writePhantom(options, out, onProgress !== undefined ? { onProgress } : {});
  const t = w.truth;
  if (json) {
    process.stdout.write(
      `${JSON.stringify(
        {
          clip: w.clipPath || null,
          truth: w.truthPath,
          calibration: w.calibrationPath,
          framesSha256: w.framesSha256,
          elapsedS: w.elapsedS,
          clipInfo: t.clip,
          metrics: t.metrics,
        },
        null,
        2,
      )}\n`,
    );
    return 0;
  }
  if (quiet) return 0;
  const fps = t.clip.fps.den === 1 ? String(t.clip.fps.num) : `${t.clip.fps.num}/${t.clip.fps.den}`;
  const lines = [
    w.clipPath
      ? `wrote ${w.clipPath} (${resolved.codec}, ${t.clip.width}×${t.clip.height}, ${fps} fps, ${t.clip.frameCount} frames, ${t.clip.durationS.toFixed(2)} s${t.clip.interlace !== 'none' ? `, interlaced ${t.clip.interlace}` : ''})`
      : `no clip written (--codec none); frames sha256 ${w.framesSha256}`,
    `wrote ${w.truthPath} (seed ${resolved.seed}, ${t.vessels.length} vessels)`,
    w.calibrationPath !== null
      ? `wrote ${w.calibrationPath} (${t.clip.scale.umPerPxX.toFixed(4)} × ${t.clip.scale.umPerPxY.toFixed(4)} µm/px)`
      : `no calibration sidecar: the scale comes from the device profile ${resolved.device} (analyse with --device ${resolved.device})`,
    `rendered in ${w.elapsedS.toFixed(1)} s`,
    '',
  ];
  process.stdout.write(lines.join('\n') + formatTruthSummary(t));
  return 0;
}
