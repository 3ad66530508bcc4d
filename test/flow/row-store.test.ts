import { describe, expect, it } from 'vitest';
import { loadBackend } from '../../src/backend/index.js';
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
      const codes = new Int16Array(w);
      for (let i = 0; i < w; i++) codes[i] = (t * 5 + i / 4) * SAMPLE_SCALE; // within range, exact at 1/32
      st.pushCodes(codes, 0);
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

  it('decodes the core\'s codes (spaceTimeEncode) to the samples within half a step, a missing sample as NaN, clamped beyond the range', () => {
    const core = loadBackend();
    const v = [100.01, -3.3333, 0.015625, 7, 5000, -5000];
    // Both lines equal: row = v (gain 1), noise reference 0; sample 3's right line not valid.
    const values = Float32Array.from([...v, ...v]);
    const valid = new Uint8Array(12).fill(1);
    valid[6 + 3] = 0;
    const { rows, diffs } = core.spaceTimeEncode(values, valid, Uint32Array.of(6), 1, SAMPLE_SCALE, MAX_CODE);
    const st = new RowStore(6), sd = new RowStore(6);
    st.pushCodes(rows, 0);
    sd.pushCodes(diffs, 0);
    const r = st.row(0)!;
    for (const i of [0, 1, 2]) expect(Math.abs(r[i]! - v[i]!)).toBeLessThanOrEqual(0.5 / SAMPLE_SCALE + 1e-6);
    expect(Number.isNaN(r[3]!)).toBe(true);
    expect(Number.isNaN(sd.row(0)![3]!)).toBe(true);
    expect(r[4]).toBeCloseTo(MAX_CODE / SAMPLE_SCALE, 6);
    expect(r[5]).toBeCloseTo(-MAX_CODE / SAMPLE_SCALE, 6);
    expect(Array.from(sd.row(0)!).filter((x, i) => i !== 3)).toEqual([0, 0, 0, 0, 0]);
    expect(() => st.pushCodes(rows, 1)).toThrow(RangeError);
  });
});
