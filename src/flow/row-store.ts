/**
 * Space-time diagram rows of one path, stored in fixed-size pages of 16-bit fixed-point
 * samples instead of one typed array per row.
 *
 * Why pages: a clip of N frames gives every path N rows (2N for interlaced video), and the
 * path count is in the hundreds. One Float32Array per row (and one per noise-reference row)
 * is a JavaScript object of its own: on a 20-s PAL clip that is ~300 000 small objects whose
 * headers and allocator slack outweighed the samples themselves, and the engine's peak memory
 * grew 37 % from a 5-s to a 20-s clip (issue 8 asks ≤ 25 %). Pages of ROWS_PER_PAGE rows keep
 * the samples contiguous: a path costs its samples plus a page list, and a missing row (a
 * dropped or duplicated frame) is a flag, not an array.
 *
 * Why 16 bits: the rows are the only part of the analysis that grows with the clip's length,
 * and the pieces of vessels joined through branch points are measured besides the vessels
 * (split-by-flow.ts), which took the wasm build's growth 5 → 20 s to 27 %. The samples are
 * grey levels × 100 / the frame's mean (rows) and differences of two such (noise reference),
 * so 1/SAMPLE_SCALE = 1/32 resolves 0.03 of a grey level at a frame mean of 100: its rounding
 * error (SD 0.009) is two orders below the sensor noise of one sample (≥ 1 in these units).
 * Values beyond ±1023 (a frame darker than 25 grey on average) are clamped; a sample outside
 * the frame is stored as NAN_CODE. The codes are made in the core, every path of a frame in one
 * call (CoreBackend.spaceTimeEncode); the store only keeps and decodes them.
 */

/** Rows per page: large enough that page objects are few, small enough that the last page wastes little. */
export const ROWS_PER_PAGE = 64;
/** Fixed-point scale of a stored sample (value × SAMPLE_SCALE, rounded). */
export const SAMPLE_SCALE = 32;
/** Largest code magnitude; a missing sample is −MAX_CODE − 1. */
export const MAX_CODE = 32767;
const NAN_CODE = -MAX_CODE - 1;

export class RowStore {
  private readonly pages: Int16Array[] = [];
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

  /**
   * Appends a row already encoded: codes[from … from + width), as CoreBackend.spaceTimeEncode
   * gives them with SAMPLE_SCALE and MAX_CODE (value × SAMPLE_SCALE rounded half up, clamped
   * to ±MAX_CODE, a missing sample −MAX_CODE − 1).
   */
  pushCodes(codes: Int16Array, from: number): void {
    if (from < 0 || from + this.width > codes.length) throw new RangeError(`codes ${from}…${from + this.width} outside an array of ${codes.length}`);
    const t = this.count;
    const page = Math.floor(t / ROWS_PER_PAGE);
    if (page === this.pages.length) this.pages.push(new Int16Array(ROWS_PER_PAGE * this.width));
    this.pages[page]!.set(codes.subarray(from, from + this.width), (t % ROWS_PER_PAGE) * this.width);
    this.present.push(1);
    this.count++;
  }

  /** Row t, decoded into a new array, or null for a gap. */
  row(t: number): Float32Array | null {
    if (t < 0 || t >= this.count || this.present[t] === 0) return null;
    const p = this.pages[Math.floor(t / ROWS_PER_PAGE)]!;
    const o = (t % ROWS_PER_PAGE) * this.width;
    const out = new Float32Array(this.width);
    for (let i = 0; i < this.width; i++) {
      const q = p[o + i]!;
      out[i] = q === NAN_CODE ? Number.NaN : q / SAMPLE_SCALE;
    }
    return out;
  }

  /** Every row decoded (null for gaps): the shape the estimator reads. */
  rows(): (Float32Array | null)[] {
    return Array.from({ length: this.count }, (_, t) => this.row(t));
  }
}
