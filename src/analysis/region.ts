/**
 * The analysed region and the analysis window (hvm-domain.md, "Analysed region"): the part
 * of the tissue seen in every frame of the analysis window, less static borders and
 * burnt-in overlays, as an axis-aligned rectangle in reference-frame px.
 *
 * Geometry. A registered frame with content shift (dx, dy) (stabilise-types.ts) shows the
 * reference point P at P + (dx, dy). Its tissue — the screen less the borders, the
 * continuous rectangle [left, width − right] × [top, height − bottom] in the phantom's and
 * the metrics' convention — therefore covers [left − dx, width − right − dx] × … in
 * reference px, and the part every frame of the window sees is the intersection
 *   x ∈ [ceil(left − min dx), floor(width − right − max dx)], likewise in y,
 * whose integer pixels (x0 … x1 − 1) are all inside the valid area of every frame, with
 * both bilinear taps (shiftAccumulate counts them in every frame); the bounds are first
 * tightened by REGION_SAFETY_MARGIN_PX for the registration error. Overlay boxes are holes
 * that move with each frame: each frame's box, moved into reference px and grown by one
 * pixel for the bilinear taps, is removed from that rectangle, and the region is the
 * LARGEST axis-aligned rectangle (by area; ties: the first in scan order of its bottom-right
 * corner) left. Without overlays it is the intersection itself.
 *
 * Window rule (named constants below):
 *  1. The whole clip, when the region over all its registered frames keeps at least
 *     MIN_REGION_FRACTION of the field (the screen less its borders).
 *  2. Otherwise the longest contiguous stretch of frames whose region keeps that fraction
 *     (ties: the earliest), if it lasts at least MIN_WINDOW_S.
 *  3. Otherwise (drift so strong that no MIN_WINDOW_S stretch keeps it, or a clip shorter
 *     than MIN_WINDOW_S) the stretch of MIN_WINDOW_S (or the whole clip if shorter) with the
 *     largest region (ties: the earliest). The clip then fails the MIQS stability criterion
 *     anyway (Massey 2013: movement beyond ½ field is unacceptable); the rule is reported.
 * Rules 1–3 compare the continuous area of the intersection (borders and safety margin,
 * before rounding to whole pixels: it depends on differences of shifts only, so not on the
 * choice of reference frame); the reported region, rounded inwards, may be up to a pixel
 * per side smaller. Overlays shave a roughly constant strip off it and are applied to the
 * chosen window only. The region is finally clipped to the reference frame's pixel grid,
 * where the stabilised mean lives (this matters only when the reference lies outside the
 * window; stabilise.ts moves the reference into a shortened window).
 */
import type { AnalysedRect, AnalysisWindow, MotionSample, ScreenBorders, ScreenRect } from './stabilise-types.js';

/** The region must keep at least this share of the field (screen less borders) for a window to qualify. */
export const MIN_REGION_FRACTION = 0.6;
/** Shortest analysis window when the whole clip does not qualify, s (MIQS: < 3 s is unacceptable). */
export const MIN_WINDOW_S = 3;
/**
 * The measured shifts carry an error (RMS ~0.03 px on phantoms, ≤ 0.15 px worst frame
 * through H.264): the extreme shifts that bound the region are moved outwards by this
 * margin before rounding inwards, so the region stays inside what every frame truly saw
 * and loses at most one pixel per side to it.
 */
export const REGION_SAFETY_MARGIN_PX = 0.25;

export interface RegionOptions {
  width: number;
  height: number;
  fps: number;
  borders: ScreenBorders;
  overlays?: readonly ScreenRect[];
  minRegionFraction?: number;
  minWindowS?: number;
}

export interface AnalysedRegionResult {
  window: AnalysisWindow;
  /** Reference-frame px; pixels x … x + width − 1 are covered by every used frame. */
  region: AnalysedRect;
  /** Registered frames (reference included) inside the window: those the mean is built from. */
  framesUsed: number;
  /** Frames inside the window that could not be registered. */
  framesDropped: number;
  /** Duplicated frames inside the window (missing time, not stops). */
  duplicatedFrames: number[];
  /** Region area / field area (field = screen less borders). */
  regionFraction: number;
  /** The intersection before overlays were taken out. */
  coveredRect: AnalysedRect;
}

const hasShift = (s: MotionSample): boolean => (s.status === 'registered' || s.status === 'reference') && s.dx !== null && s.dy !== null;

/**
 * Intersection of the valid areas of frames with shifts in [minDx, maxDx] × [minDy, maxDy],
 * shrunk by REGION_SAFETY_MARGIN_PX before rounding inwards.
 */
export function coveredRect(width: number, height: number, b: ScreenBorders, minDx: number, maxDx: number, minDy: number, maxDy: number): AnalysedRect {
  const m = REGION_SAFETY_MARGIN_PX;
  const x0 = Math.ceil(b.left - minDx + m), x1 = Math.floor(width - b.right - maxDx - m);
  const y0 = Math.ceil(b.top - minDy + m), y1 = Math.floor(height - b.bottom - maxDy - m);
  return { x: x0, y: y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0) };
}

/**
 * Largest axis-aligned rectangle of 0s in a binary map (1 = excluded), within `bounds`
 * (maximal-rectangle by row histograms and a stack, O(area)). Ties: the first found, rows
 * top to bottom, columns left to right.
 */
export function largestFreeRectangle(blocked: Uint8Array, stride: number, bounds: AnalysedRect): AnalysedRect {
  const { x: bx, y: by, width: bw, height: bh } = bounds;
  const heights = new Int32Array(bw + 1); // sentinel 0 at bw
  const stack = new Int32Array(bw + 1);
  let best: AnalysedRect = { x: bx, y: by, width: 0, height: 0 };
  let bestArea = 0;
  for (let r = 0; r < bh; r++) {
    const row = (by + r) * stride + bx;
    for (let c = 0; c < bw; c++) heights[c] = blocked[row + c] === 0 ? heights[c]! + 1 : 0;
    let top = 0;
    for (let c = 0; c <= bw; c++) {
      const hc = c < bw ? heights[c]! : 0;
      while (top > 0 && heights[stack[top - 1]!]! >= hc) {
        const hIdx = stack[--top]!;
        const hgt = heights[hIdx]!;
        const left = top > 0 ? stack[top - 1]! + 1 : 0;
        const area = hgt * (c - left);
        if (area > bestArea) {
          bestArea = area;
          best = { x: bx + left, y: by + r - hgt + 1, width: c - left, height: hgt };
        }
      }
      stack[top++] = c;
    }
  }
  return best;
}

/** Sliding minimum/maximum over a window of registered frames (monotone deques). */
class MinMax {
  private readonly minQ: number[] = [];
  private readonly maxQ: number[] = [];
  private minHead = 0;
  private maxHead = 0;
  constructor(private readonly values: (number | null)[]) {}
  push(i: number): void {
    const v = this.values[i];
    if (v === null || v === undefined) return;
    while (this.minQ.length > this.minHead && this.values[this.minQ[this.minQ.length - 1]!]! >= v) this.minQ.pop();
    this.minQ.push(i);
    while (this.maxQ.length > this.maxHead && this.values[this.maxQ[this.maxQ.length - 1]!]! <= v) this.maxQ.pop();
    this.maxQ.push(i);
  }
  /** Drop indices < s. */
  trim(s: number): void {
    while (this.minHead < this.minQ.length && this.minQ[this.minHead]! < s) this.minHead++;
    while (this.maxHead < this.maxQ.length && this.maxQ[this.maxHead]! < s) this.maxHead++;
  }
  get empty(): boolean {
    return this.minHead >= this.minQ.length;
  }
  get min(): number {
    return this.values[this.minQ[this.minHead]!]!;
  }
  get max(): number {
    return this.values[this.maxQ[this.maxHead]!]!;
  }
}

/** A chosen window, as frame positions in the track (inclusive). */
export interface WindowChoice {
  first: number;
  last: number;
  rule: AnalysisWindow['rule'];
}

/**
 * The analysis window (rules 1–3 of the file comment). Depends only on differences of the
 * shifts, so not on which frame is the reference.
 */
export function chooseWindow(track: readonly MotionSample[], o: RegionOptions): WindowChoice {
  const n = track.length;
  if (n === 0) throw new RangeError('the motion track is empty');
  if (!track.some(hasShift)) throw new RangeError('no frame of the clip could be registered');
  const minFraction = o.minRegionFraction ?? MIN_REGION_FRACTION;
  const minWindowS = o.minWindowS ?? MIN_WINDOW_S;
  const b = o.borders;
  const fieldArea = (o.width - b.left - b.right) * (o.height - b.top - b.bottom);
  const need = minFraction * fieldArea;
  const dxs = track.map((t) => (hasShift(t) ? t.dx : null));
  const dys = track.map((t) => (hasShift(t) ? t.dy : null));
  const frameS = 1 / o.fps;
  const duration = (s: number, e: number): number => track[e]!.timeS - track[s]!.timeS + frameS;
  // Continuous area of the intersection (before rounding to whole pixels): depends on shift
  // differences only, so the choice does not depend on which frame is the reference.
  const fw = o.width - b.left - b.right, fh = o.height - b.top - b.bottom;
  const m2 = 2 * REGION_SAFETY_MARGIN_PX;
  const area = (X: MinMax, Y: MinMax): number => {
    if (X.empty) return -1; // no registered frame: not a window
    return Math.max(0, fw - (X.max - X.min) - m2) * Math.max(0, fh - (Y.max - Y.min) - m2);
  };

  // Rule 1: the whole clip.
  const X1 = new MinMax(dxs), Y1 = new MinMax(dys);
  for (let i = 0; i < n; i++) {
    X1.push(i);
    Y1.push(i);
  }
  if (area(X1, Y1) >= need) return { first: 0, last: n - 1, rule: 'whole-clip' };

  // Rule 2: two pointers; the area only shrinks as a window grows.
  const X2 = new MinMax(dxs), Y2 = new MinMax(dys);
  let bestS = -1, bestE = -1, bestD = -1;
  let s = 0;
  for (let e = 0; e < n; e++) {
    X2.push(e);
    Y2.push(e);
    while (s <= e && !X2.empty && area(X2, Y2) < need) {
      s++;
      X2.trim(s);
      Y2.trim(s);
    }
    if (s <= e && area(X2, Y2) >= need) {
      const d = duration(s, e);
      if (d > bestD + 1e-9) {
        bestD = d;
        bestS = s;
        bestE = e;
      }
    }
  }
  if (bestS >= 0 && bestD >= minWindowS - 1e-9) return { first: bestS, last: bestE, rule: 'longest-stretch' };

  // Rule 3: the MIN_WINDOW_S stretch (or the whole clip) with the largest region.
  const len = Math.min(n, Math.max(1, Math.round(minWindowS * o.fps)));
  const X3 = new MinMax(dxs), Y3 = new MinMax(dys);
  let best: WindowChoice = { first: 0, last: len - 1, rule: 'largest-region' };
  let bestArea = -1;
  for (let e = 0; e < n; e++) {
    X3.push(e);
    Y3.push(e);
    const st = e - len + 1;
    if (st < 0) continue;
    X3.trim(st);
    Y3.trim(st);
    const a = area(X3, Y3);
    if (a > bestArea) {
      bestArea = a;
      best = { first: st, last: e, rule: 'largest-region' };
    }
  }
  return best;
}

/**
 * The analysed region over a window of the track (see the file comment), clipped to the
 * reference frame's own pixel grid (where the stabilised mean lives: it matters only when
 * the reference frame lies outside the window).
 */
export function regionForWindow(track: readonly MotionSample[], w: WindowChoice, o: RegionOptions): AnalysedRegionResult {
  const b = o.borders;
  const fieldArea = (o.width - b.left - b.right) * (o.height - b.top - b.bottom);
  let minDx = Infinity, maxDx = -Infinity, minDy = Infinity, maxDy = -Infinity;
  let framesUsed = 0, framesDropped = 0;
  const duplicatedFrames: number[] = [];
  for (let i = w.first; i <= w.last; i++) {
    const t = track[i]!;
    if (t.status === 'dropped') framesDropped++;
    if (t.status === 'duplicate') duplicatedFrames.push(t.index);
    if (!hasShift(t)) continue;
    framesUsed++;
    minDx = Math.min(minDx, t.dx!);
    maxDx = Math.max(maxDx, t.dx!);
    minDy = Math.min(minDy, t.dy!);
    maxDy = Math.max(maxDy, t.dy!);
  }
  if (framesUsed === 0) throw new RangeError('the analysis window holds no registered frame');
  const c = coveredRect(o.width, o.height, b, minDx, maxDx, minDy, maxDy);
  const gx0 = Math.max(0, c.x), gy0 = Math.max(0, c.y);
  const gx1 = Math.min(o.width, c.x + c.width), gy1 = Math.min(o.height, c.y + c.height);
  const covered: AnalysedRect = { x: gx0, y: gy0, width: Math.max(0, gx1 - gx0), height: Math.max(0, gy1 - gy0) };
  let region = covered;
  const overlays = o.overlays ?? [];
  if (overlays.length > 0 && covered.width > 0 && covered.height > 0) {
    const { width: W, height: H } = o;
    const blocked = new Uint8Array(W * H);
    for (let i = w.first; i <= w.last; i++) {
      const t = track[i]!;
      if (!hasShift(t)) continue;
      for (const r of overlays) {
        // Screen box [r.x, r.x + r.width − 1] holds reference points p with p + dx in it;
        // one more pixel each side for the bilinear taps.
        const px0 = Math.max(covered.x, Math.floor(r.x - t.dx!) - 1), px1 = Math.min(covered.x + covered.width - 1, Math.ceil(r.x + r.width - 1 - t.dx!) + 1);
        const py0 = Math.max(covered.y, Math.floor(r.y - t.dy!) - 1), py1 = Math.min(covered.y + covered.height - 1, Math.ceil(r.y + r.height - 1 - t.dy!) + 1);
        for (let y = py0; y <= py1; y++) if (px1 >= px0) blocked.fill(1, y * W + px0, y * W + px1 + 1);
      }
    }
    region = largestFreeRectangle(blocked, W, covered);
  }
  const first = track[w.first]!, last = track[w.last]!;
  return {
    window: { startS: first.timeS, endS: last.timeS + 1 / o.fps, firstFrame: first.index, lastFrame: last.index, rule: w.rule },
    region,
    framesUsed,
    framesDropped,
    duplicatedFrames,
    regionFraction: fieldArea > 0 ? (region.width * region.height) / fieldArea : 0,
    coveredRect: covered,
  };
}

/** Choose the analysis window and the analysed region from a motion track (see the file comment). */
export function analysedRegion(track: readonly MotionSample[], o: RegionOptions): AnalysedRegionResult {
  return regionForWindow(track, chooseWindow(track, o), o);
}
