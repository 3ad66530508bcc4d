/**
 * issue 7, "Done when", the truth half: on the phantom study (2 patients × 2 time points ×
 * 3 sites, a different flow mix at each site), sessions.csv's MFI mean and HI are within
 * ±0.25 and ±0.3 of the truth (the phantom's exact vessels and classes, through the same
 * session formulas, over the region the engine analysed).
 *
 * Off by default (HVM_STUDY_TRUTH=1 runs it): it does not pass yet. The field is 240×192 px
 * by default (a quarter of an SDF frame, so the run takes ~30 s); HVM_STUDY_TRUTH_SIZE=720x576
 * runs the same study at a full SDF field (~2.5 min), where each quadrant holds 3–4× the
 * vessels and a quadrant score is decided by many of them, not by one near-tie.
 *
 * At 720×576 three of the eight items miss (six until the halves test below, five until the
 * junction margin), all one way:
 * every severe site reads too perfused. Found 2026-12-07: severe sites (seeds 902, 905, 908, 911) small-vessel MFI 2, 2,
 * 1.75, 2.25 against a truth of 1.5, 0.5, 0.75, 0.75, PPV +11 to +18 points; session MFI
 * small +0.4 to +0.5, HI 0.29–0.48 against 1.04–1.15. Per vessel the classes agreed well
 * (pooled κ 0.85 over the 12 sites); the bias was in which length gets which class: stopped
 * capillaries whose barcode texture hovers at the stop test's bar (per-vessel median 2.0–2.6
 * against 2) read intermittent, and static featureless diagrams of deep stopped, intermittent
 * and sluggish vessels read "faster than resolvable" (class 3). Since then a static pair
 * without texture is evidence of nothing on capillaries unless its unfiltered row changed
 * (src/flow/params.ts featurelessUnknownMaxDiameterUm): pooled κ 0.849 → 0.888, PPV small
 * within ±10 points on 7 → 9 sites, severe-site MFI 2, 1.5, 1.75, 2.25. Then intermittent
 * capillaries traced as one path with a neighbour across a branch point whose stops come at
 * other times (the joined diagram is stopped only when both are: stopped fraction 0.42
 * against 0.67–0.69) read sluggish or continuous; paths long enough are now tested half by
 * half too (src/flow/estimate.ts, step 3): κ 0.888 → 0.900, PPV small within ±10 points on
 * 9 → 10 sites, severe-site MFI 2, 1, 1.75, 2.25, and P01 day3's small-vessel session now
 * passes (MFI and HI). Sessions now: P01 day3 all vessels MFI 2.58 against 2.17, HI 0.48
 * against 1.15; P02 day1 small 2.5 against 2.08, HI 0.5 against 1.08; P02 day3 small 2.58
 * against 2.17, HI 0.29 against 1.04 (and P02's all-vessel sessions). Then (session 10) a
 * blurred capillary's stop has no barcode, only stillness, so runs of featureless still pairs
 * on a path that shows motion in runs are stops (src/flow/params.ts featurelessStopMinS):
 * κ 0.900 → 0.913, PPV small within ±10 points on 10 → 12 sites, MFI small within ±0.25 on
 * 8 → 9, truth-intermittent small-vessel length read perfused 3.8 → 2.3 mm, severe-site
 * small MFI 2, 0.5, 1.75, 1.75 (truth 1.5, 0.5, 0.75, 0.75). Sessions now (still 5 of 8
 * items miss): P01 day3 all HI 0.72 against 1.15; P02 day1 small MFI 2.42 against 2.08, HI
 * 0.52 against 1.08; P02 day3 small HI 0.52 against 1.04 (its MFI now passes); P02's
 * all-vessel sessions (MFI 2.83 and 3 against 2.42 and 2.67). Then a vessel's stop test leaves
 * out 6 µm at an end on a junction, where the sampled band takes in the other vessels' cells
 * and structure (src/flow/params.ts stopJunctionMarginUm: 21 of 33 stopped capillaries read
 * intermittent here ran within 1 px of a flowing vessel, 25 within 2 px): κ 0.913 → 0.928,
 * PPV small median error 4.0 → 2.7 points, severe-site small MFI 2, 0.5, 1.75, 1.25.
 * Sessions now (3 of 8 items miss): P02 day1 small MFI 2.42 against 2.08, HI 0.52 against
 * 1.08; P02 day1 all MFI 2.83 against 2.42, HI 0.18 against 0.72; P02 day3 all MFI 3
 * against 2.67, HI 0 against 0.38 (site 908's small MFI 1.75 against 0.75, 911's all-vessel
 * quadrants). Then (session 11) a lone changed pair between two unchanged ones, on a path whose
 * stopped pairs are at least as many as its changed ones, is the change test's chance
 * exceedance, not flow (src/flow/estimate.ts dropContradictedChanges): κ 0.928 → 0.932, MFI
 * small within ±0.25 on 9 → 10 sites, severe-site small MFI 2, 0.5, 1.5, 1. Sessions now (3 of 8
 * items still miss): P02 day1 small MFI passes, HI 0.64 against 1.08; P02 day1 all MFI 2.75
 * against 2.42, HI 0.27 against 0.72; P02 day3 all MFI 3 against 2.67, HI 0 against 0.38.
 * Then (session 12) the valley refinement reads an image smoothed at 1.3 µm instead of 2.5 µm
 * (src/analysis/segment-params.ts centerlineValleySigmaUm: bends of tortuous capillaries no
 * longer flatten, engine length over the in-focus truth it covers 0.94–0.97 → 0.96–0.98):
 * κ 0.932 → 0.934, MFI small within ±0.25 on 10 → 11 sites, quadrants small 10 → 11, TVD small
 * median error 18.5 → 17.5 %. Sessions (3 of 8 items still miss, one changed): P02 day1 small
 * now passes (MFI 2.17 against 2.08, HI 0.92 against 1.08); P01 day3 all now misses (MFI 2.58
 * against 2.17, HI 0.48 against 1.15: site 905's all-vessel quadrants read 3, 1, 0, 3 against
 * 1, 1, 0, 0 — the top-left a near-tie by length, truth intermittent 1051 µm against continuous
 * 1035, as before; the bottom-right, truth stopped 1248 against continuous 930 with a 40-µm
 * continuous venule in it, newly); P02 day1 and day3 all as before. With a one-chain vessel
 * measured half by half too (src/analysis/split-by-flow.ts) κ 0.934 → 0.936, severe-site small
 * MFI 2, 0.5, 1, 1 (truth 1.5, 0.5, 0.75, 0.75), the same three items missing.
 * Site 908's top-right quadrant, scored 3 against 0 (small vessels), shows the limit of the
 * quadrant score here: its truth is stopped 1208 µm, intermittent 659, sluggish 472,
 * continuous 741, and 482 µm of that stopped length lies in two deep crossing vessels and
 * 188–265 µm in layer-2 capillaries no one could see on the mean image (the engine traced
 * 1954 of its 3080 µm). What is left: faint
 * stops with a few changed pairs read intermittent; vessels a path joins without a branch
 * point between them; stopped and intermittent vessels are missed a little more often than
 * continuous ones (recall by the truth's class 79/81/84/86 %). Two further
 * rules measured and left out, each costing the full phantom set: a vessel that never changes
 * and shows the barcode in a quarter of its pairs counted stopped throughout (full set κ
 * 0.749 → 0.745, two fast capillaries read stopped), and a joined vessel reported as its
 * parts whenever a part's class differs from the whole's (κ 0.745; here κ 0.849 → 0.872).
 *
 * At 240×192 one item of the eight misses: P01 day3 small-vessel HI (engine 0.43, truth 0.89;
 * session MFI within ±0.25). (With the runs rule alone P01 day1 small-vessel MFI missed too,
 * 2.44 against 2.17: site 902's bottom-right quadrant, a near-tie of a few vessels at this
 * field size, went 2 → 3; the junction margin brought it back.) The 240×192 "severe" site reads quadrants 1, 0, 3, 3 against the truth's 1, 0, 0, 3:
 * its bottom-left quadrant is a near-tie by length (truth: no flow 109 µm, continuous 105 µm;
 * engine 119 against 128), and two of the engine's continuous capillaries there read 10–13 µm
 * long — one runs on into a venule that the analysed region's edge cuts (too narrow in the
 * mask to count as the wider vessel it drains into), one carries the short bridge a
 * four-way junction leaves between two three-way ones. (Until the faint-trace filter, two
 * invisible deep capillaries, stopped and intermittent, read fast in the top-left quadrant
 * too: HI 0.20.)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeSessionMetrics } from '../../src/metrics/session.js';
import type { AnalysedRegion } from '../../src/metrics/types.js';
import { readTruth, truthMetricsForRegion } from '../../src/phantom/index.js';
import type { ClipResult } from '../../src/report/contract.js';
import { hvm, manifestText, readCsv, removeTempDirs, tempDir, writePhantomStudy, type PhantomClip } from './helpers.js';

afterAll(removeTempDirs);

describe.runIf(process.env.HVM_STUDY_TRUTH === '1')('hvm study against phantom truth', () => {
  const dir = tempDir();
  const out = join(dir, 'out');
  let clips: PhantomClip[] = [];

  beforeAll(async () => {
    const size = /^(\d+)x(\d+)$/.exec(process.env.HVM_STUDY_TRUTH_SIZE ?? '240x192');
    if (size === null) throw new Error(`HVM_STUDY_TRUTH_SIZE must be WIDTHxHEIGHT, got ${process.env.HVM_STUDY_TRUTH_SIZE}`);
    clips = await writePhantomStudy(dir, { width: Number(size[1]), height: Number(size[2]) });
    writeFileSync(join(dir, 'manifest.csv'), manifestText(clips));
    // Every site on both sides: this is about measurement, not quality gating.
    const r = await hvm(['study', 'manifest.csv', '--out', out, '--quiet', '--include-rejected'], { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
  }, 600_000);

  it('session MFI means within ±0.25 and HI within ±0.3 of truth', async () => {
    const sessions = readCsv(join(out, 'sessions.csv'));
    expect(sessions).toHaveLength(4);
    const problems: string[] = [];
    for (const s of sessions) {
      const sites = clips.filter((c) => c.patient === s.patient && c.timepoint === s.timepoint);
      const truthSites = [];
      for (const c of sites) {
        const result = JSON.parse(readFileSync(join(out, 'clips', `${c.patient}_${c.timepoint}_${c.site}`, 'result.json'), 'utf8')) as ClipResult;
        const truth = await readTruth(c.truthPath);
        // The engine's region is in reference-frame px; the truth's in frame-0 px.
        const off = truth.frames[result.analysis.referenceFrame]?.offsetPx ?? [0, 0];
        const er = result.analysis.analysedRegion;
        const region: AnalysedRegion = { x: er.x + off[0], y: er.y + off[1], width: er.width, height: er.height };
        truthSites.push({ siteId: c.site, metrics: truthMetricsForRegion(truth, region, { smallVesselMaxUm: result.calibration.smallVesselMaxUm }) });
      }
      const truth = computeSessionMetrics(truthSites);
      for (const pop of ['small', 'all'] as const) {
        const label = `${s.patient} ${s.timepoint} ${pop}`;
        const mfi = s[`MFI_${pop}`] === '' ? null : Number(s[`MFI_${pop}`]);
        const hi = s[`HI_${pop}`] === '' ? null : Number(s[`HI_${pop}`]);
        const tMfi = truth[pop].MFI.mean;
        const tHi = truth[pop].HI;
        if (mfi === null || tMfi === null || Math.abs(mfi - tMfi) > 0.25) problems.push(`${label}: MFI ${mfi} vs truth ${tMfi} (±0.25)`);
        if (tHi === null ? hi !== null : hi === null || Math.abs(hi - tHi) > 0.3) problems.push(`${label}: HI ${hi} vs truth ${tHi} (±0.3)`);
      }
    }
    // Every session and population at once, so a failure shows the whole picture.
    console.log(`study truth (${process.env.HVM_STUDY_TRUTH_SIZE ?? '240x192'}): ${problems.length === 0 ? 'every item within its bar' : problems.join('; ')}`);
    expect(problems).toEqual([]);
  });
});
