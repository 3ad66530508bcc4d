/**
 * The engine's accuracy on phantoms: generate the clip set (CI subset, or the full set with
 * HVM_ACCURACY_FULL=1) into a temporary folder, run the ENGINE on each clip through its
 * public entry (analyzeClip with the clip's calibration sidecar, or its device profile),
 * compare with the truth over the engine's own analysed region, print a table per clip
 * and a summary, and write test/accuracy/results/latest.{json,md}.
 *
 * Every metric the engine reports must meet its bar (bars.ts), or be a known miss recorded in
 * baseline-<set>.json that has not grown (baseline.ts); a metric it leaves null is "not
 * measured" and listed as such. HVM_ACCURACY_KEEP=1 keeps the generated clips;
 * HVM_ACCURACY_WRITE_BASELINE=1 records this run's misses as the new baseline.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeClip, type AnalyzeOptions } from '../../src/analysis/analyze-clip.js';
import { writePhantom } from '../../src/phantom/index.js';
import { engineVersion } from '../../src/version.js';
import { METRIC_BARS } from './bars.js';
import { baselineOf, gate, readBaseline, writeBaseline } from './baseline.js';
import { CI_SET, FULL_SET, type AccuracyCase } from './clip-set.js';
import { compareClip, formatClip, formatSummary, summarize, writeResults, type ClipComparison, type SetSummary } from './harness.js';
import { truthOverlay } from './overlay.js';

const FULL = process.env.HVM_ACCURACY_FULL === '1';
/** HVM_ACCURACY_OVERLAYS=1: a picture of truth against engine per clip (overlay.ts) in results/overlays/. */
const OVERLAYS = process.env.HVM_ACCURACY_OVERLAYS === '1';
const SET = FULL ? 'full' : 'ci';
/**
 * HVM_ACCURACY_ONLY=id[,id…]: run only these clips of the set (a development aid: the gate
 * then judges only them, and results/latest.* hold only them).
 */
const ONLY = (process.env.HVM_ACCURACY_ONLY ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
const CASES: readonly AccuracyCase[] = (FULL ? FULL_SET : CI_SET).filter((c) => ONLY.length === 0 || ONLY.includes(c.id));
if (ONLY.length > 0 && CASES.length !== ONLY.length) throw new Error(`HVM_ACCURACY_ONLY names clips not in set "${SET}": ${ONLY.filter((id) => !CASES.some((c) => c.id === id)).join(', ')}`);
const RESULTS_DIR = join(import.meta.dirname, 'results');

let dir = '';
const comps: ClipComparison[] = [];
let summary: SetSummary | null = null;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hvm-accuracy-'));
});
afterAll(async () => {
  if (dir && process.env.HVM_ACCURACY_KEEP !== '1') await rm(dir, { recursive: true, force: true });
  else if (dir) console.log(`clips kept in ${dir}`);
});

describe(`engine accuracy on phantoms (set "${SET}", ${CASES.length} clips)`, () => {
  it('generates every clip, runs the engine on it and compares with the truth', async () => {
    const t0 = performance.now();
    for (const c of CASES) {
      const g0 = performance.now();
      const w = await writePhantom({ ...c.options, name: c.id }, dir);
      const g1 = performance.now();
      const o = w.truth.settings;
      const opts: AnalyzeOptions = o.device !== null ? { device: o.device, sidecar: false } : { sidecar: w.calibrationPath! };
      if (o.codec === 'png') opts.fps = o.fps.num / o.fps.den;
      const { result, summary: mean } = await analyzeClip(w.clipPath, opts);
      const g2 = performance.now();
      // The engine saw the clip the phantom wrote.
      expect(result.source.frameCount).toBe(w.truth.clip.frameCount);
      expect([result.source.width, result.source.height]).toEqual([w.truth.clip.width, w.truth.clip.height]);
      const cmp = compareClip(w.truth, result, { id: c.id, description: c.description, mean: { image: mean.meanImage, width: mean.width, height: mean.height } });
      cmp.runtimeS = { generate: (g1 - g0) / 1000, analyze: (g2 - g1) / 1000 };
      cmp.engineWarnings = result.warnings.map((x) => x.code);
      comps.push(cmp);
      console.log(formatClip(cmp));
      if (OVERLAYS) {
        const o = truthOverlay(mean.meanImage, mean.width, mean.height, w.truth, result);
        await mkdir(join(RESULTS_DIR, 'overlays'), { recursive: true });
        await sharp(o.data, { raw: { width: o.width, height: o.height, channels: 3 } }).png().toFile(join(RESULTS_DIR, 'overlays', `${c.id}.png`));
      }
    }
    summary = summarize(SET, comps);
    const runtimeS = (performance.now() - t0) / 1000;
    console.log(formatSummary(summary, { engineVersion, runtimeS }));
    const files = await writeResults(RESULTS_DIR, { summary, clips: comps, engineVersion, runtimeS });
    console.log(`wrote ${files.json} and ${files.md}`);
    expect(comps).toHaveLength(CASES.length);
  });

  it('every metric the engine reports meets its bar, or is a recorded known miss that has not grown', async () => {
    expect(summary).not.toBeNull();
    const path = join(import.meta.dirname, `baseline-${SET}.json`);
    if (process.env.HVM_ACCURACY_WRITE_BASELINE === '1') {
      if (ONLY.length > 0) throw new Error('HVM_ACCURACY_WRITE_BASELINE needs the whole set: unset HVM_ACCURACY_ONLY');
      await writeBaseline(path, baselineOf(SET, engineVersion, comps, summary!));
      console.log(`wrote ${path}`);
    }
    const g = gate(comps, summary!, await readBaseline(path));
    console.log(`TARGETS MISSED (known, not worse than recorded in baseline-${SET}.json): ${g.knownMisses.length}\n  ${g.knownMisses.join('\n  ')}`);
    if (g.nowMet.length > 0) console.log(`recorded misses now met (tighten the baseline): ${g.nowMet.join(', ')}`);
    expect(g.regressions).toEqual([]);
  });

  it('lists everything the engine does not measure as "not measured", and nothing it does measure', () => {
    expect(summary).not.toBeNull();
    for (const c of comps) {
      for (const r of c.rows) {
        const reported = r.engine !== null;
        expect(r.status === 'not measured', `${c.id} ${r.metric} (${r.population})`).toBe(!reported);
        expect(c.notMeasured.includes(`${r.metric} (${r.population})`)).toBe(!reported);
      }
      expect(c.notMeasured.includes('vessels (recall, precision, classes, velocities)')).toBe(!c.vessels.measured);
    }
    // The summary's list is exactly what no clip reported.
    const keys = Object.keys(METRIC_BARS);
    for (const pop of ['small', 'all'] as const) {
      for (const k of keys) {
        const none = comps.every((c) => c.rows.find((r) => r.metric === k && r.population === pop)!.engine === null);
        expect(summary!.notMeasuredAnywhere.includes(`${k} (${pop})`)).toBe(none);
      }
    }
    console.log(`not measured by engine ${engineVersion}: ${summary!.notMeasuredAnywhere.length ? summary!.notMeasuredAnywhere.join(', ') : 'nothing'}`);
  });
});
