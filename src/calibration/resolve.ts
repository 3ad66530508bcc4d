/**
 * Resolve the spatial calibration of one clip (or still): µm per stored pixel in x and y,
 * where it came from, and the small-vessel threshold. Every output in µm or mm depends on
 * it, so it is never silent: it is recorded in every result with its source and warnings.
 *
 * Precedence: an explicit option (--um-per-px) > a sidecar file next to the clip > a device
 * profile (--device). Nothing at all → CalibrationMissingError, which says how to pass one.
 *
 * ## From a device's field of view to µm per pixel
 * A profile stores the physical field of view W × H (µm) that the camera's WHOLE frame
 * covers. A clip has w × h stored pixels and a sample aspect ratio SAR (the displayed
 * width ÷ height of one stored pixel; 16:15 for PAL DV, so a stored pixel is shown wider
 * than tall). Displayed, the frame is w·SAR × h display units and still shows the whole
 * field W × H, so one display unit is W / (w·SAR) µm across and H / h µm down. A stored
 * pixel is SAR display units wide and 1 tall, hence
 *
 *   umPerPxX = SAR · W / (w·SAR) = W / w        umPerPxY = H / h
 *
 * The SAR cancels: it changes how a frame is shown, never what tissue it holds. What the
 * SAR does tell is the shape the clip should have: a clip at the device's native geometry
 * has the native display aspect w·SAR/h (4:3 for every MicroScan frame). A clip whose
 * display aspect differs from the nearest native one by more than 2 % was cropped or
 * stretched (or lost its SAR in a conversion) and the field may no longer cover it
 * (warning `calibration-shape-mismatch`); one with the native shape but not a native size
 * was resized (warning `calibration-resized`): the scale above is right only if the whole
 * field was kept. In both cases only an explicit µm/px is trustworthy.
 *
 * Example, PAL DV 720×576, SAR 16:15, microscan-sdf-pal (940 × 750 µm):
 *   umPerPxX = 940 / 720 = 1.30556 µm/px, umPerPxY = 750 / 576 = 1.30208 µm/px.
 * (Displayed: 768 × 576 display units of 1.22396 × 1.30208 µm; see profiles.ts on why the
 * stated MicroScan field is not exactly 4:3.)
 *
 * Stills use the same function with SAR 1:1.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { DEFAULT_SMALL_VESSEL_MAX_UM } from '../metrics/clip.js';
import {
  CalibrationMissingError,
  CalibrationSidecarError,
  CalibrationValueError,
  UnknownDeviceError,
} from './errors.js';
import { findDeviceProfile, type DeviceProfile, type NativeFrame } from './profiles.js';

/** A sample aspect ratio: a number (16/15), "16:15" / "16/15", [16, 15]; null or "0:1" when unknown. */
export type SampleAspectRatioInput = number | string | readonly [number, number] | null | undefined;

export interface CalibrationRequest {
  /** The clip (or still, or frame folder) as the user gave it; sidecars are looked for next to it. */
  clipPath: string;
  /** Stored frame width, px. */
  width: number;
  /** Stored frame height, px. */
  height: number;
  /** The clip's sample aspect ratio; stills 1:1. Unknown → assumed (with a warning). */
  sampleAspectRatio?: SampleAspectRatioInput;
  /** A device profile name (--device). */
  device?: string | null;
  /** Explicit square pixels, µm/px (--um-per-px). Wins over everything. */
  umPerPx?: number | null;
  /** Explicit small-vessel threshold, µm. Wins over the sidecar's and the default 20 µm. */
  smallVesselMaxUm?: number | null;
  /**
   * A sidecar file to read (error if missing or invalid); `false` to not look for one;
   * undefined to look for `<clip>.calibration.json` (e.g. a.avi.calibration.json, then
   * a.calibration.json).
   */
  sidecar?: string | false | null;
}

export type CalibrationSource = 'device-profile' | 'option' | 'sidecar';

export interface CalibrationWarning {
  code: string;
  message: string;
}

export interface Calibration {
  /** µm per stored pixel along x. */
  umPerPxX: number;
  /** µm per stored pixel along y. */
  umPerPxY: number;
  source: CalibrationSource;
  /** The device profile used; null unless source is 'device-profile'. */
  device: string | null;
  /** Field of view of that profile, µm; null unless source is 'device-profile'. */
  fieldOfViewUm: { width: number; height: number } | null;
  /** The sidecar read, when source is 'sidecar' (or it supplied smallVesselMaxUm); else null. */
  sidecarPath: string | null;
  /** Small vessels: diameter < this, µm. */
  smallVesselMaxUm: number;
  smallVesselMaxUmSource: 'default' | 'option' | 'sidecar';
  warnings: CalibrationWarning[];
}

/** Tolerance of the clip-shape check (docs/hvm-domain.md: warn when > 2 %). */
export const SHAPE_TOLERANCE = 0.02;

/** µm/px outside this range is implausible for handheld vital microscopy (warning only). */
export const PLAUSIBLE_UM_PER_PX: readonly [number, number] = [0.1, 10];

export function resolveCalibration(req: CalibrationRequest): Calibration {
  const { clipPath, width, height } = req;
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) {
    throw new CalibrationValueError(`frame size must be positive whole pixels, got ${width}×${height}.`, clipPath);
  }
  const warnings: CalibrationWarning[] = [];

  // Validate every input first, so a typo fails even when a higher-precedence source wins.
  let profile: DeviceProfile | null = null;
  if (req.device !== undefined && req.device !== null) {
    profile = findDeviceProfile(req.device) ?? null;
    if (profile === null) throw new UnknownDeviceError(req.device, clipPath);
  }
  const optionUm = req.umPerPx ?? null;
  if (optionUm !== null && !(Number.isFinite(optionUm) && optionUm > 0)) {
    throw new CalibrationValueError(`--um-per-px must be a positive number of µm, got ${optionUm}.`, clipPath);
  }
  const optionSmall = req.smallVesselMaxUm ?? null;
  if (optionSmall !== null && !(Number.isFinite(optionSmall) && optionSmall > 0)) {
    throw new CalibrationValueError(`the small-vessel threshold must be a positive number of µm, got ${optionSmall}.`, clipPath);
  }
  const sar = parseSar(req.sampleAspectRatio, clipPath);
  const sidecar = findAndReadSidecar(req, warnings);

  let umPerPxX: number;
  let umPerPxY: number;
  let source: CalibrationSource;
  let squareByAssumption = false;
  if (optionUm !== null) {
    umPerPxX = umPerPxY = optionUm;
    source = 'option';
    squareByAssumption = true;
    if (sidecar?.scale) {
      warnings.push({
        code: 'calibration-sidecar-ignored',
        message: `--um-per-px ${optionUm} overrides the sidecar ${sidecar.path}.`,
      });
    }
  } else if (sidecar?.scale) {
    umPerPxX = sidecar.scale.umPerPxX;
    umPerPxY = sidecar.scale.umPerPxY;
    squareByAssumption = sidecar.scale.square;
    source = 'sidecar';
  } else if (profile !== null) {
    const W = profile.fieldOfViewUm.width;
    const H = profile.fieldOfViewUm.height;
    // See the file comment: the field covers the whole frame, so the SAR cancels.
    umPerPxX = W / width;
    umPerPxY = H / height;
    source = 'device-profile';
    warnings.push(...shapeWarnings(profile, width, height, sar));
  } else {
    throw new CalibrationMissingError(clipPath);
  }
  if (profile !== null && source !== 'device-profile') {
    warnings.push({
      code: 'calibration-device-ignored',
      message: `the device profile ${profile.name} is not used: ${source === 'option' ? '--um-per-px' : `the sidecar ${sidecar?.path}`} takes precedence.`,
    });
  }
  if (squareByAssumption && sar.value !== null && Math.abs(sar.value - 1) > SHAPE_TOLERANCE) {
    warnings.push({
      code: 'calibration-square-pixels-vs-sar',
      message:
        `a single µm/px (${umPerPxX}) assumes square pixels, but the clip's sample aspect ratio is ${sar.label}: ` +
        `if its display is undistorted, a pixel is ${fmt(sar.value, 4)}× as wide as tall. ` +
        'Give {"umPerPxX": X, "umPerPxY": Y} in a sidecar if you measured both.',
    });
  }
  const [lo, hi] = PLAUSIBLE_UM_PER_PX;
  for (const [axis, v] of [['x', umPerPxX], ['y', umPerPxY]] as const) {
    if (v < lo || v > hi) {
      warnings.push({
        code: 'calibration-implausible',
        message: `${fmt(v, 4)} µm/px along ${axis} is outside the plausible ${lo}–${hi} µm/px for handheld vital microscopy; check the unit (µm, not nm or mm).`,
      });
    }
  }

  let smallVesselMaxUm = DEFAULT_SMALL_VESSEL_MAX_UM;
  let smallVesselMaxUmSource: Calibration['smallVesselMaxUmSource'] = 'default';
  if (optionSmall !== null) {
    smallVesselMaxUm = optionSmall;
    smallVesselMaxUmSource = 'option';
  } else if (sidecar?.smallVesselMaxUm !== undefined) {
    smallVesselMaxUm = sidecar.smallVesselMaxUm;
    smallVesselMaxUmSource = 'sidecar';
  }

  return {
    umPerPxX,
    umPerPxY,
    source,
    device: source === 'device-profile' ? profile!.name : null,
    fieldOfViewUm: source === 'device-profile' ? { ...profile!.fieldOfViewUm } : null,
    sidecarPath:
      sidecar !== null && (source === 'sidecar' || smallVesselMaxUmSource === 'sidecar') ? sidecar.path : null,
    smallVesselMaxUm,
    smallVesselMaxUmSource,
    warnings,
  };
}

/** The sidecar paths looked for next to a clip, in order. */
export function sidecarCandidates(clipPath: string): string[] {
  const base = clipPath.replace(/[\\/]+$/, '');
  const out = [`${base}.calibration.json`];
  const ext = extname(base);
  if (ext !== '') out.push(`${base.slice(0, -ext.length)}.calibration.json`);
  return out;
}

// ---------------------------------------------------------------------------------------

interface ParsedSar {
  /** Numeric SAR; null when unknown. */
  value: number | null;
  label: string;
}

function parseSar(input: SampleAspectRatioInput, clipPath: string): ParsedSar {
  if (input === undefined || input === null) return { value: null, label: 'unknown' };
  let num: number;
  let den: number;
  if (typeof input === 'number') {
    num = input;
    den = 1;
  } else if (Array.isArray(input)) {
    num = Number(input[0]);
    den = Number(input[1]);
  } else if (typeof input === 'string') {
    const s = input.trim();
    if (s === '' || /^n\/?a$/i.test(s)) return { value: null, label: 'unknown' };
    const m = /^(\d+(?:\.\d+)?)\s*[:/]\s*(\d+(?:\.\d+)?)$/.exec(s);
    if (m) {
      num = Number(m[1]);
      den = Number(m[2]);
    } else {
      num = Number(s);
      den = 1;
    }
  } else {
    throw new CalibrationValueError(`unreadable sample aspect ratio ${JSON.stringify(input)}.`, clipPath);
  }
  // ffmpeg reports "0:1" when the container says nothing.
  if (num === 0) return { value: null, label: 'unknown' };
  if (!(Number.isFinite(num) && Number.isFinite(den) && num > 0 && den > 0)) {
    throw new CalibrationValueError(`unreadable sample aspect ratio ${JSON.stringify(input)}.`, clipPath);
  }
  return { value: num / den, label: den === 1 && typeof input === 'number' ? fmt(num, 4) : `${num}:${den}` };
}

function nativeDar(f: NativeFrame): number {
  return (f.width * f.sar[0]) / f.sar[1] / f.height;
}

function frameLabel(f: NativeFrame): string {
  return `${f.width}×${f.height} SAR ${f.sar[0]}:${f.sar[1]}`;
}

function shapeWarnings(profile: DeviceProfile, width: number, height: number, sar: ParsedSar): CalibrationWarning[] {
  const out: CalibrationWarning[] = [];
  const sameSize = profile.nativeFrames.filter((f) => sizeMatches(f, width, height));
  let sarValue = sar.value;
  let sarLabel = sar.label;
  if (sarValue === null) {
    const f = sameSize[0];
    sarValue = f ? f.sar[0] / f.sar[1] : 1;
    sarLabel = f ? `${f.sar[0]}:${f.sar[1]}` : '1:1';
    out.push({
      code: 'calibration-sar-unknown',
      message: `the clip does not state its sample aspect ratio; assumed ${sarLabel}${f ? ` (native for ${profile.name} at ${width}×${height})` : ''}. It only affects the shape check, not the scale.`,
    });
  }
  const dar = (width * sarValue) / height;
  let best = profile.nativeFrames[0]!;
  let bestDev = Infinity;
  for (const f of profile.nativeFrames) {
    const dev = Math.abs(dar / nativeDar(f) - 1);
    if (dev < bestDev) {
      bestDev = dev;
      best = f;
    }
  }
  const W = profile.fieldOfViewUm.width;
  const H = profile.fieldOfViewUm.height;
  const scaleText = `${W}×${H} µm over ${width}×${height} px gives ${fmt(W / width, 4)}×${fmt(H / height, 4)} µm/px`;
  if (bestDev > SHAPE_TOLERANCE) {
    out.push({
      code: 'calibration-shape-mismatch',
      message:
        `the clip's display aspect ${fmt(dar, 4)} (${width}×${height}, SAR ${sarLabel}) differs by ${fmt(100 * bestDev, 1)} % ` +
        `from ${profile.name}'s native ${fmt(nativeDar(best), 4)} (${frameLabel(best)}): it was probably cropped or stretched, ` +
        `or lost its aspect ratio in a conversion. The scale assumes the whole field fills the frame (${scaleText}); ` +
        'only an explicit --um-per-px or sidecar is trustworthy.',
    });
  } else if (sameSize.length === 0) {
    out.push({
      code: 'calibration-resized',
      message:
        `${width}×${height} is not a native frame size of ${profile.name} (${profile.nativeFrames.map(frameLabel).join(', ')}): ` +
        `the clip was probably resized. The scale assumes the whole field was kept (${scaleText}); ` +
        'if it was cropped, only an explicit --um-per-px or sidecar is trustworthy.',
    });
  }
  return out;
}

function sizeMatches(f: NativeFrame, width: number, height: number): boolean {
  if (!f.approximate) return f.width === width && f.height === height;
  return Math.abs(width / f.width - 1) <= SHAPE_TOLERANCE && Math.abs(height / f.height - 1) <= SHAPE_TOLERANCE;
}

interface SidecarContent {
  path: string;
  scale: { umPerPxX: number; umPerPxY: number; square: boolean } | null;
  smallVesselMaxUm?: number;
}

const SIDECAR_KEYS = new Set(['umPerPx', 'umPerPxX', 'umPerPxY', 'smallVesselMaxUm', 'note']);

function isFile(p: string): boolean {
  try {
    return existsSync(p) && statSync(p).isFile();
  } catch {
    return false;
  }
}

function findAndReadSidecar(req: CalibrationRequest, warnings: CalibrationWarning[]): SidecarContent | null {
  if (req.sidecar === false) return null;
  if (typeof req.sidecar === 'string') {
    if (!isFile(req.sidecar)) throw new CalibrationSidecarError(req.sidecar, 'the file does not exist');
    return readSidecar(req.sidecar);
  }
  const found = sidecarCandidates(req.clipPath).filter(isFile);
  if (found.length === 0) return null;
  if (found.length > 1) {
    warnings.push({
      code: 'calibration-sidecar-ambiguous',
      message: `two calibration sidecars: using ${found[0]}, ignoring ${found.slice(1).join(', ')}.`,
    });
  }
  return readSidecar(found[0]!);
}

function readSidecar(path: string): SidecarContent {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CalibrationSidecarError(path, `cannot read it (${(e as Error).message})`, e);
  }
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    throw new CalibrationSidecarError(path, `not valid JSON (${(e as Error).message})`, e);
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    throw new CalibrationSidecarError(path, 'the content must be a JSON object');
  }
  const o = obj as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!SIDECAR_KEYS.has(k)) {
      throw new CalibrationSidecarError(path, `unknown key "${k}" (allowed: ${[...SIDECAR_KEYS].join(', ')})`);
    }
  }
  const num = (k: string): number | undefined => {
    if (o[k] === undefined) return undefined;
    const v = o[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      throw new CalibrationSidecarError(path, `"${k}" must be a positive number of µm, got ${JSON.stringify(v)}`);
    }
    return v;
  };
  const u = num('umPerPx');
  const ux = num('umPerPxX');
  const uy = num('umPerPxY');
  const small = num('smallVesselMaxUm');
  if (o.note !== undefined && typeof o.note !== 'string') {
    throw new CalibrationSidecarError(path, '"note" must be a string');
  }
  let scale: SidecarContent['scale'] = null;
  if (u !== undefined) {
    if (ux !== undefined || uy !== undefined) {
      throw new CalibrationSidecarError(path, 'give either "umPerPx" or both "umPerPxX" and "umPerPxY", not both forms');
    }
    scale = { umPerPxX: u, umPerPxY: u, square: true };
  } else if (ux !== undefined || uy !== undefined) {
    if (ux === undefined || uy === undefined) {
      throw new CalibrationSidecarError(path, `"${ux === undefined ? 'umPerPxX' : 'umPerPxY'}" is missing (both axes are needed)`);
    }
    scale = { umPerPxX: ux, umPerPxY: uy, square: false };
  } else if (small === undefined) {
    throw new CalibrationSidecarError(path, 'it holds no calibration ("umPerPx" or "umPerPxX" and "umPerPxY")');
  }
  return { path, scale, ...(small !== undefined ? { smallVesselMaxUm: small } : {}) };
}

function fmt(v: number, digits: number): string {
  return Number(v.toFixed(digits)).toString();
}
