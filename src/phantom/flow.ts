/**
 * RBC velocity of every phantom vessel over time, by construction, and the truth that
 * follows from it.
 *
 * A velocity series is piecewise linear between knots every `stepS` seconds (10 ms), so
 * the displacement X(t) = ∫₀ᵗ v dt of the RBC pattern is exact at any time (fields of an
 * interlaced frame, 30000/1001 fps), and so are the truth summaries.
 *
 * Classes (De Backer 2007), by construction:
 *  3 continuous  — moving all the time, fast (pulsatile ±5–15 %);
 *  2 sluggish    — moving all the time, slowly, never stopped;
 *  1 intermittent — stopped 50–90 % of the time, in episodes (ramps of 20–40 ms);
 *  0 no flow     — v = 0 throughout: the RBC pattern is static (the barcode sign).
 * "clear-cut" mode keeps every vessel well away from the class thresholds (speeds and
 * stopped fractions in the middle of their class), so a correct engine must get the class
 * right; "realistic" mode draws from wider ranges that touch the thresholds.
 *
 * Stopped time is defined on the knots: an interval between two knots that are both 0 is
 * stopped; ramps count as moving.
 */
import { HvmError } from '../errors.js';
import type { FlowClass } from '../metrics/types.js';
import { clamp, dexp, dlog, dsin, TWO_PI } from './dmath.js';
import { classifyVelocity, DEFAULT_FLOW_THRESHOLDS, thresholdMargin, type FlowThresholds, type ThresholdMargin } from './flow-thresholds.js';
import type { Point } from './geometry.js';
import { polylineLength } from './geometry.js';
import type { NetworkVessel } from './network.js';
import { ValueNoise2D } from './noise.js';
import type { Rng } from './prng.js';

export const VELOCITY_STEP_S = 0.01;

export interface VelocitySeries {
  /** Knot spacing, s. */
  stepS: number;
  /** Signed velocity at each knot, µm/s (positive: towards the last centerline point). */
  values: Float64Array;
  /** ∫ v from 0 to each knot, µm. */
  cumulative: Float64Array;
}

export interface VelocitySummary {
  /** Mean speed over the observation, stops included, µm/s (|X(T)| / T). */
  meanUmPerS: number;
  /** Mean speed over the moving time only, µm/s (0 when never moving). */
  meanWhileMovingUmPerS: number;
  /** Fraction of the observation with v = 0. */
  stoppedFraction: number;
  /** Slowest and fastest speed reached, µm/s. */
  minUmPerS: number;
  maxUmPerS: number;
  /** Net displacement of the RBC pattern over the observation, µm (signed along the centerline). */
  displacementUm: number;
}

/** Flow-class mix by length: fraction of small-vessel length in class 0, 1, 2, 3. */
export type FlowMix = [number, number, number, number];

export const flowMixPresets: Record<'healthy' | 'septic' | 'severe' | 'allContinuous' | 'allStopped', FlowMix> = {
  healthy: [0, 0, 0.05, 0.95],
  septic: [0.12, 0.18, 0.2, 0.5],
  severe: [0.3, 0.3, 0.2, 0.2],
  allContinuous: [0, 0, 0, 1],
  allStopped: [1, 0, 0, 0],
};

export interface FlowOptions {
  /** Class mix by small-vessel length, or a preset name. */
  mix: FlowMix | keyof typeof flowMixPresets;
  /** 'random': classes scattered; 'clustered': classes in patches (septic heterogeneity). */
  layout: 'random' | 'clustered';
  /** Keep speeds and stopped fractions away from the class thresholds. */
  clearCut: boolean;
  /** Mean continuous capillary speed, µm/s (healthy ≈ 1300, septic ≈ 830). */
  continuousMeanUmPerS: number;
  /** Venules whose flow is stopped by probe pressure (ids, or a count taken from the first venules). */
  pressureStoppedVenules: number | string[];
  /**
   * 'spread': small vessels' speeds and stopped fractions spread continuously across the class
   * thresholds and each class is derived from its series (see speedSeriesSpread). Absent:
   * classes by construction.
   */
  mode?: 'spread';
  /** Thresholds deriving the classes in spread mode (default flow-thresholds.ts). */
  thresholds?: FlowThresholds;
}

export const defaultFlowOptions: FlowOptions = {
  mix: 'healthy',
  layout: 'random',
  clearCut: true,
  continuousMeanUmPerS: 1300,
  pressureStoppedVenules: 0,
};

export interface VesselFlow {
  vesselId: string;
  flowClass: FlowClass;
  /** +1: RBCs move towards the last centerline point; −1: towards the first. */
  direction: 1 | -1;
  series: VelocitySeries;
  summary: VelocitySummary;
  /** A venule stopped by probe pressure (a recording artefact, not physiology). */
  pressureStopped: boolean;
  /** Spread mode: the class the vessel was drawn for (its flowClass comes from the thresholds). */
  drawnForClass?: FlowClass;
  /** Spread mode: distance of the velocity from the nearest class threshold. */
  margin?: ThresholdMargin;
}

/** Resolve a mix (preset or explicit), normalised to sum 1. */
export function resolveMix(mix: FlowOptions['mix']): FlowMix {
  const m = typeof mix === 'string' ? flowMixPresets[mix] : mix;
  if (m === undefined) throw new HvmError('E_PHANTOM_OPTIONS', `unknown flow mix preset "${String(mix)}"`, { hint: `Use one of ${Object.keys(flowMixPresets).join(', ')} or [f0, f1, f2, f3].` });
  if (m.length !== 4 || m.some((f) => !(f >= 0))) throw new HvmError('E_PHANTOM_OPTIONS', `flow mix must be 4 non-negative fractions, got ${JSON.stringify(m)}`);
  const s = m[0] + m[1] + m[2] + m[3];
  if (!(s > 0)) throw new HvmError('E_PHANTOM_OPTIONS', 'flow mix must not be all zero');
  return [m[0] / s, m[1] / s, m[2] / s, m[3] / s];
}

/** X(t): displacement of the RBC pattern from time 0 to t, µm (exact for the piecewise-linear series). */
export function displacementAt(series: VelocitySeries, t: number): number {
  const h = series.stepS;
  const n = series.values.length;
  if (t <= 0) return series.values[0]! * t; // (negative times are not used)
  let k = Math.floor(t / h);
  if (k >= n - 1) k = n - 2;
  const tau = t - k * h; // ∈ [0, h] (may exceed h at the very end: extrapolate linearly)
  const v0 = series.values[k]!;
  const v1 = series.values[k + 1]!;
  return series.cumulative[k]! + v0 * tau + ((v1 - v0) * tau * tau) / (2 * h);
}

function buildSeries(speed: Float64Array, direction: 1 | -1, stepS: number): VelocitySeries {
  const values = new Float64Array(speed.length);
  const cumulative = new Float64Array(speed.length);
  for (let i = 0; i < speed.length; i++) {
    values[i] = direction * speed[i]!;
    if (i > 0) cumulative[i] = cumulative[i - 1]! + ((values[i - 1]! + values[i]!) * stepS) / 2;
  }
  return { stepS, values, cumulative };
}

/** Truth summary over [0, durationS]. */
export function summarizeVelocity(series: VelocitySeries, durationS: number): VelocitySummary {
  const h = series.stepS;
  const v = series.values;
  let stopped = 0;
  let moving = 0;
  let movingDist = 0;
  let minS = Infinity;
  let maxS = 0;
  for (let k = 0; k + 1 < v.length && k * h < durationS; k++) {
    const span = Math.min(h, durationS - k * h);
    const a = Math.abs(v[k]!);
    const b = Math.abs(v[k + 1]!);
    const bEnd = a + ((b - a) * span) / h;
    if (a === 0 && b === 0) stopped += span;
    else {
      moving += span;
      movingDist += ((a + bEnd) * span) / 2;
    }
    minS = Math.min(minS, a, bEnd);
    maxS = Math.max(maxS, a, bEnd);
  }
  const X = displacementAt(series, durationS);
  return {
    meanUmPerS: durationS > 0 ? Math.abs(X) / durationS : 0,
    meanWhileMovingUmPerS: moving > 0 ? movingDist / moving : 0,
    // Ratio of the summed spans (not of durationS), so all-stopped is exactly 1 and never-stopped exactly 0.
    stoppedFraction: stopped + moving > 0 ? stopped / (stopped + moving) : 0,
    minUmPerS: minS === Infinity ? 0 : minS,
    maxUmPerS: maxS,
    displacementUm: X,
  };
}

/** Pulsatile speed: base × (1 + p·sin(2πft + φ)) × slow random factor. */
function pulsatile(rng: Rng, n: number, h: number, base: number, pulse: number, wander: number): Float64Array {
  const f = rng.range(0.9, 1.5); // heart rate 54–90 /min
  const phi = rng.range(0, TWO_PI);
  // Slow wander: a smooth 1-D random function (value noise on a 0.8 s lattice).
  const knots = Math.ceil((n * h) / 0.8) + 4;
  const wv = new Float64Array(knots);
  for (let i = 0; i < knots; i++) wv[i] = rng.normal();
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const t = k * h;
    const u = t / 0.8;
    const i = Math.floor(u);
    const fr = u - i;
    const sm = fr * fr * (3 - 2 * fr);
    const w = wv[i]! * (1 - sm) + wv[i + 1]! * sm;
    out[k] = base * (1 + pulse * dsin(TWO_PI * f * t + phi)) * (1 + wander * w);
  }
  return out;
}

/** Intermittent speed: alternating stop and move episodes, target stopped fraction on [0, T]. */
function intermittent(rng: Rng, n: number, h: number, durationS: number, fLo: number, fHi: number, moveSpeed: [number, number]): Float64Array {
  const nObs = Math.max(2, Math.round(durationS / h));
  for (let attempt = 0; attempt < 200; attempt++) {
    const target = rng.range(fLo + 0.05, fHi - 0.05);
    const stopMean = rng.range(0.4, 1.0); // s
    const moveMean = (stopMean * (1 - target)) / target;
    const speed = new Float64Array(n);
    let k = 0;
    let stoppedNow = rng.chance(target);
    while (k < n) {
      const dur = Math.max(0.06, stoppedNow ? rng.range(0.4, 1.6) * stopMean : rng.range(0.4, 1.6) * moveMean);
      const len = Math.max(3, Math.round(dur / h));
      if (!stoppedNow) {
        const v = rng.range(moveSpeed[0], moveSpeed[1]);
        const ramp = Math.min(Math.floor(len / 2), 2 + rng.int(3));
        for (let j = 0; j < len && k + j < n; j++) {
          const up = Math.min(j + 1, len - j - 1, ramp) / ramp; // 0 at the episode's edges
          speed[k + j] = v * clamp(up, 0, 1);
        }
      }
      k += len;
      stoppedNow = !stoppedNow;
    }
    // Check the realised stopped fraction over the observation.
    let stopped = 0;
    let movingKnots = 0;
    for (let i = 0; i < nObs && i + 1 < n; i++) {
      if (speed[i] === 0 && speed[i + 1] === 0) stopped++;
      if (speed[i]! > 0) movingKnots++;
    }
    const f = stopped / nObs;
    if (f >= fLo && f <= fHi && movingKnots >= 3) return speed;
  }
  // Very short clips: one stop episode from the start, then moving (no ramp), with the stopped
  // share as close to the middle of the class as the knot grid allows.
  const target = (fLo + fHi) / 2;
  const m = Math.max(1, Math.min(nObs - 1, Math.round(target * nObs)));
  const v = rng.range(moveSpeed[0], moveSpeed[1]);
  const speed = new Float64Array(n);
  for (let i = m + 1; i < n; i++) speed[i] = v;
  return speed;
}

/** Speed series (≥ 0) for one class. */
export function speedSeries(
  rng: Rng,
  flowClass: FlowClass,
  kind: NetworkVessel['kind'],
  durationS: number,
  opts: Pick<FlowOptions, 'clearCut' | 'continuousMeanUmPerS'>,
  baseOverride?: number,
): Float64Array {
  const h = VELOCITY_STEP_S;
  // Knots up to T + 0.2 s: the last interlaced field lies at T − 1/50 s, margin for safety.
  const n = Math.ceil((durationS + 0.2) / h) + 2;
  const cc = opts.clearCut;
  switch (flowClass) {
    case 3: {
      let base: number;
      if (baseOverride !== undefined) base = baseOverride;
      else if (kind === 'venule') base = rng.range(600, 1400);
      else {
        // Log-normal-ish spread (SD ≈ 25 %) around the requested mean.
        base = opts.continuousMeanUmPerS * dexp(0.25 * rng.normal() - 0.03);
        base = cc ? clamp(base, 700, 2000) : clamp(base, 350, 2600);
      }
      return pulsatile(rng, n, h, base, rng.range(0.05, 0.15), 0.04);
    }
    case 2: {
      const base = baseOverride ?? (cc ? rng.range(140, 230) : rng.range(80, 350));
      return pulsatile(rng, n, h, base, cc ? rng.range(0.03, 0.12) : rng.range(0.05, 0.25), cc ? 0.02 : 0.06);
    }
    case 1: {
      const [fLo, fHi] = cc ? [0.58, 0.82] : [0.5, 0.9];
      const v = baseOverride !== undefined ? [baseOverride, baseOverride] : cc ? [250, 700] : [120, 900];
      return intermittent(rng, n, h, durationS, fLo, fHi, v as [number, number]);
    }
    case 0:
      return new Float64Array(n);
    default:
      throw new HvmError('E_PHANTOM_FLOW', `unknown flow class ${String(flowClass)}`);
  }
}

/** Log-uniform deviate in [lo, hi). */
function logUniform(rng: Rng, lo: number, hi: number): number {
  return lo * dexp(rng.uniform() * dlog(hi / lo));
}

/**
 * Stop and move episodes whose stopped share of the observation is `target` to the knot
 * grid (|error| ≤ 1/nObs): the stopped intervals are split over 1–3 stop episodes, the
 * moving ones over the moves between them (≥ 4 intervals each, ramps of 2–4 knots), at a
 * moving speed drawn from `speed` (µm/s).
 */
export function episodesWithStoppedFraction(rng: Rng, n: number, h: number, durationS: number, target: number, speed: [number, number]): Float64Array {
  const out = new Float64Array(n);
  const nObs = Math.max(2, Math.round(durationS / h));
  const stopped = Math.max(0, Math.min(nObs, Math.round(target * nObs)));
  const v = logUniform(rng, speed[0], speed[1]);
  if (stopped >= nObs) return out;
  const moving = nObs - stopped;
  // Episode counts: up to 3 stops, as many as the moving intervals allow (≥ 4 per move).
  const nStops = stopped === 0 ? 0 : Math.max(1, Math.min(1 + rng.int(3), Math.floor(moving / 4)));
  const startsStopped = nStops > 0 && rng.chance(0.5);
  const nMoves = nStops === 0 ? 1 : startsStopped ? nStops : nStops + (rng.chance(0.5) ? 0 : 1) || 1;
  const split = (total: number, parts: number, min: number): number[] => {
    if (parts <= 0) return [];
    const free = total - parts * min;
    const w = Array.from({ length: parts }, () => 0.3 + rng.uniform());
    const ws = w.reduce((a, b) => a + b, 0);
    const sizes = w.map((x) => min + Math.floor((free * x) / ws));
    sizes[parts - 1]! += total - sizes.reduce((a, b) => a + b, 0);
    return sizes;
  };
  const stopsLen = split(stopped, nStops, 1);
  const movesLen = split(moving, nMoves, Math.min(4, Math.floor(moving / nMoves)));
  // Interleave: stop, move, stop, move … (or move first).
  const episodes: { stop: boolean; len: number }[] = [];
  let si = 0;
  let mi = 0;
  let stopTurn = startsStopped;
  while (si < stopsLen.length || mi < movesLen.length) {
    if (stopTurn && si < stopsLen.length) episodes.push({ stop: true, len: stopsLen[si++]! });
    else if (!stopTurn && mi < movesLen.length) episodes.push({ stop: false, len: movesLen[mi++]! });
    stopTurn = !stopTurn;
  }
  // Knots: a stop of L intervals holds L + 1 zero knots (shared with its neighbours); a move of
  // L intervals holds positive knots strictly inside, so every interval of it moves.
  let k = 0;
  for (let e = 0; e < episodes.length; e++) {
    const ep = episodes[e]!;
    if (!ep.stop) {
      const first = e === 0;
      const last = e === episodes.length - 1;
      const ramp = 2 + rng.int(3);
      for (let j = 0; j <= ep.len; j++) {
        const up = first ? ramp : Math.min(j, ramp);
        const down = last ? ramp : Math.min(ep.len - j, ramp);
        out[k + j] = (v * Math.min(up, down)) / ramp;
      }
    }
    k += ep.len;
  }
  // After the observation: the last episode goes on.
  const tail = episodes[episodes.length - 1]!;
  for (let i = nObs + 1; i < n; i++) out[i] = tail.stop ? 0 : v;
  return out;
}

/**
 * Spread mode: a speed series drawn around the class `drawnFor` but across its thresholds,
 * so that velocities are continuous over the class boundaries; the vessel's class is then
 * derived from the series with the thresholds (flow-thresholds.ts).
 *  drawn 3: pulsatile, mean log-uniform in [180, 2.2 × continuousMean] µm/s (≈ 20 % below 300);
 *  drawn 2: pulsatile, mean log-uniform in [70, 520] µm/s (≈ 70 % below 300);
 *  drawn 1: stopped fraction uniform in [0.3, 0.98], moving at 150–900 µm/s;
 *  drawn 0: never moving (40 %), or stopped 80–100 % of the time, moving at 60–400 µm/s.
 */
export function speedSeriesSpread(rng: Rng, drawnFor: FlowClass, durationS: number, opts: Pick<FlowOptions, 'continuousMeanUmPerS'>, baseOverride?: number): Float64Array {
  const h = VELOCITY_STEP_S;
  const n = Math.ceil((durationS + 0.2) / h) + 2;
  switch (drawnFor) {
    case 3: {
      const base = baseOverride ?? logUniform(rng, 180, Math.max(400, 2.2 * opts.continuousMeanUmPerS));
      return pulsatile(rng, n, h, base, rng.range(0.05, 0.15), 0.04);
    }
    case 2: {
      const base = baseOverride ?? logUniform(rng, 70, 520);
      return pulsatile(rng, n, h, base, rng.range(0.03, 0.15), 0.03);
    }
    case 1: {
      const sf = rng.range(0.3, 0.98);
      const sp: [number, number] = baseOverride !== undefined ? [baseOverride, baseOverride * (1 + 1e-9)] : [150, 900];
      return episodesWithStoppedFraction(rng, n, h, durationS, sf, sp);
    }
    case 0: {
      if (rng.chance(0.4)) return new Float64Array(n);
      const sf = rng.range(0.8, 1);
      const sp: [number, number] = baseOverride !== undefined ? [baseOverride, baseOverride * (1 + 1e-9)] : [60, 400];
      return episodesWithStoppedFraction(rng, n, h, durationS, sf, sp);
    }
    default:
      throw new HvmError('E_PHANTOM_FLOW', `unknown flow class ${String(drawnFor)}`);
  }
}

/**
 * Classes for small vessels so that the length fractions follow `mix`: vessels are put in
 * an order (random, or along a smooth random field for clustered patches) and the class
 * intervals of the cumulative length are assigned in turn (0, 1, 2, 3), each vessel taking
 * the class at the middle of its length interval.
 */
export function assignClasses(rng: Rng, vessels: NetworkVessel[], mix: FlowMix, layout: FlowOptions['layout']): Map<string, FlowClass> {
  const items = vessels.map((v) => ({ v, len: polylineLength(v.points), key: 0 }));
  if (layout === 'clustered') {
    const all = vessels.flatMap((v) => v.points);
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const p of all) {
      x0 = Math.min(x0, p[0]); y0 = Math.min(y0, p[1]);
      x1 = Math.max(x1, p[0]); y1 = Math.max(y1, p[1]);
    }
    const field = new ValueNoise2D(rng.fork('cluster'), x0, y0, x1 - x0 + 1, y1 - y0 + 1, 180);
    for (const it of items) {
      const mid: Point = it.v.points[it.v.points.length >> 1]!;
      it.key = field.sample(mid[0], mid[1]) + 0.05 * rng.normal();
    }
    items.sort((a, b) => a.key - b.key || (a.v.id < b.v.id ? -1 : 1));
  } else {
    rng.shuffle(items);
  }
  const total = items.reduce((s, it) => s + it.len, 0);
  const bounds = [mix[0], mix[0] + mix[1], mix[0] + mix[1] + mix[2]].map((f) => f * total);
  const out = new Map<string, FlowClass>();
  let acc = 0;
  for (const it of items) {
    const mid = acc + it.len / 2;
    acc += it.len;
    const cls: FlowClass = mid < bounds[0]! ? 0 : mid < bounds[1]! ? 1 : mid < bounds[2]! ? 2 : 3;
    out.set(it.v.id, cls);
  }
  return out;
}

export interface IsolatedFlowSpec {
  flowClass?: FlowClass;
  velocityUmPerS?: number;
}

/** Flow for every vessel of a network over a clip of `durationS` seconds. */
export function generateFlows(
  rng: Rng,
  vessels: NetworkVessel[],
  durationS: number,
  options: Partial<FlowOptions> = {},
  isolatedSpecs?: IsolatedFlowSpec[],
): Map<string, VesselFlow> {
  const opts: FlowOptions = { ...defaultFlowOptions, ...options };
  const mix = resolveMix(opts.mix);
  const small = vessels.filter((v) => v.kind !== 'venule');
  const classes = assignClasses(rng.fork('classes'), small, mix, opts.layout);
  const venules = vessels.filter((v) => v.kind === 'venule');
  const stoppedVenules = new Set(
    typeof opts.pressureStoppedVenules === 'number' ? venules.slice(0, opts.pressureStoppedVenules).map((v) => v.id) : opts.pressureStoppedVenules,
  );
  for (const id of stoppedVenules) {
    if (!venules.some((v) => v.id === id)) throw new HvmError('E_PHANTOM_OPTIONS', `pressure-stopped venule "${id}" is not in the network`);
  }
  const out = new Map<string, VesselFlow>();
  vessels.forEach((v, idx) => {
    const vr = rng.fork(`flow:${v.id}`);
    const spec = isolatedSpecs?.[idx];
    const pressureStopped = stoppedVenules.has(v.id);
    let cls: FlowClass = v.kind === 'venule' ? (pressureStopped ? 0 : 3) : classes.get(v.id)!;
    if (spec?.flowClass !== undefined) cls = spec.flowClass;
    const direction = vr.sign();
    if (opts.mode === 'spread' && v.kind !== 'venule') {
      // Spread: draw around the assigned class, then derive the class from the series.
      const th = opts.thresholds ?? DEFAULT_FLOW_THRESHOLDS;
      const speed = speedSeriesSpread(vr, cls, durationS, opts, spec?.velocityUmPerS);
      const series = buildSeries(speed, direction, VELOCITY_STEP_S);
      const summary = summarizeVelocity(series, durationS);
      out.set(v.id, { vesselId: v.id, flowClass: classifyVelocity(summary, th), direction, series, summary, pressureStopped, drawnForClass: cls, margin: thresholdMargin(summary, th) });
      return;
    }
    const speed = speedSeries(vr, cls, v.kind, durationS, opts, spec?.velocityUmPerS);
    const series = buildSeries(speed, direction, VELOCITY_STEP_S);
    out.set(v.id, { vesselId: v.id, flowClass: cls, direction, series, summary: summarizeVelocity(series, durationS), pressureStopped });
  });
  return out;
}
