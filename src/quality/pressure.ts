/**
 * Pressure (MIQS; De Backer 2007: "venular flow must be present" is the check against probe
 * pressure). Pressing the probe on the mucosa stops flow in the large vessels first seen to
 * flow freely: the share of venules (diameter ≥ venuleMinDiameterUm) whose flow is stopped
 * (class 0) or intermittent (class 1), among the venules with a flow class.
 */
import { feature, fmt, fromFeatures, gradeAtMost, unscored } from './grade.js';
import type { QualityParams } from './params.js';
import type { QualityCategory, QualityFlowVessel } from './types.js';

export function pressureCategory(flow: readonly QualityFlowVessel[] | null, isStill: boolean, p: QualityParams): QualityCategory {
  const unit = 'fraction of venules';
  if (isStill) return unscored(unit, 'a still image: no flow');
  if (flow === null) return unscored(unit, 'flow not measured: venular flow (the pressure check) unknown');
  const venules = flow.filter(
    (v) => v.diameterUm >= p.venuleMinDiameterUm && v.flowClass !== null && (v.lengthUm === undefined || v.lengthUm >= p.venuleMinLengthDiameters * v.diameterUm),
  );
  if (venules.length === 0) return unscored(unit, `no venule (≥ ${p.venuleMinDiameterUm} µm wide, ≥ ${p.venuleMinLengthDiameters} diameters long) with a flow class in the field: pressure not judged`);
  const stopped = venules.filter((v) => v.flowClass === 0 || v.flowClass === 1).length;
  const share = stopped / venules.length;
  return fromFeatures([feature('stopped venules', share, unit, gradeAtMost(share, p.stoppedVenulesOptimalMaxFraction, p.stoppedVenulesAcceptableMaxFraction))], () =>
    `${stopped} of ${venules.length} venules (≥ ${p.venuleMinDiameterUm} µm) with stopped or intermittent flow: ${fmt(share)} (≤ ${p.stoppedVenulesOptimalMaxFraction} optimal, ≤ ${p.stoppedVenulesAcceptableMaxFraction} acceptable)`);
}
