/**
 * The velocity estimator on small known space-time diagrams (scikit-image style: a pattern
 * built so the answer is known exactly), one behaviour per test, each with its tolerance.
 */
import { describe, expect, test } from 'vitest';
import { highPass, rowSd } from '../../src/flow/correlate.js';
import { dropContradictedChanges, estimateFlow, usableColumns } from '../../src/flow/estimate.js';
import { DEFAULT_FLOW_PARAMS, resolveFlowParams, stopTextureBar } from '../../src/flow/params.js';
import { eachBackend, rng } from '../backend/helpers.js';

/** The correlation sums run in the core; either backend gives the same bits (parity tests). */
const core = eachBackend()[0]!;

const P = DEFAULT_FLOW_PARAMS;
const FPS = 25;
const STEP_UM = 1;

/** A random RBC-like barcode (blobs 3–8 samples, contrast 20) as a function of position. */
function barcode(seed: number, length: number): (x: number) => number {
  const r = rng(seed);
  const knots = Array.from({ length }, () => (r() < 0.5 ? 85 : 105));
  // Smooth with a short box so the pattern is band-limited (sub-sample shifts interpolate).
  return (x: number): number => {
    const i = Math.floor(x);
    const f = x - i;
    const at = (j: number): number => knots[((j % length) + length) % length]!;
    let s = 0;
    for (let d = -1; d <= 1; d++) s += (1 - f) * at(i + d) + f * at(i + d + 1);
    return s / 3;
  };
}

/**
 * STD rows of a column whose true grey level at row t, sample i is value(t, i): two half-lines
 * with independent Gaussian noise (SD sd, from rng(noiseSeed)), row = their mean, diff = their
 * difference; null rows at gaps (no noise drawn for them).
 */
function noisyStd(cols: number, nRows: number, value: (t: number, i: number) => number, o: { noiseSeed: number; sd?: number; gaps?: number[] }) {
  const nr = rng(o.noiseSeed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(nr() + 1e-12)) * Math.cos(2 * Math.PI * nr());
  const sd = o.sd ?? 1;
  const rows: (Float32Array | null)[] = [];
  const diffs: (Float32Array | null)[] = [];
  for (let t = 0; t < nRows; t++) {
    if (o.gaps?.includes(t)) {
      rows.push(null);
      diffs.push(null);
      continue;
    }
    const row = new Float32Array(cols);
    const diff = new Float32Array(cols);
    for (let i = 0; i < cols; i++) {
      const v = value(t, i);
      const l = v + sd * gauss();
      const r = v + sd * gauss();
      row[i] = (l + r) / 2;
      diff[i] = l - r;
    }
    rows.push(row);
    diffs.push(diff);
  }
  return { rows, diffs, stepUm: STEP_UM, rowStepS: 1 / FPS };
}

/** STD rows: pattern moved by dPerRow samples per row (contrast × amplitude); noise SD per half-line; null rows at gaps. */
function makeStd(o: { cols: number; rows: number; dPerRow: number | ((t: number) => number); noise?: number; gaps?: number[]; seed?: number; amplitude?: number }) {
  const pat = barcode(o.seed ?? 1, 4096);
  const x0: number[] = [];
  for (let t = 0, x = 0; t < o.rows; t++) {
    if (t > 0) x += typeof o.dPerRow === 'number' ? o.dPerRow : o.dPerRow(t);
    x0.push(x);
  }
  const amplitude = o.amplitude ?? 1;
  return noisyStd(o.cols, o.rows, (t, i) => 95 + amplitude * (pat(i - x0[t]! + 2000) - 95), { noiseSeed: (o.seed ?? 1) + 1000, sd: o.noise ?? 1, ...(o.gaps ? { gaps: o.gaps } : {}) });
}

describe('estimateFlow on synthetic space-time diagrams', () => {
  test('a pattern moving 6 samples per row: 150 µm/s, direction +1, class 2 (tolerance 2 %)', () => {
    const e = estimateFlow(core, makeStd({ cols: 120, rows: 75, dPerRow: 6 }), P);
    expect(e.velocity.censored).toBeNull();
    expect(Math.abs(e.velocity.valueUmPerS! - 150) / 150).toBeLessThan(0.02);
    expect(e.direction).toBe(1);
    expect(e.flowClass).toBe(2);
    expect(e.stoppedFraction).toBeLessThan(0.05);
  });

  test('moving the other way, 40 samples per row: 1000 µm/s, direction −1, class 3 (tolerance 2 %)', () => {
    const e = estimateFlow(core, makeStd({ cols: 150, rows: 75, dPerRow: -40 }), P);
    expect(Math.abs(e.velocity.valueUmPerS! - 1000) / 1000).toBeLessThan(0.02);
    expect(e.direction).toBe(-1);
    expect(e.flowClass).toBe(3);
  });

  test('a slow speed is refined through the longer lags: 1.3 samples per row = 32.5 µm/s (tolerance 5 %)', () => {
    const e = estimateFlow(core, makeStd({ cols: 120, rows: 75, dPerRow: 1.3, noise: 0.5 }), P);
    expect(e.velocity.valueUmPerS).not.toBeNull();
    expect(Math.abs(e.velocity.valueUmPerS! - 32.5) / 32.5).toBeLessThan(0.05);
  });

  test('slow flow under one sample per frame is confirmed at the longer lag and stays slow (sluggish), never "too fast"', () => {
    const e = estimateFlow(core, makeStd({ cols: 120, rows: 75, dPerRow: 0.8, noise: 0.5 }), P);
    expect(e.velocity.censored).not.toBe('above');
    expect(e.flowClass).toBe(2);
    if (e.velocity.valueUmPerS !== null) expect(Math.abs(e.velocity.valueUmPerS - 20) / 20).toBeLessThan(0.1);
  });

  test('a fast column whose content freezes for a frame (codec skip blocks) is not slow flow: no resolvable streak, censored above, class 3', () => {
    // The pattern holds for two rows, then jumps 150 samples (far beyond the 120-sample path):
    // half the lag-1 pairs are identical, so lag 1 peaks at shift 0; lag 6 finds nothing there.
    const frozen = makeStd({ cols: 120, rows: 75, dPerRow: (t) => (t % 2 === 0 ? 150 : 0), noise: 0.5 });
    const e = estimateFlow(core, frozen, P);
    expect(e.stoppedFraction!).toBeLessThan(P.intermittentMinStoppedFraction);
    expect(e.velocity.censored).toBe('above');
    expect(e.flowClass).toBe(3);
  });

  test('a static textured column is STOPPED (the barcode): class 0, stoppedFraction 1, direction 0', () => {
    const e = estimateFlow(core, makeStd({ cols: 100, rows: 75, dPerRow: 0 }), P);
    expect(e.stoppedFraction).toBeGreaterThanOrEqual(0.95);
    expect(e.flowClass).toBe(0);
    expect(e.direction).toBe(0);
    expect(e.velocity.censored).toBe('below');
  });

  test('a static column is a stop only when its cell-scale texture stands ≥ stopMinTextureSnr (2) above noise: a faint static residue (a fast column the exposure averaged) is not', () => {
    // Texture SNR as the estimator measures it: var(row high-passed at 8 µm, then 3 µm) over
    // the row's noise variance (noise SD 1 per half-line → σ²/2 for the row).
    const snrOf = (std: ReturnType<typeof makeStd>): number => {
      const r = std.rows[0]!;
      const hp = highPass(highPass(r, Math.round(P.highPassRadiusUm / STEP_UM)), Math.round(P.stopTextureRadiusUm / STEP_UM));
      return rowSd(hp) ** 2 / 0.5;
    };
    expect(P.stopMinTextureSnr).toBe(2);
    // Barcode contrast scaled down to a residue like the phantom's fast static columns (1.3–1.6).
    const faint = makeStd({ cols: 100, rows: 75, dPerRow: 0, amplitude: 0.12 });
    expect(snrOf(faint)).toBeGreaterThan(1.2);
    expect(snrOf(faint)).toBeLessThan(1.6);
    const e1 = estimateFlow(core, faint, P);
    // Row noise lets some pairs through, but too few to be a stop; the rest are unchanged and
    // featureless, evidence of nothing: on a capillary the column is left unclassified.
    expect(e1.flowClass).toBeNull();
    expect(e1.reason).toMatch(/^too few seconds analysed/);
    // Counted as moving (the rule for venules, and for every path before 2026-12-07), the
    // same residue reads flowing, never intermittent or no flow.
    const old = estimateFlow(core, faint, P, P.stopMinTextureSnr, false);
    expect(old.flowClass === 2 || old.flowClass === 3).toBe(true);
    expect(old.stoppedFraction!).toBeLessThan(P.intermittentMinStoppedFraction);
    // Under the old bar (1) the same residue read as no flow: the bar is what separates them.
    expect(estimateFlow(core, faint, resolveFlowParams({ stopMinTextureSnr: 1 })).flowClass).toBe(0);
    // A venule (≥ 20 µm) keeps the bar of 1: its packed, smoother column is a stop at this texture.
    expect(stopTextureBar(8, P)).toBe(2);
    expect(stopTextureBar(26, P)).toBe(1);
    expect(estimateFlow(core, faint, P, stopTextureBar(26, P)).flowClass).toBe(0);
    // The same column with a weak but real barcode (SNR ≈ 3–4) is a stop.
    const weak = makeStd({ cols: 100, rows: 75, dPerRow: 0, amplitude: 0.3 });
    expect(snrOf(weak)).toBeGreaterThan(2.5);
    const e2 = estimateFlow(core, weak, P);
    expect(e2.flowClass).toBe(0);
    expect(e2.stoppedFraction).toBeGreaterThanOrEqual(0.9);
  });

  test('flow faster than the path resolves is censored above with the path bound, and perfused (class 3)', () => {
    // 60 samples, overlap ≥ 20: resolvable ≤ 40 samples/row; the pattern jumps 200 per row.
    const e = estimateFlow(core, makeStd({ cols: 60, rows: 75, dPerRow: 200 }), P);
    expect(e.velocity.censored).toBe('above');
    expect(e.velocity.valueUmPerS).toBeNull();
    expect(e.velocity.lowerBoundUmPerS).toBeCloseTo(40 * STEP_UM * FPS, 6);
    expect(e.measurableRangeUmPerS![1]).toBeCloseTo(1000, 6);
    expect(e.flowClass).toBe(3);
  });

  test('featureless noise is never a stop (no texture), nor flow (nothing moved): unclassified on a capillary, moving where featureless counts as moving', () => {
    const rows = makeStd({ cols: 100, rows: 75, dPerRow: 0, noise: 1 });
    const flat = { ...rows, rows: rows.rows.map((r) => r && r.map((_, i) => 95 + (r[i]! - Math.round(r[i]!)))) };
    const e = estimateFlow(core, flat, P);
    expect(e.flowClass).toBeNull();
    expect(e.reason).toMatch(/^too few seconds analysed/);
    expect(estimateFlow(core, flat, P, P.stopMinTextureSnr, false).flowClass).not.toBe(0);
  });

  test('a faint stop whose barcode sits at the texture bar (about half its pairs under it) is stopped: the pairs under the bar prove nothing, they are not flow', () => {
    const atBar = makeStd({ cols: 100, rows: 75, dPerRow: 0, amplitude: 0.19, seed: 7 });
    const e = estimateFlow(core, atBar, P);
    expect(e.flowClass).toBe(0);
    expect(e.stoppedFraction!).toBeGreaterThanOrEqual(P.noFlowMinStoppedFraction);
    // Counted as moving, those pairs made the stop read intermittent or flowing.
    const old = estimateFlow(core, atBar, P, P.stopMinTextureSnr, false);
    expect(old.flowClass).not.toBe(0);
    expect(old.stoppedFraction!).toBeLessThan(0.8);
  });

  test('a faint stop with a few glitched frames is stopped: a lone changed pair between two unchanged ones is not flow', () => {
    // The faint barcode above (about half its pairs under the texture bar) on a 60-sample path,
    // with a cell-scale disturbance of 3 grey levels in 6 single frames ≥ 11 rows apart: each
    // changes its two pairs (t − 2, t) and (t, t + 2), each pair alone between unchanged ones.
    const pat = barcode(7, 4096);
    const glitched = [10, 21, 33, 44, 56, 67];
    const std = noisyStd(60, 75, (t, i) => 95 + 0.19 * (pat(i + 2000) - 95) + (glitched.includes(t) ? 3 * Math.sin(1.3 * i + t) : 0), { noiseSeed: 1007 });
    const e = estimateFlow(core, std, P);
    expect(e.flowClass).toBe(0);
    expect(e.stoppedFraction!).toBeGreaterThanOrEqual(P.noFlowMinStoppedFraction);
    // (Counted as flow, the glitches' intervals that only featureless pairs also cover made it
    // intermittent: stopped fraction 0.81, class 1, measured before the rule.)
  });

  test('interlaced video, measured per field: a stop\'s texture is judged on a field and the next together (a frame), not on one field\'s noisier row', () => {
    // 150 field rows (50 Hz) of a very faint static barcode, with a cell-scale disturbance in
    // every 12th field (lone changes). Per field about half its pairs lack the texture, and
    // with fewer stopped pairs than changed ones the disturbances carried the known time.
    const pat = barcode(7, 4096);
    const field = { ...noisyStd(100, 150, (t, i) => 95 + 0.1 * (pat(i + 2000) - 95) + (t % 12 === 5 ? 3 * Math.sin(1.3 * i + t) : 0), { noiseSeed: 2007 }), rowStepS: 0.02 };
    const e = estimateFlow(core, { ...field, fields: true }, P);
    expect(e.flowClass).toBe(0);
    expect(e.stoppedFraction!).toBeGreaterThanOrEqual(P.noFlowMinStoppedFraction);
    // The same rows judged one field at a time: intermittent.
    const perRow = estimateFlow(core, field, P);
    expect(perRow.flowClass).toBe(1);
    expect(perRow.stoppedFraction!).toBeLessThan(0.7);
  });

  test('interlaced video: a wide path keeps its own texture bar per field (set for a stopped venule\'s packed texture; per frame, flowing wide paths\' static residue read stopped)', () => {
    // A faint static texture on a 20-µm-class path (bar stopMinTextureSnrWide, unchanged
    // featureless pairs count as moving): judged per field most pairs lack it.
    const pat = barcode(7, 4096);
    const field = { ...noisyStd(100, 150, (_t, i) => 95 + 0.07 * (pat(i + 2000) - 95), { noiseSeed: 3007 }), rowStepS: 0.02, fields: true };
    const e = estimateFlow(core, field, P, P.stopMinTextureSnrWide, false);
    expect(e.flowClass).not.toBe(0);
    expect(e.stoppedFraction!).toBeLessThan(P.noFlowMinStoppedFraction);
    // (Judged per frame, as capillaries are, the same rows read stopped: class 0, 0.97.)
  });

  test('dropContradictedChanges: a lone change between two unchanged pairs is dropped where stops are at least as many as changes (runs shorter than the lag, for pairs 4 rows apart); longer runs, gaps and mostly-moving paths keep theirs', () => {
    const run = (c: number[]): number[] => {
      const codes = Int8Array.from(c);
      dropContradictedChanges(codes);
      return Array.from(codes);
    };
    // Lone changes between stopped or featureless pairs (both decided on the codes as given).
    expect(run([1, 0, 1, 2, 0, 2, 1, 1])).toEqual([1, -1, 1, 2, -1, 2, 1, 1]);
    expect(run([1, 0, 1, 0, 1, 1])).toEqual([1, -1, 1, -1, 1, 1]);
    // Two consecutive changes are what moving cells give: kept. So is a change next to a gap (−1)
    // or at either end (one neighbour untested).
    expect(run([1, 1, 0, 0, 1, 1, 1])).toEqual([1, 1, 0, 0, 1, 1, 1]);
    expect(run([1, -1, 0, 1, 1, 1])).toEqual([1, -1, 0, 1, 1, 1]);
    expect(run([0, 1, 1, 1, 0])).toEqual([0, 1, 1, 1, 0]);
    // More changes than stops (a smeared fast column flickering among featureless pairs): kept.
    expect(run([2, 0, 2, 0, 2, 0, 1, 2])).toEqual([2, 0, 2, 0, 2, 0, 1, 2]);
    // Pairs 4 rows apart (interlaced fields): motion changes 4 consecutive pairs, so runs of up
    // to 3 flanked by unchanged pairs are contradicted, a run of 4 is not.
    const run4 = (c: number[]): number[] => {
      const codes = Int8Array.from(c);
      dropContradictedChanges(codes, 3);
      return Array.from(codes);
    };
    expect(run4([1, 1, 0, 0, 0, 1, 1, 1, 2, 1, 1])).toEqual([1, 1, -1, -1, -1, 1, 1, 1, 2, 1, 1]);
    expect(run4([1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1])).toEqual([1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
  });

  /**
   * A column without cell-scale texture (cells smeared by the exposure, or a deep, blurred
   * capillary): only a coarse pattern (two sines, wavelengths in samples; default 30 and 47)
   * that the cell-scale texture test filters out, shifted by x(t) samples at row t; blips:
   * rows where the pattern jumps by 7 samples for that row only.
   */
  function coarseStd(x: (t: number) => number, o: { rows?: number; blips?: number[]; seed?: number; wavelengths?: [number, number] } = {}) {
    const [w1, w2] = o.wavelengths ?? [30, 47];
    return noisyStd(120, o.rows ?? 75, (t, i) => {
      const u = i - (x(t) + (o.blips?.includes(t) ? 7 : 0));
      return 95 + 6 * Math.sin((2 * Math.PI * u) / w1) + 4 * Math.sin((2 * Math.PI * u) / w2 + 1);
    }, { noiseSeed: o.seed ?? 91 });
  }

  test('a smeared column (no cell-scale texture, a coarse pattern moving 30 samples a frame) is flowing: its unfiltered rows change', () => {
    // Cells averaged by the exposure: only smooth undulations (wavelengths 150 and 230 samples)
    // are left, which the cell-scale high-pass removes: at that scale the pair is unchanged
    // and featureless.
    const std = coarseStd((t) => 30 * t, { seed: 77, wavelengths: [150, 230] });
    const e = estimateFlow(core, std, P);
    expect(e.flowClass).toBe(3);
    expect(e.stoppedFraction!).toBeLessThan(0.05);
  });

  const noFeaturelessStops = resolveFlowParams({ featurelessStopMinS: 1000 });

  test('a blurred intermittent capillary (no barcode when stopped, plain change when moving) is intermittent: its still runs are stops', () => {
    // Stopped in rows 0–29 and 45–64 (48 of 74 intervals, 0.65), moving 8 samples a row otherwise.
    let x = 0;
    const xs = Array.from({ length: 75 }, (_, t) => (x += t > 0 && ((t > 29 && t <= 45) || t > 64) ? 8 : 0));
    const std = coarseStd((t) => xs[t]!);
    const e = estimateFlow(core, std, P);
    expect(e.flowClass).toBe(1);
    expect(Math.abs(e.stoppedFraction! - 48 / 74)).toBeLessThan(0.1);
    // Without the rule the still runs leave the analysed time and the moving phases stay: flowing.
    const old = estimateFlow(core, std, noFeaturelessStops);
    expect(old.stoppedFraction ?? 0).toBeLessThan(0.2);
    expect(old.flowClass === null || old.flowClass >= 2).toBe(true);
  });

  test('a featureless column that changes only a frame at a time (isolated flickers, not motion seen in runs) is not stopped', () => {
    const blips = [6, 14, 22, 31, 40, 47, 55, 63, 70];
    const std = coarseStd(() => 0, { blips });
    const e = estimateFlow(core, std, P);
    expect(e.flowClass === null || e.flowClass >= 2).toBe(true);
    expect(e.stoppedFraction ?? 0).toBeLessThan(0.2);
    // The moving-run condition is what keeps it: with it off, the still runs read as stops.
    const off = estimateFlow(core, std, resolveFlowParams({ featurelessStopMinMovingRunS: 1e-6 }));
    expect(off.stoppedFraction!).toBeGreaterThan(0.5);
  });

  test('a still run through which the pattern drifts slowly (unchanged pair by pair, changed end to end) is not a stop', () => {
    // Moving 8 samples a row in rows 1–15 and 60–74; in between the coarse pattern creeps 0.2
    // samples a row: each pair (0.4 samples apart) passes the stillness test (without the
    // end-to-end test the run reads stopped, stoppedFraction 0.5), the run's ends (8.8 samples
    // apart) do not.
    let x = 0;
    const xs = Array.from({ length: 75 }, (_, t) => (x += t === 0 ? 0 : t <= 15 || t >= 60 ? 8 : 0.2));
    const std = coarseStd((t) => xs[t]!);
    const e = estimateFlow(core, std, P);
    expect(e.stoppedFraction ?? 0).toBeLessThan(0.2);
  });

  test('a stopped capillary is judged on its own lumen: the samples at a junction end, where a flowing vessel\'s cells pass, are left out of the stop test (stopJunctionMarginUm)', () => {
    // 120 samples (1 µm each) stopped; the first 6 lie in the junction, where the neighbour's
    // cells (a wider, darker column) move 20 samples a row.
    const stopped = makeStd({ cols: 120, rows: 75, dPerRow: 0, seed: 5 });
    const flowing = makeStd({ cols: 120, rows: 75, dPerRow: 20, seed: 6, amplitude: 4 });
    const atJunction = 6;
    const join = (a: Float32Array | null, b: Float32Array | null): Float32Array => {
      const r = Float32Array.from(a!);
      r.set(b!.subarray(0, atJunction), 0);
      return r;
    };
    const std = { ...stopped, rows: stopped.rows.map((r, t) => join(r, flowing.rows[t]!)), diffs: stopped.diffs.map((r, t) => join(r, flowing.diffs[t]!)) };
    // The rows are high-passed over ± highPassRadiusUm (8 µm) before the test, so the
    // neighbour's change reaches ~8 samples past the junction: a 15-µm margin clears it here
    // (the default, 6 µm, was chosen end to end on the phantom sets, where it trims most of it).
    const P15 = resolveFlowParams({ stopJunctionMarginUm: 15 });
    const e = estimateFlow(core, std, P15, P.stopMinTextureSnr, true, [true, false]);
    expect(e.flowClass).toBe(0);
    expect(e.stoppedFraction!).toBeGreaterThanOrEqual(P.noFlowMinStoppedFraction);
    // The same path not marked as ending on a junction, with no margin, or with the margin at
    // the wrong end: the neighbour's cells make the whole path's pairs "changed" and the stop
    // is not read (at most the clean half's, stoppedFraction ≤ 0.5: intermittent).
    const missed = [
      estimateFlow(core, std, P15),
      estimateFlow(core, std, resolveFlowParams({ stopJunctionMarginUm: 1e-6 }), P.stopMinTextureSnr, true, [true, false]),
      estimateFlow(core, std, P15, P.stopMinTextureSnr, true, [false, true]),
    ];
    for (const m of missed) {
      expect(m.flowClass).not.toBe(0);
      expect(m.stoppedFraction!).toBeLessThanOrEqual(0.5);
    }
  });

  test('static structure at a junction end is not a barcode: the texture, too, is judged on the vessel\'s own lumen', () => {
    // A featureless, unchanging column (a deep capillary: nothing to see) whose first 6 samples
    // lie on a junction with static, strongly textured structure.
    const body = makeStd({ cols: 120, rows: 75, dPerRow: 0, seed: 8, amplitude: 0 });
    const junction = makeStd({ cols: 120, rows: 75, dPerRow: 0, seed: 9, amplitude: 4 });
    const join = (a: Float32Array | null, b: Float32Array | null): Float32Array => {
      const r = Float32Array.from(a!);
      r.set(b!.subarray(0, 6), 0);
      return r;
    };
    const std = { ...body, rows: body.rows.map((r, t) => join(r, junction.rows[t]!)), diffs: body.diffs.map((r, t) => join(r, junction.diffs[t]!)) };
    const P15 = resolveFlowParams({ stopJunctionMarginUm: 15 });
    // Judged on the whole row, the junction's texture makes every unchanged pair a barcode: stopped.
    expect(estimateFlow(core, std, P15).flowClass).toBe(0);
    // Judged on the lumen: featureless and unchanged, evidence of nothing (unclassified).
    const e = estimateFlow(core, std, P15, P.stopMinTextureSnr, true, [true, false]);
    expect(e.flowClass).toBeNull();
  });

  test('intermittent: stopped 60 % of the time, then moving at 8 samples/row → class 1, stoppedFraction 0.6 (± 0.08)', () => {
    const d = (t: number): number => (t < 45 ? 0 : 8);
    const e = estimateFlow(core, makeStd({ cols: 120, rows: 75, dPerRow: d }), P);
    expect(Math.abs(e.stoppedFraction! - 0.6)).toBeLessThan(0.08);
    expect(e.flowClass).toBe(1);
  });

  test('a path running on into a second vessel that stops at other times: each half stopped 60 % of the time reads intermittent, not the 20 % when both are stopped', () => {
    // Left half (samples 0–59) stopped in rows 0–44, right half (60–119) in rows 30–74; each
    // moves 8 samples a row otherwise (its own pattern, so the halves never match each other).
    const cols = 120;
    const left = makeStd({ cols, rows: 75, dPerRow: (t) => (t <= 44 ? 0 : 8), seed: 3 });
    const right = makeStd({ cols, rows: 75, dPerRow: (t) => (t >= 30 ? 0 : 8), seed: 4 });
    const join = (a: Float32Array | null, b: Float32Array | null): Float32Array => {
      const r = new Float32Array(cols);
      r.set(a!.subarray(0, 60), 0);
      r.set(b!.subarray(60), 60);
      return r;
    };
    const std = { rows: left.rows.map((r, t) => join(r, right.rows[t]!)), diffs: left.diffs.map((r, t) => join(r, right.diffs[t]!)), stepUm: STEP_UM, rowStepS: 1 / FPS };
    const e = estimateFlow(core, std, P);
    expect(Math.abs(e.stoppedFraction! - 0.6)).toBeLessThan(0.1);
    expect(e.flowClass).toBe(1);
    // Either half alone is the intermittent vessel it is.
    const halfStd = (lo: number, hi: number) => ({ ...std, rows: std.rows.map((r) => r.slice(lo, hi)), diffs: std.diffs.map((r) => r.slice(lo, hi)) });
    for (const [lo, hi] of [[0, 60], [60, 120]] as const) {
      const h = estimateFlow(core, halfStd(lo, hi), P);
      expect(Math.abs(h.stoppedFraction! - 0.6)).toBeLessThan(0.1);
    }
  });

  test('dropped/duplicated frames are gaps, not stops: a moving vessel with 10 gaps stays class 2 with stoppedFraction < 0.05', () => {
    const gaps = [5, 6, 17, 28, 29, 30, 41, 52, 63, 70];
    const e = estimateFlow(core, makeStd({ cols: 120, rows: 75, dPerRow: 5, gaps }), P);
    expect(e.stoppedFraction).toBeLessThan(0.05);
    expect(e.flowClass).toBe(2);
    expect(Math.abs(e.velocity.valueUmPerS! - 125) / 125).toBeLessThan(0.03);
  });

  test('too short a path or too few seconds give a null class with a reason', () => {
    const short = estimateFlow(core, makeStd({ cols: 20, rows: 75, dPerRow: 5 }), P);
    expect(short.flowClass).toBeNull();
    expect(short.reason).toMatch(/shorter/);
    const brief = estimateFlow(core, makeStd({ cols: 120, rows: 20, dPerRow: 5 }), P);
    expect(brief.flowClass).toBeNull();
    expect(brief.reason).toMatch(/too few seconds/);
  });

  test('usableColumns keeps the longest run inside the frame in every present row', () => {
    const a = Float32Array.of(NaN, 1, 2, 3, NaN, 5);
    const b = Float32Array.of(0, 1, 2, NaN, NaN, 5);
    expect(usableColumns([a, null, b])).toEqual([1, 2]);
  });

  test('parameters are checked', () => {
    expect(() => resolveFlowParams({ windowS: 0 })).toThrow(RangeError);
    expect(() => resolveFlowParams({ intermittentMinStoppedFraction: 0.95 })).toThrow(RangeError);
    expect(resolveFlowParams({}).sluggishMaxMeanSpeedUmPerS).toBe(300);
  });
});
