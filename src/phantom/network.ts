/**
 * Vessel network of a phantom, in micrometres (tissue coordinates: (0, 0) is the centre of
 * pixel (0, 0) of frame 0, x to the right, y down).
 *
 * Mesh mode builds what a sublingual field shows: a dense, tortuous, interconnected
 * capillary mesh (loops, junctions of three, a few blind ends), a few wide venules that
 * capillaries drain into, and a few deeper, fainter, straighter vessels that cross over the
 * mesh without joining it (crossings at different depths):
 *  1. venules: smooth random walks across the field (20–60 µm wide); later ones may end on
 *     an earlier one (a tributary);
 *  2. capillary junctions: Poisson-disc points (Bridson 2007) away from the venules;
 *  3. edges: the Gabriel graph of those points (planar), pruned towards degree 3;
 *  4. each edge becomes a tortuous curve: the chord plus a lateral offset that is a random
 *     sine series vanishing at both ends (large bends + fine wiggles);
 *  5. capillaries near a venule drain into it (their end lies on the venule wall);
 *  6. chains through degree-2 points are merged, so every vessel runs junction to junction
 *     (or to a blind end / out of the field), as a vessel graph would split it;
 *  7. the junction spacing is tuned (a few deterministic iterations) so the small-vessel
 *     density matches the requested TVD.
 * Isolated mode places a few separate gently curved vessels (simple tests).
 *
 * Only + − × ÷, Math.sqrt and the deterministic functions of dmath.ts are used.
 */
import { HvmError } from '../errors.js';
import { clamp, dcos, dexp, dlog, dsin, PI, TWO_PI } from './dmath.js';
import {
  bbox,
  closestPointOnPolyline,
  cumulativeLength,
  dist,
  type Point,
  PointGrid,
  pointAtArcLength,
  pointSegmentDistance,
  polylineLength,
  resampleUniform,
} from './geometry.js';
import { polylineLengthUm } from '../metrics/region.js';
import { ValueNoise2D } from './noise.js';
import type { Rng } from './prng.js';

export type VesselKind = 'capillary' | 'venule' | 'deep';

export interface NetworkVessel {
  /** Stable id: c### capillary, v## venule, d## deep vessel, i## isolated. */
  id: string;
  kind: VesselKind;
  /** Centerline, µm, tissue coordinates, ~2 µm spacing. */
  points: Point[];
  diameterUm: number;
  /** Depth below the focal plane, µm: deeper vessels render fainter and blurrier. */
  depthUm: number;
  /** Junction id at the first / last point (null: a blind end or the end of the tissue area). */
  startJunction: number | null;
  endJunction: number | null;
  /**
   * Vessels that dive out of the focal plane at their ends (the crossing vessels): the arc
   * length range [s0, s1] of the visible part, µm. The rendered contrast falls smoothly
   * (over FADE_UM) to half at s0 and s1 and to 0 beyond; the truth centerline is the part in
   * [s0, s1]. Absent: the whole centerline is visible.
   */
  visibleUm?: [number, number];
}

/** Width of the contrast ramp at the ends of vessels that leave the focal plane, µm. */
export const FADE_UM = 30;

/** The visible part of a vessel's centerline (see NetworkVessel.visibleUm), µm. */
export function visiblePoints(v: Pick<NetworkVessel, 'points' | 'visibleUm'>): Point[] {
  if (v.visibleUm === undefined) return v.points;
  const [s0, s1] = v.visibleUm;
  const cum = cumulativeLength(v.points);
  const out: Point[] = [pointAtArcLength(v.points, cum, s0)];
  for (let i = 0; i < v.points.length; i++) if (cum[i]! > s0 && cum[i]! < s1) out.push(v.points[i]!);
  out.push(pointAtArcLength(v.points, cum, s1));
  return out;
}

export interface NetworkJunction {
  id: number;
  /** µm. */
  point: Point;
  /** Ids of the vessels that meet here. */
  vessels: string[];
}

export interface IsolatedVesselSpec {
  diameterUm?: number;
  depthUm?: number;
  /** Read by flow.ts. */
  flowClass?: 0 | 1 | 2 | 3;
  /** Read by flow.ts: the base speed, µm/s. */
  velocityUmPerS?: number;
}

export interface NetworkOptions {
  mode: 'mesh' | 'isolated';
  /** Target small-vessel density (TVD of vessels < 20 µm), mm/mm². Healthy ≈ 15–20. */
  densityMmPerMm2: number;
  /** Capillary diameters are drawn uniformly from this range, µm. */
  capillaryDiameterUm: [number, number];
  /** Number of venules; 'auto' ≈ 2.5 per mm² of field, at least 1. */
  venules: number | 'auto';
  venuleDiameterUm: [number, number];
  /** Number of crossing vessels in other planes (8–18 µm, 15–60 µm deep, no junctions); 'auto' ≈ 6 per mm². */
  deepVessels: number | 'auto';
  /** Tortuosity scale (0 straight chords, 1 typical, 2 very tortuous). */
  tortuosity: number;
  /** Mesh cells elongated along one random direction by this factor (1 isotropic). */
  anisotropy: number;
  /** Share of capillaries in the focal plane (depth layer 0); the rest lie 20–50 µm deep. */
  inFocusShare: number;
  /** Isolated mode: number of vessels (ignored when isolatedVessels is given). */
  isolatedCount: number;
  isolatedVessels?: IsolatedVesselSpec[];
}

export const defaultNetworkOptions: NetworkOptions = {
  mode: 'mesh',
  densityMmPerMm2: 17,
  capillaryDiameterUm: [5, 9],
  venules: 'auto',
  venuleDiameterUm: [22, 50],
  deepVessels: 'auto',
  tortuosity: 1,
  anisotropy: 1.6,
  inFocusShare: 0.75,
  isolatedCount: 4,
};

export interface VascularNetwork {
  vessels: NetworkVessel[];
  junctions: NetworkJunction[];
  /** The tissue area that was filled, µm [x0, y0, x1, y1] (the field plus a margin). */
  domain: [number, number, number, number];
  /** Small-vessel length per area over the whole domain (the quantity tuned to the target), mm/mm². */
  domainSmallDensityMmPerMm2: number;
  /** Poisson-disc junction spacing used, µm (mesh mode). */
  junctionSpacingUm: number | null;
}

export interface FieldGeometry {
  /** Field of frame 0, µm. */
  widthUm: number;
  heightUm: number;
  /** Extra tissue on every side (camera drift + blur margin), µm. */
  marginUm: number;
}

const POINT_STEP_UM = 2;

export function generateNetwork(rng: Rng, field: FieldGeometry, options: Partial<NetworkOptions> = {}): VascularNetwork {
  const opts: NetworkOptions = { ...defaultNetworkOptions, ...options };
  if (!(field.widthUm > 0 && field.heightUm > 0)) {
    throw new HvmError('E_PHANTOM_OPTIONS', `phantom field must have a positive size, got ${field.widthUm}×${field.heightUm} µm`);
  }
  if (opts.mode === 'isolated') return isolatedNetwork(rng.fork('isolated'), field, opts);
  if (opts.mode !== 'mesh') throw new HvmError('E_PHANTOM_OPTIONS', `unknown network mode "${String(opts.mode)}"`, { hint: 'Use "mesh" or "isolated".' });
  if (!(opts.densityMmPerMm2 > 0 && opts.densityMmPerMm2 <= 60)) {
    throw new HvmError('E_PHANTOM_OPTIONS', `density must be in (0, 60] mm/mm², got ${opts.densityMmPerMm2}`);
  }
  return meshNetwork(rng, field, opts);
}

// ---------------------------------------------------------------------------------------
// Mesh mode

function meshNetwork(rng: Rng, field: FieldGeometry, opts: NetworkOptions): VascularNetwork {
  const m = field.marginUm;
  const domain: [number, number, number, number] = [-m, -m, field.widthUm + m, field.heightUm + m];
  const fieldAreaMm2 = (field.widthUm * field.heightUm) / 1e6;
  const domainArea = (domain[2] - domain[0]) * (domain[3] - domain[1]);

  const nVenules = opts.venules === 'auto' ? Math.max(1, Math.round(fieldAreaMm2 * 2.5)) : opts.venules;
  const nDeep = opts.deepVessels === 'auto' ? Math.round(fieldAreaMm2 * 6) : opts.deepVessels;
  const venules = makeVenules(rng.fork('venules'), domain, field, nVenules, opts.venuleDiameterUm);
  const deep = makeDeepVessels(rng.fork('deep'), domain, field, nDeep);

  // Tune the junction spacing on the small-vessel density inside the field: density ∝ 1/spacing,
  // so a few multiplicative steps converge (up to the randomness of each layout); the best
  // of up to 8 layouts is kept.
  const fieldRegion = { x: 0, y: 0, width: field.widthUm, height: field.heightUm };
  const unit = { umPerPxX: 1, umPerPxY: 1 };
  const fieldArea = field.widthUm * field.heightUm;
  const smallInField = (vs: NetworkVessel[]): number =>
    vs.filter((v) => v.diameterUm < 20).reduce((s, v) => s + polylineLengthUm(visiblePoints(v), fieldRegion, unit), 0);
  const deepInField = smallInField(deep);
  const targetPerUm = opts.densityMmPerMm2 / 1000; // mm/mm² = 1/mm → per µm
  let spacing = 1.7 / targetPerUm;
  let best: { caps: CapillaryBuild; spacing: number; err: number } | null = null;
  for (let iter = 0; iter < 8; iter++) {
    const caps = buildCapillaries(rng.fork('capillaries'), domain, spacing, venules, opts);
    const density = (smallInField(caps.vessels) + deepInField) / fieldArea;
    const ratio = density / targetPerUm;
    const err = Math.abs(ratio - 1);
    if (best === null || err < best.err) best = { caps, spacing, err };
    if (err < 0.01) break;
    // Clamp each step so the iteration cannot oscillate wildly.
    spacing *= clamp(ratio, 0.7, 1.4);
  }
  const built = best!.caps;
  spacing = best!.spacing;
  void domainArea;

  const vessels: NetworkVessel[] = [...venules, ...built.vessels, ...deep];
  const small = vessels.filter((v) => v.diameterUm < 20).reduce((s, v) => s + polylineLength(v.points), 0);
  return {
    vessels,
    junctions: built.junctions,
    domain,
    domainSmallDensityMmPerMm2: (small / domainArea) * 1000,
    junctionSpacingUm: spacing,
  };
}

interface WalkOptions {
  /** SD of the change of turning rate per 3 µm step, rad. */
  turnSd: number;
  /** Pull of the heading back towards its initial value per step (0: free; loops possible). */
  restore: number;
  /** Start on the domain edge heading inwards, or inside the field in a random direction. */
  start: 'edge' | 'inside';
  /** Stop after this length, µm (default: when leaving the domain). */
  maxLengthUm?: number;
}

/** A smooth random walk (heading with a turning rate that wanders, pulled back towards the initial heading). */
function randomWalk(
  rng: Rng,
  domain: [number, number, number, number],
  field: FieldGeometry,
  walk: WalkOptions,
  stopAt: ((p: Point) => boolean) | null,
): Point[] {
  const [x0, y0, x1, y1] = domain;
  let p: Point;
  let heading: number;
  if (walk.start === 'inside') {
    p = [rng.range(0, field.widthUm), rng.range(0, field.heightUm)];
    heading = rng.range(0, TWO_PI);
  } else {
    const side = rng.int(4);
    const along = rng.range(0.15, 0.85);
    if (side === 0) {
      p = [x0, y0 + along * (y1 - y0)];
      heading = 0;
    } else if (side === 1) {
      p = [x1, y0 + along * (y1 - y0)];
      heading = PI;
    } else if (side === 2) {
      p = [x0 + along * (x1 - x0), y0];
      heading = PI / 2;
    } else {
      p = [x0 + along * (x1 - x0), y1];
      heading = -PI / 2;
    }
    heading += rng.range(-0.6, 0.6);
  }
  const heading0 = heading;
  const pts: Point[] = [p];
  let omega = 0;
  const step = 3;
  const maxSteps = Math.ceil((walk.maxLengthUm ?? 4 * (x1 - x0 + y1 - y0)) / step);
  for (let i = 0; i < maxSteps; i++) {
    omega = 0.9 * omega + walk.turnSd * rng.normal();
    heading += omega - walk.restore * (heading - heading0);
    const q: Point = [p[0] + step * dcos(heading), p[1] + step * dsin(heading)];
    pts.push(q);
    p = q;
    if (p[0] < x0 || p[0] > x1 || p[1] < y0 || p[1] > y1) break;
    if (stopAt !== null && i > 10 && stopAt(p)) break;
  }
  return pts;
}

function makeVenules(
  rng: Rng,
  domain: [number, number, number, number],
  field: FieldGeometry,
  count: number,
  diameterRange: [number, number],
): NetworkVessel[] {
  const out: NetworkVessel[] = [];
  for (let v = 0; v < count; v++) {
    const diameter = rng.range(diameterRange[0], diameterRange[1]);
    let accepted: Point[] | null = null;
    for (let attempt = 0; attempt < 40 && accepted === null; attempt++) {
      const tributary = out.length > 0 && rng.chance(0.4);
      const stopAt = tributary
        ? (p: Point): boolean => out.some((o) => closestPointOnPolyline(o.points, p).distance < o.diameterUm / 2)
        : null;
      const raw = randomWalk(rng, domain, field, { turnSd: 0.01, restore: 0.012, start: 'edge' }, stopAt);
      const pts = resampleUniform(raw, POINT_STEP_UM);
      // Must cross a good part of the field and keep clear of the other venules (except where it joins).
      const inField = pts.filter((p) => p[0] >= 0 && p[0] <= field.widthUm && p[1] >= 0 && p[1] <= field.heightUm).length;
      if (inField * POINT_STEP_UM < 0.4 * Math.min(field.widthUm, field.heightUm)) continue;
      let clash = false;
      for (const o of out) {
        const cum = cumulativeLength(o.points);
        const clear = (diameter + o.diameterUm) / 2 + 60;
        for (let i = 0; i < pts.length - (tributary ? 40 : 0); i += 5) {
          if (closestPointOnPolyline(o.points, pts[i]!, cum).distance < clear) {
            clash = true;
            break;
          }
        }
        if (clash) break;
      }
      if (!clash) accepted = pts;
    }
    if (accepted === null) continue;
    out.push({
      id: `v${String(out.length + 1).padStart(2, '0')}`,
      kind: 'venule',
      points: accepted,
      diameterUm: diameter,
      depthUm: rng.range(10, 30),
      startJunction: null,
      endJunction: null,
    });
  }
  return out;
}

function makeDeepVessels(rng: Rng, domain: [number, number, number, number], field: FieldGeometry, count: number): NetworkVessel[] {
  const out: NetworkVessel[] = [];
  for (let d = 0; d < count; d++) {
    const raw = randomWalk(rng, domain, field, { turnSd: rng.range(0.003, 0.012), restore: 0.01, start: 'inside', maxLengthUm: rng.range(150, 500) }, null);
    const points = resampleUniform(raw, POINT_STEP_UM);
    const L = polylineLength(points);
    // Both ends fade out of focus; a walk that left the domain early keeps that end hard (outside the field).
    const s0 = FADE_UM / 2 + 2;
    const s1 = Math.max(s0 + 10, L - FADE_UM / 2 - 2);
    out.push({
      id: `d${String(d + 1).padStart(2, '0')}`,
      kind: 'deep',
      points,
      diameterUm: rng.range(8, 18),
      depthUm: rng.range(15, 60),
      startJunction: null,
      endJunction: null,
      visibleUm: [s0, Math.min(L, s1)],
    });
  }
  return out;
}

/** Bridson's Poisson-disc sampling in a rectangle. */
function poissonDisc(rng: Rng, domain: [number, number, number, number], r: number, reject: (p: Point) => boolean): Point[] {
  const [x0, y0, x1, y1] = domain;
  const grid = new PointGrid(x0, y0, x1 - x0, y1 - y0, r);
  const pts: Point[] = [];
  const active: number[] = [];
  const ok = (p: Point): boolean => {
    if (p[0] < x0 || p[0] > x1 || p[1] < y0 || p[1] > y1) return false;
    for (const j of grid.near(p, r)) if (dist(pts[j]!, p) < r) return false;
    return true;
  };
  const add = (p: Point): void => {
    grid.insert(pts.length, p);
    active.push(pts.length);
    pts.push(p);
  };
  add([rng.range(x0, x1), rng.range(y0, y1)]);
  while (active.length > 0) {
    const ai = rng.int(active.length);
    const base = pts[active[ai]!]!;
    let placed = false;
    for (let k = 0; k < 24; k++) {
      const a = rng.range(0, TWO_PI);
      const rad = r * (1 + rng.uniform());
      const q: Point = [base[0] + rad * dcos(a), base[1] + rad * dsin(a)];
      if (ok(q)) {
        add(q);
        placed = true;
        break;
      }
    }
    if (!placed) {
      active[ai] = active[active.length - 1]!;
      active.pop();
    }
  }
  return pts.filter((p) => !reject(p));
}

interface CapillaryBuild {
  vessels: NetworkVessel[];
  junctions: NetworkJunction[];
  length: number;
}

interface Edge {
  a: number;
  b: number;
  /** Polyline from node a to node b. */
  points: Point[];
  alive: boolean;
}

function buildCapillaries(
  rng: Rng,
  domain: [number, number, number, number],
  spacing: number,
  venules: NetworkVessel[],
  opts: NetworkOptions,
): CapillaryBuild {
  const venCum = venules.map((v) => cumulativeLength(v.points));
  const venuleClearance = (p: Point): { venule: number; cp: ReturnType<typeof closestPointOnPolyline> } | null => {
    let best: { venule: number; cp: ReturnType<typeof closestPointOnPolyline> } | null = null;
    venules.forEach((v, i) => {
      const cp = closestPointOnPolyline(v.points, p, venCum[i]);
      if (best === null || cp.distance - v.diameterUm / 2 < best.cp.distance - venules[best.venule]!.diameterUm / 2) best = { venule: i, cp };
    });
    return best;
  };

  // Junctions are Poisson-disc points in a stretched, rotated space (anisotropy a along the
  // angle θ): cells come out elongated along one direction, as capillaries in a sublingual
  // field tend to run roughly parallel with cross-links. Area is preserved (a · 1/a).
  const aniso = opts.anisotropy;
  const theta = rng.fork('orientation').range(0, PI);
  const ct = dcos(theta);
  const st = dsin(theta);
  const toReal = (q: Point): Point => {
    const u = q[0] * aniso;
    const v = q[1] / aniso;
    return [ct * u - st * v, st * u + ct * v];
  };
  const toStretched = (p: Point): Point => [(ct * p[0] + st * p[1]) / aniso, (-st * p[0] + ct * p[1]) * aniso];
  const corners = [
    toStretched([domain[0], domain[1]]),
    toStretched([domain[2], domain[1]]),
    toStretched([domain[0], domain[3]]),
    toStretched([domain[2], domain[3]]),
  ];
  const tDomain = bbox(corners);
  const candidates = poissonDisc(rng.fork('nodes'), tDomain, spacing, () => false);
  const nodesT: Point[] = [];
  const nodes: Point[] = [];
  for (const q of candidates) {
    const p = toReal(q);
    if (p[0] < domain[0] || p[0] > domain[2] || p[1] < domain[1] || p[1] > domain[3]) continue;
    const c = venuleClearance(p);
    if (c !== null && c.cp.distance < venules[c.venule]!.diameterUm / 2 + 0.45 * spacing) continue;
    nodesT.push(q);
    nodes.push(p);
  }

  // Gabriel graph (in the stretched space): edge ab when no other node lies in the circle with diameter ab.
  const grid = new PointGrid(tDomain[0], tDomain[1], tDomain[2] - tDomain[0], tDomain[3] - tDomain[1], spacing);
  nodesT.forEach((p, i) => grid.insert(i, p));
  const edges: Edge[] = [];
  const reach = 2.4 * spacing;
  for (let i = 0; i < nodesT.length; i++) {
    const a = nodesT[i]!;
    const cand = grid.near(a, reach).filter((j) => j > i && dist(nodesT[j]!, a) < reach);
    cand.sort((x, y) => x - y);
    for (const j of cand) {
      const b = nodesT[j]!;
      const mid: Point = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
      const r2 = dist(a, b) / 2;
      let empty = true;
      for (const k of grid.near(mid, r2)) {
        if (k === i || k === j) continue;
        if (dist(nodesT[k]!, mid) < r2) {
          empty = false;
          break;
        }
      }
      if (!empty) continue;
      // No capillary passes under a venule in this model: drop chords that cross one.
      let crosses = false;
      for (let v = 0; v < venules.length && !crosses; v++) {
        const ven = venules[v]!;
        const clear = ven.diameterUm / 2 + 4;
        for (let q = 0; q < ven.points.length; q += 2) {
          if (pointSegmentDistance(ven.points[q]!, nodes[i]!, nodes[j]!) < clear) {
            crosses = true;
            break;
          }
        }
      }
      if (!crosses) edges.push({ a: i, b: j, points: [], alive: true });
    }
  }

  // Prune towards degree 3, then a few more removals for irregular cells and blind ends.
  const degree = new Int32Array(nodes.length);
  for (const e of edges) {
    degree[e.a]!++;
    degree[e.b]!++;
  }
  const order = rng.shuffle(edges.map((_, i) => i));
  for (const ei of order) {
    const e = edges[ei]!;
    if (degree[e.a]! > 3 && degree[e.b]! > 3) {
      e.alive = false;
      degree[e.a]!--;
      degree[e.b]!--;
    }
  }
  for (const ei of order) {
    const e = edges[ei]!;
    if (!e.alive) continue;
    if (degree[e.a]! >= 3 && degree[e.b]! >= 3 && rng.chance(0.22)) {
      e.alive = false;
      degree[e.a]!--;
      degree[e.b]!--;
    } else if (degree[e.a]! + degree[e.b]! >= 5 && rng.chance(0.03)) {
      e.alive = false;
      degree[e.a]!--;
      degree[e.b]!--;
    }
  }

  // Drains: nodes near a venule send a capillary to its wall.
  const nodePoints: Point[] = nodes.map((p) => [p[0], p[1]]);
  const drainNodes: { node: number; venule: number }[] = [];
  for (let i = 0; i < nodes.length; i++) {
    if (degree[i]! === 0 || degree[i]! > 3) continue;
    const c = venuleClearance(nodes[i]!);
    if (c === null) continue;
    const ven = venules[c.venule]!;
    const gap = c.cp.distance - ven.diameterUm / 2;
    if (gap > 1.1 * spacing || gap < 0.25 * spacing) continue;
    if (!rng.chance(degree[i]! <= 2 ? 0.9 : 0.55)) continue;
    const dir: Point = [(nodes[i]![0] - c.cp.point[0]) / c.cp.distance, (nodes[i]![1] - c.cp.point[1]) / c.cp.distance];
    const wall: Point = [c.cp.point[0] + dir[0] * (ven.diameterUm / 2), c.cp.point[1] + dir[1] * (ven.diameterUm / 2)];
    const id = nodePoints.length;
    nodePoints.push(wall);
    drainNodes.push({ node: id, venule: c.venule });
    edges.push({ a: i, b: id, points: [], alive: true });
    degree[i]!++;
  }

  // Tortuous curves.
  const curveRng = rng.fork('curves');
  for (const e of edges) {
    if (!e.alive) continue;
    e.points = tortuousCurve(curveRng, nodePoints[e.a]!, nodePoints[e.b]!, opts.tortuosity, 1);
  }

  // Merge chains through degree-2 nodes.
  const incident: number[][] = nodePoints.map(() => []);
  edges.forEach((e, i) => {
    if (!e.alive) return;
    incident[e.a]!.push(i);
    incident[e.b]!.push(i);
  });
  const isDrainEnd = new Set(drainNodes.map((d) => d.node));
  const used = new Uint8Array(edges.length);
  const chains: { points: Point[]; start: number; end: number }[] = [];
  const extend = (startNode: number, firstEdge: number): { points: Point[]; end: number } => {
    let node = startNode;
    let ei = firstEdge;
    const pts: Point[] = [];
    for (;;) {
      used[ei] = 1;
      const e = edges[ei]!;
      const forward = e.a === node;
      const seq = forward ? e.points : [...e.points].reverse();
      if (pts.length === 0) pts.push(...seq);
      else pts.push(...seq.slice(1));
      node = forward ? e.b : e.a;
      if (incident[node]!.length !== 2 || isDrainEnd.has(node) || node === startNode) break;
      const next = incident[node]!.find((k) => k !== ei)!;
      if (used[next]) break;
      ei = next;
    }
    return { points: pts, end: node };
  };
  // Start chains at nodes of degree ≠ 2 first, then whatever is left (pure cycles).
  const starts = nodePoints.map((_, i) => i).filter((i) => incident[i]!.length !== 2 || isDrainEnd.has(i));
  for (const s of starts) {
    for (const ei of incident[s]!) {
      if (used[ei]) continue;
      const c = extend(s, ei);
      chains.push({ points: c.points, start: s, end: c.end });
    }
  }
  edges.forEach((e, i) => {
    if (!e.alive || used[i]) return;
    const c = extend(e.a, i);
    chains.push({ points: c.points, start: e.a, end: c.end });
  });

  // Vessels, depth and diameter.
  const depthField = new ValueNoise2D(rng.fork('depth'), domain[0], domain[1], domain[2] - domain[0], domain[3] - domain[1], 220);
  const propRng = rng.fork('props');
  const vessels: NetworkVessel[] = [];
  let length = 0;
  const junctionVessels = new Map<number, string[]>();
  // Depth by rank of a smooth random field (deeper patches) plus per-vessel jitter: the
  // shallowest `inFocusShare` of capillaries lie 0–18 µm deep (depth layer 0), the rest
  // 20–50 µm (fainter, blurrier). Ranking makes the share exact whatever the field's draw.
  const keys = chains.map((c) => {
    const mid = c.points[c.points.length >> 1]!;
    return depthField.sample(mid[0], mid[1]) / 0.4794 + 0.4 * propRng.normal();
  });
  const depthOrder = keys.map((_, i) => i).sort((a, b) => keys[a]! - keys[b]! || a - b);
  const quantile = new Float64Array(chains.length);
  depthOrder.forEach((ci, rank) => (quantile[ci] = chains.length > 1 ? rank / (chains.length - 1) : 0));
  const share = opts.inFocusShare;
  chains.forEach((c, i) => {
    const id = `c${String(i + 1).padStart(4, '0')}`;
    const q = quantile[i]!;
    const depth = q < share || share >= 1 ? (18 * q) / Math.max(share, 1e-9) : 20 + (30 * (q - share)) / (1 - share);
    const diameter = propRng.range(opts.capillaryDiameterUm[0], opts.capillaryDiameterUm[1]);
    const endJ = (n: number): number | null => (incident[n]!.length >= 3 || isDrainEnd.has(n) ? n : null);
    const v: NetworkVessel = {
      id,
      kind: 'capillary',
      points: c.points,
      diameterUm: diameter,
      depthUm: depth,
      startJunction: endJ(c.start),
      endJunction: endJ(c.end),
    };
    for (const n of [v.startJunction, v.endJunction]) {
      if (n === null) continue;
      if (!junctionVessels.has(n)) junctionVessels.set(n, []);
      junctionVessels.get(n)!.push(id);
    }
    vessels.push(v);
    length += polylineLength(c.points);
  });
  for (const d of drainNodes) junctionVessels.get(d.node)?.push(venules[d.venule]!.id);
  const junctions: NetworkJunction[] = [...junctionVessels.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([id, vs]) => ({ id, point: nodePoints[id]!, vessels: vs }));
  return { vessels, junctions, length };
}

/**
 * A tortuous curve from a to b: the chord plus a lateral offset f(x) = Σ A_k sin(kπx),
 * x ∈ [0, 1], which vanishes at both ends. The amplitudes follow a Brownian-bridge-like
 * spectrum (σ_k ∝ k^−1.3, wavelengths down to 16 µm), so the meander is irregular at every
 * scale rather than periodic; they are scaled so the RMS slope of the meander is
 * ~0.9 × tortuosity × a per-vessel factor (some vessels nearly straight, some very
 * tortuous). Resampled at uniform 2 µm arc-length spacing, ends exact.
 */
export function tortuousCurve(rng: Rng, a: Point, b: Point, tortuosity: number, wiggleScale: number): Point[] {
  const L = dist(a, b);
  if (L < 1e-9) return [a, b];
  const ux = (b[0] - a[0]) / L;
  const uy = (b[1] - a[1]) / L;
  const nx = -uy;
  const ny = ux;
  const kMax = Math.max(3, Math.floor((2 * L) / 16));
  const amps = new Float64Array(kMax + 1);
  const wig = wiggleScale * rng.range(0.35, 1.5);
  let slopeVar = 0;
  for (let k = 1; k <= kMax; k++) {
    // k^-1.3 = 1 / (k · k^0.3); k^0.3 via the deterministic exp/log.
    const sd = L / (PI * k * dexp(0.3 * dlog(k)));
    amps[k] = sd * rng.normal();
    const sl = (PI * k * sd) / L;
    slopeVar += (sl * sl) / 2;
  }
  // Target RMS slope: fine meander (wig) plus a minimum of large-scale bending.
  const target = 0.9 * tortuosity * Math.max(wig, 0.25);
  const norm = slopeVar > 0 ? target / Math.sqrt(slopeVar) : 0;
  for (let k = 1; k <= kMax; k++) amps[k]! *= wiggleScale > 0 || k <= 3 ? norm : 0;
  const n = Math.max(8, Math.ceil(L / 0.5));
  const raw: Point[] = [];
  for (let i = 0; i <= n; i++) {
    const x = i / n;
    const th = PI * x;
    // sin(kθ) by the Chebyshev recurrence: one sine and one cosine per sample.
    const s1 = dsin(th);
    const c2 = 2 * dcos(th);
    let sPrev = 0;
    let sCur = s1;
    let f = 0;
    for (let k = 1; k <= kMax; k++) {
      f += amps[k]! * sCur;
      const sNext = c2 * sCur - sPrev;
      sPrev = sCur;
      sCur = sNext;
    }
    if (i === 0 || i === n) f = 0;
    raw.push([a[0] + ux * x * L + nx * f, a[1] + uy * x * L + ny * f]);
  }
  raw[0] = [a[0], a[1]];
  raw[n] = [b[0], b[1]];
  return resampleUniform(raw, POINT_STEP_UM);
}

// ---------------------------------------------------------------------------------------
// Isolated mode

function isolatedNetwork(rng: Rng, field: FieldGeometry, opts: NetworkOptions): VascularNetwork {
  const specs: IsolatedVesselSpec[] = opts.isolatedVessels ?? Array.from({ length: opts.isolatedCount }, () => ({}));
  if (specs.length < 1) throw new HvmError('E_PHANTOM_OPTIONS', 'isolated mode needs at least one vessel');
  const W = field.widthUm;
  const H = field.heightUm;
  const band = H / specs.length;
  const vessels: NetworkVessel[] = specs.map((spec, i) => {
    const diameter = spec.diameterUm ?? rng.range(opts.capillaryDiameterUm[0], opts.capillaryDiameterUm[1]);
    const yc = band * (i + 0.5);
    const tilt = rng.range(-0.08, 0.08) * Math.min(band, W);
    const a: Point = [0.08 * W, yc - tilt];
    const b: Point = [0.92 * W, yc + tilt];
    // Gentle bends only, kept inside the band.
    const pts = tortuousCurve(rng, a, b, Math.min(opts.tortuosity, 1) * 0.35, 0);
    const [, by0, , by1] = bbox(pts);
    const lim = band / 2 - diameter;
    const excess = Math.max(yc - by0, by1 - yc);
    const squeeze = excess > lim && excess > 0 ? lim / excess : 1;
    const fitted: Point[] = pts.map((p) => [p[0], yc + (p[1] - yc) * squeeze]);
    return {
      id: `i${String(i + 1).padStart(2, '0')}`,
      kind: diameter >= 20 ? 'venule' : 'capillary',
      points: fitted,
      diameterUm: diameter,
      depthUm: spec.depthUm ?? 0,
      startJunction: null,
      endJunction: null,
    } satisfies NetworkVessel;
  });
  const small = vessels.filter((v) => v.diameterUm < 20).reduce((s, v) => s + polylineLength(v.points), 0);
  return {
    vessels,
    junctions: [],
    domain: [-field.marginUm, -field.marginUm, W + field.marginUm, H + field.marginUm],
    domainSmallDensityMmPerMm2: (small / (W * H)) * 1000,
    junctionSpacingUm: null,
  };
}
