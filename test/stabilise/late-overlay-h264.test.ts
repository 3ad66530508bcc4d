/**
 * A burnt-in overlay found only after the reference search (stabilise.ts, "Masks found
 * late"). On the committed H.264 septic fixture (CRF 23, drift 3 px/s, a timestamp, side
 * borders) the camera has barely moved in the first half second, so the early masks miss
 * the timestamp; before the masks were re-read, the unmasked timestamp locked registration
 * at zero shift from frame ~35 on (worst 12.8 px against the true camera track) and pulled
 * the refinement of earlier frames halfway to zero. Now: the overlay is added when found,
 * the frames registered before that are registered again with it, and the whole track
 * meets the 0.3 px bar of the vessel-map issue.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFrames } from '../../src/decode/index.js';
import { loadBackend } from '../../src/backend/index.js';
import { packageRoot } from '../../src/backend/paths.js';
import { stabiliseClip } from '../../src/analysis/stabilise.js';
import type { StabiliseResult } from '../../src/analysis/stabilise.js';
import { readTruth } from '../../src/phantom/index.js';
import type { PhantomTruth } from '../../src/phantom/index.js';

const dir = join(packageRoot(), 'videos-fixtures');
const clip = join(dir, 'septic-h264.mp4');

/** Largest distance, px, between the engine's track and the true camera track (same reference). */
function worstError(s: StabiliseResult, truth: PhantomTruth): number {
  const ro = truth.frames[s.referenceFrame]!.offsetPx;
  let worst = 0;
  for (const t of s.track) {
    if (t.dx === null || t.dy === null) continue;
    const o = truth.frames[t.index]!.offsetPx;
    worst = Math.max(worst, Math.hypot(t.dx + (o[0] - ro[0]), t.dy + (o[1] - ro[1])));
  }
  return worst;
}

describe('registration when the overlay is found late (H.264 septic fixture)', () => {
  it('adds the overlay to the masks, registers the earlier frames again, and every frame is within 0.3 px of the camera track', async () => {
    const truth = await readTruth(join(dir, 'septic-h264.truth.json'));
    const core = await loadBackend('native');
    const s = await stabiliseClip(() => readFrames(clip), core, { fps: 25 });
    // The premise: the reference search did not see the overlay, a later check did.
    expect(s.registration.maskUpdates).toBeGreaterThanOrEqual(1);
    expect(s.registration.reregisteredFrames).toBeGreaterThan(0);
    expect(s.registration.staleFrames).toBe(0);
    expect(s.passes).toBe(2);
    expect(s.overlays.length).toBe(1);
    expect(s.droppedFrames).toEqual([]);
    expect(worstError(s, truth)).toBeLessThanOrEqual(0.3);
  }, 60_000);

  it('single pass (frames that cannot be read twice): the frames left registered with the early masks are counted, not hidden', async () => {
    const core = await loadBackend('native');
    const s = await stabiliseClip(() => readFrames(clip), core, { fps: 25, singlePass: true });
    expect(s.passes).toBe(1);
    expect(s.registration.reregisteredFrames).toBe(0);
    expect(s.registration.staleFrames).toBeGreaterThan(0);
  }, 60_000);
});
