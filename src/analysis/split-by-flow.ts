/**
 * Which vessels the clip reports: a vessel joined through branch points (vessel-graph.ts) or,
 * where the flow says the branch point changed it, its pieces.
 *
 * Joining pieces where the course continues gives the space-time diagram the length fast
 * flow needs and keeps a vessel from being counted at every branch point; but a branch point
 * divides the flow, and one diagram along pieces with different flow gives one answer for
 * both: the better-correlated (usually the slower) pattern wins the pooled correlation.
 * Measured on the full phantom set: a fast capillary joined onto a sluggish one read at the
 * sluggish one's speed (199 µm/s for a truth of 831 µm/s), and with joining at branch points
 * switched off the pooled flow-class κ rose 0.502 → 0.571. So flow is measured on both, and
 * a vessel is reported as its parts exactly when two of its parts were classified and their
 * classes differ; otherwise the joined vessel (and its longer diagram) stands. Parts that
 * could not be classified on their own keep their own reason.
 */
import type { VesselFlow } from '../flow/types.js';
import type { MappedVessel } from './vessel-map.js';

/** The reported vessels, in order: each vessel, or its parts when their flow classes disagree. */
export function resolveVesselsByFlow(vessels: readonly MappedVessel[], flowById: ReadonlyMap<string, VesselFlow>): MappedVessel[] {
  const out: MappedVessel[] = [];
  for (const v of vessels) {
    const { parts, ...whole } = v;
    if (parts !== undefined && partsDisagree(parts, flowById)) {
      for (const part of parts) out.push(part);
    } else {
      out.push(whole);
    }
  }
  return out;
}

function partsDisagree(parts: readonly MappedVessel[], flowById: ReadonlyMap<string, VesselFlow>): boolean {
  const classes = new Set<number>();
  for (const p of parts) {
    const c = flowById.get(p.id)?.flowClass;
    if (c !== null && c !== undefined) classes.add(c);
  }
  return classes.size > 1;
}
