/**
 * Accuracy of the flow stage against phantom truth, with TRUTH centerlines as paths and the
 * truth camera track as content shifts (isolates this stage from segmentation and
 * registration). Small clips (320×256, 3 s, septic mix so every class occurs), 3 seeds per
 * condition: clear-cut 25 fps; ±10 % flicker; jitter 1.5 px + drift 8 px/s; 29.97 and 30 fps;
 * interlaced (bff, split into fields); 8 duplicated frames.
 *
 * Printed per condition: class accuracy over small vessels with ≥ 30 µm inside the frame, the
 * linear weighted kappa, the 4×4 confusion, the median absolute relative velocity error over
 * vessels whose true mean speed lies inside [lo, 0.9·hi] of the range the TEST derives from
 * truth geometry and fps (helpers.ts testRange), and the share of vessels faster than 1.1·hi
 * that are censored "above" with a bound ≤ 1.05 × the true mean.
 *
 * Issue 6's bars (accuracy ≥ 90 %, κ ≥ 0.85, MdARE ≤ 10 %, censoring ≥ 90 %) are printed
 * beside the numbers; they are NOT all met yet. The assertions are regression floors set
 * just under what this version measures (stated per test), so a change that makes it worse fails.
 *
 * 2026-12-07: floors lowered with the stop test's texture bar (params.ts stopMinTextureSnr
 * 1 → 2), a trade measured end to end: these clean, uncompressed clips have faint stops
 * (depth layer 1, blur 2.4 µm, texture SNR 1–2) that now read intermittent (held-out 93.3 →
 * 88.3 %, κ 0.887 → 0.835; clear-cut 93.3 → 86.7 %), while on the full phantom set, the
 * engine's own vessels in lossy and smeared clips, pooled κ rose 0.609 → 0.708 (fast columns
 * read stopped or intermittent 15 → 6, stops found 5 of 16 → 9 of 18). Issue 6's bar on the
 * held-out seeds (90 %, κ 0.85) is therefore no longer met here.
 *
 * 2026-12-07, later: a pair unchanged but without texture is no longer counted as moving on
 * capillaries (params.ts featurelessUnknownMaxDiameterUm): the faint stops above had half
 * their pairs under the bar, and those pairs made them intermittent. Held-out 88.3 → 93.3 %,
 * κ 0.835 → 0.913 (issue 6's bar met on these seeds; stopped 4 → 7 of 9); jitter κ 0.745 →
 * 0.777, 29.97 fps 86.7 → 88.9 %, duplicated frames 84.4 → 86.7 %; the other conditions
 * unchanged. Floors raised with it.
 *
 * 2026-12-07, session 10: runs of featureless still pairs are stops on paths that show motion
 * reliably (params.ts featurelessStopMinS). Classes unchanged but on jitter + drift, where a
 * depth-1 intermittent capillary stopped 72 % of the time (read continuous, 456 µm/s against
 * 121) now reads intermittent at 134 µm/s: accuracy 84 → 86 %, κ 0.777 → 0.809. Its velocity
 * error (10.4 %) lands on the median there, so that condition's MdARE reads 5.1 → 10.4 % (one
 * other vessel 4.6 → 12.3 %: a stop it now sees lowers its mean); held-out MdARE 3.3 → 4.1 %.
 *
 * 2026-12-07, session 11: a lone changed pair between two unchanged ones is the change test's
 * chance exceedance, not flow, on paths whose stopped pairs are at least as many as their
 * changed ones (estimate.ts dropContradictedChanges). Faint stops on short paths (11 % of
 * their pairs exceed the bar by chance at 20–40 samples) read intermittent before: held-out
 * 93.3 → 95.0 %, κ 0.913 → 0.928; clear-cut 86.7 → 88.9 %, κ 0.762 → 0.790; 29.97 and 30 fps
 * 88.9 and 86.7 → 91.1 %; jitter + drift MdARE 10.4 → 5.1 % (issue 6's bar met there; one
 * vessel unclassified, accuracy 86.0 → 85.7 %); duplicated frames 86.7 → 88.9 %; interlaced
 * unchanged. Floors raised with it. Then, per field, a stop's texture is judged on a field and
 * the next together (estimate.ts StdRows.fields: a field row has half the lines across the
 * lumen, and 57–64 % of a faint stop's field pairs fell under the texture bar): interlaced
 * 86.7 → 88.9 %, κ 0.637 → 0.775 (two depth-1 stops read continuous before); and, fields
 * being 4 rows apart per lag, runs of up to 3 changed pairs between unchanged ones are the
 * lone-change rule's too (motion changes 4 consecutive pairs): 91.1 %, κ 0.801. Floors raised.
 */
import { describe, expect, test } from 'vitest';
import { loadBackend } from '../../src/backend/index.js';
import type { PhantomOptions } from '../../src/phantom/index.js';
import { formatSummary, runPhantom, summarise, type Scored } from './helpers.js';

const be = loadBackend();
const SEEDS = [3, 4, 5];

function condition(label: string, o: Partial<PhantomOptions>, seeds: number[] = SEEDS): ReturnType<typeof summarise> {
  const all: Scored[] = [];
  let ms = 0;
  let sMs = 0;
  let eMs = 0;
  for (const seed of seeds) {
    const r = runPhantom({ seed, flowMix: 'septic', ...o }, be);
    all.push(...r.scored);
    ms += r.ms;
    sMs += r.sampleMs;
    eMs += r.estimateMs;
  }
  const s = summarise(all);
  const bars = `bars: accuracy ≥ 90 % ${s.accuracy >= 0.9 ? 'met' : 'NOT met'}, κ ≥ 0.85 ${s.kappa >= 0.85 ? 'met' : 'NOT met'}, ` +
    `MdARE ≤ 10 % ${s.mdare !== null && s.mdare <= 0.1 ? 'met' : 'NOT met'}, censoring ≥ 90 % ${s.censorN === 0 || s.censorOk / s.censorN >= 0.9 ? 'met' : 'NOT met'}`;
  console.log(`${formatSummary(`[flow accuracy] ${label}`, s)}\n  ${bars}\n  flow stage time over ${seeds.length} clips (~75–90 frames each, ~25 paths): ${ms.toFixed(0)} ms = sampling + brightness ${sMs.toFixed(0)} ms + estimation ${eMs.toFixed(0)} ms\n${s.lines.map((l) => '    ' + l).join('\n')}`);
  return s;
}

describe(`flow stage vs phantom truth (backend ${be.name})`, () => {
  test('held-out seeds 11–14 (not used to choose any parameter), clear-cut 25 fps (issue 6 bars: accuracy ≥ 0.9, κ ≥ 0.85; floors: accuracy ≥ 0.94, κ ≥ 0.92, MdARE ≤ 0.08, censoring ≥ 0.9)', () => {
    const s = condition('HELD-OUT seeds 11–14, clear-cut septic 25 fps', {}, [11, 12, 13, 14]);
    expect(s.accuracy).toBeGreaterThanOrEqual(0.94);
    expect(s.kappa).toBeGreaterThanOrEqual(0.92);
    expect(s.mdare!).toBeLessThanOrEqual(0.08);
    expect(s.censorOk / s.censorN).toBeGreaterThanOrEqual(0.9);
  }, 120_000);

  test('clear-cut, 25 fps (floors: accuracy ≥ 0.88, κ ≥ 0.78, MdARE ≤ 0.05, censoring ≥ 0.8)', () => {
    const s = condition('clear-cut septic 25 fps', {});
    expect(s.n).toBeGreaterThan(30);
    expect(s.accuracy).toBeGreaterThanOrEqual(0.88);
    expect(s.kappa).toBeGreaterThanOrEqual(0.78);
    expect(s.mdare!).toBeLessThanOrEqual(0.05);
    expect(s.censorOk / s.censorN).toBeGreaterThanOrEqual(0.8);
  }, 120_000);

  test('±10 % flicker (floors: accuracy ≥ 0.88, MdARE ≤ 0.05, censoring ≥ 0.8)', () => {
    const s = condition('flicker 0.10', { flicker: 0.1 });
    expect(s.accuracy).toBeGreaterThanOrEqual(0.88);
    expect(s.mdare!).toBeLessThanOrEqual(0.05);
    expect(s.censorOk / s.censorN).toBeGreaterThanOrEqual(0.8);
  }, 120_000);

  test('jitter 1.5 px + drift 8 px/s (floors: accuracy ≥ 0.84, MdARE ≤ 0.1, issue 6\'s bar)', () => {
    const s = condition('jitter 1.5 px + drift 8 px/s', { jitterPx: 1.5, driftPxPerS: 8 });
    expect(s.accuracy).toBeGreaterThanOrEqual(0.84);
    expect(s.mdare!).toBeLessThanOrEqual(0.1);
  }, 120_000);

  for (const fps of [30000 / 1001, 30]) {
    test(`${fps.toFixed(2)} fps (floors: accuracy ≥ 0.9, MdARE ≤ 0.06, censoring ≥ 0.8)`, () => {
      const s = condition(`${fps.toFixed(2)} fps`, { fps });
      expect(s.accuracy).toBeGreaterThanOrEqual(0.9);
      expect(s.mdare!).toBeLessThanOrEqual(0.06);
      expect(s.censorOk / s.censorN).toBeGreaterThanOrEqual(0.8);
    }, 120_000);
  }

  test('interlaced (bottom field first, as PAL DV), measured per field (floors: accuracy ≥ 0.9, κ ≥ 0.78, MdARE ≤ 0.07)', () => {
    const s = condition('interlaced bff, per field', { interlace: 'bff' });
    expect(s.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(s.kappa).toBeGreaterThanOrEqual(0.78);
    expect(s.mdare!).toBeLessThanOrEqual(0.07);
  }, 120_000);

  test('dropped (duplicated) frames are gaps: 8 duplicates do not add stops (floors: accuracy ≥ 0.86, MdARE ≤ 0.06)', () => {
    const s = condition('8 duplicated frames', { duplicateFrames: 8 });
    expect(s.accuracy).toBeGreaterThanOrEqual(0.86);
    expect(s.mdare!).toBeLessThanOrEqual(0.06);
  }, 120_000);
});
