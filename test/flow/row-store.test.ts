import { describe, expect, it } from 'vitest';
import { MAX_CODE, ROWS_PER_PAGE, RowStore, SAMPLE_SCALE } from '../../src/flow/row-store.js';

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

  it('pushCodes stores a row already encoded exactly as push stores its values', () => {
    const w = 7;
    const a = new RowStore(w), b = new RowStore(w);
    const row = Float32Array.from([0.015625, -0.015625, 2.5 / 32, 100.01, Number.NaN, 5000, -5000]);
    a.push(row);
    const codes = Int16Array.from([9, ...Array.from(row, (v) => (Number.isNaN(v) ? -MAX_CODE - 1 : Math.max(-MAX_CODE, Math.min(MAX_CODE, Math.round(v * SAMPLE_SCALE))))), 9]);
    b.pushCodes(codes, 1);
    expect(Array.from(b.row(0)!)).toEqual(Array.from(a.row(0)!));
    expect(() => b.pushCodes(codes, 3)).toThrow(RangeError);
  });
});
