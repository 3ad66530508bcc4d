/**
 * From centerline chains to vessels: chains that meet at a junction are joined when the
 * vessel continues through it, so a vessel is neither split into crumbs at every branch
 * point nor counted twice.
 *
 * The skeleton graph (native/core/skeleton_graph.cpp) cuts the centerline at every pixel
 * with three or more neighbours. A capillary that gives off a side branch is then two
 * chains plus the branch; a space-time diagram along either half is too short for fast flow
 * (hvm-domain.md: the highest measurable speed grows with path length), and the vessel
 * count doubles. Here, at each junction:
 *   1. chain ends whose junction pixels lie within JUNCTION_CLUSTER_PX of each other form
 *      one node (Guo–Hall thinning leaves clusters of 2–4 junction pixels at a crossing);
 *   2. each end gets an outward direction: from the point an arc length of about one vessel
 *      diameter (at least DIRECTION_MIN_ARC_PX) into the chain to the end;
 *   3. pairs of ends are joined greedily, straightest first, when the bend between them is at
 *      most MAX_CONTINUATION_BEND_DEG and their diameters differ by at most
 *      MAX_CONTINUATION_DIAMETER_RATIO (a vessel keeps its calibre through a branch point;
 *      a capillary does not continue as a venule). A node of exactly two ends (a spur was
 *      pruned there) is joined whatever the bend: nothing else could continue there. At
 *      every node, ends whose mask widths differ by more than MAX_CONTINUATION_WIDTH_RATIO
 *      are never joined, nor ends on either side of the small-vessel threshold whose widths
 *      differ by more than MAX_CONTINUATION_DIAMETER_RATIO (JoinOptions.smallMaxPx).
 * This is the rule of the vessel-tracking literature (e.g. Al-Diri et al. 2009, IEEE TMI
 * 28:1488, junction resolution by direction and width continuity), kept to its simplest
 * greedy form; a crossing at different depths (two straight vessels) resolves into two
 * straight vessels, which is also what an observer traces.
 *
 * A branch point divides the flow even where the course continues: the pieces of a joined
 * vessel are kept (splitAtJoins), flow is measured on them too, and the vessel is reported as
 * its pieces where their flow classes differ (split-by-flow.ts).
 */
import type { PointPx } from '../metrics/types.js';

/** Junction pixels closer than this (Chebyshev distance, px) belong to one node. */
export const JUNCTION_CLUSTER_PX = 2;
/** Largest bend through a junction for a vessel to continue, degrees. */
export const MAX_CONTINUATION_BEND_DEG = 50;
/** Largest ratio of the two diameters for a vessel to continue through a junction. */
export const MAX_CONTINUATION_DIAMETER_RATIO = 1.6;
/**
 * Largest ratio of the two chains' mask widths (mask-width.ts) for a vessel to continue
 * through any junction, two-end nodes included. The vesselness-scale diameters of the
 * ratio test above are coarse (a few discrete scales) and read junction blobs, so on their
 * own they let capillaries continue as venules (measured on the phantom CI set: a 660 µm
 * "vessel" of 26.8 µm, a third of it capillaries, which then counted as large). The mask
 * width is measured on the vessel but noisier on a short capillary piece, hence a looser
 * bar that only a calibre change of capillary to venule (≥ 3×) crosses.
 */
export const MAX_CONTINUATION_WIDTH_RATIO = 2.5;
/** Shortest arc over which an end's direction is measured, px. */
export const DIRECTION_MIN_ARC_PX = 3;
/** Longest arc over which an end's direction is measured, px. */
export const DIRECTION_MAX_ARC_PX = 12;

/** The part of a centerline chain the graph needs. */
export interface ChainInput {
  /** Skeleton pixel centres in order; the first/last is the junction pixel when flagged. */
  pixels: readonly PointPx[];
  /** Smoothed polyline from the first to the last pixel's end. */
  polyline: readonly PointPx[];
  startsAtJunction: boolean;
  endsAtJunction: boolean;
  closedLoop: boolean;
  /** A first diameter estimate, px (to compare calibres and scale the direction arc). */
  diameterPx: number;
  /** The mask's width across the chain, px, when known (MAX_CONTINUATION_WIDTH_RATIO). */
  widthPx?: number;
}

export interface VesselPiece {
  /** Index of the chain. */
  chain: number;
  /** The chain is walked from its last point to its first. */
  reversed: boolean;
}

export interface VesselPath {
  /** The chains of the vessel in order along it. */
  pieces: VesselPiece[];
  /** The pieces' polylines joined, in order (px). */
  polyline: PointPx[];
  /** Indices into polyline where one piece ends and the next begins (the joins). */
  joins: number[];
  /** First/last point ends at a junction (a branch point the vessel does not continue through). */
  startsAtJunction: boolean;
  endsAtJunction: boolean;
  /** The vessel closes on itself. */
  closedLoop: boolean;
}

/** One chain end: side 0 is its first pixel, 1 its last. */
export type End = { chain: number; side: 0 | 1 };

/** Joins chains into vessels through the junctions where they continue (see the header). */
export interface JoinOptions {
  /**
   * The small-vessel threshold, px (smallVesselMaxUm over the scale). A vessel does not
   * change class through a junction: ends whose mask widths lie on either side of it are
   * joined only when the widths differ by at most MAX_CONTINUATION_DIAMETER_RATIO (a vessel
   * of 18 µm continuing at 22 µm stays one vessel; a 9-µm capillary does not continue as a
   * 22-µm venule). Measured on the phantom CI set: the septic clip's venule had stopped
   * capillaries joined on (mask widths 17 px and ~7 px, a ratio of 2.4 that the
   * MAX_CONTINUATION_WIDTH_RATIO bar lets through), so they were reported as one large,
   * flowing vessel.
   */
  smallMaxPx?: number;
}

export function joinChains(chains: readonly ChainInput[], options: JoinOptions = {}): VesselPath[] {
  const smallMax = options.smallMaxPx;
  const n = chains.length;
  // link[2c + side] = the end it is joined to, or -1.
  const link = new Int32Array(2 * n).fill(-1);
  const nodes = junctionNodes(chains);
  const cosMax = Math.cos((MAX_CONTINUATION_BEND_DEG * Math.PI) / 180);
  for (const ends of nodes) {
    if (ends.length < 2) continue;
    const dirs = ends.map((e) => outwardDirection(chains[e.chain]!, e.side));
    const pairs: { a: number; b: number; dot: number }[] = [];
    for (let i = 0; i < ends.length; i++) {
      for (let j = i + 1; j < ends.length; j++) {
        if (ends[i]!.chain === ends[j]!.chain) continue; // a loop onto itself stays a loop
        const da = chains[ends[i]!.chain]!.diameterPx;
        const db = chains[ends[j]!.chain]!.diameterPx;
        const dot = dirs[i]![0] * dirs[j]![0] + dirs[i]![1] * dirs[j]![1];
        const wa = chains[ends[i]!.chain]!.widthPx, wb = chains[ends[j]!.chain]!.widthPx;
        if (wa !== undefined && wb !== undefined) {
          const ratio = Math.max(wa, wb) / Math.min(wa, wb);
          if (ratio > MAX_CONTINUATION_WIDTH_RATIO) continue;
          if (smallMax !== undefined && (wa < smallMax) !== (wb < smallMax) && ratio > MAX_CONTINUATION_DIAMETER_RATIO) continue;
        }
        if (ends.length > 2) {
          // Continuing means the two outward directions are opposite: bend = 180° − angle.
          if (-dot < cosMax) continue;
          if (Math.max(da, db) > MAX_CONTINUATION_DIAMETER_RATIO * Math.min(da, db)) continue;
        }
        pairs.push({ a: i, b: j, dot });
      }
    }
    // Straightest first; ties by position in the list (stable).
    pairs.sort((p, q) => p.dot - q.dot || p.a - q.a || p.b - q.b);
    for (const p of pairs) {
      const ea = ends[p.a]!;
      const eb = ends[p.b]!;
      const ia = 2 * ea.chain + ea.side;
      const ib = 2 * eb.chain + eb.side;
      if (link[ia] !== -1 || link[ib] !== -1) continue;
      link[ia] = ib;
      link[ib] = ia;
    }
  }
  return walk(chains, link);
}

/** Groups the chain ends that sit at junction pixels into nodes (step 1 of the header). */
export function junctionNodes(chains: readonly ChainInput[]): End[][] {
  const ends: { e: End; p: PointPx }[] = [];
  chains.forEach((c, i) => {
    if (c.closedLoop || c.pixels.length === 0) return;
    if (c.startsAtJunction) ends.push({ e: { chain: i, side: 0 }, p: c.pixels[0]! });
    if (c.endsAtJunction) ends.push({ e: { chain: i, side: 1 }, p: c.pixels[c.pixels.length - 1]! });
  });
  // Union-find over ends within JUNCTION_CLUSTER_PX, found through a pixel hash.
  const parent = ends.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const at = new Map<string, number[]>();
  ends.forEach((x, i) => {
    const k = `${x.p[0]},${x.p[1]}`;
    const list = at.get(k);
    if (list === undefined) at.set(k, [i]);
    else list.push(i);
  });
  const r = JUNCTION_CLUSTER_PX;
  ends.forEach((x, i) => {
    for (let dy = -r; dy <= r; dy++) {
      for (let dx = -r; dx <= r; dx++) {
        for (const j of at.get(`${x.p[0] + dx},${x.p[1] + dy}`) ?? []) {
          const a = find(i);
          const b = find(j);
          if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
        }
      }
    }
  });
  const groups = new Map<number, End[]>();
  ends.forEach((x, i) => {
    const root = find(i);
    const g = groups.get(root);
    if (g === undefined) groups.set(root, [x.e]);
    else g.push(x.e);
  });
  return [...groups.keys()].sort((a, b) => a - b).map((k) => groups.get(k)!);
}

/** Unit vector pointing out of the chain at one end (from inside the chain towards the end). */
export function outwardDirection(c: ChainInput, side: 0 | 1): PointPx {
  const pts = side === 0 ? c.polyline : [...c.polyline].reverse();
  const arc = Math.min(DIRECTION_MAX_ARC_PX, Math.max(DIRECTION_MIN_ARC_PX, c.diameterPx));
  const tip = pts[0]!;
  let acc = 0;
  let inner = pts[pts.length - 1]!;
  for (let k = 1; k < pts.length; k++) {
    acc += Math.hypot(pts[k]![0] - pts[k - 1]![0], pts[k]![1] - pts[k - 1]![1]);
    if (acc >= arc) {
      inner = pts[k]!;
      break;
    }
  }
  const dx = tip[0] - inner[0];
  const dy = tip[1] - inner[1];
  const len = Math.hypot(dx, dy);
  return len > 0 ? [dx / len, dy / len] : [0, 0];
}

/** Walks the links into ordered vessels; every chain lands in exactly one vessel. */
function walk(chains: readonly ChainInput[], link: Int32Array): VesselPath[] {
  const n = chains.length;
  const used = new Uint8Array(n);
  const out: VesselPath[] = [];
  for (let c0 = 0; c0 < n; c0++) {
    if (used[c0] !== 0) continue;
    // Back up to the first piece: leave c0 through its start (side 0) while linked.
    let c = c0;
    let entrySide: 0 | 1 = 0; // the side through which the walk enters chain c
    const seen = new Set<number>([c]);
    let loop = false;
    for (;;) {
      const other = link[2 * c + entrySide]!;
      if (other === -1) break;
      const nc = other >> 1;
      if (seen.has(nc)) {
        loop = true;
        break;
      }
      seen.add(nc);
      c = nc;
      entrySide = (1 - (other & 1)) as 0 | 1; // we arrived at nc's `other & 1` side, so we leave by the opposite
    }
    // c is the first piece, entered at entrySide (its free or looping end): walk forward.
    const pieces: VesselPiece[] = [];
    let side = entrySide;
    let cur = c;
    for (;;) {
      used[cur] = 1;
      pieces.push({ chain: cur, reversed: side === 1 });
      const exitSide = 1 - side;
      const other = link[2 * cur + exitSide]!;
      if (other === -1) break;
      const nc = other >> 1;
      if (used[nc] !== 0) {
        loop = true;
        break;
      }
      cur = nc;
      side = (other & 1) as 0 | 1;
    }
    out.push(assemble(chains, pieces, loop));
  }
  return out;
}

/**
 * A joined vessel's pieces, each as a vessel path of its own (in order along the vessel; a
 * piece's ends at the joins are junctions). Flow is measured on these too: a branch point
 * can change the flow even where the vessel's course continues (analyze-clip.ts).
 */
export function splitAtJoins(chains: readonly ChainInput[], path: VesselPath): VesselPath[] {
  return path.pieces.map((p) => assemble(chains, [p], false));
}

/**
 * An open vessel path cut in two at the vertex where its arc length passes half, with the
 * same cut on its flow polyline (the untrimmed centerline the space-time diagram follows:
 * cut at its vertex nearest that point). Both halves keep that vertex, so their lengths and
 * grid crossings add up to the whole's. The cut is not a junction. Null for a loop, or when
 * either half would keep fewer than 3 points.
 */
export function splitInHalves(path: VesselPath, flowPolyline: readonly PointPx[]): { halves: [VesselPath, VesselPath]; flow: [PointPx[], PointPx[]] } | null {
  const pl = path.polyline;
  if (path.closedLoop || pl.length < 5 || flowPolyline.length < 5) return null;
  let total = 0;
  for (let i = 1; i < pl.length; i++) total += Math.hypot(pl[i]![0] - pl[i - 1]![0], pl[i]![1] - pl[i - 1]![1]);
  let acc = 0;
  let k = 1;
  for (; k < pl.length - 1; k++) {
    acc += Math.hypot(pl[k]![0] - pl[k - 1]![0], pl[k]![1] - pl[k - 1]![1]);
    if (acc >= total / 2) break;
  }
  let fk = 0;
  let best = Infinity;
  for (let i = 0; i < flowPolyline.length; i++) {
    const d = Math.hypot(flowPolyline[i]![0] - pl[k]![0], flowPolyline[i]![1] - pl[k]![1]);
    if (d < best) {
      best = d;
      fk = i;
    }
  }
  if (k < 2 || k > pl.length - 3 || fk < 2 || fk > flowPolyline.length - 3) return null;
  const copy = (q: readonly PointPx[]): PointPx[] => q.map((x) => [x[0], x[1]]);
  return {
    halves: [
      { pieces: path.pieces, polyline: copy(pl.slice(0, k + 1)), joins: [], startsAtJunction: path.startsAtJunction, endsAtJunction: false, closedLoop: false },
      { pieces: path.pieces, polyline: copy(pl.slice(k)), joins: [], startsAtJunction: false, endsAtJunction: path.endsAtJunction, closedLoop: false },
    ],
    flow: [copy(flowPolyline.slice(0, fk + 1)), copy(flowPolyline.slice(fk))],
  };
}

function assemble(chains: readonly ChainInput[], pieces: VesselPiece[], loopViaJoins: boolean): VesselPath {
  const polyline: PointPx[] = [];
  const joins: number[] = [];
  for (const p of pieces) {
    const c = chains[p.chain]!;
    const pts = p.reversed ? [...c.polyline].reverse() : c.polyline;
    if (polyline.length > 0) {
      joins.push(polyline.length - 1);
      const last = polyline[polyline.length - 1]!;
      const first = pts[0]!;
      const same = last[0] === first[0] && last[1] === first[1];
      for (let k = same ? 1 : 0; k < pts.length; k++) polyline.push([pts[k]![0], pts[k]![1]]);
    } else {
      for (const q of pts) polyline.push([q[0], q[1]]);
    }
  }
  const first = pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  const fc = chains[first.chain]!;
  const lc = chains[last.chain]!;
  const closedSingle = pieces.length === 1 && fc.closedLoop;
  const startsAtJunction = first.reversed ? fc.endsAtJunction : fc.startsAtJunction;
  const endsAtJunction = last.reversed ? lc.startsAtJunction : lc.endsAtJunction;
  return {
    pieces,
    polyline,
    joins,
    startsAtJunction: !closedSingle && startsAtJunction,
    endsAtJunction: !closedSingle && endsAtJunction,
    closedLoop: closedSingle || loopViaJoins,
  };
}
