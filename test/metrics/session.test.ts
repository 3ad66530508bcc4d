import { describe, expect, it } from 'vitest';
import { computeSessionMetrics, heterogeneityIndex, summarise } from '../../src/metrics/session.js';
import { MetricsInputError } from '../../src/metrics/errors.js';
import type { ClipMetrics, MetricSet } from '../../src/metrics/types.js';

function set(o: Partial<MetricSet>): MetricSet {
  return {
    TVD: 0,
    PVD: 0,
    PPV: null,
    unclassifiedLengthPct: null,
    PPVCount: null,
    deBackerScore: 0,
    perfusedDeBackerScore: 0,
    MFI: null,
    MFIQuadrants: [null, null, null, null],
    MFIVessel: null,
    lengthUmByFlowClass: { 0: 0, 1: 0, 2: 0, 3: 0, unclassified: 0 },
    vesselCount: 0,
    meanVelocityUmPerS: null,
    sdVelocityUmPerS: null,
    velocityMeasuredCount: 0,
    censoredAboveCount: 0,
    censoredBelowCount: 0,
    crossingCount: 0,
    classifiedCrossingCount: 0,
    perfusedCrossingCount: 0,
    ...o,
  };
}

function clip(small: Partial<MetricSet>, all: Partial<MetricSet> = small): ClipMetrics {
  return { small: set(small), all: set(all), analysedAreaMm2: 0.48, gridLineLengthMm: 4.2, smallVesselMaxUm: 20, warnings: [] };
}

describe('heterogeneityIndex (Trzeciak 2007)', () => {
  it('(max − min) / mean', () => {
    // sites 3, 2, 2.5: (3 − 2) / 2.5 = 0.4
    expect(heterogeneityIndex([3, 2, 2.5])).toBeCloseTo(0.4, 12);
    // identical sites: 0
    expect(heterogeneityIndex([2.75, 2.75])).toBe(0);
  });
  it('null under 2 sites or with a zero mean', () => {
    expect(heterogeneityIndex([])).toBeNull();
    expect(heterogeneityIndex([2.5])).toBeNull();
    expect(heterogeneityIndex([0, 0, 0])).toBeNull();
  });
});

describe('computeSessionMetrics', () => {
  it('golden case: 3 analysed sites, 1 excluded, of 4 planned', () => {
    const sites = [
      { siteId: 's1', metrics: clip({ TVD: 18, PVD: 18, PPV: 100, MFI: 3, MFIVessel: 3, meanVelocityUmPerS: 1300, velocityMeasuredCount: 10, censoredAboveCount: 2 }) },
      { siteId: 's2', metrics: clip({ TVD: 15, PVD: 10, PPV: 66, MFI: 2, MFIVessel: 2.2, meanVelocityUmPerS: 800, velocityMeasuredCount: 8 }) },
      { siteId: 's3', metrics: clip({ TVD: 12, PVD: 9, PPV: null, MFI: 2.5, MFIVessel: 2.4, meanVelocityUmPerS: null, censoredAboveCount: 1 }) },
      { siteId: 's4', metrics: null, excludedReason: 'MIQS total ≥ 10 (pressure)' },
    ];
    const r = computeSessionMetrics(sites, { sitesPlanned: 4 });
    expect(r.sitesPlanned).toBe(4);
    expect(r.sitesAnalysed).toBe(3);
    expect(r.analysedSiteIds).toEqual(['s1', 's2', 's3']);
    expect(r.excluded).toEqual([{ siteId: 's4', reason: 'MIQS total ≥ 10 (pressure)' }]);
    const s = r.small;
    // TVD mean (18+15+12)/3 = 15; sample SD √((9+0+9)/2) = 3; min 12, max 18
    expect(s.TVD).toEqual({ mean: 15, sd: 3, min: 12, max: 18, n: 3 });
    // PVD (18+10+9)/3 = 12.333…
    expect(s.PVD.mean).toBeCloseTo(37 / 3, 12);
    // PPV: s3 null → left out: (100+66)/2 = 83, n = 2
    expect(s.PPV.mean).toBe(83);
    expect(s.PPV.n).toBe(2);
    // MFI: (3+2+2.5)/3 = 2.5; HI = (3 − 2)/2.5 = 0.4
    expect(s.MFI.mean).toBeCloseTo(2.5, 12);
    expect(s.HI).toBeCloseTo(0.4, 12);
    expect(s.MFIVessel.mean).toBeCloseTo((3 + 2.2 + 2.4) / 3, 12);
    // velocity: mean of site means (1300+800)/2 = 1050 (s3 has none); counts summed
    expect(s.meanVelocityUmPerS).toMatchObject({ mean: 1050, n: 2 });
    expect(s.velocityMeasuredCount).toBe(18);
    expect(s.censoredAboveCount).toBe(3);
    const codes = r.warnings.map((w) => w.code);
    expect(codes).toContain('session-sites-missing');
    expect(codes).not.toContain('session-few-sites');
    expect(codes).not.toContain('hi-too-few-sites');
  });

  it('one analysed site: HI null with a warning', () => {
    const r = computeSessionMetrics([{ siteId: 'only', metrics: clip({ MFI: 2.5, TVD: 10 }) }]);
    expect(r.small.HI).toBeNull();
    expect(r.all.HI).toBeNull();
    expect(r.small.MFI.mean).toBe(2.5);
    const codes = r.warnings.map((w) => w.code);
    expect(codes.filter((c) => c === 'hi-too-few-sites')).toHaveLength(2);
    expect(codes).toContain('session-few-sites');
    expect(r.sitesPlanned).toBe(1);
  });

  it('zero mean MFI (no flow anywhere): HI null with a warning', () => {
    const r = computeSessionMetrics([
      { siteId: 'a', metrics: clip({ MFI: 0 }) },
      { siteId: 'b', metrics: clip({ MFI: 0 }) },
      { siteId: 'c', metrics: clip({ MFI: 0 }) },
    ]);
    expect(r.small.MFI.mean).toBe(0);
    expect(r.small.HI).toBeNull();
    expect(r.warnings.map((w) => w.code)).toContain('hi-zero-mean');
  });

  it('a site whose MFI is null does not count for HI', () => {
    const r = computeSessionMetrics([
      { siteId: 'a', metrics: clip({ MFI: 3 }) },
      { siteId: 'b', metrics: clip({ MFI: null }) },
    ]);
    expect(r.sitesAnalysed).toBe(2);
    expect(r.small.MFI.n).toBe(1);
    expect(r.small.HI).toBeNull();
  });

  it('small and all are summarised separately (HI of each population)', () => {
    const r = computeSessionMetrics([
      { siteId: 'a', metrics: clip({ MFI: 3 }, { MFI: 2 }) },
      { siteId: 'b', metrics: clip({ MFI: 1 }, { MFI: 2 }) },
    ]);
    // small: (3 − 1) / 2 = 1; all: (2 − 2) / 2 = 0
    expect(r.small.HI).toBe(1);
    expect(r.all.HI).toBe(0);
  });

  it('a site with metrics but an exclusion reason is excluded', () => {
    const r = computeSessionMetrics([
      { siteId: 'a', metrics: clip({ MFI: 3 }) },
      { siteId: 'b', metrics: clip({ MFI: 1 }), excludedReason: 'rejected: pressure artefact' },
      { siteId: 'c', metrics: null },
    ]);
    expect(r.sitesAnalysed).toBe(1);
    expect(r.excluded).toEqual([
      { siteId: 'b', reason: 'rejected: pressure artefact' },
      { siteId: 'c', reason: 'not analysed' },
    ]);
    expect(r.small.MFI.mean).toBe(3);
  });

  it('no sites analysed: everything null, n 0', () => {
    const r = computeSessionMetrics([{ siteId: 'a', metrics: null }], { sitesPlanned: 3 });
    expect(r.sitesAnalysed).toBe(0);
    expect(r.small.TVD).toEqual({ mean: null, sd: null, min: null, max: null, n: 0 });
    expect(r.small.HI).toBeNull();
  });

  it('rejects duplicate site ids and a bad sitesPlanned', () => {
    const m = clip({ MFI: 3 });
    expect(() => computeSessionMetrics([{ siteId: 'a', metrics: m }, { siteId: 'a', metrics: m }])).toThrow(MetricsInputError);
    expect(() => computeSessionMetrics([], { sitesPlanned: -1 })).toThrow(MetricsInputError);
  });

  it('summarise: sample SD (n − 1), nulls left out', () => {
    // 2, 4, 6: mean 4, SD √((4+0+4)/2) = 2
    expect(summarise([2, null, 4, 6])).toEqual({ mean: 4, sd: 2, min: 2, max: 6, n: 3 });
    expect(summarise([5])).toEqual({ mean: 5, sd: null, min: 5, max: 5, n: 1 });
  });
});
