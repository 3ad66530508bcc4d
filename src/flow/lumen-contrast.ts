/**
 * A stop needs a visible lumen: the darkness of a vessel against the tissue beside it, and
 * the gate that keeps a faint, static trace from being called stopped.
 *
 * Why: the stop test (estimate.ts) finds a static, textured pattern whose frames stay
 * correlated — the barcode of stopped red cells. Tissue mottle is static and textured too,
 * and where the segmentation traces mottle (darker patches of the field, fine scales such as
 * 0.7 µm/px) the trace reads as stopped or intermittent: false no-flow length that pulls PPV
 * and PVD down, the error that matters most in shock. What tells the two apart is the lumen:
 * red cells packed in a stopped capillary absorb green light, so the vessel is plainly darker
 * than the tissue beside it; mottle is a few per cent darker at most. Measured on the full
 * phantom set (24 clips, 2026-12-07), engine vessels read stopped or intermittent, contrast
 * below: matched to a true vessel (≤ 2 px) median 0.31–0.35, 10th percentile 0.13–0.17;
 * matching none (tissue mottle, bubble rims) median 0.09, 75th percentile 0.11–0.13.
 *
 * The contrast (src/analysis/lumen-contrast.ts) is measured here on the stabilised mean image.
 * A moving vessel keeps its class whatever its contrast (its motion is the evidence); a stop
 * or an intermittent call below the bar becomes unclassified, with the reason, so it leaves
 * PPV's denominator but stays in TVD.
 * Tried and left out (full set, 2026-12-07): the same gate on fast flow inferred from no
 * streak at all (censored above). Such calls on faint traces are mostly false too (29 of 34
 * under 0.1 lie on no true vessel, 1416 of 1631 µm), but withdrawing them lowered PVD, which
 * the engine already under-reads through missed vessels: PVD within ±15 % on 8 → 6 clips
 * (small and all), MFIVessel 15 → 14, PPV unchanged.
 */
import type { VesselFlow } from './types.js';

/**
 * The flow with a stop or intermittent call withdrawn when the vessel's lumen is fainter than
 * minContrast (contrast null — no ring inside the image — leaves the call as it is).
 */
export function gateStopByContrast(flow: VesselFlow, contrast: number | null, minContrast: number): VesselFlow {
  if (flow.flowClass === null || flow.flowClass > 1 || contrast === null || contrast >= minContrast) return flow;
  const pct = (x: number): string => `${(100 * x).toFixed(0)} %`;
  return {
    ...flow,
    flowClass: null,
    reason: `static but faint: its lumen is ${pct(contrast)} darker than the tissue beside it, and a ${flow.flowClass === 0 ? 'stop' : 'intermittent'} call needs ${pct(minContrast)} (stopped red cells are dark; tissue mottle is not)`,
  };
}
