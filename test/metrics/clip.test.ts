import { describe, expect, it } from 'vitest';
import { computeClipMetrics, predominantClass } from '../../src/metrics/clip.js';
import { measurePolyline } from '../../src/metrics/region.js';
import { MetricsInputError } from '../../src/metrics/errors.js';
import { HvmError } from '../../src/errors.js';
import type { AnalysedRegion, PixelScale, SegmentInput } from '../../src/metrics/types.js';
import { censoredAbove, measured, seg } from './helpers.js';

// Region 400×300 px at 2 µm/px → 0.8 × 0.6 mm = 0.48 mm².
// Grid: 3 horizontal lines of 0.8 mm + 3 vertical of 0.6 mm = 4.2 mm.
const region: AnalysedRegion = { x: 0, y: 0, width: 400, height: 300 };
const scale: PixelScale = { umPerPxX: 2, umPerPxY: 2 };

// Five vessels (diameters: A 8, B 10, C 6, D 12 µm are small; E 30 µm is large):
//   id  class  length µm  quadrants [TL,TR,BL,BR]  crossings        velocity
//   A   3      300        [300,0,0,0]               [1,0,0,1,0,0]=2  1000 µm/s
//   B   1      200        [0,200,0,0]               [0,1,0,0,0,0]=1   200 µm/s
//   C   2      100        [0,0,100,0]               [0,0,1,0,0,0]=1  censored above (≥ 1250)
//   D   —      100        [0,0,0,100]               [0,0,0,0,0,1]=1  none
//   E   0      400        [100,100,100,100]         [0,1,0,0,1,0]=2     0 µm/s
const golden: SegmentInput[] = [
  seg('A', { lengthUm: 300, diameterUm: 8, flowClass: 3, quadrants: [300, 0, 0, 0], crossings: [1, 0, 0, 1, 0, 0], velocity: measured(1000) }),
  seg('B', { lengthUm: 200, diameterUm: 10, flowClass: 1, quadrants: [0, 200, 0, 0], crossings: [0, 1, 0, 0, 0, 0], velocity: measured(200) }),
  seg('C', { lengthUm: 100, diameterUm: 6, flowClass: 2, quadrants: [0, 0, 100, 0], crossings: [0, 0, 1, 0, 0, 0], velocity: censoredAbove(1250) }),
  seg('D', { lengthUm: 100, diameterUm: 12, flowClass: null, quadrants: [0, 0, 0, 100], crossings: [0, 0, 0, 0, 0, 1] }),
  seg('E', { lengthUm: 400, diameterUm: 30, flowClass: 0, quadrants: [100, 100, 100, 100], crossings: [0, 1, 0, 0, 1, 0], velocity: measured(0) }),
];

describe('computeClipMetrics: golden case', () => {
  const m = computeClipMetrics({ region, scale, segments: golden });

  it('area and grid line length', () => {
    expect(m.analysedAreaMm2).toBeCloseTo(0.48, 12);
    expect(m.gridLineLengthMm).toBeCloseTo(4.2, 12);
    expect(m.smallVesselMaxUm).toBe(20);
  });

  it('small vessels (A, B, C, D)', () => {
    const s = m.small;
    // total = 300+200+100+100 = 700 µm = 0.7 mm → TVD = 0.7 / 0.48 = 1.458333 mm/mm²
    expect(s.TVD).toBeCloseTo(0.7 / 0.48, 12);
    // perfused (class 2, 3) = A 300 + C 100 = 400 µm → PVD = 0.4 / 0.48 = 0.833333 mm/mm²
    expect(s.PVD).toBeCloseTo(0.4 / 0.48, 12);
    // classified = 600 µm → PPV = 100·400/600 = 66.667 %; unclassified D = 100/700 = 14.286 %
    expect(s.PPV).toBeCloseTo(200 / 3, 12);
    expect(s.unclassifiedLengthPct).toBeCloseTo(100 / 7, 12);
    // crossings 2+1+1+1 = 5 → 5 / 4.2 mm = 1.190476 /mm; perfused A 2 + C 1 = 3 → 3 / 4.2 = 0.714286 /mm
    expect(s.crossingCount).toBe(5);
    expect(s.deBackerScore).toBeCloseTo(5 / 4.2, 12);
    expect(s.perfusedDeBackerScore).toBeCloseTo(3 / 4.2, 12);
    // classified crossings A2 + B1 + C1 = 4 (D left out) → PPVCount = 100·3/4 = 75 %
    expect(s.classifiedCrossingCount).toBe(4);
    expect(s.perfusedCrossingCount).toBe(3);
    expect(s.PPVCount).toBeCloseTo(75, 12);
    // quadrants: TL A→3, TR B→1, BL C→2, BR only D (unclassified) → null; MFI = (3+1+2)/3 = 2
    expect(s.MFIQuadrants).toEqual([3, 1, 2, null]);
    expect(s.MFI).toBeCloseTo(2, 12);
    // vessel-by-vessel: (3+1+2)/3 = 2 (length-weighted would be (900+200+200)/600 = 2.1667)
    expect(s.MFIVessel).toBeCloseTo(2, 12);
    expect(s.lengthUmByFlowClass).toEqual({ 0: 0, 1: 200, 2: 100, 3: 300, unclassified: 100 });
    expect(s.vesselCount).toBe(4);
    // velocity: A 1000 (w 300), B 200 (w 200); C censored → left out, counted
    // mean = (300·1000 + 200·200)/500 = 340000/500 = 680 µm/s
    // SD = √((300·320² + 200·480²)/500) = √(76 800 000/500) = √153 600 = 391.918 µm/s
    expect(s.meanVelocityUmPerS).toBeCloseTo(680, 9);
    expect(s.sdVelocityUmPerS).toBeCloseTo(Math.sqrt(153600), 9);
    expect(s.velocityMeasuredCount).toBe(2);
    expect(s.censoredAboveCount).toBe(1);
    expect(s.censoredBelowCount).toBe(0);
  });

  it('all vessels (A–E)', () => {
    const a = m.all;
    // total 1100 µm → TVD = 1.1 / 0.48 = 2.291667; perfused still 400 → PVD 0.833333
    expect(a.TVD).toBeCloseTo(1.1 / 0.48, 12);
    expect(a.PVD).toBeCloseTo(0.4 / 0.48, 12);
    // classified 1000 → PPV = 40 %; unclassified 100/1100 = 9.0909 %
    expect(a.PPV).toBeCloseTo(40, 12);
    expect(a.unclassifiedLengthPct).toBeCloseTo(100 / 11, 12);
    // crossings 5 + 2 = 7 → 7/4.2 = 1.666667 /mm; classified 6, perfused 3 → PPVCount 50 %
    expect(a.deBackerScore).toBeCloseTo(7 / 4.2, 12);
    expect(a.perfusedDeBackerScore).toBeCloseTo(3 / 4.2, 12);
    expect(a.PPVCount).toBeCloseTo(50, 12);
    // quadrants: TL class3 300 vs class0 100 → 3; TR class1 200 vs class0 100 → 1;
    // BL class2 100 vs class0 100 → TIE → lower class 0; BR class0 100 (D unclassified) → 0
    // MFI = (3+1+0+0)/4 = 1
    expect(a.MFIQuadrants).toEqual([3, 1, 0, 0]);
    expect(a.MFI).toBeCloseTo(1, 12);
    // vessel-by-vessel: (3+1+2+0)/4 = 1.5
    expect(a.MFIVessel).toBeCloseTo(1.5, 12);
    // velocity: A 1000 (300), B 200 (200), E 0 (400): mean = 340000/900 = 377.78 µm/s
    const mean = 340000 / 900;
    expect(a.meanVelocityUmPerS).toBeCloseTo(mean, 9);
    const ss = 300 * (1000 - mean) ** 2 + 200 * (200 - mean) ** 2 + 400 * (0 - mean) ** 2;
    expect(a.sdVelocityUmPerS).toBeCloseTo(Math.sqrt(ss / 900), 9); // ≈ 446.66
    expect(a.sdVelocityUmPerS).toBeCloseTo(446.66, 1);
    expect(a.vesselCount).toBe(5);
  });

  it('warns about censored velocities, not about quadrants (3 scored small, 4 all)', () => {
    const codes = m.warnings.map((w) => w.code);
    expect(codes).toContain('velocity-censored-above');
    expect(codes).not.toContain('mfi-few-quadrants');
    expect(codes).not.toContain('mfi-no-quadrant');
  });
});

describe('computeClipMetrics: a wrong formula would be caught', () => {
  // Any set where every vessel is classified: PVD = TVD × PPV / 100 exactly (doc). Catches
  // PPV as a fraction (×100 missing), PPV by count, PVD over the wrong length or area.
  const segs = [
    seg('a', { lengthUm: 123.4, diameterUm: 7, flowClass: 3, quadrants: [100, 23.4, 0, 0] }),
    seg('b', { lengthUm: 56.7, diameterUm: 9, flowClass: 0, quadrants: [0, 0, 56.7, 0] }),
    seg('c', { lengthUm: 89, diameterUm: 14, flowClass: 2, quadrants: [0, 0, 0, 89] }),
    seg('d', { lengthUm: 40, diameterUm: 11, flowClass: 1, quadrants: [0, 40, 0, 0] }),
  ];
  it('PVD = TVD × PPV / 100 when all are classified', () => {
    const m = computeClipMetrics({ region, scale: { umPerPxX: 1.3056, umPerPxY: 1.3021 }, segments: segs });
    for (const s of [m.small, m.all]) {
      expect(s.unclassifiedLengthPct).toBe(0);
      expect(s.PVD).toBeCloseTo((s.TVD * s.PPV!) / 100, 12);
    }
  });
  it('with unclassified vessels: PVD = TVD × (1 − unclassified%/100) × PPV/100', () => {
    const m = computeClipMetrics({
      region,
      scale,
      segments: [...segs, seg('u', { lengthUm: 77, diameterUm: 8, flowClass: null })],
    });
    const s = m.all;
    expect(s.unclassifiedLengthPct).toBeGreaterThan(0);
    expect(s.PVD).toBeCloseTo(s.TVD * (1 - s.unclassifiedLengthPct! / 100) * (s.PPV! / 100), 12);
  });
  it('TVD is length per area, not an area fraction: doubling the pixel size quarters TVD', () => {
    // Same physical vessels (lengths in µm fixed), pixels twice as large → 4× the area → TVD / 4.
    const a = computeClipMetrics({ region, scale: { umPerPxX: 1, umPerPxY: 1 }, segments: segs }).all.TVD;
    const b = computeClipMetrics({ region, scale: { umPerPxX: 2, umPerPxY: 2 }, segments: segs }).all.TVD;
    expect(a / b).toBeCloseTo(4, 12);
    // 123.4+56.7+89+40 = 309.1 µm over 400×300 µm = 0.12 mm² → 0.3091 mm / 0.12 mm² = 2.575833 mm/mm²
    expect(a).toBeCloseTo(0.3091 / 0.12, 12);
  });
});

describe('computeClipMetrics: edge cases', () => {
  it('a diameter that is only a lower bound of at least half the small limit does not make a vessel small', () => {
    const cut = seg('cut', { lengthUm: 200, diameterUm: 12, flowClass: 3, quadrants: [0, 0, 200, 0] });
    const inside = seg('in', { lengthUm: 100, diameterUm: 8, flowClass: 0, quadrants: [0, 0, 100, 0] });
    const plain = computeClipMetrics({ region, scale, segments: [cut, inside] });
    const bounded = computeClipMetrics({ region, scale, segments: [{ ...cut, diameterIsLowerBound: true }, inside] });
    // 0.48 mm²: small TVD 300 µm → 0.625, then 100 µm → 0.208 mm/mm²; all vessels unchanged.
    expect(plain.small.TVD).toBeCloseTo(0.3 / 0.48, 9);
    expect(bounded.small.TVD).toBeCloseTo(0.1 / 0.48, 9);
    expect(bounded.all.TVD).toBeCloseTo(plain.all.TVD, 12);
    // The bottom-left quadrant's small-vessel score is the stopped capillary's once the cut vessel leaves it.
    expect(plain.small.MFIQuadrants[2]).toBe(3);
    expect(bounded.small.MFIQuadrants[2]).toBe(0);
    // A bound under half the limit (a capillary's width) stays small.
    const sliver = computeClipMetrics({ region, scale, segments: [{ ...cut, diameterUm: 8, diameterIsLowerBound: true }] });
    expect(sliver.small.TVD).toBeCloseTo(0.2 / 0.48, 9);
    expect(() => computeClipMetrics({ region, scale, segments: [{ ...cut, diameterIsLowerBound: 'yes' as unknown as boolean }] })).toThrow(MetricsInputError);
  });

  it('no vessels: densities 0, ratios and MFI null, with warnings', () => {
    const m = computeClipMetrics({ region, scale, segments: [] });
    for (const s of [m.small, m.all]) {
      expect(s.TVD).toBe(0);
      expect(s.PVD).toBe(0);
      expect(s.PPV).toBeNull();
      expect(s.unclassifiedLengthPct).toBeNull();
      expect(s.PPVCount).toBeNull();
      expect(s.deBackerScore).toBe(0);
      expect(s.perfusedDeBackerScore).toBe(0);
      expect(s.MFI).toBeNull();
      expect(s.MFIQuadrants).toEqual([null, null, null, null]);
      expect(s.MFIVessel).toBeNull();
      expect(s.meanVelocityUmPerS).toBeNull();
      expect(s.sdVelocityUmPerS).toBeNull();
      expect(s.vesselCount).toBe(0);
    }
    const codes = m.warnings.map((w) => w.code);
    expect(codes.filter((c) => c === 'no-vessels')).toHaveLength(2);
    expect(codes.filter((c) => c === 'mfi-no-quadrant')).toHaveLength(2);
  });

  it('all unclassified: TVD counts them, PPV/PPVCount/MFI null, unclassified 100 %', () => {
    const m = computeClipMetrics({
      region,
      scale,
      segments: [
        seg('u1', { lengthUm: 240, diameterUm: 8, flowClass: null, crossings: [1, 1, 0, 0, 0, 0] }),
        seg('u2', { lengthUm: 240, diameterUm: 9, flowClass: null, quadrants: [0, 0, 0, 240] }),
      ],
    });
    const s = m.small;
    // 480 µm = 0.48 mm over 0.48 mm² → TVD = 1 mm/mm²; 2 crossings / 4.2 mm
    expect(s.TVD).toBeCloseTo(1, 12);
    expect(s.PVD).toBeNull(); // perfusion unknown: null, not a silent 0
    expect(s.PPV).toBeNull();
    expect(s.unclassifiedLengthPct).toBe(100);
    expect(s.PPVCount).toBeNull();
    expect(s.deBackerScore).toBeCloseTo(2 / 4.2, 12);
    expect(s.MFI).toBeNull();
    expect(s.MFIVessel).toBeNull();
    expect(m.warnings.map((w) => w.code)).toContain('nothing-classified');
  });

  it('empty quadrants: MFI is the mean of the scored ones, with a warning under 3', () => {
    // TL: class 3 (50 µm); TR: class 1 (50 µm); BL, BR empty → MFI = (3+1)/2 = 2, warning
    const m = computeClipMetrics({
      region,
      scale,
      segments: [
        seg('a', { lengthUm: 50, diameterUm: 8, flowClass: 3, quadrants: [50, 0, 0, 0] }),
        seg('b', { lengthUm: 50, diameterUm: 8, flowClass: 1, quadrants: [0, 50, 0, 0] }),
      ],
    });
    expect(m.small.MFIQuadrants).toEqual([3, 1, null, null]);
    expect(m.small.MFI).toBe(2);
    const w = m.warnings.filter((x) => x.code === 'mfi-few-quadrants');
    expect(w).toHaveLength(2); // small and all
    expect(w[0]!.message).toMatch(/2 of 4 quadrants/);
  });

  it('a tie between classes in a quadrant scores the lower class', () => {
    // TL: class 1 100 µm and class 3 100 µm → 1 (not 3, not the mean 2)
    const m = computeClipMetrics({
      region,
      scale,
      segments: [
        seg('a', { lengthUm: 100, diameterUm: 8, flowClass: 3 }),
        seg('b', { lengthUm: 100, diameterUm: 8, flowClass: 1 }),
      ],
    });
    expect(m.small.MFIQuadrants[0]).toBe(1);
    // a float-level difference is still a tie
    expect(predominantClass([0, 100, 0, 100 + 1e-12])).toBe(1);
    // a real difference is not
    expect(predominantClass([0, 100, 0, 100.001])).toBe(3);
    expect(predominantClass([0, 0, 0, 0])).toBeNull();
  });

  it('a vessel crossing a quadrant boundary counts in each quadrant by its length there', () => {
    // Region 400×300 px at 1 µm/px, vertical midline x = 200.
    // Vessel P (class 3): (170,50)→(270,50): 30 µm in TL, 70 µm in TR.
    // Vessel Q (class 1): (150,60)→(250,60): 50 µm in TL, 50 µm in TR.
    // TL: class1 50 > class3 30 → 1;   TR: class3 70 > class1 50 → 3.   MFI = (1+3)/2 = 2.
    // (Assigning each vessel wholly to the quadrant holding most of it would give TL empty, TR 3 → MFI 3;
    //  splitting by midpoint or start point likewise differs.)
    const s1 = { umPerPxX: 1, umPerPxY: 1 };
    const P = measurePolyline([[170, 50], [270, 50]], region, s1);
    const Q = measurePolyline([[150, 60], [250, 60]], region, s1);
    expect(P.lengthUmByQuadrant).toEqual([30, 70, 0, 0]);
    expect(Q.lengthUmByQuadrant).toEqual([50, 50, 0, 0]);
    const m = computeClipMetrics({
      region,
      scale: s1,
      segments: [
        { id: 'P', ...P, diameterUm: 8, flowClass: 3 },
        { id: 'Q', ...Q, diameterUm: 8, flowClass: 1 },
      ],
    });
    expect(m.small.MFIQuadrants).toEqual([1, 3, null, null]);
    expect(m.small.MFI).toBe(2);
  });

  it('small = diameter strictly below the threshold; the threshold is configurable', () => {
    const segs = [
      seg('at20', { lengthUm: 100, diameterUm: 20, flowClass: 3 }),
      seg('d19', { lengthUm: 50, diameterUm: 19.9, flowClass: 3 }),
      seg('d24', { lengthUm: 70, diameterUm: 24, flowClass: 3 }),
    ];
    expect(computeClipMetrics({ region, scale, segments: segs }).small.vesselCount).toBe(1);
    expect(computeClipMetrics({ region, scale, segments: segs, smallVesselMaxUm: 25 }).small.vesselCount).toBe(3);
  });

  it('a segment with no length inside the region is not a vessel of the clip', () => {
    const m = computeClipMetrics({
      region,
      scale,
      segments: [seg('out', { lengthUm: 0, diameterUm: 8, flowClass: 3, quadrants: [0, 0, 0, 0], velocity: measured(900) })],
    });
    expect(m.all.vesselCount).toBe(0);
    expect(m.all.MFIVessel).toBeNull();
    expect(m.all.meanVelocityUmPerS).toBeNull();
  });

  it('rejects impossible input with a typed error', () => {
    const bad = seg('x', { lengthUm: 100, diameterUm: 8, flowClass: 3, quadrants: [50, 0, 0, 0] });
    expect(() => computeClipMetrics({ region, scale, segments: [bad] })).toThrow(MetricsInputError);
    expect(() => computeClipMetrics({ region, scale, segments: [bad] })).toThrow(/sums to 50, not lengthUm 100/);
    const a = seg('same', { lengthUm: 1, diameterUm: 8, flowClass: 3 });
    expect(() => computeClipMetrics({ region, scale, segments: [a, a] })).toThrow(/share the id/);
    expect(() => computeClipMetrics({ region, scale: { umPerPxX: 0, umPerPxY: 1 }, segments: [] })).toThrow(HvmError);
    expect(() =>
      computeClipMetrics({ region, scale, segments: [seg('n', { lengthUm: NaN, diameterUm: 8, flowClass: 3 })] }),
    ).toThrow(MetricsInputError);
    expect(() =>
      computeClipMetrics({ region, scale, segments: [{ ...a, flowClass: 4 as never }] }),
    ).toThrow(/flowClass/);
  });
});

describe('PPV never exceeds 100 % through rounding', () => {
  it('all-perfused lengths whose (100·p)/p rounds above 100 give exactly 100', () => {
    // 797.2773787901109: (100 × p) / p = 100.00000000000001 in IEEE double.
    for (const p of [797.2773787901109, 59.107558063132615, 22.584691855794816]) {
      expect((100 * p) / p).toBeGreaterThan(100);
      const m = computeClipMetrics({ region, scale, segments: [seg('a', { lengthUm: p, diameterUm: 6, flowClass: 3 })] });
      expect(m.all.PPV).toBe(100);
      expect(m.all.PPV! <= 100).toBe(true);
    }
  });
});

describe('perfusion unknown is null, never a silent zero', () => {
  it('vessels present but none classified: PVD and the perfused De Backer score are null; no vessels at all: 0', () => {
    const m = computeClipMetrics({ region, scale, segments: [seg('a', { lengthUm: 120, diameterUm: 6, flowClass: null, crossings: [1, 0, 0, 0, 0, 0] })] });
    expect(m.all.TVD).toBeGreaterThan(0);
    expect(m.all.PVD).toBeNull();
    expect(m.all.perfusedDeBackerScore).toBeNull();
    expect(m.all.PPV).toBeNull();
    const none = computeClipMetrics({ region, scale, segments: [] });
    expect(none.all.PVD).toBe(0);
    expect(none.all.perfusedDeBackerScore).toBe(0);
  });
});
