/**
 * PPV in per cent or as a fraction? The engine reports per cent (0–100). A manual PPV column
 * whose values are all ≤ 1 (and not all 0) is almost certainly a fraction — or a sheet whose
 * per-cent cells Excel stores as 0.85 while displaying "85 %". Guessing silently would
 * shift every PPV by a factor of 100, so:
 * - engine PPV values above 1 (it is in per cent) → PpvFractionError: say so, suggest
 *   --ppv-fraction or a "(fraction)" header;
 * - engine PPV values also ≤ 1 or absent → UnitAmbiguousError: the units cannot be told.
 * Columns declared "(fraction)" or read with --ppv-fraction were already scaled and pass.
 */
import { PpvFractionError, UnitAmbiguousError } from './errors.js';
import type { ManualScores } from './manual.js';
import { ENGINE, type Ratings } from './match.js';

export function checkPpvFractions(manual: ManualScores, ratings: Ratings): void {
  for (const sheet of manual.sheets) {
    for (const c of sheet.columns) {
      if (c.def.family !== 'percent' || c.scale !== 1 || c.maxValue === null || !(c.maxValue > 0 && c.maxValue <= 1)) continue;
      let engineMax: number | null = null;
      for (const rec of ratings.values.get(ENGINE)?.values() ?? []) {
        const v = rec[c.metric];
        if (v !== undefined) engineMax = engineMax === null ? v : Math.max(engineMax, v);
      }
      const place = { file: sheet.file, row: sheet.headerRow, column: c.header, columnIndex: c.index };
      if (engineMax !== null && engineMax > 1) {
        throw new PpvFractionError(place,
          `every ${c.metric} value is ≤ 1 (largest ${c.maxValue}) while the engine's PPV is in per cent (up to ${engineMax.toFixed(1)}): these look like fractions.`);
      }
      throw new UnitAmbiguousError(place,
        `every ${c.metric} value is ≤ 1 (largest ${c.maxValue}) and the engine's ${engineMax === null ? 'PPV is not available' : 'values are too'}: per cent or fraction cannot be told apart.`,
        'Write the unit in the header: "PPV (%)" is not enough here; use "PPV (fraction)" if the values are 0–1, or pass --ppv-fraction.');
    }
  }
}
