/**
 * The handheld camera: where the field is at each moment (slow drift + jitter), how bright
 * each frame is (flicker), which frames the capture dropped (duplicated frames).
 *
 * Offset convention: offset(t) = (ox, oy) px means screen pixel (i, j) shows the tissue
 * point at (i + ox, j + oy) in frame-0 pixel coordinates; a tissue point P therefore
 * appears at P − offset(t). offset(0) = (0, 0).
 */
import { HvmError } from '../errors.js';
import { clamp, dsin, TWO_PI } from './dmath.js';
import type { Rng } from './prng.js';

export interface CameraOptions {
  /** Drift speed, px/s (direction random, slowly turning). */
  driftPxPerS: number;
  /** Jitter amplitude: RMS of the tremor in each axis, px. */
  jitterPx: number;
}

export interface CameraPath {
  /** Offset at time t, px. */
  at(t: number): { x: number; y: number };
  /** Upper bound of |ox| and |oy| over [0, durationS] (for the tissue margin). */
  maxExcursionPx: number;
}

interface Tone {
  amp: number;
  freq: number;
  phase: number;
}

export function cameraPath(rng: Rng, opts: CameraOptions, durationS: number): CameraPath {
  if (!(opts.driftPxPerS >= 0) || !(opts.jitterPx >= 0)) {
    throw new HvmError('E_PHANTOM_OPTIONS', `camera drift and jitter must be ≥ 0, got ${opts.driftPxPerS} px/s and ${opts.jitterPx} px`);
  }
  const heading = rng.range(0, TWO_PI);
  const dx = opts.driftPxPerS * cosApprox(heading);
  const dy = opts.driftPxPerS * dsin(heading);
  // Drift wanders: a slow sinusoidal turn of the velocity (period 4–8 s).
  const wanderAmp = 0.35 * opts.driftPxPerS;
  const wanderF = rng.range(0.12, 0.25);
  const wanderPh = rng.range(0, TWO_PI);
  // Tremor: four tones per axis, 0.6–7 Hz, amplitudes falling with frequency.
  const makeTones = (r: Rng): Tone[] => {
    const tones: Tone[] = [];
    const freqs = [r.range(0.6, 1.5), r.range(1.5, 3), r.range(3, 5), r.range(5, 7)];
    const rel = [1, 0.6, 0.35, 0.2];
    // RMS of Σ a_k sin(...) = sqrt(Σ a_k²/2) = jitterPx.
    const norm = Math.sqrt(rel.reduce((s, a) => s + (a * a) / 2, 0));
    freqs.forEach((f, k) => tones.push({ amp: (opts.jitterPx * rel[k]!) / norm, freq: f, phase: r.range(0, TWO_PI) }));
    return tones;
  };
  const tx = makeTones(rng.fork('x'));
  const ty = makeTones(rng.fork('y'));
  const tone = (ts: Tone[], t: number): number => ts.reduce((s, o) => s + o.amp * dsin(TWO_PI * o.freq * t + o.phase), 0);
  const jx0 = tone(tx, 0);
  const jy0 = tone(ty, 0);
  const wander = (t: number): number =>
    // ∫₀ᵗ sin(2πf s + φ) ds without a cosine: use sin(x + π/2) = cos(x).
    (wanderAmp * (dsin(wanderPh + TWO_PI / 4) - dsin(TWO_PI * wanderF * t + wanderPh + TWO_PI / 4))) / (TWO_PI * wanderF);
  const at = (t: number): { x: number; y: number } => {
    const w = wander(t);
    return {
      x: dx * t - (dy / (opts.driftPxPerS || 1)) * w + tone(tx, t) - jx0,
      y: dy * t + (dx / (opts.driftPxPerS || 1)) * w + tone(ty, t) - jy0,
    };
  };
  const jitterBound = (ts: Tone[]): number => 2 * ts.reduce((s, o) => s + o.amp, 0);
  const wanderBound = (2 * wanderAmp) / (TWO_PI * wanderF);
  const maxExcursionPx = opts.driftPxPerS * durationS + wanderBound + Math.max(jitterBound(tx), jitterBound(ty));
  return { at, maxExcursionPx };
}

function cosApprox(x: number): number {
  return dsin(x + TWO_PI / 4);
}

/** Per-frame brightness gain: 1 + flicker × (frame noise) + a slow automatic-gain wander. */
export function flickerGains(rng: Rng, frameCount: number, flicker: number): number[] {
  if (!(flicker >= 0)) throw new HvmError('E_PHANTOM_OPTIONS', `flicker must be ≥ 0, got ${flicker}`);
  const slowF = rng.range(0.02, 0.06); // cycles per frame
  const slowPh = rng.range(0, TWO_PI);
  const out: number[] = [];
  for (let k = 0; k < frameCount; k++) {
    const g = 1 + flicker * clamp(rng.normal(), -3, 3) + 0.5 * flicker * dsin(TWO_PI * slowF * k + slowPh);
    out.push(g);
  }
  return out;
}

/**
 * Frames the capture dropped: frame k is an exact copy of frame k−1. Either explicit
 * indices (≥ 1) or a count drawn at random (never frame 0, never two in a row).
 */
export function duplicatedFrames(rng: Rng, frameCount: number, spec: number | readonly number[]): number[] {
  if (Array.isArray(spec)) {
    const list = [...new Set(spec as number[])].sort((a, b) => a - b);
    for (const k of list) {
      if (!Number.isInteger(k) || k < 1 || k >= frameCount) {
        throw new HvmError('E_PHANTOM_OPTIONS', `duplicated frame index ${k} must be an integer in [1, ${frameCount - 1}]`);
      }
    }
    return list;
  }
  const count = spec as number;
  if (!Number.isInteger(count) || count < 0) throw new HvmError('E_PHANTOM_OPTIONS', `duplicated frame count must be a non-negative integer, got ${count}`);
  if (count === 0) return [];
  const candidates: number[] = [];
  for (let k = 2; k < frameCount - 1; k++) candidates.push(k);
  rng.shuffle(candidates);
  const chosen: number[] = [];
  for (const k of candidates) {
    if (chosen.length >= count) break;
    if (chosen.some((c) => Math.abs(c - k) < 2)) continue;
    chosen.push(k);
  }
  if (chosen.length < count) throw new HvmError('E_PHANTOM_OPTIONS', `cannot place ${count} separated duplicated frames in ${frameCount} frames`);
  return chosen.sort((a, b) => a - b);
}
