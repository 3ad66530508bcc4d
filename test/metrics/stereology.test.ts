import { describe, expect, it } from 'vitest';
import { randomSegmentsMetrics } from './stereo_lib.js';

/**
 * Stereology check of the De Backer score against TVD (docs/hvm-domain.md): for isotropic
 * uniform random lines the expected number of intersections per unit length of test line is
 * P_L = (2/π)·L_A (Buffon–Cauchy), and here P_L is the De Backer score (crossings / grid line
 * length, 1/mm) and L_A is TVD (mm/mm²). So deBackerScore ≈ (2/π)·TVD.
 *
 * Set-up: n = 100 000 straight segments of 100 µm, random orientation uniform in [0, π) in
 * physical space, centres uniform over the 1 × 1 mm region dilated by 50 µm on each side
 * (plus sampling, so no edge depletion), clipped to the region. Expected crossings
 * C = (2/π)·L_A·(6 × 1000 µm) with L_A = 100 000·100 / 1100² µm⁻¹ → C ≈ 31 600, so the
 * Poisson relative SD would be 1/√C ≈ 0.56 %; over 40 seeds the observed SD of the ratio
 * was 0.46 % (mean 1.0002, range 0.991–1.010). The tolerance of 3 % is therefore more than
 * 5 SD: it does not flake, and it still catches a wrong constant, a wrong line length, a
 * line-length or area in the wrong unit, or x/y scales swapped (the second case).
 */
const TOLERANCE = 0.03;

describe('stereology: deBackerScore ≈ (2/π)·TVD for random isotropic segments', () => {
  it('square pixels, 1000×1000 px at 1 µm/px', () => {
    const m = randomSegmentsMetrics(20240611, 100_000, 100, { x: 0, y: 0, width: 1000, height: 1000 }, { umPerPxX: 1, umPerPxY: 1 });
    const ratio = m.all.deBackerScore / ((2 / Math.PI) * m.all.TVD);
    expect(Math.abs(ratio - 1)).toBeLessThan(TOLERANCE);
    expect(m.all.crossingCount).toBeGreaterThan(30_000);
  });

  it('non-square pixels (2 µm/px in x, 1 in y): isotropy in µm, not px', () => {
    // 500×1000 px = 1×1 mm. Using umPerPxX for the vertical lines' length would give
    // 3·1 + 3·2 = 9 mm of line instead of 6 mm, a ratio of 0.67: caught.
    const m = randomSegmentsMetrics(7, 100_000, 100, { x: 5, y: 7, width: 500, height: 1000 }, { umPerPxX: 2, umPerPxY: 1 });
    expect(m.gridLineLengthMm).toBeCloseTo(6, 12);
    expect(m.analysedAreaMm2).toBeCloseTo(1, 12);
    const ratio = m.all.deBackerScore / ((2 / Math.PI) * m.all.TVD);
    expect(Math.abs(ratio - 1)).toBeLessThan(TOLERANCE);
  });
});
