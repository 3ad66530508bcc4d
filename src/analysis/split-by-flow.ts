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
 *
 * A vessel of one chain may be two as well: where a third vessel leaves at a branch point but
 * is not traced (deep, faint), the skeleton runs straight on and no branch point divides the
 * chain. In the full phantom set the fast capillaries read sluggish (truth 1013–1344 µm/s,
 * engine 133–199 µm/s) were all of this kind: engine paths 1.5–4 × as long as the truth vessel,
 * running on into a sluggish one (e.g. truth 1344 µm/s → 168 µm/s on a 195-µm path whose lag-1
 * correlation peaked at 5 columns per frame, 0.25, against 45 columns, 0.14, for the fast
 * cells). So a one-chain vessel at least FLOW_HALVES_MIN_LENGTH_UM long is measured half by
 * half too (vessel-graph.ts splitInHalves), its halves standing as its parts under the same rule.
 */

import type { VesselFlow } from '../flow/types.js';
import type { MappedVessel } from './vessel-map.js';

/**
 * 100 µm: a one-chain vessel this long is also measured as two halves of ≥ 50 µm — twice the
 * flow's shortest path (flow/params.ts minPathLengthUm, 25 µm), the length at which the stop
 * test also judges a path half by half. Measured (full phantom set, 25 clips; study at
 * 720×576, 12 sites), without → with: pooled κ 0.842 → 0.856, clear-cut κ 0.836 → 0.847 and
 * exact 92.6 → 93.4 %, truth continuous read sluggish 7 → 3 vessels; study κ 0.934 → 0.936;
 * clip metrics (MFI, PPV, quadrants, TVD) unchanged in count. By length the classes moved
 * little: truth-continuous small-vessel length read sluggish 1.11 → 0.95 mm on the full set,
 * 1.95 → 2.20 mm on the study (a half read on a shorter diagram). 70 µm gave the same within
 * a vessel.
 */
export const FLOW_HALVES_MIN_LENGTH_UM = 100;

/** The reported vessels, in order: each vessel, or its parts when their flow classes disagree. */
export function resolveVesselsByFlow(vessels: readonly MappedVessel[], flowById: ReadonlyMap<string, VesselFlow>): MappedVessel[] {
  const out: MappedVessel[] = [];
  for (const v of vessels) {
    const { parts, partsAreHalves, ...whole } = v;
    if (parts !== undefined && (partsAreHalves === true ? halvesFlowApart(parts, flowById) : partsDisagree(parts, flowById))) {
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

/**
 * Halves stand apart only when both were classified as moving (sluggish, continuous) and
 * their classes differ: a hidden branch point shows as a change of speed. A half that reads
 * stopped or intermittent where the whole reads moving is not taken as a second vessel: on
 * the shorter diagram of a fast capillary whose cells the exposure smeared, stillness is all
 * some pairs show (a 40-ms exposure phantom clip lost 2.8 PPV points when any disagreement
 * counted), and a stop along one chain is judged half by half already (flow/estimate.ts).
 */
function halvesFlowApart(parts: readonly MappedVessel[], flowById: ReadonlyMap<string, VesselFlow>): boolean {
  const c = parts.map((p) => flowById.get(p.id)?.flowClass);
  return c.length === 2 && c.every((x) => x === 2 || x === 3) && c[0] !== c[1];
}
