import { describe, expect, it } from 'vitest';
import {
  analysedAreaMm2,
  clipPolylineToRegion,
  gridLineLengthMm,
  gridLines,
  measurePolyline,
  polylineGridCrossings,
  polylineLengthUm,
  polylineLengthUmByQuadrant,
  quadrantRects,
} from '../../src/metrics/region.js';
import { MetricsInputError } from '../../src/metrics/errors.js';
import type { AnalysedRegion, PointPx } from '../../src/metrics/types.js';

const R: AnalysedRegion = { x: 10, y: 20, width: 400, height: 300 };

describe('quadrantRects', () => {
  it('splits at the middle: TL, TR, BL, BR', () => {
    // midlines: xm = 10 + 400/2 = 210, ym = 20 + 300/2 = 170
    expect(quadrantRects(R)).toEqual([
      { x: 10, y: 20, width: 200, height: 150 },
      { x: 210, y: 20, width: 200, height: 150 },
      { x: 10, y: 170, width: 200, height: 150 },
      { x: 210, y: 170, width: 200, height: 150 },
    ]);
  });
  it('odd sizes split into halves of a pixel', () => {
    const q = quadrantRects({ x: 0, y: 0, width: 401, height: 3 });
    // 401/2 = 200.5, 3/2 = 1.5
    expect(q[1]).toEqual({ x: 200.5, y: 0, width: 200.5, height: 1.5 });
    expect(q[0]!.width + q[1]!.width).toBe(401);
  });
  it('rejects an empty region', () => {
    expect(() => quadrantRects({ x: 0, y: 0, width: 0, height: 10 })).toThrow(MetricsInputError);
  });
});

describe('gridLines, area, line length', () => {
  it('3 horizontal at ¼ ½ ¾ of the height, then 3 vertical at ¼ ½ ¾ of the width, lengths per axis scale', () => {
    // scale 2 µm/px in x, 3 µm/px in y
    // horizontal: y = 20 + 300·{¼,½,¾} = 95, 170, 245; span x 10…410 = 400 px = 400·2 = 800 µm
    // vertical:   x = 10 + 400·{¼,½,¾} = 110, 210, 310; span y 20…320 = 300 px = 300·3 = 900 µm
    const lines = gridLines(R, { umPerPxX: 2, umPerPxY: 3 });
    expect(lines.map((l) => l.positionPx)).toEqual([95, 170, 245, 110, 210, 310]);
    expect(lines.map((l) => l.orientation)).toEqual(['horizontal', 'horizontal', 'horizontal', 'vertical', 'vertical', 'vertical']);
    expect(lines.map((l) => l.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(lines.map((l) => l.lengthPx)).toEqual([400, 400, 400, 300, 300, 300]);
    expect(lines.map((l) => l.lengthUm)).toEqual([800, 800, 800, 900, 900, 900]);
    expect(lines[0]!.from).toEqual([10, 95]);
    expect(lines[0]!.to).toEqual([410, 95]);
    expect(lines[3]!.from).toEqual([110, 20]);
    expect(lines[3]!.to).toEqual([110, 320]);
  });
  it('lengthUm is null without a scale', () => {
    expect(gridLines(R).every((l) => l.lengthUm === null)).toBe(true);
  });
  it('area: 400×300 px at 2 µm/px = 0.8 × 0.6 mm = 0.48 mm²; lines: 3·0.8 + 3·0.6 = 4.2 mm', () => {
    const s = { umPerPxX: 2, umPerPxY: 2 };
    expect(analysedAreaMm2(R, s)).toBeCloseTo(0.48, 12);
    expect(gridLineLengthMm(R, s)).toBeCloseTo(4.2, 12);
  });
  it('area and line length use x and y scales separately', () => {
    // 400 px · 2 µm = 0.8 mm wide, 300 px · 3 µm = 0.9 mm high → 0.72 mm²; lines 3·0.8 + 3·0.9 = 5.1 mm
    const s = { umPerPxX: 2, umPerPxY: 3 };
    expect(analysedAreaMm2(R, s)).toBeCloseTo(0.72, 12);
    expect(gridLineLengthMm(R, s)).toBeCloseTo(5.1, 12);
  });
});

describe('clipPolylineToRegion', () => {
  const sq: AnalysedRegion = { x: 0, y: 0, width: 100, height: 100 };
  it('keeps a polyline fully inside as one piece', () => {
    const p: PointPx[] = [[10, 10], [50, 50], [90, 20]];
    expect(clipPolylineToRegion(p, sq)).toEqual([p]);
  });
  it('drops a polyline fully outside', () => {
    expect(clipPolylineToRegion([[110, 10], [150, 50]], sq)).toEqual([]);
  });
  it('splits a polyline that leaves and re-enters into pieces, cut at the border', () => {
    // (-10,10)→(50,10): enters at x=0 → (0,10)…(50,10)
    // (50,10)→(50,-20): leaves at y=0 → …(50,0)               ⇒ piece 1: (0,10) (50,10) (50,0)
    // (50,-20)→(80,-20): outside
    // (80,-20)→(80,50): enters at y=0 → (80,0)…(80,50)        ⇒ piece 2: (80,0) (80,50)
    const pieces = clipPolylineToRegion([[-10, 10], [50, 10], [50, -20], [80, -20], [80, 50]], sq);
    expect(pieces).toEqual([
      [[0, 10], [50, 10], [50, 0]],
      [[80, 0], [80, 50]],
    ]);
  });
  it('drops a zero-length touch of a corner', () => {
    expect(clipPolylineToRegion([[-10, 10], [10, -10]], sq)).toEqual([]);
  });
  it('rejects non-finite coordinates', () => {
    expect(() => clipPolylineToRegion([[0, 0], [NaN, 1]], sq)).toThrow(MetricsInputError);
  });
});

describe('polylineLengthUmByQuadrant', () => {
  const reg: AnalysedRegion = { x: 0, y: 0, width: 400, height: 300 }; // midlines x=200, y=150
  it('a vessel crossing the vertical midline is split by length', () => {
    // (150,100)→(350,100): 50 px left of x=200 (TL), 150 px right (TR); at 2 µm/px: 100 µm and 300 µm
    expect(polylineLengthUmByQuadrant([[150, 100], [350, 100]], reg, { umPerPxX: 2, umPerPxY: 2 })).toEqual([100, 300, 0, 0]);
  });
  it('applies the x and y scales separately', () => {
    // (0,0)→(400,300) at 2 µm/px in x, 3 in y: Δ = (800 µm, 900 µm), length √(800²+900²) = 1204.159… µm,
    // through the centre (200,150): first half TL, second half BR (the centre belongs to BR, half-open)
    const q = polylineLengthUmByQuadrant([[0, 0], [400, 300]], reg, { umPerPxX: 2, umPerPxY: 3 });
    const half = Math.hypot(800, 900) / 2; // 602.0797…
    expect(q[0]).toBeCloseTo(half, 9);
    expect(q[1]).toBe(0);
    expect(q[2]).toBe(0);
    expect(q[3]).toBeCloseTo(half, 9);
    // (a formula using one scale for both axes would give √(800²+600²)/2 = 500 or √(1200²+900²)/2 = 750)
  });
  it('a piece lying exactly on a midline belongs to the right/bottom quadrant, counted once', () => {
    // x = 200 from y 50 to 250, y scale 3: TR gets 50…150 = 100 px = 300 µm, BR 150…250 = 300 µm
    expect(polylineLengthUmByQuadrant([[200, 50], [200, 250]], reg, { umPerPxX: 2, umPerPxY: 3 })).toEqual([0, 300, 0, 300]);
    // y = 150 from x 100 to 300, x scale 2: BL 100…200 = 200 µm, BR 200…300 = 200 µm
    expect(polylineLengthUmByQuadrant([[100, 150], [300, 150]], reg, { umPerPxX: 2, umPerPxY: 3 })).toEqual([0, 0, 200, 200]);
  });
  it('only the part inside the region counts', () => {
    // (-100,50)→(100,50): 100 px inside, in TL; at 1 µm/px = 100 µm
    expect(polylineLengthUmByQuadrant([[-100, 50], [100, 50]], reg, { umPerPxX: 1, umPerPxY: 1 })).toEqual([100, 0, 0, 0]);
    expect(polylineLengthUm([[-100, 50], [100, 50], [100, -50]], reg, { umPerPxX: 1, umPerPxY: 1 })).toBe(150);
  });
  it('an L-shaped vessel through two quadrants', () => {
    // (100,100)→(100,200)→(300,200): first leg 50 px TL (y<150) + 50 px BL; second leg 100 px BL + 100 px BR
    // at 1 µm/px: [50, 0, 150, 100], total 300
    expect(polylineLengthUmByQuadrant([[100, 100], [100, 200], [300, 200]], reg, { umPerPxX: 1, umPerPxY: 1 })).toEqual([50, 0, 150, 100]);
  });
});

describe('polylineGridCrossings', () => {
  const sq: AnalysedRegion = { x: 0, y: 0, width: 400, height: 400 }; // lines at 100, 200, 300 both ways
  it('a straight vertical vessel crosses the three horizontal lines once each', () => {
    expect(polylineGridCrossings([[50, 0], [50, 400]], sq)).toEqual([1, 1, 1, 0, 0, 0]);
  });
  it('a diagonal across the region crosses all six lines', () => {
    expect(polylineGridCrossings([[1, 3], [399, 397]], sq)).toEqual([1, 1, 1, 1, 1, 1]);
  });
  it('a tortuous vessel crossing a line twice counts twice', () => {
    // 150 → 250 → 150 across y = 200
    expect(polylineGridCrossings([[50, 150], [60, 250], [70, 150]], sq)).toEqual([0, 2, 0, 0, 0, 0]);
  });
  it('a vertex exactly on a line is counted once when the path passes through', () => {
    expect(polylineGridCrossings([[50, 150], [60, 200], [70, 250]], sq)).toEqual([0, 1, 0, 0, 0, 0]);
    expect(polylineGridCrossings([[50, 250], [60, 200], [70, 150]], sq)).toEqual([0, 1, 0, 0, 0, 0]);
    // running along the line before leaving on the other side: still once
    expect(polylineGridCrossings([[50, 150], [60, 200], [80, 200], [90, 250]], sq)).toEqual([0, 1, 0, 0, 0, 0]);
  });
  it('counts are additive when a vessel is split at a vertex on a line (junction on a grid line)', () => {
    const a = polylineGridCrossings([[50, 150], [60, 200]], sq);
    const b = polylineGridCrossings([[60, 200], [70, 250]], sq);
    expect(a[1] + b[1]).toBe(1);
  });
  it('a touch at a vertex: 0 from the larger-y side, 2 from the smaller-y side (documented convention)', () => {
    expect(polylineGridCrossings([[50, 250], [60, 200], [70, 250]], sq)[1]).toBe(0);
    expect(polylineGridCrossings([[50, 150], [60, 200], [70, 150]], sq)[1]).toBe(2);
  });
  it('crossings outside the region (beyond the line ends) do not count', () => {
    expect(polylineGridCrossings([[-10, 150], [-10, 250]], sq)).toEqual([0, 0, 0, 0, 0, 0]);
  });
  it('measurePolyline returns length, quadrants and crossings consistently', () => {
    const m = measurePolyline([[50, 0], [50, 400]], sq, { umPerPxX: 1, umPerPxY: 2 });
    // 400 px vertical at 2 µm/px = 800 µm, half in TL (y<200), half in BL
    expect(m.lengthUm).toBe(800);
    expect(m.lengthUmByQuadrant).toEqual([400, 0, 400, 0]);
    expect(m.gridCrossings).toEqual([1, 1, 1, 0, 0, 0]);
  });
});
