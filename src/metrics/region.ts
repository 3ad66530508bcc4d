/**
 * Geometry of the analysed region: quadrants, the De Backer grid, and the measurement of a
 * vessel centerline (a polyline in reference-frame pixels) against them. The engine's
 * analysis and the phantom's analytic truth both build their SegmentInput with these
 * functions, so both sides measure lengths and crossings the same way.
 *
 * Sources: the quadrant split is the MFI quadrant method (Boerma et al. 2005, as adopted by
 * De Backer et al. 2007, Crit Care 11:R101); the grid of 3 horizontal and 3 vertical
 * equidistant lines is the De Backer score (De Backer et al. 2007; Ince et al. 2018,
 * Intensive Care Med 44:281).
 *
 * Conventions (all in reference-frame pixels, x to the right, y down):
 * - The region is the CLOSED rectangle [x, x+width] × [y, y+height]: a centerline running
 *   along its border counts as inside.
 * - Quadrants are split at xm = x + width/2 and ym = y + height/2 and are HALF-OPEN: a point
 *   with x < xm is left, x ≥ xm right; y < ym top, y ≥ ym bottom. So a piece of centerline
 *   lying exactly on a midline belongs to the right (or bottom) quadrant, and is counted once.
 * - Grid lines sit at y + height·k/4 (horizontal) and x + width·k/4 (vertical), k = 1, 2, 3,
 *   and span the whole region. For crossing counts, a point ON a line belongs to the larger
 *   coordinate side (below a horizontal line, right of a vertical line), as in the
 *   crossing-number rule for point-in-polygon tests. A segment crosses a line when its two
 *   endpoints lie on different sides and the crossing point lies within the line's extent
 *   (closed). Consequences: a path passing through a vertex that lies exactly on a line is
 *   counted once; counts are additive when a polyline is split at any vertex (so a vessel
 *   split at a junction on a grid line is still counted once); a tortuous path crossing a
 *   line twice counts twice; a path that only touches a line at a vertex counts 0 from the
 *   larger side and 2 from the smaller side (a zero-measure event in continuous geometry,
 *   made deterministic here).
 */
import { MetricsInputError } from './errors.js';
import type { AnalysedRegion, PixelScale, PointPx } from './types.js';

/** The four quadrants of the region in the order TL, TR, BL, BR (see QuadrantIndex). */
export function quadrantRects(region: AnalysedRegion): [AnalysedRegion, AnalysedRegion, AnalysedRegion, AnalysedRegion] {
  checkRegion(region);
  const w1 = region.width / 2;
  const h1 = region.height / 2;
  const xm = region.x + w1;
  const ym = region.y + h1;
  const w2 = region.x + region.width - xm;
  const h2 = region.y + region.height - ym;
  return [
    { x: region.x, y: region.y, width: w1, height: h1 },
    { x: xm, y: region.y, width: w2, height: h1 },
    { x: region.x, y: ym, width: w1, height: h2 },
    { x: xm, y: ym, width: w2, height: h2 },
  ];
}

/** One line of the De Backer grid. */
export interface GridLine {
  /** Index in the gridCrossings order [h¼, h½, h¾, v¼, v½, v¾]. */
  index: 0 | 1 | 2 | 3 | 4 | 5;
  orientation: 'horizontal' | 'vertical';
  /** Position as a fraction of the region's height (horizontal) or width (vertical). */
  fraction: 0.25 | 0.5 | 0.75;
  /** The line's y (horizontal) or x (vertical), px. */
  positionPx: number;
  /** End points, px. */
  from: PointPx;
  to: PointPx;
  /** Length, px. */
  lengthPx: number;
  /** Length, µm (width·umPerPxX or height·umPerPxY); null when no scale was given. */
  lengthUm: number | null;
}

const FRACTIONS = [0.25, 0.5, 0.75] as const;

/**
 * The 6 grid lines: 3 horizontal at ¼, ½, ¾ of the height spanning the width, then 3
 * vertical at ¼, ½, ¾ of the width spanning the height (De Backer 2007).
 */
export function gridLines(region: AnalysedRegion, scale?: PixelScale): GridLine[] {
  checkRegion(region);
  if (scale !== undefined) checkScale(scale);
  const { x, y, width, height } = region;
  const lines: GridLine[] = [];
  FRACTIONS.forEach((f, k) => {
    const py = y + height * f;
    lines.push({
      index: k as 0 | 1 | 2,
      orientation: 'horizontal',
      fraction: f,
      positionPx: py,
      from: [x, py],
      to: [x + width, py],
      lengthPx: width,
      lengthUm: scale ? width * scale.umPerPxX : null,
    });
  });
  FRACTIONS.forEach((f, k) => {
    const px = x + width * f;
    lines.push({
      index: (3 + k) as 3 | 4 | 5,
      orientation: 'vertical',
      fraction: f,
      positionPx: px,
      from: [px, y],
      to: [px, y + height],
      lengthPx: height,
      lengthUm: scale ? height * scale.umPerPxY : null,
    });
  });
  return lines;
}

/** Analysed area, mm²: (width·umPerPxX) × (height·umPerPxY) / 10⁶. */
export function analysedAreaMm2(region: AnalysedRegion, scale: PixelScale): number {
  checkRegion(region);
  checkScale(scale);
  return (region.width * scale.umPerPxX * region.height * scale.umPerPxY) / 1e6;
}

/** Total length of the 6 grid lines, mm: 3·width·umPerPxX + 3·height·umPerPxY, over 1000. */
export function gridLineLengthMm(region: AnalysedRegion, scale: PixelScale): number {
  checkRegion(region);
  checkScale(scale);
  return (3 * region.width * scale.umPerPxX + 3 * region.height * scale.umPerPxY) / 1000;
}

/**
 * The parts of a polyline inside the (closed) region, each a polyline of its own: a vessel
 * that leaves the region and comes back gives several pieces. Uses Liang–Barsky clipping
 * per segment. Zero-length contacts (touching a corner) are dropped.
 */
export function clipPolylineToRegion(points: readonly PointPx[], region: AnalysedRegion): PointPx[][] {
  checkRegion(region);
  const pts = cleanPolyline(points);
  const pieces: PointPx[][] = [];
  let current: PointPx[] | null = null;
  if (pts.length === 1) {
    return inside(pts[0]!, region) ? [[[pts[0]![0], pts[0]![1]]]] : [];
  }
  for (let i = 0; i + 1 < pts.length; i++) {
    const p = pts[i]!;
    const q = pts[i + 1]!;
    const c = clipSegment(p, q, region);
    if (c === null || c[1] <= c[0]) {
      current = null;
      continue;
    }
    const a = c[0] === 0 ? p : lerp(p, q, c[0]);
    const b = c[1] === 1 ? q : lerp(p, q, c[1]);
    if (current !== null && c[0] === 0) {
      current.push([b[0], b[1]]);
    } else {
      current = [
        [a[0], a[1]],
        [b[0], b[1]],
      ];
      pieces.push(current);
    }
    if (c[1] !== 1) current = null;
  }
  return pieces;
}

/**
 * Length of a polyline inside the region, split over the quadrants (TL, TR, BL, BR), µm.
 * Exact: each segment is cut at the region's borders and midlines; each piece is assigned by
 * its midpoint (region closed, quadrants half-open, see the file comment) and measured in µm
 * with the x and y scales applied separately: √((Δx·umPerPxX)² + (Δy·umPerPxY)²).
 */
export function polylineLengthUmByQuadrant(
  points: readonly PointPx[],
  region: AnalysedRegion,
  scale: PixelScale,
): [number, number, number, number] {
  checkRegion(region);
  checkScale(scale);
  const pts = cleanPolyline(points);
  const out: [number, number, number, number] = [0, 0, 0, 0];
  const x0 = region.x;
  const x1 = region.x + region.width;
  const y0 = region.y;
  const y1 = region.y + region.height;
  const xm = region.x + region.width / 2;
  const ym = region.y + region.height / 2;
  for (let i = 0; i + 1 < pts.length; i++) {
    const p = pts[i]!;
    const q = pts[i + 1]!;
    const dx = q[0] - p[0];
    const dy = q[1] - p[1];
    // sqrt of a sum of squares, not Math.hypot: sqrt is correctly rounded everywhere, hypot's
    // last digit may differ between JavaScript engines, and truth must be reproducible.
    const ux = dx * scale.umPerPxX;
    const uy = dy * scale.umPerPxY;
    const lenUm = Math.sqrt(ux * ux + uy * uy);
    const ts = [0, 1];
    if (dx !== 0) for (const xv of [x0, xm, x1]) pushT(ts, (xv - p[0]) / dx);
    if (dy !== 0) for (const yv of [y0, ym, y1]) pushT(ts, (yv - p[1]) / dy);
    ts.sort((a, b) => a - b);
    for (let k = 0; k + 1 < ts.length; k++) {
      const ta = ts[k]!;
      const tb = ts[k + 1]!;
      if (tb <= ta) continue;
      const tm = (ta + tb) / 2;
      const mx = p[0] + tm * dx;
      const my = p[1] + tm * dy;
      if (mx < x0 || mx > x1 || my < y0 || my > y1) continue;
      const quadrant = (my < ym ? 0 : 2) + (mx < xm ? 0 : 1);
      out[quadrant] += (tb - ta) * lenUm;
    }
  }
  return out;
}

/** Length of a polyline inside the region, µm (the sum of polylineLengthUmByQuadrant). */
export function polylineLengthUm(points: readonly PointPx[], region: AnalysedRegion, scale: PixelScale): number {
  const q = polylineLengthUmByQuadrant(points, region, scale);
  return q[0] + q[1] + q[2] + q[3];
}

/**
 * Crossings of a polyline with the 6 grid lines, in the order [h¼, h½, h¾, v¼, v½, v¾].
 * A crossing is a change of side between a segment's two endpoints, a point on a line
 * belonging to the larger-coordinate side (see the file comment); the crossing point must
 * lie on the line, i.e. within the region (closed). Every crossing counts: a tortuous vessel
 * crossing a line twice gives 2.
 */
export function polylineGridCrossings(
  points: readonly PointPx[],
  region: AnalysedRegion,
): [number, number, number, number, number, number] {
  checkRegion(region);
  const pts = cleanPolyline(points);
  const out: [number, number, number, number, number, number] = [0, 0, 0, 0, 0, 0];
  const x0 = region.x;
  const x1 = region.x + region.width;
  const y0 = region.y;
  const y1 = region.y + region.height;
  const hs = FRACTIONS.map((f) => region.y + region.height * f);
  const vs = FRACTIONS.map((f) => region.x + region.width * f);
  for (let i = 0; i + 1 < pts.length; i++) {
    const p = pts[i]!;
    const q = pts[i + 1]!;
    for (let k = 0; k < 3; k++) {
      const Y = hs[k]!;
      if (p[1] < Y !== q[1] < Y) {
        // Sides differ, so q[1] !== p[1]; when q lies on the line the ratio is exactly 1.
        const xc = p[0] + ((Y - p[1]) / (q[1] - p[1])) * (q[0] - p[0]);
        if (xc >= x0 && xc <= x1) out[k]++;
      }
      const X = vs[k]!;
      if (p[0] < X !== q[0] < X) {
        const yc = p[1] + ((X - p[0]) / (q[0] - p[0])) * (q[1] - p[1]);
        if (yc >= y0 && yc <= y1) out[3 + k]++;
      }
    }
  }
  return out;
}

/** What the metrics need of one centerline: SegmentInput's geometric fields. */
export interface PolylineMeasurement {
  lengthUm: number;
  lengthUmByQuadrant: [number, number, number, number];
  gridCrossings: [number, number, number, number, number, number];
}

/** Length, length per quadrant and grid crossings of one centerline, in one call. */
export function measurePolyline(points: readonly PointPx[], region: AnalysedRegion, scale: PixelScale): PolylineMeasurement {
  const q = polylineLengthUmByQuadrant(points, region, scale);
  return {
    lengthUm: q[0] + q[1] + q[2] + q[3],
    lengthUmByQuadrant: q,
    gridCrossings: polylineGridCrossings(points, region),
  };
}

// ---------------------------------------------------------------------------------------

function pushT(ts: number[], t: number): void {
  if (t > 0 && t < 1) ts.push(t);
}

function lerp(p: PointPx, q: PointPx, t: number): PointPx {
  return [p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])];
}

function inside(p: PointPx, r: AnalysedRegion): boolean {
  return p[0] >= r.x && p[0] <= r.x + r.width && p[1] >= r.y && p[1] <= r.y + r.height;
}

/** Liang–Barsky: the parameter interval [t0, t1] of p→q inside the closed rectangle, or null. */
function clipSegment(p: PointPx, q: PointPx, r: AnalysedRegion): [number, number] | null {
  const dx = q[0] - p[0];
  const dy = q[1] - p[1];
  const ps = [-dx, dx, -dy, dy];
  const qs = [p[0] - r.x, r.x + r.width - p[0], p[1] - r.y, r.y + r.height - p[1]];
  let t0 = 0;
  let t1 = 1;
  for (let k = 0; k < 4; k++) {
    const pk = ps[k]!;
    const qk = qs[k]!;
    if (pk === 0) {
      if (qk < 0) return null;
    } else {
      const t = qk / pk;
      if (pk < 0) {
        if (t > t1) return null;
        if (t > t0) t0 = t;
      } else {
        if (t < t0) return null;
        if (t < t1) t1 = t;
      }
    }
  }
  return [t0, t1];
}

/** Validates coordinates and drops consecutive duplicate points. */
function cleanPolyline(points: readonly PointPx[]): PointPx[] {
  if (!Array.isArray(points)) throw new MetricsInputError('a centerline must be an array of [x, y] points');
  const out: PointPx[] = [];
  for (let i = 0; i < points.length; i++) {
    const p: unknown = points[i];
    if (!Array.isArray(p) || p.length !== 2 || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
      throw new MetricsInputError(`centerline point ${i} is not a finite [x, y] pair: ${JSON.stringify(p)}`);
    }
    const x = p[0] as number;
    const y = p[1] as number;
    const last = out[out.length - 1];
    if (last === undefined || last[0] !== x || last[1] !== y) out.push([x, y]);
  }
  return out;
}

/** @internal shared with clip.ts */
export function checkRegion(region: AnalysedRegion): void {
  const ok =
    region !== null &&
    typeof region === 'object' &&
    Number.isFinite(region.x) &&
    Number.isFinite(region.y) &&
    Number.isFinite(region.width) &&
    Number.isFinite(region.height) &&
    region.width > 0 &&
    region.height > 0;
  if (!ok) throw new MetricsInputError(`the analysed region must have finite x, y and a positive width and height: ${JSON.stringify(region)}`);
}

/** @internal shared with clip.ts */
export function checkScale(scale: PixelScale): void {
  const ok =
    scale !== null &&
    typeof scale === 'object' &&
    Number.isFinite(scale.umPerPxX) &&
    Number.isFinite(scale.umPerPxY) &&
    scale.umPerPxX > 0 &&
    scale.umPerPxY > 0;
  if (!ok) throw new MetricsInputError(`the pixel scale must be positive and finite in x and y: ${JSON.stringify(scale)}`);
}
