/**
 * Space-time diagram rows of one path, stored in fixed-size pages instead of one typed array
 * per row.
 *
 * Why: a clip of N frames gives every path N rows (2N for interlaced video), and the path
 * count is in the hundreds. One Float32Array per row (and one per noise-reference row) is a
 * JavaScript object of its own: on a 20-s PAL clip that is ~300 000 small objects whose
 * headers and allocator slack outweighed the samples themselves, and the engine's peak memory
 * grew 37 % from a 5-s to a 20-s clip (issue 8 asks ≤ 25 %). Pages of ROWS_PER_PAGE rows keep
 * the samples contiguous: a path costs its samples plus a page list, and a missing row (a
 * dropped or duplicated frame) is a flag, not an array.
 */

/** Rows per page: large enough that page objects are few, small enough that the last page wastes little. */
export const ROWS_PER_PAGE = 64;

export class RowStore {
  private readonly pages: Float32Array[] = [];
  private readonly present: number[] = [];
  private count = 0;

  /** width: samples per row. */
  constructor(readonly width: number) {}

  /** Rows stored, gaps included. */
  get length(): number {
    return this.count;
  }

  /** Appends a missing row (a gap: dropped, duplicated or never-given frame). */
  pushGap(): void {
    this.present.push(0);
    this.count++;
  }

  /** Appends a row and returns it for the caller to fill (zeros until then). */
  pushRow(): Float32Array {
    const t = this.count;
    const page = Math.floor(t / ROWS_PER_PAGE);
    if (page === this.pages.length) this.pages.push(new Float32Array(ROWS_PER_PAGE * this.width));
    this.present.push(1);
    this.count++;
    return this.view(t);
  }

  /** Row t (a view into its page), or null for a gap. */
  row(t: number): Float32Array | null {
    if (t < 0 || t >= this.count || this.present[t] === 0) return null;
    return this.view(t);
  }

  /** Every row as views (null for gaps): the shape the estimator reads. Views share the pages. */
  rows(): (Float32Array | null)[] {
    return Array.from({ length: this.count }, (_, t) => this.row(t));
  }

  private view(t: number): Float32Array {
    const page = this.pages[Math.floor(t / ROWS_PER_PAGE)]!;
    const o = (t % ROWS_PER_PAGE) * this.width;
    return page.subarray(o, o + this.width);
  }
}
