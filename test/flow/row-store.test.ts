import { describe, expect, it } from 'vitest';
import { ROWS_PER_PAGE, RowStore, SAMPLE_SCALE } from '../../src/flow/row-store.js';

describe('RowStore (paged space-time rows)', () => {
  it('keeps rows and gaps in order across page boundaries, each row its own values', () => {
    const w = 5;
    const st = new RowStore(w);
    const n = 2 * ROWS_PER_PAGE + 7;
    for (let t = 0; t < n; t++) {
      if (t % 11 === 3) {
        st.pushGap();
        continue;
      }
      const r = new Float32Array(w);
      for (let i = 0; i < w; i++) r[i] = t * 5 + i / 4; // within range, exact at 1/32
      st.push(r);
    }
    expect(st.length).toBe(n);
    const rows = st.rows();
    expect(rows).toHaveLength(n);
    for (let t = 0; t < n; t++) {
      if (t % 11 === 3) {
        expect(st.row(t)).toBeNull();
        expect(rows[t]).toBeNull();
      } else {
        expect(Array.from(st.row(t)!)).toEqual([0, 1, 2, 3, 4].map((i) => t * 5 + i / 4));
      }
    }
    expect(st.row(-1)).toBeNull();
    expect(st.row(n)).toBeNull();
  });

  it('stores samples to 1/SAMPLE_SCALE (rounding error ≤ half a step), NaN as NaN, and clamps beyond the range', () => {
    const st = new RowStore(6);
    st.push(Float32Array.from([100.01, -3.3333, 0.015625, Number.NaN, 5000, -5000]));
    const r = st.row(0)!;
    for (const [i, v] of [[0, 100.01], [1, -3.3333], [2, 0.015625]] as const) expect(Math.abs(r[i]! - v)).toBeLessThanOrEqual(0.5 / SAMPLE_SCALE + 1e-6);
    expect(Number.isNaN(r[3]!)).toBe(true);
    expect(r[4]).toBeCloseTo(32767 / SAMPLE_SCALE, 6);
    expect(r[5]).toBeCloseTo(-32767 / SAMPLE_SCALE, 6);
    expect(() => st.push(new Float32Array(5))).toThrow(RangeError);
  });
});
