/**
 * The quality estimate inside the engine (analyzeClip), on the committed phantom fixtures:
 * the pressure category reads the ENGINE's own flow classes. A clip with a pressure-stopped
 * venule is rejected for pressure (with the warning), the healthy one is accepted with
 * pressure 0; short wide pieces of the segmentation are not judged as venules.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeClip } from '../../src/analysis/analyze-clip.js';
import { pressureCategory } from '../../src/quality/pressure.js';
import { DEFAULT_QUALITY_PARAMS } from '../../src/quality/index.js';
import { packageRoot } from '../../src/backend/paths.js';

const fixture = (name: string): string => join(packageRoot(), 'videos-fixtures', name);

describe('quality estimate in analyzeClip', () => {
  it('a pressure-stopped venule: pressure 10, clip rejected with a warning; healthy: pressure 0, accepted', async () => {
    const pv = (await analyzeClip(fixture('pressure-venule-h264.mp4'))).result;
    expect(pv.quality!.categories.pressure.score).toBe(10);
    expect(pv.quality!.accepted).toBe(false);
    expect(pv.warnings.map((w) => w.code)).toContain('quality-rejected');
    const ok = (await analyzeClip(fixture('healthy-h264.mp4'))).result;
    expect(ok.quality!.categories.pressure.score).toBe(0);
    expect(ok.quality!.accepted).toBe(true);
    expect(ok.warnings.map((w) => w.code)).not.toContain('quality-rejected');
  }, 60_000);

  it('a wide piece shorter than venuleMinLengthDiameters diameters is not a venule', () => {
    const p = DEFAULT_QUALITY_PARAMS;
    const blob = { diameterUm: 25, lengthUm: 25 * p.venuleMinLengthDiameters - 1, flowClass: 0 as const };
    const venule = { diameterUm: 40, lengthUm: 300, flowClass: 3 as const };
    expect(pressureCategory([blob, venule], false, p).score).toBe(0);
    expect(pressureCategory([{ ...blob, lengthUm: 25 * p.venuleMinLengthDiameters }, venule], false, p).score).toBe(1);
    expect(pressureCategory([blob], false, p).score).toBeNull();
  });
});
