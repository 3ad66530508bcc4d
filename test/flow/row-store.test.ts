import { describe, expect, it } from 'vitest';
import { ROWS_PER_PAGE, RowStore } from '../../src/flow/row-store.js';

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
      const r = st.pushRow();
      expect(r.length).toBe(w);
      for (let i = 0; i < w; i++) r[i] = t * 10 + i;
    }
    expect(st.length).toBe(n);
    const rows = st.rows();
    expect(rows).toHaveLength(n);
    for (let t = 0; t < n; t++) {
      if (t % 11 === 3) {
        expect(st.row(t)).toBeNull();
        expect(rows[t]).toBeNull();
      } else {
        expect(Array.from(st.row(t)!)).toEqual([0, 1, 2, 3, 4].map((i) => t * 10 + i));
      }
    }
    expect(st.row(-1)).toBeNull();
    expect(st.row(n)).toBeNull();
  });
});
