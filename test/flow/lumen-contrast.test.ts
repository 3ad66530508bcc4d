import { describe, expect, it } from 'vitest';
import { lumenContrast } from '../../src/analysis/lumen-contrast.js';
import { gateStopByContrast } from '../../src/flow/lumen-contrast.js';
import type { VesselFlow } from '../../src/flow/types.js';
import type { PointPx } from '../../src/metrics/types.js';

const W = 80;
const H = 60;
const scale = { umPerPxX: 1, umPerPxY: 1 };
/** Tissue at 200, a horizontal vessel 6 px wide (y 27–32) darker by `depth`, optionally mottle. */
function field(depth: number, mottle = 0): Float32Array {
  const img = new Float32Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const inVessel = y >= 27 && y <= 32;
      img[y * W + x] = 200 * (inVessel ? 1 - depth : 1) * (1 + mottle * Math.sin(x * 1.7) * Math.sin(y * 2.3));
    }
  }
  return img;
}
const line = (y: number, x0 = 10, x1 = 70): PointPx[] => Array.from({ length: x1 - x0 + 1 }, (_, k) => [x0 + k, y]);

describe('lumenContrast', () => {
  it('is the lumen\'s relative darkness against the tissue beside it', () => {
    expect(lumenContrast(field(0.3), W, H, line(29.5), 6, scale)).toBeCloseTo(0.3, 6);
    expect(lumenContrast(field(0.05), W, H, line(29.5), 6, scale)).toBeCloseTo(0.05, 6);
    expect(lumenContrast(field(0), W, H, line(29.5), 6, scale)).toBeCloseTo(0, 6);
  });

  it('reads a vessel at its median: mottle around it moves the ring, not the answer', () => {
    const c = lumenContrast(field(0.3, 0.05), W, H, line(29.5), 6, scale)!;
    expect(c).toBeGreaterThan(0.25);
    expect(c).toBeLessThan(0.35);
  });

  it('uses the ring in µm: the same vessel at 2 µm/px keeps its contrast', () => {
    // 6 px = 12 µm at 2 µm/px; ring at 3..8 µm = 1.5..4 px beyond the 3-px radius.
    expect(lumenContrast(field(0.3), W, H, line(29.5), 6, { umPerPxX: 2, umPerPxY: 2 })).toBeCloseTo(0.3, 6);
  });

  it('is null when no point has its centre and ring inside the image', () => {
    expect(lumenContrast(field(0.3), W, H, line(-30), 6, scale)).toBeNull();
    expect(lumenContrast(field(0.3), W, H, [[10, 29.5], [11, 29.5], [12, 29.5]], 6, scale)).toBeNull();
  });
});

describe('gateStopByContrast', () => {
  const flow = (flowClass: 0 | 1 | 2 | 3 | null): VesselFlow => ({
    id: 'v1',
    velocity: { valueUmPerS: 0, lowerBoundUmPerS: 0, upperBoundUmPerS: 0, censored: null },
    measurableRangeUmPerS: [50, 2000],
    confidence: 0.8,
    series: { stepS: 0.4, valuesUmPerS: [0, 0] },
    stoppedFraction: flowClass === 0 ? 1 : 0.6,
    flowClass,
    reason: null,
    direction: 0,
  });

  it('withdraws a stop or an intermittent call on a faint lumen, with the reason', () => {
    const g = gateStopByContrast(flow(0), 0.05, 0.1);
    expect(g.flowClass).toBeNull();
    expect(g.reason).toMatch(/5 % darker.*stop call needs 10 %/);
    expect(g.stoppedFraction).toBe(1);
    expect(gateStopByContrast(flow(1), 0.099, 0.1).flowClass).toBeNull();
  });

  it('keeps calls on a dark lumen, every moving class, and a vessel whose contrast could not be read', () => {
    expect(gateStopByContrast(flow(0), 0.1, 0.1).flowClass).toBe(0);
    expect(gateStopByContrast(flow(1), 0.3, 0.1).flowClass).toBe(1);
    expect(gateStopByContrast(flow(2), 0.01, 0.1).flowClass).toBe(2);
    expect(gateStopByContrast(flow(3), 0, 0.1).flowClass).toBe(3);
    expect(gateStopByContrast(flow(0), null, 0.1).flowClass).toBe(0);
    expect(gateStopByContrast(flow(null), 0.01, 0.1).flowClass).toBeNull();
  });
});
