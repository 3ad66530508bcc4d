/**
 * Small plane-geometry helpers for the phantom's vessel network (pure arithmetic and
 * Math.sqrt only, so results are bit-reproducible).
 */

export type Point = [number, number];

export function dist(a: Point, b: Point): number {
  const dx = a[0] - b[0];
  const dy = a[1] - b[1];
  return Math.sqrt(dx * dx + dy * dy);
}

/** Length of a polyline. */
export function polylineLength(points: readonly Point[]): number {
  let s = 0;
  for (let i = 1; i < points.length; i++) s += dist(points[i - 1]!, points[i]!);
  return s;
}

/** Length of a polyline whose coordinates are scaled by (sx, sy) (e.g. px → µm). */
export function polylineLengthScaled(points: readonly Point[], sx: number, sy: number): number {
  let s = 0;
  for (let i = 1; i < points.length; i++) {
    const dx = (points[i]![0] - points[i - 1]![0]) * sx;
    const dy = (points[i]![1] - points[i - 1]![1]) * sy;
    s += Math.sqrt(dx * dx + dy * dy);
  }
  return s;
}

/** Cumulative arc length at each vertex. */
export function cumulativeLength(points: readonly Point[]): Float64Array {
  const out = new Float64Array(points.length);
  for (let i = 1; i < points.length; i++) out[i] = out[i - 1]! + dist(points[i - 1]!, points[i]!);
  return out;
}

/** The point at arc length s along a polyline (clamped to its ends). */
export function pointAtArcLength(points: readonly Point[], cum: Float64Array, s: number): Point {
  const n = points.length;
  if (s <= 0) return [points[0]![0], points[0]![1]];
  if (s >= cum[n - 1]!) return [points[n - 1]![0], points[n - 1]![1]];
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (cum[mid]! <= s) lo = mid;
    else hi = mid;
  }
  const seg = cum[hi]! - cum[lo]!;
  const t = seg > 0 ? (s - cum[lo]!) / seg : 0;
  const a = points[lo]!;
  const b = points[hi]!;
  return [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
}

/** Resample a polyline at (nearly) uniform arc-length spacing ≤ step, keeping both ends exactly. */
export function resampleUniform(points: readonly Point[], step: number): Point[] {
  const cum = cumulativeLength(points);
  const total = cum[points.length - 1]!;
  const n = Math.max(1, Math.ceil(total / step));
  const out: Point[] = [];
  for (let j = 0; j <= n; j++) {
    if (j === 0) out.push([points[0]![0], points[0]![1]]);
    else if (j === n) out.push([points[points.length - 1]![0], points[points.length - 1]![1]]);
    else out.push(pointAtArcLength(points, cum, (total * j) / n));
  }
  return out;
}

export interface ClosestPoint {
  /** Distance from the query point. */
  distance: number;
  /** Arc length of the closest point along the polyline. */
  s: number;
  point: Point;
}

/** Closest point of a polyline to p (brute force over pieces). */
export function closestPointOnPolyline(points: readonly Point[], p: Point, cum?: Float64Array): ClosestPoint {
  const c = cum ?? cumulativeLength(points);
  let best: ClosestPoint = { distance: Infinity, s: 0, point: points[0]! };
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i]!;
    const b = points[i + 1]!;
    const ex = b[0] - a[0];
    const ey = b[1] - a[1];
    const l2 = ex * ex + ey * ey;
    let t = l2 > 0 ? ((p[0] - a[0]) * ex + (p[1] - a[1]) * ey) / l2 : 0;
    if (t < 0) t = 0;
    else if (t > 1) t = 1;
    const qx = a[0] + t * ex;
    const qy = a[1] + t * ey;
    const dx = p[0] - qx;
    const dy = p[1] - qy;
    const d = Math.sqrt(dx * dx + dy * dy);
    if (d < best.distance) best = { distance: d, s: c[i]! + t * (c[i + 1]! - c[i]!), point: [qx, qy] };
  }
  return best;
}

/** Distance from point p to segment ab. */
export function pointSegmentDistance(p: Point, a: Point, b: Point): number {
  const ex = b[0] - a[0];
  const ey = b[1] - a[1];
  const l2 = ex * ex + ey * ey;
  let t = l2 > 0 ? ((p[0] - a[0]) * ex + (p[1] - a[1]) * ey) / l2 : 0;
  if (t < 0) t = 0;
  else if (t > 1) t = 1;
  const dx = p[0] - (a[0] + t * ex);
  const dy = p[1] - (a[1] + t * ey);
  return Math.sqrt(dx * dx + dy * dy);
}

/** Whether open segments ab and cd properly intersect. */
export function segmentsIntersect(a: Point, b: Point, c: Point, d: Point): boolean {
  const o1 = orient(a, b, c);
  const o2 = orient(a, b, d);
  const o3 = orient(c, d, a);
  const o4 = orient(c, d, b);
  return o1 * o2 < 0 && o3 * o4 < 0;
}

function orient(a: Point, b: Point, c: Point): number {
  return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
}

/** Axis-aligned bounding box [minX, minY, maxX, maxY]. */
export function bbox(points: readonly Point[]): [number, number, number, number] {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const p of points) {
    if (p[0] < x0) x0 = p[0];
    if (p[1] < y0) y0 = p[1];
    if (p[0] > x1) x1 = p[0];
    if (p[1] > y1) y1 = p[1];
  }
  return [x0, y0, x1, y1];
}

/** A uniform-grid spatial hash of points for neighbour queries. */
export class PointGrid {
  private readonly cell: number;
  private readonly x0: number;
  private readonly y0: number;
  private readonly nx: number;
  private readonly ny: number;
  private readonly cells: number[][];

  constructor(x0: number, y0: number, width: number, height: number, cell: number) {
    this.cell = cell;
    this.x0 = x0;
    this.y0 = y0;
    this.nx = Math.max(1, Math.ceil(width / cell));
    this.ny = Math.max(1, Math.ceil(height / cell));
    this.cells = [];
    for (let i = 0; i < this.nx * this.ny; i++) this.cells.push([]);
  }

  private cellOf(x: number, y: number): [number, number] {
    const cx = Math.min(this.nx - 1, Math.max(0, Math.floor((x - this.x0) / this.cell)));
    const cy = Math.min(this.ny - 1, Math.max(0, Math.floor((y - this.y0) / this.cell)));
    return [cx, cy];
  }

  insert(index: number, p: Point): void {
    const [cx, cy] = this.cellOf(p[0], p[1]);
    this.cells[cy * this.nx + cx]!.push(index);
  }

  /** Indices of points in cells overlapping the disc (caller filters by exact distance). */
  near(p: Point, radius: number): number[] {
    const [cx0, cy0] = this.cellOf(p[0] - radius, p[1] - radius);
    const [cx1, cy1] = this.cellOf(p[0] + radius, p[1] + radius);
    const out: number[] = [];
    for (let cy = cy0; cy <= cy1; cy++) for (let cx = cx0; cx <= cx1; cx++) out.push(...this.cells[cy * this.nx + cx]!);
    return out;
  }
}
