/**
 * A vessel that drains into a wider vessel ends at that vessel's wall, not at its centerline.
 *
 * The skeleton of the vessel mask joins a capillary to a venule at the venule's centerline: the
 * capillary's chain runs on through the venule's lumen for half the venule's width (10–30 µm
 * at every drain). That stretch is the venule's lumen, already counted as the venule's own
 * length; counted again as capillary it inflates small-vessel TVD and the quadrant lengths
 * that decide quadrant MFI, adds De Backer crossings inside the venule, and puts venule
 * pixels into the capillary's space-time diagram. An observer tracing in AVA, and the phantom's
 * truth (src/phantom/network.ts: "their end lies on the venule wall"), end the capillary where
 * it opens into the venule.
 *
 * Rule: a vessel's end at a junction node is cut back to where its centerline leaves the lumen
 * of a wider vessel that passes through that node. "Passes through" means at least two other
 * chain ends at the node belong to chains at least MAX_CONTINUATION_DIAMETER_RATIO times as
 * wide as this vessel's end chain and not small (mask width ≥ the small-vessel threshold):
 * the venule on both sides of the drain. A wide chain that merely begins at the node (a
 * calibre step where a capillary continues in line as a venule, or a venule's blind end) has
 * no lumen around the node to subtract, so nothing is cut there. "Inside the lumen" is
 * closer to a wide chain's smoothed centerline than half that chain's mask width
 * (mask-width.ts: its median away from junctions), its centerline straightened through the
 * node (axisThroughNode). A vessel lying wholly inside the lumen is left as it is (what it
 * is, a reflex or a spur, is not decided here).
 *
 * Only a path's own ends are cut, never the joins inside it: where a vessel continues
 * through a node, its course there is its own. The parts of a joined vessel (splitAtJoins)
 * are cut at the same ends the same way, so the parts add up to the vessel.
 *
 * What is cut is the vessel's geometry (length, quadrant lengths, De Backer crossings,
 * diameter); its space-time diagram still follows the uncut path (vessel-map.ts,
 * flowPolylinePx): a diagram needs length, and cutting it too left one clip's only classified
 * capillary in a quadrant shorter than the 25 µm a diagram needs.
 *
 * Measured on the full phantom set (24 clips, 2026-12-07): engine small-vessel centerline
 * lying inside the lumen of a truth vessel ≥ 20 µm (and > 2 px from any truth centerline)
 * 1.68 → 0.71 mm, engine length near a truth centerline 64.39 → 64.09 mm; small-vessel
 * precision median 86.4 → 89.1 % (clips passing 10 → 12), recall unchanged (76.1 %). The
 * metrics that add length move down with it: TVD small median error 16.1 → 17.0 %, De Backer
 * (all) 18.4 → 22.4 % — the engine under-detects deep vessels, and the counted venule lumen
 * had been hiding part of that. Flow κ unchanged (0.731); MFI small within ±0.25 on 19 → 18
 * clips (one deep vessel crossing a venule sits at stoppedFraction 0.49–0.63, across the
 * intermittent bar, and its re-measured diameter moved it).
 */
import type { PointPx } from '../metrics/types.js';
import { junctionNodes, MAX_CONTINUATION_DIAMETER_RATIO, type ChainInput, type VesselPath } from './vessel-graph.js';

export interface WiderLumen {
  /** Centerline of the wider vessel's chain, px. */
  polyline: readonly PointPx[];
  /** Half its mask width, px. */
  radiusPx: number;
}

/** For every chain end (index 2·chain + side): the wider vessels passing through its junction node (empty when none). */
export function widerLumensAtEnds(chains: readonly ChainInput[], smallMaxPx: number): WiderLumen[][] {
  const out: WiderLumen[][] = chains.flatMap(() => [[], []]);
  for (const node of junctionNodes(chains)) {
    for (const end of node) {
      const own = chains[end.chain]!;
      const ownWidth = own.widthPx ?? own.diameterPx;
      const bar = Math.max(MAX_CONTINUATION_DIAMETER_RATIO * ownWidth, smallMaxPx);
      const wide = node.filter((e) => e.chain !== end.chain && (chains[e.chain]!.widthPx ?? chains[e.chain]!.diameterPx) >= bar);
      if (wide.length < 2) continue;
      // One entry per wide chain (a chain may meet the node with both ends: a loop).
      const seen = new Set<number>();
      for (const e of wide) {
        if (seen.has(e.chain)) continue;
        seen.add(e.chain);
        const c = chains[e.chain]!;
        const radiusPx = (c.widthPx ?? c.diameterPx) / 2;
        out[2 * end.chain + end.side]!.push({ polyline: axisThroughNode(c.polyline, e.side, radiusPx), radiusPx });
      }
    }
  }
  return out;
}

/**
 * The wide chain's axis near the node: thinning bends a centerline towards a branch over about
 * a radius (the skeleton of a T is a Y), which would move the wall by that bend (3 px on a
 * 30-px venule). The stretch within one radius of the node end is replaced by the straight
 * continuation of the next radius of the chain, drawn on past the node by a radius so the
 * two halves of the venule overlap there.
 */
export function axisThroughNode(polyline: readonly PointPx[], side: 0 | 1, radiusPx: number): PointPx[] {
  const pts = side === 0 ? polyline.slice() : polyline.slice().reverse();
  const at = (arc: number): { p: PointPx; k: number } => {
    let acc = 0;
    for (let k = 1; k < pts.length; k++) {
      const step = Math.hypot(pts[k]![0] - pts[k - 1]![0], pts[k]![1] - pts[k - 1]![1]);
      if (acc + step >= arc && step > 0) {
        const t = (arc - acc) / step;
        return { p: [pts[k - 1]![0] + t * (pts[k]![0] - pts[k - 1]![0]), pts[k - 1]![1] + t * (pts[k]![1] - pts[k - 1]![1])], k };
      }
      acc += step;
    }
    return { p: pts[pts.length - 1]!, k: pts.length };
  };
  const near = at(radiusPx);
  const far = at(2 * radiusPx);
  const dx = near.p[0] - far.p[0];
  const dy = near.p[1] - far.p[1];
  const len = Math.hypot(dx, dy);
  // Too short to have a straight stretch beyond the bend: keep the chain as it is.
  if (!(len > 0.25 * radiusPx) || far.k >= pts.length) return pts.map((q): PointPx => [q[0], q[1]]);
  const reach = 2 * radiusPx; // from the near point: one radius to the node, one beyond it
  const tip: PointPx = [near.p[0] + (dx / len) * reach, near.p[1] + (dy / len) * reach];
  return [tip, near.p, ...pts.slice(near.k).map((q): PointPx => [q[0], q[1]])];
}

function distanceToPolyline(p: PointPx, line: readonly PointPx[]): number {
  let best = Number.POSITIVE_INFINITY;
  if (line.length === 1) return Math.hypot(p[0] - line[0]![0], p[1] - line[0]![1]);
  for (let i = 1; i < line.length; i++) {
    const a = line[i - 1]!;
    const b = line[i]!;
    const dx = b[0] - a[0];
    const dy = b[1] - a[1];
    const l2 = dx * dx + dy * dy;
    const t = l2 > 0 ? Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / l2)) : 0;
    const d = Math.hypot(a[0] + t * dx - p[0], a[1] + t * dy - p[1]);
    if (d < best) best = d;
  }
  return best;
}

/** How far p lies inside the nearest wider lumen (> 0 inside, ≤ 0 outside all of them), px. */
function depthInside(p: PointPx, lumens: readonly WiderLumen[]): number {
  let depth = Number.NEGATIVE_INFINITY;
  for (const l of lumens) depth = Math.max(depth, l.radiusPx - distanceToPolyline(p, l.polyline));
  return depth;
}

/**
 * The polyline with its start cut back to where it leaves the lumens (the exact crossing,
 * found by bisection on the segment that crosses). Unchanged when its start is outside every
 * lumen or when the whole polyline lies inside.
 */
export function trimStartInsideLumens(polyline: readonly PointPx[], lumens: readonly WiderLumen[]): PointPx[] {
  const copy = (): PointPx[] => polyline.map((q) => [q[0], q[1]]);
  if (lumens.length === 0 || polyline.length < 2 || depthInside(polyline[0]!, lumens) <= 0) return copy();
  let k = 1;
  while (k < polyline.length && depthInside(polyline[k]!, lumens) > 0) k++;
  if (k === polyline.length) return copy();
  // polyline[k − 1] inside, polyline[k] outside: bisect for the wall.
  const a = polyline[k - 1]!;
  const b = polyline[k]!;
  let lo = 0;
  let hi = 1;
  for (let it = 0; it < 30; it++) {
    const mid = (lo + hi) / 2;
    if (depthInside([a[0] + mid * (b[0] - a[0]), a[1] + mid * (b[1] - a[1])], lumens) > 0) lo = mid;
    else hi = mid;
  }
  const wall: PointPx = [a[0] + hi * (b[0] - a[0]), a[1] + hi * (b[1] - a[1])];
  return [wall, ...polyline.slice(k).map((q): PointPx => [q[0], q[1]])];
}

/** Chain end (2·chain + side) at the start (first) or end (last) of a path. */
function pathEnd(path: VesselPath, which: 'first' | 'last'): number {
  if (which === 'first') {
    const p = path.pieces[0]!;
    return 2 * p.chain + (p.reversed ? 1 : 0);
  }
  const p = path.pieces[path.pieces.length - 1]!;
  return 2 * p.chain + (p.reversed ? 0 : 1);
}

/**
 * The path with its junction ends cut back at the walls of wider vessels passing through
 * those junctions (see the header). `lumens` from widerLumensAtEnds over the same chains.
 * `ends` chooses which ends may be cut (default both; a part of a joined vessel is cut only
 * at the ends it shares with the vessel).
 */
export function trimAtWiderVessels(path: VesselPath, lumens: readonly WiderLumen[][], ends: { first: boolean; last: boolean } = { first: true, last: true }): VesselPath {
  if (path.closedLoop) return path;
  let polyline: PointPx[] = path.polyline.map((q) => [q[0], q[1]]);
  let joins = path.joins.slice();
  if (ends.first && path.startsAtJunction) {
    const cut = trimStartInsideLumens(polyline, lumens[pathEnd(path, 'first')]!);
    const removed = polyline.length - cut.length;
    // Joins inside the removed stretch cannot happen: the whole first piece would be inside
    // the lumen, and then the wall lies in a later piece; keep joins that survive.
    joins = joins.map((j) => j - removed).filter((j) => j > 0);
    polyline = cut;
  }
  if (ends.last && path.endsAtJunction) {
    const cut = trimStartInsideLumens([...polyline].reverse(), lumens[pathEnd(path, 'last')]!).reverse();
    joins = joins.filter((j) => j < cut.length - 1);
    polyline = cut;
  }
  return { ...path, polyline, joins };
}
