/**
 * A phantom-like study with known truth: 100 patients × 2 time points × 2 sites. Every
 * clip has a true TVD and De Backer score; the "engine" and two "observers" see the truth
 * plus a known bias and known Gaussian noise (seeded PRNG, helpers.ts). The comparison must
 * recover what was put in:
 *   engine − A: bias +0.8, SD √(0.6² + 0.9²) = 1.0817 → limits 0.8 ∓ 2.120
 *   A − B:      bias +0.3, SD √(0.9² + 0.9²) = 1.2728
 * Tolerances (n = 400 clips): bias ± 0.2 (≈ 3.7 standard errors of 0.054), SD ± 8 %
 * (its relative SE is 1/√(2n) = 3.5 %), limits ± 0.3.
 * The true change day1 → day3 is +1.5 mm/mm² per patient; a constant engine bias cancels in
 * a change, so the engine's Δ must agree with the observers' Δ (bias of Δ ≈ 0) and both must
 * conclude "increase".
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runComparison } from '../../src/compare/index.js';
import { mulberry32, normals, put, tempDir, removeTempDirs } from './helpers.js';

afterAll(removeTempDirs);

const SEED = 20210;

function buildStudy(dir: string): void {
  const z = normals(mulberry32(SEED));
  const clipRows = ['patient,timepoint,site,path,TVD_small,deBackerScore_small'];
  const a = ['patient,timepoint,site,TVD,deBackerScore'];
  const b = ['patient,timepoint,site,TVD,deBackerScore'];
  for (let p = 1; p <= 100; p++) {
    const patientLevel = 16 + 3 * z();
    for (const site of [1, 2]) {
      const siteLevel = patientLevel + 1 * z();
      const change = 1.5 + 0.5 * z();
      for (const [tp, truth] of [['day1', siteLevel], ['day3', siteLevel + change]] as const) {
        const db = 0.64 * truth + 0.3 * z(); // De Backer ≈ (2/π)·TVD
        const id = `P${String(p).padStart(3, '0')}`;
        clipRows.push(`${id},${tp},${site},clips/${id}_${tp}_${site}.avi,${(truth + 0.8 + 0.6 * z()).toFixed(4)},${(db + 0.5 + 0.4 * z()).toFixed(4)}`);
        a.push(`${id},${tp},${site},${(truth + 0.9 * z()).toFixed(4)},${(db + 0.5 * z()).toFixed(4)}`);
        b.push(`${id},${tp},${site},${(truth - 0.3 + 0.9 * z()).toFixed(4)},${(db + 0.5 * z()).toFixed(4)}`);
      }
    }
  }
  put(dir, 'study/clips.csv', `${clipRows.join('\n')}\n`);
  put(dir, 'obsA.csv', `${a.join('\n')}\n`);
  put(dir, 'obsB.csv', `${b.join('\n')}\n`);
}

describe('phantom study: recovers the bias and limits that were put in', () => {
  const dir = tempDir();
  buildStudy(dir);

  it('engine vs observers, observers vs each other, change between time points', async () => {
    const { report, files } = await runComparison({ manual: [join(dir, 'obsA.csv'), join(dir, 'obsB.csv')], engine: join(dir, 'study'), out: join(dir, 'out'), plots: false });
    expect(files).toEqual(['agreement.csv', 'agreement.json', 'change.csv', 'agreement.html']);
    const tvd = report.metrics.find((m) => m.metric === 'TVD_small')!;
    const eA = tvd.comparisons.find((c) => c.a === 'engine' && c.b === 'obsA')!;
    const ab = tvd.comparisons.find((c) => c.a === 'obsA' && c.b === 'obsB')!;
    expect(eA.n).toBe(400);

    const sdEA = Math.sqrt(0.6 ** 2 + 0.9 ** 2);
    expect(Math.abs(eA.blandAltman.bias! - 0.8)).toBeLessThan(0.2);
    expect(Math.abs(eA.blandAltman.sdDiff! / sdEA - 1)).toBeLessThan(0.08);
    expect(Math.abs(eA.blandAltman.loaLower! - (0.8 - 1.96 * sdEA))).toBeLessThan(0.3);
    expect(Math.abs(eA.blandAltman.loaUpper! - (0.8 + 1.96 * sdEA))).toBeLessThan(0.3);
    // The reported intervals are honest about precision: they are narrow at n = 400.
    expect(eA.blandAltman.biasCI![1] - eA.blandAltman.biasCI![0]).toBeLessThan(0.25);

    const sdAB = Math.sqrt(2 * 0.9 ** 2);
    expect(Math.abs(ab.blandAltman.bias! - 0.3)).toBeLessThan(0.2);
    expect(Math.abs(ab.blandAltman.sdDiff! / sdAB - 1)).toBeLessThan(0.08);

    // No proportional bias was put in: the slope's interval should be near 0.
    expect(Math.abs(eA.proportionalBias!.slope!)).toBeLessThan(0.05);
    // Agreement ICC is lowered by the engine's bias; consistency is not.
    expect(eA.icc!.consistency.value!).toBeGreaterThan(eA.icc!.agreement.value!);
    expect(eA.icc!.consistency.value!).toBeGreaterThan(0.85);

    // Engine noise (0.6) is below observer noise (0.9): within the observers' spread.
    expect(tvd.spread!.engineWithinObserverSpread).toBe(true);
    expect(tvd.spread!.engine!).toBeLessThan(tvd.spread!.interObserver!);

    // Change day1 → day3 (per patient, mean of the 2 sites): the engine's constant bias cancels.
    const ch = report.change.find((c) => c.metric === 'TVD_small' && c.b === 'obsA')!;
    expect(ch.from).toBe('day1');
    expect(ch.to).toBe('day3');
    expect(ch.result.n).toBe(100);
    expect(Math.abs(ch.result.agreement.bias!)).toBeLessThan(0.35);
    expect(ch.result.a.conclusionT).toBe('increase');
    expect(ch.result.b.conclusionT).toBe('increase');
    expect(ch.result.sameConclusionT).toBe(true);
    expect(ch.result.sameDirection.fraction!).toBeGreaterThan(0.75);

    const csv = readFileSync(join(dir, 'out', 'agreement.csv'), 'utf8');
    expect(csv.split('\n')[0]).toMatch(/^metric,label,unit,kind,comparison/);
    expect(csv).not.toMatch(/NaN/);
  });
});
