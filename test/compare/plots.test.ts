/**
 * The hand-written SVG toolkit: 1-2-5 tick steps (the "nice numbers" rule, Heckbert,
 * Graphics Gems 1990), padded domains that never collapse, and escaping of labels.
 * The rendered plots themselves are checked end to end in cli.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { esc, niceDomain, niceStep, ticks } from '../../src/compare/plots/svg.js';
import { blandAltmanSvg, compareRaters, scatterSvg, type Ratings } from '../../src/compare/index.js';

describe('svg helpers', () => {
  it('tick steps are 1, 2 or 5 × 10^k', () => {
    expect(niceStep(0, 10)).toBe(2);
    expect(niceStep(0, 3)).toBe(0.5);
    expect(niceStep(-80, 80)).toBe(20);
    expect(ticks(0, 10)).toEqual([0, 2, 4, 6, 8, 10]);
  });

  it('domains contain the data, snap to ticks, and widen a flat range', () => {
    const [lo, hi] = niceDomain([12.3, 17.9]);
    expect(lo).toBeLessThanOrEqual(12.3);
    expect(hi).toBeGreaterThanOrEqual(17.9);
    const [a, b] = niceDomain([5, 5]);
    expect(b - a).toBeGreaterThan(0);
    expect(niceDomain([])).toEqual([expect.any(Number), expect.any(Number)]);
  });

  it('labels are escaped', () => {
    expect(esc('a<b & "c">')).toBe('a&lt;b &amp; &quot;c&quot;&gt;');
  });

  it('plots of a single pair and of observers with odd names are valid SVG text without NaN', () => {
    const units = new Map([['u0', { id: 'u0', level: 'clip' as const, patient: null, timepoint: null, site: null, clip: 'a.avi', label: 'a.avi' }]]);
    const ratings: Ratings = {
      raters: ['engine', 'Dr <A>'], observers: ['Dr <A>'], units, metrics: ['TVD_small'], unmatchedManual: [], matchedEngineClips: 1,
      values: new Map([['engine', new Map([['u0', { TVD_small: 12 }]])], ['Dr <A>', new Map([['u0', { TVD_small: 12 }]])]]),
    };
    const c = compareRaters(ratings, 'TVD_small', 'engine', 'Dr <A>', 'engine-observer', ['Dr <A>']);
    for (const svg of [blandAltmanSvg(c, 'TVD', 'mm/mm²'), scatterSvg(c, 'TVD', 'mm/mm²')]) {
      expect(svg).toMatch(/<svg [^>]*width="640"/);
      expect(svg).not.toMatch(/NaN|Infinity|<A>/);
      expect(svg).toContain('Dr &lt;A&gt;');
    }
  });
});
