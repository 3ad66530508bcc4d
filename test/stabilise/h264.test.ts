/**
 * Stabilisation through a real lossy encode: a phantom written as H.264 (writePhantom),
 * decoded by openClip (ffmpeg), registered in two passes straight from the file (the frame
 * source re-opens the clip, as analyzeClip does). Codec blocks sit still on screen: if they
 * pulled registration towards zero shift, the measured track would be a shrunken copy of the
 * true one. Checked: RMS error, the slope of measured against true shift (1 = no bias),
 * duplicated frames still found after re-encoding, region inside the covered area.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { stabiliseClip, type FrameSource } from '../../src/analysis/stabilise.js';
import { openClip } from '../../src/decode/index.js';
import { writePhantom } from '../../src/phantom/index.js';
import { insets, testBackend, trackError, trueShift, trulyCovered } from './helpers.js';

const core = testBackend();
let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hvm-stabilise-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function fromFile(path: string): FrameSource {
  return () =>
    (async function* () {
      const reader = await openClip(path);
      try {
        yield* reader.frames();
      } finally {
        await reader.close();
      }
    })();
}

describe('through an H.264 encode', () => {
  test.each([20, 28])('CRF %i: no pull towards zero shift, RMS ≤ 0.3 px, duplicates found', async (crf) => {
    const written = await writePhantom(
      { seed: 71, width: 256, height: 208, seconds: 2, jitterPx: 3, driftPxPerS: 4, duplicateFrames: [9, 33], borders: 8, overlay: true, codec: 'h264', h264Crf: crf, name: `h264-crf${crf}` },
      dir,
    );
    const truth = written.truth;
    const s = await stabiliseClip(fromFile(written.clipPath), core, { fps: 25 });
    const err = trackError(s, truth);
    // Least-squares slope of measured on true shift, both axes pooled.
    let st = 0, tt = 0;
    for (const m of s.track) {
      if (m.status !== 'registered') continue;
      const [tx, ty] = trueShift(truth, m.index, s.referenceFrame);
      st += m.dx! * tx + m.dy! * ty;
      tt += tx * tx + ty * ty;
    }
    const slope = st / tt;
    console.log(`H.264 CRF ${crf}: RMS ${err.rms.toFixed(3)} px, max ${err.max.toFixed(3)} px, slope ${slope.toFixed(4)} over ${err.n} frames`);
    expect(err.rms).toBeLessThan(0.3);
    expect(Math.abs(slope - 1)).toBeLessThan(0.01);
    expect(s.duplicatedFrames).toEqual([9, 33]);
    expect(s.droppedFrames).toEqual([]);
    expect(s.borders).toEqual(truth.borders);
    // The timestamp box is found whole (its last digit changes every frame, and the codec
    // rings around it) and kept out of the region in every frame.
    expect(s.overlays).toHaveLength(1);
    const ov = truth.overlayRect!;
    for (const side of Object.values(insets(ov, s.overlays[0]!))) expect(side).toBeGreaterThanOrEqual(0);
    const r = s.region;
    for (const m of s.track) {
      if (m.status !== 'registered' && m.status !== 'reference') continue;
      const [dx, dy] = trueShift(truth, m.index, s.referenceFrame);
      const hitX = r.x < ov.x + ov.width - dx && r.x + r.width - 1 > ov.x - dx - 1;
      const hitY = r.y < ov.y + ov.height - dy && r.y + r.height - 1 > ov.y - dy - 1;
      expect(hitX && hitY, `frame ${m.index}`).toBe(false);
    }
    const ins = insets(s.region, trulyCovered(truth, s));
    for (const side of Object.values(ins)) expect(side).toBeGreaterThanOrEqual(0);
  });

  test('a shortened window re-decodes the file for the second pass', async () => {
    const written = await writePhantom(
      { seed: 72, width: 160, height: 128, seconds: 1.6, jitterPx: 1, driftPxPerS: 12, codec: 'h264', name: 'h264-drift' },
      dir,
    );
    let opened = 0;
    const source = fromFile(written.clipPath);
    const s = await stabiliseClip(() => {
      opened++;
      return source();
    }, core, { fps: 25, minRegionFraction: 0.93, minWindowS: 0.5 });
    expect(opened).toBe(2);
    expect(s.passes).toBe(2);
    expect(s.window.rule).toBe('longest-stretch');
    expect(s.meanFrameCount).toBe(s.framesUsed);
    expect(trackError(s, written.truth).rms).toBeLessThan(0.3);
    const ins = insets(s.region, trulyCovered(written.truth, s));
    for (const side of Object.values(ins)) {
      expect(side).toBeGreaterThanOrEqual(0);
      expect(side).toBeLessThanOrEqual(2);
    }
  });
});
