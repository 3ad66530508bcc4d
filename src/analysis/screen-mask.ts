/**
 * What on screen does not move with the tissue: static black borders (analogue capture,
 * letterboxing) and burnt-in overlays (timestamps, patient data, device logos). Both must
 * be kept out of registration — a static pattern pulls phase correlation towards zero
 * shift — and out of the analysed region (hvm-domain.md, "Analysed region").
 *
 * Streaming: `ScreenMaskTracker.add(frame)` keeps, per pixel, the darkest and brightest
 * value seen (two bytes per pixel) and, per column and row, the brightest mean seen. After
 * any number of frames `masks()` reads off:
 *  - borders: the runs of columns (rows) from each edge whose mean grey level was at most
 *    BORDER_MAX_MEAN_GREY in EVERY frame ("dark in every frame");
 *  - overlays: pixels whose grey level varied by at most STATIC_MAX_RANGE_GREY over all
 *    frames while the tissue moved, grouped into connected components; each component of
 *    at least OVERLAY_MIN_PIXELS that holds drawn static edges (OVERLAY_MIN_CONTRAST_GREY)
 *    becomes its bounding box grown by OVERLAY_MARGIN_PX, and
 *    boxes within OVERLAY_MERGE_GAP_PX of each other are merged. The box, not the pixels,
 *    is masked: a timestamp's changing digits are not static, but they sit inside the
 *    static box (or between the static glyphs) around them.
 * A field that is static almost everywhere (the camera did not move, or the frames are
 * noise-free and still) says nothing about what moves with the tissue: if more than
 * STATIC_MAX_SHARE of the non-border area is static, or the boxes would cover more than
 * OVERLAY_MAX_SHARE of it, no overlay is reported.
 */
import type { CoreBackend } from '../backend/types.js';
import type { ScreenBorders, ScreenRect } from './stabilise-types.js';

/** A column/row is border when its mean is at most this grey level in every frame (video black is 16). */
export const BORDER_MAX_MEAN_GREY = 32;
/** Borders never take more than this share of the width (height) per side. */
export const BORDER_MAX_SHARE = 0.25;
/**
 * A pixel is static when its grey level spans at most this range over the frames seen.
 * Lossy codecs (H.264 at CRF 28) make a burnt-in box flicker by a few grey levels; tissue
 * that moves under sensor noise spans tens of levels over a second of frames.
 */
export const STATIC_MAX_RANGE_GREY = 6;
/** Static boxes closer than this, px, are one overlay (glyphs of one text, a box split by changing digits). */
export const OVERLAY_MERGE_GAP_PX = 8;
/** Smallest static connected component taken as an overlay, px (isolated static pixels are chance). */
export const OVERLAY_MIN_PIXELS = 24;
/**
 * An overlay is drawn: it holds static edges, pixel pairs that are both static and differ by
 * at least OVERLAY_MIN_CONTRAST_GREY (glyph strokes on their box or on the image). A flat
 * patch of tissue that a lossy codec froze (dark, featureless, barely moving) is static too,
 * but has no such edge inside it. At least OVERLAY_MIN_EDGE_PIXELS of them per component.
 */
export const OVERLAY_MIN_CONTRAST_GREY = 48;
export const OVERLAY_MIN_EDGE_PIXELS = 12;
/**
 * Overlay boxes are grown by this margin, px: anti-aliased glyph edges, and the codec's
 * re-coding around a digit that changes at the box's edge (through H.264 at CRF 28 the last
 * ~6 px of a timestamp box whose last digit changes every frame are not static).
 */
export const OVERLAY_MARGIN_PX = 6;
/**
 * Overlay boxes covering more than this share of the field are not believed: the field
 * barely moved, or a codec froze much of it; no overlay is reported (registration then
 * sees everything, and the region loses nothing to a false mask).
 */
export const OVERLAY_MAX_SHARE = 0.25;
/** More static area than this share of the non-border field: the field did not move, report no overlay. */
export const STATIC_MAX_SHARE = 0.5;

export interface ScreenMasks {
  borders: ScreenBorders;
  /** Static overlay boxes, screen px (x, y, width, height), inside the borders. */
  overlays: ScreenRect[];
  /** Frames the masks were read from. */
  frames: number;
}

export class ScreenMaskTracker {
  private readonly lo: Uint8Array;
  private readonly hi: Uint8Array;
  private readonly colMax: Float64Array;
  private readonly rowMax: Float64Array;
  /** One frame's row and column sums (the core fills them; integers, exact). */
  private readonly rowSum: Uint32Array;
  private readonly colSum: Uint32Array;
  private count = 0;

  constructor(
    private readonly core: CoreBackend,
    readonly width: number,
    readonly height: number,
  ) {
    const n = width * height;
    this.lo = new Uint8Array(n).fill(255);
    this.hi = new Uint8Array(n);
    this.colMax = new Float64Array(width);
    this.rowMax = new Float64Array(height);
    this.rowSum = new Uint32Array(height);
    this.colSum = new Uint32Array(width);
  }

  get frames(): number {
    return this.count;
  }

  add(frame: Uint8Array): void {
    const { width: w, height: h, lo, hi, rowSum, colSum } = this;
    // Per-pixel extrema and the sums run in the core (screen_extrema.cpp): a full-resolution
    // pass over every frame, the largest per-pixel cost of stabilisation in TypeScript.
    this.core.screenExtrema(frame, w, h, lo, hi, rowSum, colSum);
    for (let y = 0; y < h; y++) {
      const m = rowSum[y]! / w;
      if (m > this.rowMax[y]!) this.rowMax[y] = m;
    }
    for (let x = 0; x < w; x++) {
      const m = colSum[x]! / h;
      if (m > this.colMax[x]!) this.colMax[x] = m;
    }
    this.count++;
  }

  masks(): ScreenMasks {
    const { width: w, height: h } = this;
    if (this.count === 0) return { borders: { left: 0, right: 0, top: 0, bottom: 0 }, overlays: [], frames: 0 };
    const run = (max: Float64Array, n: number, fromEnd: boolean): number => {
      const limit = Math.floor(n * BORDER_MAX_SHARE);
      let k = 0;
      while (k < limit && max[fromEnd ? n - 1 - k : k]! <= BORDER_MAX_MEAN_GREY) k++;
      return k;
    };
    const borders: ScreenBorders = {
      left: run(this.colMax, w, false),
      right: run(this.colMax, w, true),
      top: run(this.rowMax, h, false),
      bottom: run(this.rowMax, h, true),
    };
    return { borders, overlays: this.count < 2 ? [] : this.overlays(borders), frames: this.count };
  }

  /** Static components inside the borders, as grown bounding boxes. */
  private overlays(b: ScreenBorders): ScreenRect[] {
    const { width: w, height: h, lo, hi } = this;
    const x0 = b.left, x1 = w - b.right, y0 = b.top, y1 = h - b.bottom;
    if (x1 <= x0 || y1 <= y0) return [];
    const isStatic = new Uint8Array(w * h);
    let staticCount = 0;
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const i = y * w + x;
        if (hi[i]! - lo[i]! <= STATIC_MAX_RANGE_GREY) {
          isStatic[i] = 1;
          staticCount++;
        }
      }
    }
    if (staticCount > STATIC_MAX_SHARE * (x1 - x0) * (y1 - y0)) return [];
    // Connected components (8-neighbour), iterative flood fill in scan order.
    const parts: Part[] = [];
    const stack: number[] = [];
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const start = y * w + x;
        if (isStatic[start] !== 1) continue;
        isStatic[start] = 2;
        stack.push(start);
        let n = 0, edges = 0, minX = x, maxX = x, minY = y, maxY = y;
        while (stack.length > 0) {
          const i = stack.pop()!;
          n++;
          const px = i % w, py = (i - px) / w;
          const mid = lo[i]! + hi[i]!; // twice the midpoint
          let edge = false;
          for (const q of [px > x0 ? i - 1 : -1, px < x1 - 1 ? i + 1 : -1, py > y0 ? i - w : -1, py < y1 - 1 ? i + w : -1]) {
            if (q >= 0 && isStatic[q] !== 0 && Math.abs(lo[q]! + hi[q]! - mid) >= 2 * OVERLAY_MIN_CONTRAST_GREY) edge = true;
          }
          if (edge) edges++;
          if (px < minX) minX = px;
          if (px > maxX) maxX = px;
          if (py < minY) minY = py;
          if (py > maxY) maxY = py;
          for (let dy = -1; dy <= 1; dy++) {
            const qy = py + dy;
            if (qy < y0 || qy >= y1) continue;
            for (let dx = -1; dx <= 1; dx++) {
              const qx = px + dx;
              if (qx < x0 || qx >= x1) continue;
              const q = qy * w + qx;
              if (isStatic[q] === 1) {
                isStatic[q] = 2;
                stack.push(q);
              }
            }
          }
        }
        if (n < OVERLAY_MIN_PIXELS) continue;
        parts.push({ x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1, edges });
      }
    }
    // Group nearby parts first (a box split by changing digits: only some parts hold static
    // glyph edges), then keep the groups that are drawn, grown by the margin.
    const boxes = mergeOverlapping(parts, OVERLAY_MERGE_GAP_PX)
      .filter((g) => g.edges >= OVERLAY_MIN_EDGE_PIXELS)
      .map((g) => {
        const rx0 = Math.max(x0, g.x - OVERLAY_MARGIN_PX), ry0 = Math.max(y0, g.y - OVERLAY_MARGIN_PX);
        const rx1 = Math.min(x1 - 1, g.x + g.width - 1 + OVERLAY_MARGIN_PX), ry1 = Math.min(y1 - 1, g.y + g.height - 1 + OVERLAY_MARGIN_PX);
        return { x: rx0, y: ry0, width: rx1 - rx0 + 1, height: ry1 - ry0 + 1 };
      });
    const covered = boxes.reduce((a, r) => a + r.width * r.height, 0);
    return covered > OVERLAY_MAX_SHARE * (x1 - x0) * (y1 - y0) ? [] : boxes;
  }
}

interface Part extends ScreenRect {
  /** Static edge pixels inside. */
  edges: number;
}

/** Merge boxes that overlap or come within `gap` px of each other, until none do; edge counts add up. */
export function mergeOverlapping<T extends ScreenRect & { edges?: number }>(rects: readonly T[], gap = 0): T[] {
  const out = rects.map((r) => ({ ...r }));
  let merged = true;
  while (merged) {
    merged = false;
    for (let i = 0; i < out.length && !merged; i++) {
      for (let j = i + 1; j < out.length && !merged; j++) {
        const a = out[i]!, c = out[j]!;
        if (a.x <= c.x + c.width + gap && c.x <= a.x + a.width + gap && a.y <= c.y + c.height + gap && c.y <= a.y + a.height + gap) {
          const x = Math.min(a.x, c.x), y = Math.min(a.y, c.y);
          const m = { ...a, x, y, width: Math.max(a.x + a.width, c.x + c.width) - x, height: Math.max(a.y + a.height, c.y + c.height) - y };
          if (a.edges !== undefined || c.edges !== undefined) m.edges = (a.edges ?? 0) + (c.edges ?? 0);
          out[i] = m;
          out.splice(j, 1);
          merged = true;
        }
      }
    }
  }
  return out.sort((p, q) => p.y - q.y || p.x - q.x);
}
