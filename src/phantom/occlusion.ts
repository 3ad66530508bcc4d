/**
 * Occluders over the tissue: air bubbles and saliva in the film between the probe and the
 * mucosa. Both are textureless and hide the vessels beneath them, which the engine must not
 * count (nor invent vessels in).
 *
 *  bubble — round, sharp-edged (edge 1.5 µm): bright interior, a dark refraction rim just
 *           inside its edge, a small highlight; radius 15–45 µm when placed at random;
 *  saliva — lobed, blurred edge (a quarter of its radius), a flat grey slightly darker than
 *           the tissue; radius 30–80 µm when placed at random.
 *
 * They are anchored to the tissue (they move with it, like a bubble trapped on the mucosa),
 * so what they hide is fixed in frame-0 coordinates. Shape: r(θ) = R·(1 + Σₖ aₖ cos kθ +
 * bₖ sin kθ), k = 2…4, evaluated without trigonometry at a pixel (cos θ, sin θ from the
 * offset, higher harmonics by complex products). Opacity α = 1 − smoothstep(1 − e/R, 1 +
 * e/R, ρ), ρ = |p − c| / r(θ): exactly ½ on the outline r(θ). The truth's polygon is that
 * outline (64 vertices): a vessel inside it counts as hidden.
 *
 * The rendered pixel is (1 − α)·scene + α·illumination·shade: the occluder is lit by the
 * same (sensor-fixed) illumination and adds no texture.
 */
import type { PointPx } from '../metrics/types.js';
import { dcos, dsin, smoothstep, TWO_PI } from './dmath.js';
import type { Point } from './geometry.js';
import type { Rng } from './prng.js';

export type OcclusionKind = 'bubble' | 'saliva';

/** An occluder as the user may give it (missing fields drawn at random). */
export interface OcclusionSpec {
  kind?: OcclusionKind;
  /** Centre, frame-0 px. */
  centerPx?: [number, number];
  /** Mean radius, µm. */
  radiusUm?: number;
}

/** A placed occluder (tissue coordinates, µm). */
export interface Occlusion {
  id: string;
  kind: OcclusionKind;
  centerUm: Point;
  radiusUm: number;
  /** Harmonic coefficients aₖ (cos) and bₖ (sin) for k = 2, 3, 4. */
  cosCoef: [number, number, number];
  sinCoef: [number, number, number];
  /** Half-width of the soft edge, µm. */
  edgeUm: number;
}

/** Vertices of the outline polygon recorded in the truth. */
export const OCCLUSION_POLYGON_VERTICES = 64;

export function resolveOcclusionSpecs(o: number | OcclusionSpec[]): void {
  if (typeof o === 'number') {
    if (!Number.isInteger(o) || o < 0 || o > 50) throw new RangeError(`occlusions must be an integer count in [0, 50] or a list, got ${o}`);
    return;
  }
  if (!Array.isArray(o)) throw new RangeError('occlusions must be a count or a list of {kind?, centerPx?, radiusUm?}');
  for (const s of o) {
    if (s === null || typeof s !== 'object') throw new RangeError('each occlusion must be an object {kind?, centerPx?, radiusUm?}');
    if (s.kind !== undefined && s.kind !== 'bubble' && s.kind !== 'saliva') throw new RangeError(`occlusion kind must be bubble or saliva, got ${String(s.kind)}`);
    if (s.radiusUm !== undefined && !(s.radiusUm >= 3 && s.radiusUm <= 500)) throw new RangeError(`occlusion radiusUm must be in [3, 500], got ${s.radiusUm}`);
    if (s.centerPx !== undefined && !(Array.isArray(s.centerPx) && s.centerPx.length === 2 && s.centerPx.every(Number.isFinite))) {
      throw new RangeError(`occlusion centerPx must be [x, y], got ${JSON.stringify(s.centerPx)}`);
    }
  }
}

/**
 * Place the occluders: explicit specs keep what they give; the rest is drawn inside the
 * full frame (frame-0 px rectangle `area`), each fully inside it.
 */
export function placeOcclusions(
  rng: Rng,
  spec: number | OcclusionSpec[],
  area: { x: number; y: number; width: number; height: number },
  scale: { umPerPxX: number; umPerPxY: number },
): Occlusion[] {
  const specs: OcclusionSpec[] = typeof spec === 'number' ? Array.from({ length: spec }, () => ({})) : spec;
  return specs.map((s, i) => {
    const r = rng.fork(`occlusion:${i}`);
    const kind: OcclusionKind = s.kind ?? (r.chance(0.6) ? 'bubble' : 'saliva');
    const radiusUm = s.radiusUm ?? (kind === 'bubble' ? r.range(15, 45) : r.range(30, 80));
    const lobes = kind === 'bubble' ? [0.03, 0.02, 0.015] : [0.15, 0.1, 0.06];
    const cosCoef = lobes.map((a) => r.range(-a, a)) as [number, number, number];
    const sinCoef = lobes.map((a) => r.range(-a, a)) as [number, number, number];
    let centerUm: Point;
    if (s.centerPx !== undefined) centerUm = [s.centerPx[0] * scale.umPerPxX, s.centerPx[1] * scale.umPerPxY];
    else {
      const mx = Math.min((1.2 * radiusUm) / scale.umPerPxX, area.width / 2);
      const my = Math.min((1.2 * radiusUm) / scale.umPerPxY, area.height / 2);
      centerUm = [
        r.range(area.x + mx, area.x + area.width - mx) * scale.umPerPxX,
        r.range(area.y + my, area.y + area.height - my) * scale.umPerPxY,
      ];
    }
    return { id: `o${String(i + 1).padStart(2, '0')}`, kind, centerUm, radiusUm, cosCoef, sinCoef, edgeUm: kind === 'bubble' ? 1.5 : 0.25 * radiusUm };
  });
}

/** Outline radius factor r(θ)/R for a direction (c, s) = (cos θ, sin θ). */
function radiusFactor(o: Occlusion, c: number, s: number): number {
  // cos kθ + i sin kθ = (c + i s)^k
  const c2 = c * c - s * s;
  const s2 = 2 * c * s;
  const c3 = c2 * c - s2 * s;
  const s3 = c2 * s + s2 * c;
  const c4 = c2 * c2 - s2 * s2;
  const s4 = 2 * c2 * s2;
  return 1 + o.cosCoef[0] * c2 + o.sinCoef[0] * s2 + o.cosCoef[1] * c3 + o.sinCoef[1] * s3 + o.cosCoef[2] * c4 + o.sinCoef[2] * s4;
}

/** Largest distance from the centre where the occluder has any opacity, µm. */
export function occlusionExtentUm(o: Occlusion): number {
  const lobes = o.cosCoef.reduce((a, x) => a + Math.abs(x), 0) + o.sinCoef.reduce((a, x) => a + Math.abs(x), 0);
  return o.radiusUm * (1 + lobes) + 2 * o.edgeUm + 1;
}

/**
 * Opacity α and shade (brightness relative to the illumination) at tissue point (x, y), µm.
 * α = 0 far outside.
 */
export function occlusionAt(o: Occlusion, x: number, y: number, out: { alpha: number; shade: number }): void {
  const dx = x - o.centerUm[0];
  const dy = y - o.centerUm[1];
  const r = Math.sqrt(dx * dx + dy * dy);
  const f = r > 0 ? radiusFactor(o, dx / r, dy / r) : 1;
  const R = o.radiusUm * f;
  const rho = r / R;
  const e = o.edgeUm / R;
  out.alpha = 1 - smoothstep(1 - e, 1 + e, rho);
  if (o.kind === 'bubble') {
    // Bright interior, a dark refraction rim inside the edge, a highlight up-left of centre.
    const rim = smoothstep(0.7, 0.9, rho);
    const hx = dx / o.radiusUm + 0.35;
    const hy = dy / o.radiusUm + 0.35;
    const h2 = (hx * hx + hy * hy) / 0.04;
    out.shade = 1.2 - 0.6 * rim + (h2 < 1 ? 0.25 * (1 - h2) * (1 - h2) : 0);
  } else {
    out.shade = 0.9 + 0.06 * (1 - (rho < 1 ? rho * rho : 1));
  }
}

/** The outline (α = ½) as a polygon, frame-0 px rounded to 1/1000 px. */
export function occlusionPolygonPx(o: Occlusion, scale: { umPerPxX: number; umPerPxY: number }, n = OCCLUSION_POLYGON_VERTICES): PointPx[] {
  const out: PointPx[] = [];
  for (let i = 0; i < n; i++) {
    const th = (TWO_PI * i) / n;
    const c = dcos(th);
    const s = dsin(th);
    const R = o.radiusUm * radiusFactor(o, c, s);
    out.push([Math.round(((o.centerUm[0] + R * c) / scale.umPerPxX) * 1000) / 1000, Math.round(((o.centerUm[1] + R * s) / scale.umPerPxY) * 1000) / 1000]);
  }
  return out;
}

/** Signed-area (shoelace) area of a polygon in px², scaled to µm² with (sx, sy). */
export function polygonAreaUm2(poly: readonly PointPx[], sx: number, sy: number): number {
  let a = 0;
  for (let i = 0; i < poly.length; i++) {
    const p = poly[i]!;
    const q = poly[(i + 1) % poly.length]!;
    a += p[0] * q[1] - q[0] * p[1];
  }
  return (Math.abs(a) / 2) * sx * sy;
}

/** Whether point p lies inside polygon poly (even–odd rule). */
export function pointInPolygon(p: readonly [number, number], poly: readonly PointPx[]): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const a = poly[i]!;
    const b = poly[j]!;
    if (a[1] > p[1] !== b[1] > p[1] && p[0] < ((b[0] - a[0]) * (p[1] - a[1])) / (b[1] - a[1]) + a[0]) inside = !inside;
  }
  return inside;
}

/**
 * The parts of a polyline outside every polygon (exact cuts at the polygon edges), as
 * separate polylines.
 */
export function partsOutsidePolygons(points: readonly PointPx[], polygons: readonly (readonly PointPx[])[]): PointPx[][] {
  if (polygons.length === 0 || points.length < 2) return [points.map((p) => [p[0], p[1]] as PointPx)];
  const boxes = polygons.map((poly) => {
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const [x, y] of poly) {
      if (x < x0) x0 = x;
      if (y < y0) y0 = y;
      if (x > x1) x1 = x;
      if (y > y1) y1 = y;
    }
    return [x0, y0, x1, y1] as const;
  });
  const inside = (p: readonly [number, number]): boolean =>
    polygons.some((poly, k) => {
      const b = boxes[k]!;
      return p[0] >= b[0] && p[0] <= b[2] && p[1] >= b[1] && p[1] <= b[3] && pointInPolygon(p, poly);
    });
  const parts: PointPx[][] = [];
  let cur: PointPx[] = [];
  const flush = (): void => {
    if (cur.length >= 2) parts.push(cur);
    cur = [];
  };
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i]!;
    const b = points[i + 1]!;
    // Cut parameters where ab crosses a polygon edge.
    const ts: number[] = [0, 1];
    const sx0 = Math.min(a[0], b[0]), sx1 = Math.max(a[0], b[0]), sy0 = Math.min(a[1], b[1]), sy1 = Math.max(a[1], b[1]);
    polygons.forEach((poly, k) => {
      const bx = boxes[k]!;
      if (sx1 < bx[0] || sx0 > bx[2] || sy1 < bx[1] || sy0 > bx[3]) return;
      for (let e = 0; e < poly.length; e++) {
        const c = poly[e]!;
        const d = poly[(e + 1) % poly.length]!;
        const rx = b[0] - a[0], ry = b[1] - a[1], qx = d[0] - c[0], qy = d[1] - c[1];
        const den = rx * qy - ry * qx;
        if (den === 0) continue;
        const t = ((c[0] - a[0]) * qy - (c[1] - a[1]) * qx) / den;
        const u = ((c[0] - a[0]) * ry - (c[1] - a[1]) * rx) / den;
        if (t > 0 && t < 1 && u >= 0 && u <= 1) ts.push(t);
      }
    });
    ts.sort((x, y) => x - y);
    for (let k = 0; k + 1 < ts.length; k++) {
      const t0 = ts[k]!;
      const t1 = ts[k + 1]!;
      if (t1 - t0 <= 0) continue;
      const tm = (t0 + t1) / 2;
      const mid: [number, number] = [a[0] + tm * (b[0] - a[0]), a[1] + tm * (b[1] - a[1])];
      const at = (t: number): PointPx => (t === 0 ? [a[0], a[1]] : t === 1 ? [b[0], b[1]] : [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]);
      const p0 = at(t0);
      const p1 = at(t1);
      if (inside(mid)) {
        flush();
        continue;
      }
      if (cur.length === 0) cur.push(p0);
      cur.push(p1);
    }
  }
  flush();
  return parts;
}
