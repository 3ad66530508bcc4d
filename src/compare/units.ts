/**
 * Units written in a header ("TVD (mm/mm²)", "De Backer [n/mm]", "PPV %") or in a units row
 * under the header, and whether they fit the metric.
 *
 * The trap this guards against: TVD in mm/mm² and the De Backer score in n/mm have the
 * same dimension (1/mm) but are different metrics (De Backer ≈ (2/π)·TVD for random
 * orientation). Old AVA versions even reported the De Backer score as "TVD (n/mm)". So a
 * density column declared as n/mm is refused as a mismatch, and one declared only as "1/mm"
 * is refused as ambiguous. PPV may come as a fraction (0–1) instead of per cent.
 */
import type { UnitFamily } from './metrics.js';

export type UnitClass = 'none' | 'density' | 'crossings' | 'inverse-length' | 'percent' | 'fraction' | 'score' | 'unknown';

/** Classifies a unit string; '' → none. */
export function classifyUnit(text: string | null | undefined): UnitClass {
  if (text === null || text === undefined) return 'none';
  const u = text
    .toLowerCase()
    .replace(/²/g, '2')
    .replace(/⁻¹/g, '-1')
    .replace(/⁻/g, '-')
    .replace(/[\s^·*]/g, '')
    .replace(/–/g, '-');
  if (u === '') return 'none';
  if (/^mm\/mm2$|^mmmm-2$|^mm\.mm-2$|^mmpermm2$|^mm\/sqmm$/.test(u)) return 'density';
  if (/^(n|no|nr|number|count|#|crossings?|vessels?|intersections?)(\/|per)mm$/.test(u)) return 'crossings';
  if (/^(1\/mm|\/mm|mm-1|permm)$/.test(u)) return 'inverse-length';
  if (/^(%|percent|pct|per_cent|percentage)$/.test(u)) return 'percent';
  if (/^(fraction|frac|ratio|0-1|0to1|proportion)$/.test(u)) return 'fraction';
  if (/^(0-3|0to3|score|au|a\.u\.|points?|class(es)?)$/.test(u)) return 'score';
  return 'unknown';
}

export type UnitVerdict =
  | { ok: true; scale: number }
  | { ok: false; kind: 'mismatch' | 'ambiguous'; message: string; hint: string };

/** Whether a declared unit fits a metric family; `scale` converts the column to the engine's unit. */
export function checkUnit(family: UnitFamily, metricLabel: string, unitText: string, unit: UnitClass): UnitVerdict {
  const said = `"${unitText}"`;
  switch (family) {
    case 'density':
      if (unit === 'none' || unit === 'density') return { ok: true, scale: 1 };
      if (unit === 'crossings') {
        return { ok: false, kind: 'mismatch', message: `${metricLabel} is declared in ${said}: that is a count of grid crossings per mm, the De Backer score, not a vessel density (mm/mm²).`, hint: 'If the column holds De Backer scores, map it with --map deBackerScore_small=COLUMN; if it holds vessel length per area, write its unit as mm/mm².' };
      }
      if (unit === 'inverse-length') {
        return { ok: false, kind: 'ambiguous', message: `${metricLabel} is declared in ${said}: a vessel density (mm/mm²) and the De Backer score (crossings/mm) both reduce to 1/mm, so the column could be either.`, hint: 'Write the unit as mm/mm² (vessel length per area) or n/mm (De Backer crossings, then map it with --map deBackerScore_small=COLUMN).' };
      }
      break;
    case 'crossings':
      if (unit === 'none' || unit === 'crossings' || unit === 'inverse-length') return { ok: true, scale: 1 };
      if (unit === 'density') {
        return { ok: false, kind: 'mismatch', message: `${metricLabel} is declared in ${said}: that is a vessel density (TVD/PVD), not the De Backer score (crossings per mm of grid line).`, hint: 'Map the column as TVD with --map TVD_small=COLUMN, or correct its unit.' };
      }
      break;
    case 'percent':
      if (unit === 'none' || unit === 'percent') return { ok: true, scale: 1 };
      if (unit === 'fraction') return { ok: true, scale: 100 };
      break;
    case 'score':
      if (unit === 'none' || unit === 'score') return { ok: true, scale: 1 };
      break;
  }
  if (unit === 'unknown') {
    return { ok: false, kind: 'ambiguous', message: `${metricLabel}: unit ${said} is not one hvm compare can convert.`, hint: 'Use the units of docs/compare.md: TVD/PVD mm/mm², De Backer n/mm, PPV % (or fraction), MFI 0–3.' };
  }
  return { ok: false, kind: 'mismatch', message: `${metricLabel} cannot be in ${said}.`, hint: 'Check that the column holds the metric its header names (see docs/compare.md for each metric\'s unit).' };
}
