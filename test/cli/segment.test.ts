/**
 * `hvm segment` (src/cli/segment.ts, runSegment) on a synthetic still with known truth:
 * the files it writes (16-bit vesselness, one-channel 8-bit mask and centerlines at the input
 * size, segment.json), the green channel of a colour image, the required calibration, and
 * its errors.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, test } from 'vitest';
import { CalibrationMissingError } from '../../src/calibration/index.js';
import { ImageReadError, readGrayImage, runSegment } from '../../src/cli/segment.js';
import { UsageError } from '../../src/cli/usage.js';
import { syntheticLines } from '../segment/synthetic.js';

const tmp = mkdtempSync(join(tmpdir(), 'hvm-segment-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const img = syntheticLines(1, 1.5);
const { width: w, height: h } = img;
const gray8 = Uint8Array.from(img.gray, (v) => Math.max(0, Math.min(255, Math.round(v))));

async function pngGray(path: string): Promise<void> {
  await sharp(gray8, { raw: { width: w, height: h, channels: 1 } }).toColourspace('b-w').png().toFile(path);
}

async function readRaw(path: string) {
  const meta = await sharp(path).metadata();
  const { data, info } = await sharp(path).raw({ depth: meta.depth === 'ushort' ? 'ushort' : 'uchar' }).toBuffer({ resolveWithObject: true });
  return { meta, data, info };
}

describe('hvm segment', () => {
  test('writes vesselness (16-bit), mask and centerlines (8-bit, one channel) and segment.json', async () => {
    const file = join(tmp, 'lines.png');
    await pngGray(file);
    const out = join(tmp, 'out');
    expect(await runSegment([file, '--out', out, '--um-per-px', '1.5', '--quiet'])).toBe(0);

    const v = await readRaw(join(out, 'vesselness.png'));
    expect([v.meta.width, v.meta.height, v.meta.channels, v.meta.depth]).toEqual([w, h, 1, 'ushort']);
    for (const name of ['mask.png', 'centerlines.png']) {
      const m = await readRaw(join(out, name));
      expect([m.meta.width, m.meta.height, m.meta.channels, m.meta.depth], name).toEqual([w, h, 1, 'uchar']);
      expect(new Set(m.data)).toEqual(new Set([0, 255]));
    }
    const mask = (await readRaw(join(out, 'mask.png'))).data;
    const cl = (await readRaw(join(out, 'centerlines.png'))).data;
    for (let i = 0; i < w * h; i++) if (cl[i]) expect(mask[i]).toBe(255);

    const j = JSON.parse(readFileSync(join(out, 'segment.json'), 'utf8'));
    expect(j.schema).toBe('hvm-engine/segment@1');
    expect(j.calibration).toMatchObject({ umPerPxX: 1.5, umPerPxY: 1.5, source: 'option' });
    expect(j.input).toMatchObject({ width: w, height: h, channelUsed: 'gray', bitDepth: 8 });
    expect(j.params.diameterMinUm).toBe(5);
    expect(j.paramUnits.minComponentAreaUm2).toBe('µm²');
    // Every parameter has its unit.
    expect(Object.keys(j.paramUnits).sort()).toEqual(Object.keys(j.params).sort());
    expect(j.derivedPx.sigmasPx[0]).toBeCloseTo(2.5 / 1.5, 5);
    // Truth: the total line length. Within 5 %.
    expect(Math.abs(j.results.skeletonLengthUm / img.lengthUm - 1)).toBeLessThan(0.05);
    const areaMm2 = (w * h * 1.5 * 1.5) / 1e6;
    expect(j.results.imageAreaMm2).toBeCloseTo(areaMm2, 12);
    expect(j.results.tvdLikeMmPerMm2).toBeCloseTo(j.results.skeletonLengthUm / 1000 / areaMm2, 9);
    expect(j.results.componentCount).toBeGreaterThanOrEqual(1);
    expect(j.results.componentCount).toBeLessThanOrEqual(4);
  });

  test('a colour image is read by its green channel', async () => {
    const rgb = new Uint8Array(w * h * 3);
    for (let i = 0; i < w * h; i++) {
      rgb[3 * i] = (i * 37) & 255; // red: unrelated pattern
      rgb[3 * i + 1] = gray8[i]!;
      rgb[3 * i + 2] = 255 - ((i * 11) & 255);
    }
    const file = join(tmp, 'colour.png');
    await sharp(rgb, { raw: { width: w, height: h, channels: 3 } }).png().toFile(file);
    const g = await readGrayImage(file);
    expect(g.channelUsed).toBe('green');
    expect(Array.from(g.gray.subarray(0, 1000))).toEqual(Array.from(gray8.subarray(0, 1000)));
    const out = join(tmp, 'colour-out');
    expect(await runSegment([file, '--out', out, '--um-per-px', '1.5', '--quiet'])).toBe(0);
    const a = JSON.parse(readFileSync(join(out, 'segment.json'), 'utf8'));
    const b = JSON.parse(readFileSync(join(tmp, 'out', 'segment.json'), 'utf8'));
    expect(a.results.skeletonLengthUm).toBe(b.results.skeletonLengthUm);
  });

  test('the calibration is required; usage and unreadable images are typed errors', async () => {
    const file = join(tmp, 'lines2.png');
    await pngGray(file);
    await expect(runSegment([file, '--out', join(tmp, 'x')])).rejects.toBeInstanceOf(CalibrationMissingError);
    await expect(runSegment([file, '--um-per-px', '1.5'])).rejects.toBeInstanceOf(UsageError);
    await expect(runSegment([file, '--out', join(tmp, 'x'), '--um-per-px', '-2'])).rejects.toBeInstanceOf(UsageError);
    await expect(runSegment(['--out', join(tmp, 'x'), '--um-per-px', '1'])).rejects.toBeInstanceOf(UsageError);
    await expect(runSegment([file, '--out', join(tmp, 'x'), '--um-per-px', '1', '--backend', 'gpu'])).rejects.toBeInstanceOf(UsageError);
    const bad = join(tmp, 'not-an-image.png');
    writeFileSync(bad, 'hello');
    await expect(runSegment([bad, '--out', join(tmp, 'x'), '--um-per-px', '1'])).rejects.toBeInstanceOf(ImageReadError);
    // A sidecar next to the image is a calibration too.
    writeFileSync(join(tmp, 'lines2.png.calibration.json'), JSON.stringify({ umPerPx: 1.5 }));
    expect(await runSegment([file, '--out', join(tmp, 'side'), '--quiet'])).toBe(0);
    const j = JSON.parse(readFileSync(join(tmp, 'side', 'segment.json'), 'utf8'));
    expect(j.calibration.source).toBe('sidecar');
  });

  test('16-bit input is read at full depth', async () => {
    const u16 = Uint16Array.from(gray8, (v) => v * 257);
    const file = join(tmp, 'lines16.png');
    await sharp(u16, { raw: { width: w, height: h, channels: 1 } }).toColourspace('grey16').png().toFile(file);
    const g = await readGrayImage(file);
    expect(g.bitDepth).toBe(16);
    expect(g.gray[5]).toBe(gray8[5]! * 257);
    expect(await runSegment([file, '--out', join(tmp, 'o16'), '--um-per-px', '1.5', '--quiet'])).toBe(0);
  });
});
