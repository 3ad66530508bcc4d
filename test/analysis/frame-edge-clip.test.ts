/**
 * End to end, a vessel whose lumen runs on past the picture's edge (src/analysis/frame-edge.ts):
 * on the phantom study's severe site (seed 905, 240×192, 3.4 s) a 41-µm venule runs along
 * the bottom edge with most of it below the frame. Its traced width (~20 µm) is a lower
 * bound; before the rule it was reported as a small vessel.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { analyzeClip } from '../../src/analysis/analyze-clip.js';
import { writePhantom } from '../../src/phantom/index.js';
import { clipResultProblems } from '../../src/report/validate.js';

const dir = mkdtempSync(join(tmpdir(), 'hvm-frame-edge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('a venule running on past the bottom edge is reported with a lower-bound diameter and not as small', async () => {
  const w = await writePhantom({ seed: 905, name: 'edge', width: 240, height: 192, seconds: 3.4, flowMix: 'severe' }, dir);
  // The truth: a large venule whose centerline runs along and mostly below the bottom edge.
  const venule = w.truth.vessels.find((v) => v.id === 'v01')!;
  expect(venule.diameterUm).toBeGreaterThan(30);
  const ys = venule.centerlinePx.filter((p) => p[0] >= 0 && p[0] < 240).map((p) => p[1]).sort((a, b) => a - b);
  expect(ys[ys.length >> 1]!).toBeGreaterThan(185);
  const { result } = await analyzeClip(w.clipPath, { sidecar: w.calibrationPath! });
  expect(clipResultProblems(result)).toEqual([]);
  const cut = result.vessels.filter((v) => v.diameterIsLowerBound === true);
  // Exactly the venule's visible band: long, along the bottom of the frame, measured under 20 µm, not small.
  expect(cut).toHaveLength(1);
  const band = cut[0]!;
  const bys = band.points.map((p) => p[1]).sort((a, b) => a - b);
  expect(band.lengthUm).toBeGreaterThan(100);
  expect(bys[bys.length >> 1]!).toBeGreaterThan(192 - 20);
  expect(band.diameterUm).toBeLessThan(20);
  expect(band.small).toBe(false);
  // Every other vessel keeps the plain rule.
  for (const v of result.vessels) if (v !== band) expect(v.small).toBe(v.diameterUm < result.calibration.smallVesselMaxUm);
}, 120_000);
