/**
 * KNOWN DEFECT, kept visible: on the committed H.264 septic fixture (CRF 23, drift 3 px/s,
 * timestamp overlay, side borders) registration locks onto something static in the decoded
 * frames after frame ~45 and reports ~0.3 px while the camera has moved 6–13 px. The same
 * scene from the phantom's raw frames registers within 0.04 px, and decoded frames differ
 * from the raw ones by ~3 grey levels only, so the static pattern comes from the codec (its
 * block grid / skipped blocks), which phase correlation's whitening weighs like tissue.
 * Candidate fixes: a spectral weighting in phase correlation, or a motion-continuity prior.
 *
 * `it.fails` passes while the defect is there and FAILS the day registration meets 0.3 px on
 * this clip: then turn it into an ordinary test.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeClip } from '../../src/analysis/analyze-clip.js';
import { packageRoot } from '../../src/backend/paths.js';
import { readTruth } from '../../src/phantom/index.js';

describe('registration on the H.264 septic fixture', () => {
  it.fails('KNOWN DEFECT: worst frame within 0.3 px of the true camera track', async () => {
    const dir = join(packageRoot(), 'videos-fixtures');
    const truth = await readTruth(join(dir, 'septic-h264.truth.json'));
    const { stabilisation: s } = await analyzeClip(join(dir, 'septic-h264.mp4'));
    const ro = truth.frames[s.referenceFrame]!.offsetPx;
    let worst = 0;
    for (const t of s.track) {
      if (t.dx === null || t.dy === null) continue;
      const o = truth.frames[t.index]!.offsetPx;
      worst = Math.max(worst, Math.hypot(t.dx + (o[0] - ro[0]), t.dy + (o[1] - ro[1])));
    }
    expect(worst).toBeLessThanOrEqual(0.3);
  }, 60_000);
});
