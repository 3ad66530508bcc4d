/**
 * Velocity, stops and flow class of one space-time diagram.
 *
 * 1. Columns: the longest run of path samples inside the frame in every measured row.
 * 2. Rows are high-passed along the path (illumination and tissue mottle out, the RBC /
 *    plasma-gap pattern kept).
 * 3. Stops, a positive finding (the barcode sign): a frame pair stopLagS apart is stopped when
 *    its row changed by no more than noise — the noise measured on the pair itself from the two
 *    half-lumen lines (their difference holds noise and static structure only, and the static
 *    part cancels between the two frames) — and the row is textured at the scale of cells. An
 *    interval between two frames is stopped when a stopped pair covers it. Intervals next to a
 *    dropped or duplicated frame are gaps: neither stopped nor moving, outside the analysed time.
 *    A pair unchanged but without texture (featureless: a deep vessel, a faint stop under the
 *    bar, a fast column whose cells the exposure smeared) proves neither: on capillaries it is
 *    moving only when its unfiltered row changed (a coarse pattern moved), otherwise its
 *    intervals are unknown, like gaps (params.ts featurelessUnknownMaxDiameterUm) — except in
 *    runs: a blurred capillary's stop has no barcode, only stillness, so a run of such pairs at
 *    least featurelessStopMinS long is a stop when the path shows motion reliably (its moving
 *    pairs come in runs, featurelessStopMinMovingRunS, not as isolated flickers of change) and
 *    the run's first and last rows pass the pair test too (nothing crept through it).
 *    Pairs kS ≥ 2 rows apart overlap, so cells that move in any interval change every pair
 *    covering it, kS consecutive pairs: a run of fewer changed pairs whose neighbours on both
 *    sides were tested and found unchanged is contradicted by them — the change test's chance
 *    exceedance (its ratio of two noise means scatters more on a short path: on stopped phantom
 *    capillaries 11 % of pairs exceed the bar at 20–40 samples, 3 % at 40–80, 1 % at 80–160)
 *    or a glitched frame, not flow. On a path whose barcode-still pairs are at least as many
 *    as its changed ones it proves nothing and leaves the analysed time; where changed pairs
 *    outnumber them, a lone change may be all a smeared fast column shows, and it stays.
 *    Interlaced video is measured per field, and a field row has half the lines across the
 *    lumen: its noise is higher, and a stopped barcode that passes the texture bar in a frame
 *    fell under it in 57–64 % of its field pairs (median texture SNR 1.7 against 3.1
 *    progressive). A stop shows the same barcode in consecutive fields, so per field the
 *    texture is taken on the mean of a row and the next (the two fields of a frame, or of
 *    adjacent frames), against that mean's noise: the bar is judged per frame, as in
 *    progressive video. On capillaries only (featurelessUnknown): wider paths have their own,
 *    lower bar (params.ts stopMinTextureSnrWide), set for a stopped venule's packed texture;
 *    judged per frame it let flowing wide paths of healthy DV clips read stopped (demo clip
 *    PPV, all vessels, 99.4 → 97.0 %; capillaries only 98.4 %).
 *    A column of red cells stops as a whole, so the whole path's row is stopped only while
 *    everything on it is: a path that runs on through a branch point into a vessel that stops
 *    at other times reads stopped only when both are (two intermittent capillaries stopped
 *    67–69 % of the time each read 42 % joined). Paths at least 2 × minPathLengthUm long are
 *    therefore tested half by half too, and the vessel's stopped fraction is the larger of the
 *    whole path's and the mean of its halves'. A vessel's stop is judged on its own lumen: at
 *    an end on a junction the sampled band takes in the other vessels' lumens (their moving
 *    cells, their static structure), so the test leaves stopJunctionMarginUm out there.
 * 4. Per window (windowS): the moving frames are demeaned over time (the static background
 *    out), consecutive moving pairs pooled into one normalised cross-correlation over all
 *    shifts the path allows (overlap ≥ minOverlap); its most significant peak (z-score against
 *    the no-streak SD for its overlap) is the displacement per frame, then refined at the
 *    longest lag that keeps the streak inside the path (precision grows with the lag). No
 *    significant peak while not stopped: the pattern moved further than the path resolves —
 *    faster than resolvable, counted at the path's upper bound, never a stop.
 * 5. The vessel: stopped fraction over the analysed time; moving speed = the windows' streak
 *    speeds averaged by moving time; mean speed (stops included) = moving speed × moving share;
 *    censored "above" when most of the moving time had no resolvable streak (bound: the mean
 *    with those windows at the upper bound); the class from the shared thresholds
 *    (src/metrics/flow-thresholds.ts).
 *
 * Methods: space-time diagrams (Ellis et al. 1992); displacement by cross-correlation of line
 * profiles at a known time lag (Wayland & Johnson 1967; Japee et al. 2004); stops as the
 * static "barcode" of a column of cells (Dobbe et al. 2008; Ince 2018 consensus).
 */
import { classifyVelocity } from '../metrics/flow-thresholds.js';
import type { VelocityEstimate } from '../metrics/types.js';
import type { CoreBackend } from '../backend/types.js';
import { highPass, ncc0, peak, pooledNcc, rowSd } from './correlate.js';
import type { FlowParams } from './params.js';
import type { VesselFlow } from './types.js';

export interface StdRows {
  /** One entry per row in time order; null for a gap. Values NaN where the sample left the frame. */
  rows: (Float32Array | null)[];
  /** Per row: left line − right line across the lumen (noise reference), or null. */
  diffs: (Float32Array | null)[];
  stepUm: number;
  rowStepS: number;
  /**
   * Interlaced video measured per field: each row is one field, two per frame. On capillaries
   * the stop test then judges a row's cell-scale texture on it and the next field together
   * (see step 3).
   */
  fields?: boolean;
}

export interface FlowEstimate extends Omit<VesselFlow, 'id'> {
  usedColumns: [number, number] | null;
  slopeColumnsPerRow: number | null;
}

interface WindowResult {
  known: number;
  stopped: number;
  moving: number;
  /** Moving speed, µm/s (censored: the upper bound); null when undecided. */
  movingSpeed: number | null;
  censored: boolean;
  /** Signed displacement per row, columns (measured windows). */
  dCols: number | null;
  quality: number;
  pairsAt?: PairsAt;
}

type PairsAt = (k: number) => [Float32Array, Float32Array][];

/**
 * A streak slower than this many columns (path samples) per frame at lag 1 counts only when
 * the longer lag confirms it (its peak found again near k·d at lag k, above
 * minPeakCorrelation); otherwise the window has no resolvable streak. Real slow flow keeps its
 * cell pattern over several frames, so the longer lag sees it moved by k·d; a near-zero peak
 * that is gone by lag k is not slow flow but content frozen for a frame or two — H.264 skip
 * blocks in a fast vessel, a codec's static residue — and the cells behind it are too fast to
 * follow. Without this rule fast capillaries on lossy clips read "slower than resolvable"
 * (sluggish): on the full phantom set (24 clips, 2026-12-07) truth continuous → engine
 * sluggish 22 of 303 pairs; with it 8. Pooled κ 0.694 → 0.726, exact agreement 86.2 → 90.2 %,
 * MFI (all) within ±0.25 on 20 → 22 clips, MFI quadrants 18 → 20; cost: intermittent read
 * continuous 1 → 4 of 35. 0.5 and 2 columns give κ 0.722 and 0.719.
 */
export const SLOW_STREAK_CONFIRM_COLUMNS = 1;

/**
 * The streak of a set of moving frame pairs: pooled NCC at lag 1 over all shifts |s| ≤ sMax,
 * its peak, then refined at the longest lag k ≤ maxLagFrames keeping k·d inside 0.6·sMax.
 * Returns the displacement per row (columns, signed) and the peak correlation; 'none' when
 * no peak reaches minPeakCorrelation, or when a streak slower than
 * SLOW_STREAK_CONFIRM_COLUMNS is not found again at the longer lag; null without pairs.
 */
function streak(core: CoreBackend, pairsAt: PairsAt, sMax: number, minOverlap: number, stepUm: number, p: FlowParams): { d: number; q: number } | 'none' | null {
  const pairs1 = pairsAt(1);
  if (pairs1.length === 0) return null;
  const c1 = pooledNcc(core, pairs1, -sMax, sMax, minOverlap);
  // Significance: under no streak the pooled NCC at shift s has SD ≈ sqrt(c / (overlap · pairs)),
  // c the pattern's correlation length in samples; the peak is chosen by this z-score (a short
  // overlap at a large shift must not win by chance) and must reach both bars.
  const L = pairs1[0]![0].length;
  const cl = Math.max(1, p.patternCorrelationUm / stepUm);
  const z = new Float64Array(c1.length).fill(Number.NaN);
  for (let i = 0; i < c1.length; i++) {
    if (Number.isFinite(c1[i]!)) z[i] = c1[i]! * Math.sqrt(((L - Math.abs(i - sMax)) * pairs1.length) / cl);
  }
  const pz = peak(z);
  if (pz === null || pz.value < p.minPeakZ || c1[pz.index]! < p.minPeakCorrelation) return 'none';
  const pk = peak(c1, pz.index, pz.index);
  if (pk === null) return 'none';
  {
    const l = pz.index > 0 ? c1[pz.index - 1]! : Number.NaN;
    const r = pz.index < c1.length - 1 ? c1[pz.index + 1]! : Number.NaN;
    const v = c1[pz.index]!;
    const den = l - 2 * v + r;
    pk.offset = Number.isFinite(den) && den < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (l - r)) / den)) : 0;
  }
  let d = pk.index - sMax + pk.offset;
  let q = pk.value;
  const k = Math.min(p.maxLagFrames, Math.floor((0.6 * sMax) / Math.max(Math.abs(d), 0.5)));
  let confirmed = false;
  if (k >= 2) {
    const pairsK = pairsAt(k);
    if (pairsK.length > 0) {
      const half = Math.max(2, Math.ceil(0.3 * k * Math.abs(d)));
      const lo = Math.max(-sMax, Math.round(k * d) - half);
      const hi = Math.min(sMax, Math.round(k * d) + half);
      const ck = pooledNcc(core, pairsK, lo, hi, minOverlap);
      const pk2 = peak(ck);
      if (pk2 !== null && pk2.value >= p.minPeakCorrelation && pk2.index > 0 && pk2.index < ck.length - 1) {
        d = (lo + pk2.index + pk2.offset) / k;
        q = Math.max(q, pk2.value);
        confirmed = true;
      }
    }
  }
  // A slow streak must be seen again at the longer lag (see SLOW_STREAK_CONFIRM_COLUMNS).
  if (!confirmed && Math.abs(d) < SLOW_STREAK_CONFIRM_COLUMNS) return 'none';
  return { d, q: Math.min(1, q) };
}

const nullVelocity: VelocityEstimate = { valueUmPerS: null, lowerBoundUmPerS: null, upperBoundUmPerS: null, censored: null };

function unclassified(reason: string, extra: Partial<FlowEstimate> = {}): FlowEstimate {
  return {
    velocity: nullVelocity,
    measurableRangeUmPerS: null,
    confidence: 0,
    series: { stepS: 0, valuesUmPerS: [] },
    stoppedFraction: null,
    flowClass: null,
    reason,
    direction: 0,
    usedColumns: null,
    slopeColumnsPerRow: null,
    ...extra,
  };
}

/**
 * Running mean of (a − b) over ± r samples, into out (valid for r ≤ i < n − r; the rest is 0).
 * pre: scratch of n + 1. The stop test calls it for every frame pair, so the caller keeps the
 * buffers for the whole diagram instead of allocating two arrays per pair.
 */
function smooth(a: Float32Array, b: Float32Array, r: number, out: Float64Array, pre: Float64Array): Float64Array {
  const n = a.length;
  pre[0] = 0;
  for (let i = 0; i < n; i++) pre[i + 1] = pre[i]! + a[i]! - b[i]!;
  out.fill(0, 0, Math.min(r, n));
  for (let i = r; i < n - r; i++) out[i] = (pre[i + r + 1]! - pre[i - r]!) / (2 * r + 1);
  out.fill(0, Math.max(r, n - r), n);
  return out;
}

/** Samples per row (the path's length in samples), 0 without rows. */
function sampleCount(rows: (Float32Array | null)[]): number {
  return rows.find((r) => r !== null)?.length ?? 0;
}

/** The longest run of columns finite in every present row. */
export function usableColumns(rows: (Float32Array | null)[]): [number, number] | null {
  const first = rows.find((r) => r !== null);
  if (first === undefined || first === null) return null;
  const L = first.length;
  const ok = new Uint8Array(L).fill(1);
  for (const r of rows) {
    if (r === null) continue;
    for (let i = 0; i < L; i++) if (!Number.isFinite(r[i]!)) ok[i] = 0;
  }
  let best: [number, number] | null = null;
  let start = -1;
  for (let i = 0; i <= L; i++) {
    if (i < L && ok[i]) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      if (best === null || i - 1 - start > best[1] - best[0]) best = [start, i - 1];
      start = -1;
    }
  }
  return best;
}

/**
 * A run of at most maxRun changed pairs (code 0) whose neighbours on both sides were tested
 * unchanged (1 stopped, 2 featureless) becomes −1 (no evidence), on a path whose stopped pairs
 * are at least as many as its changed ones (estimateFlow's file comment, step 3). Pairs kS
 * rows apart: cells moving in one interval change kS consecutive pairs, so maxRun = kS − 1.
 * In place; the runs are found on the codes as given, so two lone changes do not shield each
 * other.
 */
export function dropContradictedChanges(codes: Int8Array, maxRun = 1): void {
  let stopped = 0;
  let changed = 0;
  for (const c of codes) {
    if (c === 1) stopped++;
    else if (c === 0) changed++;
  }
  if (stopped < changed) return;
  const runs: [number, number][] = [];
  for (let t = 1; t + 1 < codes.length; t++) {
    if (codes[t] !== 0 || codes[t - 1]! < 1) continue;
    let e = t;
    while (e + 1 < codes.length && codes[e + 1] === 0) e++;
    if (e + 1 < codes.length && codes[e + 1]! >= 1 && e - t + 1 <= maxRun) runs.push([t, e]);
    t = e;
  }
  for (const [a, b] of runs) codes.fill(-1, a, b + 1);
}

/**
 * Flow of one diagram. stopTextureSnr: the barcode's texture bar for this path (params.ts
 * stopTextureBar: it depends on the vessel's width), default p.stopMinTextureSnr.
 * featurelessUnknown: whether an unchanged pair without texture is evidence of nothing (step 3;
 * params.ts featurelessIsUnknown: capillaries) rather than moving. junctionEnds: whether the
 * path's first and last samples lie on a junction (the stop test leaves a margin there). The
 * core runs the correlation sums (either backend: the same bits).
 */
export function estimateFlow(
  core: CoreBackend,
  std: StdRows,
  p: FlowParams,
  stopTextureSnr: number = p.stopMinTextureSnr,
  featurelessUnknown = true,
  junctionEnds: readonly [boolean, boolean] = [false, false],
): FlowEstimate {
  const { rows, stepUm, rowStepS } = std;
  // Per field, a capillary's stop texture is judged per frame (file comment, 3).
  const perFrame = std.fields === true && featurelessUnknown;
  const T = rows.length;
  const cols = usableColumns(rows);
  if (cols === null) return unclassified('path not inside the frame');
  const L = cols[1] - cols[0] + 1;
  if (L * stepUm < p.minPathLengthUm) return unclassified(`path shorter than ${p.minPathLengthUm} µm inside the frame`, { usedColumns: cols });
  const minOverlap = Math.max(Math.ceil(L * p.minOverlapFraction), Math.ceil(p.minOverlapUm / stepUm));
  const sMax = L - minOverlap;
  if (sMax < 2) return unclassified('path too short to resolve a displacement', { usedColumns: cols });
  const hiUmPerS = (sMax * stepUm) / rowStepS;
  const kS = Math.max(1, Math.round(p.stopLagS / rowStepS));
  const loUmPerS = stepUm / (kS * rowStepS);
  const range: [number, number] = [loUmPerS, hiUmPerS];
  if (hiUmPerS <= p.sluggishMaxMeanSpeedUmPerS) {
    return unclassified('path too short: its fastest resolvable speed is under the sluggish threshold', { usedColumns: cols, measurableRangeUmPerS: range });
  }

  // High-passed rows over the usable columns.
  const hpR = Math.max(1, Math.round(p.highPassRadiusUm / stepUm));
  const hp: (Float32Array | null)[] = rows.map((r) => (r === null ? null : highPass(r.slice(cols[0], cols[1] + 1), hpR)));
  // Texture at the scale of single cells (± stopTextureRadiusUm): what a barcode of RBCs has and
  // a blurred (out-of-focus) or featureless column lacks.
  const fineR = Math.max(1, Math.round(p.stopTextureRadiusUm / stepUm));
  const fine = hp.map((r) => (r === null ? null : highPass(r, fineR)));
  const diffs = std.diffs.map((r) => (r === null ? null : r.slice(cols[0], cols[1] + 1)));

  // Stop test on pairs (t, t + kS): the change of the row, D = mean (a − b)², against its noise.
  // The row is the mean of two half-lumen lines l, r with independent noise of variance σ²;
  // (l − r) keeps their static difference and noise, so ν = mean ((l−r)_a − (l−r)_b)² = 4σ²
  // exactly when nothing but noise changed, and a stopped pair has D = var(noise of a − b) = σ².
  // ratio = 4D / ν ≈ 1 stopped, ≫ 1 moving. Texture: var(fine row) / (σ²/2) ≥ stopTextureSnr.
  const sm = Math.max(1, Math.round(p.stopSmoothUm / stepUm));
  // Per pair, over the samples [lo, hi) of the path: -1 no pair, 0 moving, 1 stopped, 2 unchanged
  // but featureless (no evidence). x, y: the pair's smoothed row and noise-reference changes;
  // xr: the smoothed change of its unfiltered rows, computed only for a featureless pair.
  const pairCode = (x: Float64Array, y: Float64Array, xr: () => Float64Array, lo: number, hi: number, texSd: number): 0 | 1 | 2 => {
    let D = 0;
    let nu = 0;
    for (let i = lo; i < hi; i++) {
      D += x[i]! * x[i]!;
      nu += y[i]! * y[i]!;
    }
    D /= hi - lo;
    nu /= hi - lo;
    const ratio = nu > 0 ? (4 * D) / nu : Number.POSITIVE_INFINITY;
    // Noise variance of one unsmoothed row (mean of the two lines); of a two-field mean per field.
    const noiseRow = ((nu * (2 * sm + 1)) / 8) * (perFrame ? 0.5 : 1);
    const tex = texSd * texSd;
    // Unchanged up to noise, and textured at the cell scale well above noise: a barcode, not
    // the faint static residue of a fast column whose cells the exposure or codec averaged away.
    if (ratio > p.stopMaxNoiseRatio) return 0;
    if (tex >= stopTextureSnr * noiseRow) return 1;
    if (!featurelessUnknown) return 0;
    // Featureless and unchanged at the cell scale. The same test on the unfiltered rows:
    // a pattern coarser than the high-pass (cells smeared by the exposure, blurred by depth)
    // that moved changes them beyond noise; a featureless stop does not.
    const r = xr();
    let Dr = 0;
    for (let i = lo; i < hi; i++) Dr += r[i]! * r[i]!;
    Dr /= hi - lo;
    return nu > 0 && (4 * Dr) / nu > p.stopMaxNoiseRatio ? 0 : 2;
  };
  // Halves of the path, each tested on its own when both are long enough (file comment, 3).
  const half = Math.floor(L / 2);
  // The stop test's window (change and texture alike): the path less stopSmoothUm at each
  // end, and less stopJunctionMarginUm at an end on a junction (file comment, 3), kept whole
  // where the margins would leave less than minOverlapUm. Margins count from the path's ends:
  // columns cut off by the frame already stand in for them.
  const margin = Math.round(p.stopJunctionMarginUm / stepUm);
  const atStart = junctionEnds[0] ? Math.max(0, margin - cols[0]) : 0;
  const atEnd = junctionEnds[1] ? Math.max(0, margin - (sampleCount(rows) - 1 - cols[1])) : 0;
  const marginsFit = L - 2 * sm - atStart - atEnd >= Math.ceil(p.minOverlapUm / stepUm);
  const sLo = sm + (marginsFit ? atStart : 0);
  const sHi = L - sm - (marginsFit ? atEnd : 0);
  const halves: [number, number][] = L * stepUm >= 2 * p.minPathLengthUm ? [[sLo, half], [half, sHi]] : [];
  // Each row's cell-scale texture over samples [lo, hi); per field, of a row and the next
  // together (file comment, 3).
  const textureOver = (lo: number, hi: number): number[] => {
    const m = new Float32Array(hi - lo);
    return fine.map((a, t) => {
      if (a === null) return 0;
      const b = perFrame ? fine[t + 1] : null;
      if (b == null) return rowSd(a.subarray(lo, hi));
      for (let i = lo; i < hi; i++) m[i - lo] = (a[i]! + b[i]!) / 2;
      return rowSd(m);
    });
  };
  // Over the window (the whole row when no margin applies and rows are judged alone).
  const winSdFine = !perFrame && sLo === sm && sHi === L - sm ? textureOver(0, L) : textureOver(sLo, sHi);
  // Over each half, once per row (a row is in two pairs).
  const halfSdFine = halves.map(([lo, hi]) => textureOver(lo, hi));
  const pairStop = new Int8Array(T).fill(-1);
  const halfStop = halves.map(() => new Int8Array(T).fill(-1));
  const pairCorr = new Float64Array(T);
  // The smoothed differences of rows a and b (pairCode's x, y and xr), into buffers kept for
  // the whole diagram (one pair at a time); null when either row is missing. Both are smoothed
  // alike along the path (± stopSmoothUm): the interpolation phase of a sharp barcode changes
  // with sub-pixel camera motion and would read as change; smoothing both sides the same way
  // keeps the ratio's noise calibration. The unfiltered rows' change is computed on demand.
  const rawRows = rows.map((r) => (r === null ? null : r.subarray(cols[0], cols[1] + 1)));
  const smPre = new Float64Array(L + 1);
  const smX = new Float64Array(L);
  const smY = new Float64Array(L);
  const smRaw = new Float64Array(L);
  const pairDiffs = (a: number, b: number): { x: Float64Array; y: Float64Array; xr: () => Float64Array } | null => {
    const ha = hp[a], hb = hp[b], da = diffs[a], db = diffs[b];
    if (ha == null || hb == null || da == null || db == null) return null;
    let raw: Float64Array | null = null;
    return {
      x: smooth(ha, hb, sm, smX, smPre),
      y: smooth(da, db, sm, smY, smPre),
      xr: () => (raw ??= smooth(rawRows[a]!, rawRows[b]!, sm, smRaw, smPre)),
    };
  };
  for (let t = 0; t + kS < T; t++) {
    const d = pairDiffs(t, t + kS);
    if (d === null) continue;
    const { x, y, xr } = d;
    pairCorr[t] = ncc0(hp[t]!, hp[t + kS]!);
    pairStop[t] = pairCode(x, y, xr, sLo, sHi, Math.min(winSdFine[t]!, winSdFine[t + kS]!));
    halves.forEach(([lo, hi], h) => {
      halfStop[h]![t] = pairCode(x, y, xr, lo, hi, Math.min(halfSdFine[h]![t]!, halfSdFine[h]![t + kS]!));
    });
  }
  // Runs of featureless unchanged pairs read as stops on a path that shows motion reliably
  // (file comment, 3; params.ts featurelessStopMinS).
  if (featurelessUnknown) {
    const minRun = Math.max(1, Math.round(p.featurelessStopMinS / rowStepS));
    const minMovingRun = p.featurelessStopMinMovingRunS / rowStepS;
    const confirmFeaturelessStops = (codes: Int8Array, lo: number, hi: number, texSd: readonly number[]): void => {
      // Motion seen in runs: the mean length of the path's runs of moving pairs.
      let moving = 0;
      let movingRuns = 0;
      for (let t = 0; t < T; t++) {
        if (codes[t] !== 0) continue;
        moving++;
        if (t === 0 || codes[t - 1] !== 0) movingRuns++;
      }
      if (movingRuns === 0 || moving / movingRuns < minMovingRun) return;
      for (let t = 0; t < T; ) {
        if (codes[t] !== 2) {
          t++;
          continue;
        }
        let e = t;
        while (e + 1 < T && codes[e + 1] === 2) e++;
        // The run's first and last rows pass the pair test too (nothing drifted slowly through it).
        const d = e - t + 1 >= minRun ? pairDiffs(t, e + kS) : null;
        if (d !== null && pairCode(d.x, d.y, d.xr, lo, hi, Math.min(texSd[t]!, texSd[e + kS]!)) !== 0) codes.fill(1, t, e + 1);
        t = e + 1;
      }
    };
    confirmFeaturelessStops(pairStop, sLo, sHi, winSdFine);
    halves.forEach(([lo, hi], h) => confirmFeaturelessStops(halfStop[h]!, lo, hi, halfSdFine[h]!));
  }
  // Changes contradicted by both neighbours leave the analysed time (file comment, 3; with
  // kS = 1 pairs do not overlap and none is). After the featureless runs: their
  // motion-in-runs test must still see a smeared column's flickers.
  dropContradictedChanges(pairStop, kS - 1);
  halfStop.forEach((codes) => dropContradictedChanges(codes, kS - 1));
  // Interval i (rows i, i + 1): a gap when either row is missing; stopped when a stopped pair
  // covers it (a stopped pair means every interval inside it is stopped: rows a … a + kS show
  // the same pattern), moving when a moving pair covers it and none is stopped, unknown when a
  // gap leaves no covering pair or only featureless unchanged pairs cover it. Stops shorter
  // than stopLagS are not seen.
  const nI = Math.max(0, T - 1);
  const intervalStates = (codes: Int8Array): Int8Array => {
    const st = new Int8Array(nI).fill(-1);
    for (let i = 0; i < nI; i++) {
      if (hp[i] === null || hp[i + 1] === null) continue;
      // No covering pair evaluated (a gap within stopLagS): no evidence either way, unknown.
      for (let a = Math.max(0, i - kS + 1); a <= i; a++) {
        if (codes[a] === 1) {
          st[i] = 1;
          break;
        }
        if (codes[a] === 0) st[i] = 0;
      }
    }
    return st;
  };
  const state = intervalStates(pairStop);
  // The halves' stopped fractions, when each has enough analysed time.
  const halfFractions = halfStop.flatMap((codes) => {
    let known = 0;
    let stopped = 0;
    for (const v of intervalStates(codes)) {
      if (v < 0) continue;
      known++;
      if (v === 1) stopped++;
    }
    return known * rowStepS >= p.minAnalysedS ? [stopped / known] : [];
  });
  const halvesStopped = halfFractions.length === 2 ? (halfFractions[0]! + halfFractions[1]!) / 2 : null;

  // Windows of intervals.
  const nW = Math.max(2, Math.round(p.windowS / rowStepS));
  const bounds: [number, number][] = [];
  for (let s = 0; s < nI; s += nW) bounds.push([s, Math.min(nI, s + nW)]);
  if (bounds.length > 1 && bounds[bounds.length - 1]![1] - bounds[bounds.length - 1]![0] < nW / 2) {
    const last = bounds.pop()!;
    bounds[bounds.length - 1]![1] = last[1];
  }
  const movingRow = (t: number): boolean => hp[t] !== null && ((t > 0 && state[t - 1] === 0) || (t < nI && state[t] === 0));
  const windows: WindowResult[] = bounds.map(([i0, i1]) => {
    let known = 0;
    let stopped = 0;
    let stopQ = 0;
    for (let i = i0; i < i1; i++) {
      if (state[i]! < 0) continue;
      known++;
      if (state[i] === 1) stopped++;
    }
    const moving = known - stopped;
    for (let t = i0; t < i1; t++) if (pairStop[t] === 1) stopQ = Math.max(stopQ, pairCorr[t]!);
    if (known === 0) return { known, stopped, moving, movingSpeed: null, censored: false, dCols: null, quality: 0 };
    if (moving === 0) return { known, stopped, moving, movingSpeed: 0, censored: false, dCols: 0, quality: stopQ };
    // Temporal mean of the moving rows over this window and its neighbours.
    const ctx0 = Math.max(0, i0 - nW);
    const ctx1 = Math.min(T - 1, i1 + nW);
    const mean = new Float64Array(L);
    let nm = 0;
    for (let t = ctx0; t <= ctx1; t++) {
      if (!movingRow(t)) continue;
      const r = hp[t]!;
      for (let i = 0; i < L; i++) mean[i] += r[i]!;
      nm++;
    }
    const dm = new Map<number, Float32Array>();
    const demeaned = (t: number): Float32Array => {
      let r = dm.get(t);
      if (r === undefined) {
        const h = hp[t]!;
        r = new Float32Array(L);
        for (let i = 0; i < L; i++) r[i] = nm >= 4 ? h[i]! - mean[i]! / nm : h[i]!;
        dm.set(t, r);
      }
      return r;
    };
    const pairsAt = (k: number): [Float32Array, Float32Array][] => {
      const out: [Float32Array, Float32Array][] = [];
      for (let t = i0; t < i1; t++) {
        if (t + k >= T || hp[t] === null || hp[t + k] === null) continue;
        let ok = true;
        for (let i = t; i < t + k; i++) if (state[i] !== 0) ok = false;
        if (ok) out.push([demeaned(t), demeaned(t + k)]);
      }
      return out;
    };
    const st = streak(core, pairsAt, sMax, minOverlap, stepUm, p);
    if (st === null) return { known, stopped, moving, movingSpeed: null, censored: false, dCols: null, quality: 0, pairsAt };
    if (st === 'none') return { known, stopped, moving, movingSpeed: hiUmPerS, censored: true, dCols: null, quality: 0.5, pairsAt };
    const speed = (Math.abs(st.d) * stepUm) / rowStepS;
    return { known, stopped, moving, movingSpeed: speed, censored: false, dCols: st.d, quality: st.q, pairsAt };
  });

  // The vessel's moving speed: the mean of its windows' streak speeds, weighted by moving time.
  // Windows without a peak of their own are faster than resolvable only when the vessel is
  // near its bound; otherwise (a noisy window in a vessel whose streak is well inside the
  // range) they are undecided, not censored.
  let vw = 0;
  let vs = 0;
  for (const w of windows) {
    if (w.movingSpeed === null || w.censored || w.moving === 0) continue;
    vw += w.moving;
    vs += w.movingSpeed * w.moving;
  }
  const vesselSpeed = vw > 0 ? vs / vw : null;
  if (vesselSpeed !== null && vesselSpeed < 0.7 * hiUmPerS) {
    for (const w of windows) {
      if (w.censored) {
        w.censored = false;
        w.movingSpeed = null;
        w.quality = 0;
      }
    }
  }

  const knownTotal = windows.reduce((s, w) => s + w.known, 0);
  const analysedS = knownTotal * rowStepS;
  const stepS = nW * rowStepS;
  const series = windows.map((w) => (w.movingSpeed === null ? null : (w.movingSpeed * w.moving) / w.known));
  if (analysedS < p.minAnalysedS) {
    return unclassified(`too few seconds analysed (${analysedS.toFixed(2)} s < ${p.minAnalysedS} s)`, { usedColumns: cols, measurableRangeUmPerS: range, series: { stepS, valuesUmPerS: series } });
  }
  const stoppedTotal = windows.reduce((s, w) => s + w.stopped, 0);
  // A stop is simultaneous along one vessel: halves stopped more than the whole path mean
  // the path spans vessels that stop at different times (file comment, 3).
  const stoppedFraction = Math.max(stoppedTotal / knownTotal, halvesStopped ?? 0);
  let decidedKnown = 0;
  let speedSum = 0;
  let movingDecided = 0;
  let movingCensored = 0;
  let qSum = 0;
  let dSum = 0;
  let dW = 0;
  for (const w of windows) {
    if (w.movingSpeed === null) continue;
    decidedKnown += w.known;
    speedSum += (w.movingSpeed * w.moving);
    movingDecided += w.moving;
    if (w.censored) movingCensored += w.moving;
    qSum += w.quality * w.known;
    if (w.dCols !== null && w.moving > 0 && !w.censored) {
      dSum += w.dCols * w.moving;
      dW += w.moving;
    }
  }
  if (decidedKnown === 0 && stoppedTotal === 0) return unclassified('no window could be decided', { usedColumns: cols, measurableRangeUmPerS: range });
  const movingShare = 1 - stoppedFraction;
  // Mean speed over the analysed time, stops included: the vessel's streak speed × its moving
  // share; windows faster than resolvable enter at the upper bound (a lower bound of the mean).
  const windowMean = decidedKnown > 0 ? speedSum / decidedKnown : 0;
  const censoredShare = movingDecided > 0 ? movingCensored / movingDecided : 0;
  let meanSpeed: number;
  let velocity: VelocityEstimate;
  if (movingShare === 0) {
    meanSpeed = 0;
    velocity = { valueUmPerS: null, lowerBoundUmPerS: 0, upperBoundUmPerS: loUmPerS, censored: 'below' };
  } else if (vesselSpeed === null || censoredShare > 0.5) {
    // No streak in most of the moving time: faster than resolvable. Perfused, never a guess;
    // the bound is the mean with those windows at the path's upper bound.
    meanSpeed = windowMean > 0 ? windowMean : hiUmPerS * movingShare;
    velocity = { valueUmPerS: null, lowerBoundUmPerS: meanSpeed, upperBoundUmPerS: null, censored: 'above' };
  } else {
    // Windows faster than resolvable (a minority here) enter at the upper bound.
    meanSpeed = ((vs + hiUmPerS * movingCensored) / (vw + movingCensored)) * movingShare;
    velocity = meanSpeed < loUmPerS
      ? { valueUmPerS: null, lowerBoundUmPerS: 0, upperBoundUmPerS: loUmPerS, censored: 'below' }
      : { valueUmPerS: meanSpeed, lowerBoundUmPerS: meanSpeed, upperBoundUmPerS: meanSpeed, censored: null };
  }
  const confidence = knownTotal > 0 ? (decidedKnown / knownTotal) * (decidedKnown > 0 ? qSum / decidedKnown : 0) : 0;
  const flowClass = classifyVelocity({ stoppedFraction, meanUmPerS: meanSpeed }, {
    noFlowMinStoppedFraction: p.noFlowMinStoppedFraction,
    intermittentMinStoppedFraction: p.intermittentMinStoppedFraction,
    sluggishMaxMeanSpeedUmPerS: p.sluggishMaxMeanSpeedUmPerS,
  });
  const slope = dW > 0 ? dSum / dW : null;
  const direction: 1 | -1 | 0 = flowClass === 0 || slope === null || slope === 0 ? 0 : slope > 0 ? 1 : -1;
  return {
    velocity,
    measurableRangeUmPerS: range,
    confidence,
    series: { stepS, valuesUmPerS: series },
    stoppedFraction,
    flowClass,
    reason: null,
    direction,
    usedColumns: cols,
    slopeColumnsPerRow: slope,
  };
}
