/**
 * joinChains on small hand-made graphs: a vessel continues straight through a side branch,
 * a crossing resolves into two straight vessels, a calibre jump stops a join, a pruned spur
 * leaves a two-ended node that joins whatever the bend, and every chain lands in one vessel.
 */
import { describe, expect, it } from 'vitest';
import { joinChains, MAX_CONTINUATION_BEND_DEG, MAX_CONTINUATION_WIDTH_RATIO, splitAtJoins, splitInHalves, type ChainInput, type VesselPath } from '../../src/analysis/vessel-graph.js';
import type { PointPx } from '../../src/metrics/types.js';

/** A straight chain of integer pixels from a to b, junction flags on the ends. */
function chain(a: PointPx, b: PointPx, startJ: boolean, endJ: boolean, diameterPx = 4): ChainInput {
  const n = Math.max(Math.abs(b[0] - a[0]), Math.abs(b[1] - a[1]));
  const pts: PointPx[] = [];
  for (let k = 0; k <= n; k++) pts.push([Math.round(a[0] + ((b[0] - a[0]) * k) / n), Math.round(a[1] + ((b[1] - a[1]) * k) / n)]);
  return { pixels: pts, polyline: pts, startsAtJunction: startJ, endsAtJunction: endJ, closedLoop: false, diameterPx };
}

const sorted = (v: ReturnType<typeof joinChains>): number[][] => v.map((p) => p.pieces.map((q) => q.chain).sort((a, b) => a - b)).sort((a, b) => a[0]! - b[0]!);

describe('joinChains', () => {
  it('joins the straight pair at a T junction and leaves the side branch alone', () => {
    const c = [chain([0, 50], [50, 50], false, true), chain([50, 50], [100, 50], true, false), chain([50, 50], [50, 0], true, false)];
    const v = joinChains(c);
    expect(sorted(v)).toEqual([[0, 1], [2]]);
    const main = v.find((p) => p.pieces.length === 2)!;
    expect(main.startsAtJunction || main.endsAtJunction).toBe(false);
    expect(main.joins).toHaveLength(1);
    // Ordered end to end: the polyline runs from x = 0 to x = 100 (or back) without a jump.
    const xs = main.polyline.map((q) => q[0]);
    expect(Math.min(...xs)).toBe(0);
    expect(Math.max(...xs)).toBe(100);
    for (let k = 1; k < main.polyline.length; k++) expect(Math.hypot(main.polyline[k]![0] - main.polyline[k - 1]![0], main.polyline[k]![1] - main.polyline[k - 1]![1])).toBeLessThanOrEqual(Math.SQRT2 + 1e-9);
  });

  it('resolves a crossing (junction pixels in a small cluster) into two straight vessels', () => {
    const c = [
      chain([0, 50], [49, 50], false, true),
      chain([51, 50], [100, 50], true, false),
      chain([50, 0], [50, 49], false, true),
      chain([50, 51], [50, 100], true, false),
    ];
    expect(sorted(joinChains(c))).toEqual([[0, 1], [2, 3]]);
  });

  it('does not join through a bend sharper than the limit when another branch exists, nor across a calibre jump', () => {
    const bend = MAX_CONTINUATION_BEND_DEG + 15;
    const rad = (bend * Math.PI) / 180;
    const far: PointPx = [Math.round(50 + 50 * Math.cos(rad)), Math.round(50 - 50 * Math.sin(rad))]; // up and right
    const c = [chain([0, 50], [50, 50], false, true), chain([50, 50], far, true, false), chain([50, 50], [50, 0], true, false)];
    // The side branch (90°) and the bent one both exceed the limit: nothing joins.
    expect(sorted(joinChains(c))).toEqual([[0], [1], [2]]);
    const thick = [chain([0, 50], [50, 50], false, true, 4), chain([50, 50], [100, 50], true, false, 12), chain([50, 50], [50, 0], true, false, 4)];
    expect(sorted(joinChains(thick))).toEqual([[0], [1], [2]]);
  });

  it('joins a two-ended node whatever the bend (a spur was pruned there)', () => {
    const c = [chain([0, 50], [50, 50], false, true), chain([50, 50], [50, 0], true, false)];
    expect(sorted(joinChains(c))).toEqual([[0, 1]]);
  });

  it('never joins across a jump in mask width beyond MAX_CONTINUATION_WIDTH_RATIO, two-ended nodes included, whatever the scale estimates say', () => {
    const withWidth = (c: ChainInput, widthPx: number): ChainInput => ({ ...c, widthPx });
    // Straight through a T: same vesselness-scale diameter (4 px), mask widths 4 and 12 px (a capillary meeting a venule).
    const t = [withWidth(chain([0, 50], [50, 50], false, true), 4), withWidth(chain([50, 50], [100, 50], true, false), 12), withWidth(chain([50, 50], [50, 0], true, false), 4)];
    expect(sorted(joinChains(t))).toEqual([[0], [1], [2]]);
    // Just inside the ratio: joined straight through, the side branch alone.
    const ok = [withWidth(chain([0, 50], [50, 50], false, true), 4), withWidth(chain([50, 50], [100, 50], true, false), 4 * MAX_CONTINUATION_WIDTH_RATIO), withWidth(chain([50, 50], [50, 0], true, false), 4)];
    expect(sorted(joinChains(ok))).toEqual([[0, 1], [2]]);
    // Two-ended node: joined whatever the bend, but not across the width jump.
    const two = [withWidth(chain([0, 50], [50, 50], false, true), 4), withWidth(chain([50, 50], [50, 0], true, false), 11)];
    expect(sorted(joinChains(two))).toEqual([[0], [1]]);
  });

  it('does not let a vessel change class through a junction: widths either side of the small-vessel threshold join only within the diameter ratio', () => {
    const withWidth = (c: ChainInput, widthPx: number): ChainInput => ({ ...c, widthPx });
    // 7 px and 17 px (ratio 2.4 < MAX_CONTINUATION_WIDTH_RATIO): joined without the class rule, apart with a threshold of 15 px between them.
    const capVen = [withWidth(chain([0, 50], [50, 50], false, true), 7), withWidth(chain([50, 50], [100, 50], true, false), 17)];
    expect(sorted(joinChains(capVen))).toEqual([[0, 1]]);
    expect(sorted(joinChains(capVen, { smallMaxPx: 15 }))).toEqual([[0], [1]]);
    // 14 and 17 px across the same threshold (ratio 1.2): one vessel.
    const grow = [withWidth(chain([0, 50], [50, 50], false, true), 14), withWidth(chain([50, 50], [100, 50], true, false), 17)];
    expect(sorted(joinChains(grow, { smallMaxPx: 15 }))).toEqual([[0, 1]]);
  });

  it('keeps a closed ring as one closed vessel and puts every chain in exactly one vessel', () => {
    const ring = [chain([0, 0], [20, 0], true, true), chain([20, 0], [20, 20], true, true), chain([20, 20], [0, 20], true, true), chain([0, 20], [0, 0], true, true)];
    const v = joinChains(ring);
    expect(v).toHaveLength(1);
    expect(v[0]!.closedLoop).toBe(true);
    expect(v[0]!.pieces.map((p) => p.chain).sort()).toEqual([0, 1, 2, 3]);
  });

  it('splitAtJoins gives the joined pieces back in order along the vessel, each with its junction ends', () => {
    const c = [chain([0, 50], [50, 50], false, true), chain([100, 50], [50, 50], false, true), chain([50, 50], [50, 0], true, false)];
    const main = joinChains(c).find((p) => p.pieces.length === 2)!;
    const parts = splitAtJoins(c, main);
    expect(parts.map((p) => p.pieces.map((q) => q.chain))).toEqual(main.pieces.map((q) => [q.chain]));
    // Concatenated, the parts retrace the joined polyline (the shared junction point once).
    const traced = parts.flatMap((p, k) => (k === 0 ? p.polyline : p.polyline.slice(1)));
    expect(traced).toEqual(main.polyline);
    // Each part ends at the branch point (a junction) and starts at the vessel's free end.
    expect(parts[0]!.endsAtJunction).toBe(true);
    expect(parts[0]!.startsAtJunction).toBe(false);
    expect(parts[1]!.startsAtJunction).toBe(true);
    expect(parts[1]!.endsAtJunction).toBe(false);
    expect(parts.every((p) => p.joins.length === 0 && !p.closedLoop)).toBe(true);
  });
});

describe('splitInHalves', () => {
  const line = (x0: number, x1: number): PointPx[] => Array.from({ length: x1 - x0 + 1 }, (_, i) => [x0 + i, 5] as PointPx);
  const path = (pts: PointPx[], start: boolean, end: boolean): VesselPath => ({ pieces: [{ chain: 0, reversed: false }], polyline: pts, joins: [], startsAtJunction: start, endsAtJunction: end, closedLoop: false });

  it('cuts at the vertex where the arc length passes half, the flow polyline at its nearest vertex; both halves keep it', () => {
    // Uneven spacing: the arc-length middle (x = 10 of 0..20) is not the middle index.
    const pts: PointPx[] = [[0, 5], [8, 5], [9, 5], [10, 5], [11, 5], [12, 5], [20, 5]];
    const flow = line(-3, 23);
    const s = splitInHalves(path(pts, true, false), flow)!;
    expect(s.halves[0].polyline).toEqual([[0, 5], [8, 5], [9, 5], [10, 5]]);
    expect(s.halves[1].polyline).toEqual([[10, 5], [11, 5], [12, 5], [20, 5]]);
    expect(s.flow[0][s.flow[0].length - 1]).toEqual([10, 5]);
    expect(s.flow[1][0]).toEqual([10, 5]);
    expect(s.flow[0].length + s.flow[1].length).toBe(flow.length + 1);
    // The outer ends keep their junction flags; the cut is not a junction.
    expect([s.halves[0].startsAtJunction, s.halves[0].endsAtJunction, s.halves[1].startsAtJunction, s.halves[1].endsAtJunction]).toEqual([true, false, false, false]);
  });

  it('does not cut a loop or a path too short to leave 3 points a side', () => {
    expect(splitInHalves({ ...path(line(0, 20), false, false), closedLoop: true }, line(0, 20))).toBeNull();
    expect(splitInHalves(path(line(0, 3), false, false), line(0, 3))).toBeNull();
  });
});
