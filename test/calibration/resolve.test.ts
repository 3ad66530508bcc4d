import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveCalibration, sidecarCandidates } from '../../src/calibration/resolve.js';
import { DEVICE_PROFILES, deviceNames, findDeviceProfile } from '../../src/calibration/profiles.js';
import {
  CalibrationMissingError,
  CalibrationSidecarError,
  CalibrationValueError,
  UnknownDeviceError,
} from '../../src/calibration/errors.js';
import { HvmError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'hvm-calib-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
/** A fresh clip path in the temp dir (the clip itself need not exist). */
function clipPath(ext = '.avi'): string {
  return join(dir, `clip${++n}${ext}`);
}
const codes = (w: { code: string }[]) => w.map((x) => x.code);

describe('device profiles', () => {
  it('store the physical field of view with its source', () => {
    expect(deviceNames()).toEqual(['microscan-sdf-pal', 'microscan-sdf-ntsc', 'microscan-usb3', 'cytocam-idf']);
    for (const p of DEVICE_PROFILES) {
      expect(p.fieldOfViewUm.width).toBeGreaterThan(0);
      expect(p.fieldSource).toMatch(/hvm-domain\.md/);
      expect(p.nativeFrames.length).toBeGreaterThan(0);
    }
    expect(findDeviceProfile('microscan-sdf-pal')!.fieldOfViewUm).toEqual({ width: 940, height: 750 });
    expect(findDeviceProfile('cytocam-idf')!.fieldOfViewUm).toEqual({ width: 1550, height: 1160 });
  });
});

describe('resolveCalibration from a device profile', () => {
  it('PAL DV 720×576, SAR 16:15: different x and y scales, W/w and H/h', () => {
    // The 940 × 750 µm field covers the whole displayed frame (768 × 576 display units);
    // a stored pixel is 16/15 display units wide: x = 16/15 · 940/768 = 940/720 = 1.305556 µm/px,
    // y = 750/576 = 1.302083 µm/px.
    const c = resolveCalibration({ clipPath: clipPath(), width: 720, height: 576, sampleAspectRatio: '16:15', device: 'microscan-sdf-pal' });
    expect(c.umPerPxX).toBeCloseTo(1.305556, 6);
    expect(c.umPerPxY).toBeCloseTo(1.302083, 6);
    expect(c.umPerPxX).not.toBe(c.umPerPxY);
    expect(c.umPerPxX).toBeGreaterThan(c.umPerPxY); // a stored pixel is wider than tall
    expect(c.source).toBe('device-profile');
    expect(c.device).toBe('microscan-sdf-pal');
    expect(c.fieldOfViewUm).toEqual({ width: 940, height: 750 });
    expect(c.smallVesselMaxUm).toBe(20);
    expect(c.smallVesselMaxUmSource).toBe('default');
    expect(c.warnings).toEqual([]); // the native PAL DV clip fits its profile
  });

  it('SAR may be given as "16:15", [16, 15] or 16/15', () => {
    for (const sar of ['16:15', [16, 15] as const, 16 / 15, '16/15']) {
      const c = resolveCalibration({ clipPath: clipPath(), width: 720, height: 576, sampleAspectRatio: sar, device: 'microscan-sdf-pal' });
      expect(c.warnings).toEqual([]);
    }
  });

  it('640×480 with the PAL profile (resized for AVA): warning, scale assumes the whole field', () => {
    // 940/640 = 1.46875 µm/px, 750/480 = 1.5625 µm/px
    const c = resolveCalibration({ clipPath: clipPath(), width: 640, height: 480, sampleAspectRatio: '1:1', device: 'microscan-sdf-pal' });
    expect(c.umPerPxX).toBeCloseTo(1.46875, 12);
    expect(c.umPerPxY).toBeCloseTo(1.5625, 12);
    expect(codes(c.warnings)).toEqual(['calibration-resized']);
    expect(c.warnings[0]!.message).toMatch(/640×480 is not a native frame size of microscan-sdf-pal/);
    expect(c.warnings[0]!.message).toMatch(/--um-per-px/);
  });

  it('a cropped PAL clip (704×576, display aspect 1.304 vs 1.333, −2.2 %) misfits by > 2 %', () => {
    // 704·16/15 / 576 = 1.30370; 720·16/15 / 576 = 1.33333; 1.30370/1.33333 − 1 = −2.2 %
    const c = resolveCalibration({ clipPath: clipPath(), width: 704, height: 576, sampleAspectRatio: '16:15', device: 'microscan-sdf-pal' });
    expect(codes(c.warnings)).toEqual(['calibration-shape-mismatch']);
    expect(c.warnings[0]!.message).toMatch(/2\.2 %/);
  });

  it('a PAL clip that lost its SAR (720×576 flagged 1:1, display 1.25) misfits', () => {
    const c = resolveCalibration({ clipPath: clipPath(), width: 720, height: 576, sampleAspectRatio: '1:1', device: 'microscan-sdf-pal' });
    expect(codes(c.warnings)).toEqual(['calibration-shape-mismatch']);
  });

  it('unknown SAR at a native size: assumed native, said so', () => {
    for (const sar of [null, undefined, '0:1', 'N/A']) {
      const c = resolveCalibration({ clipPath: clipPath(), width: 720, height: 576, sampleAspectRatio: sar, device: 'microscan-sdf-pal' });
      expect(codes(c.warnings)).toEqual(['calibration-sar-unknown']);
      expect(c.warnings[0]!.message).toMatch(/16:15/);
    }
  });

  it('NTSC 720×480 (SAR 8:9) and 640×480; USB3 1280×960; CytoCam full frame: no warning', () => {
    const ntsc = resolveCalibration({ clipPath: clipPath(), width: 720, height: 480, sampleAspectRatio: '8:9', device: 'microscan-sdf-ntsc' });
    // 940/720 = 1.305556, 750/480 = 1.5625 (stored NTSC pixels are taller than wide)
    expect([ntsc.umPerPxX, ntsc.umPerPxY]).toEqual([940 / 720, 750 / 480]);
    expect(ntsc.warnings).toEqual([]);
    const ntsc640 = resolveCalibration({ clipPath: clipPath(), width: 640, height: 480, sampleAspectRatio: '1:1', device: 'microscan-sdf-ntsc' });
    expect(ntsc640.warnings).toEqual([]);
    const usb = resolveCalibration({ clipPath: clipPath(), width: 1280, height: 960, sampleAspectRatio: '1:1', device: 'microscan-usb3' });
    // 940/1280 = 0.734375, 750/960 = 0.78125
    expect([usb.umPerPxX, usb.umPerPxY]).toEqual([0.734375, 0.78125]);
    expect(usb.warnings).toEqual([]);
    const cyto = resolveCalibration({ clipPath: clipPath('.mp4'), width: 2200, height: 1650, sampleAspectRatio: '1:1', device: 'cytocam-idf' });
    // 1550/2200 = 0.704545, 1160/1650 = 0.703030
    expect(cyto.umPerPxX).toBeCloseTo(0.704545, 6);
    expect(cyto.umPerPxY).toBeCloseTo(0.70303, 6);
    expect(cyto.warnings).toEqual([]);
  });

  it('a downsampled CytoCam export keeps the field and is reported as resized', () => {
    // 1550/1100 = 1.409091, 1160/825 = 1.406061
    const c = resolveCalibration({ clipPath: clipPath('.mp4'), width: 1100, height: 825, sampleAspectRatio: '1:1', device: 'cytocam-idf' });
    expect(c.umPerPxX).toBeCloseTo(1.409091, 6);
    expect(c.umPerPxY).toBeCloseTo(1.406061, 6);
    expect(codes(c.warnings)).toEqual(['calibration-resized']);
  });

  it('an unknown device is a typed error listing the names', () => {
    const f = () => resolveCalibration({ clipPath: clipPath(), width: 720, height: 576, device: 'microscan' });
    expect(f).toThrow(UnknownDeviceError);
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(HvmError);
      expect((e as HvmError).code).toBe('E_UNKNOWN_DEVICE');
      for (const name of deviceNames()) expect((e as Error).message).toContain(name);
    }
  });
});

describe('explicit µm/px and sidecars', () => {
  it('--um-per-px: square pixels, wins over the device (which is reported as ignored)', () => {
    const c = resolveCalibration({ clipPath: clipPath(), width: 640, height: 480, sampleAspectRatio: '1:1', device: 'microscan-sdf-pal', umPerPx: 1.45 });
    expect([c.umPerPxX, c.umPerPxY]).toEqual([1.45, 1.45]);
    expect(c.source).toBe('option');
    expect(c.device).toBeNull();
    expect(codes(c.warnings)).toEqual(['calibration-device-ignored']);
  });

  it('--um-per-px on a clip with non-square SAR warns that it assumes square pixels', () => {
    const c = resolveCalibration({ clipPath: clipPath(), width: 720, height: 576, sampleAspectRatio: '16:15', umPerPx: 1.3 });
    expect(codes(c.warnings)).toEqual(['calibration-square-pixels-vs-sar']);
  });

  it('stills: same function, SAR 1:1', () => {
    const c = resolveCalibration({ clipPath: clipPath('.png'), width: 1000, height: 800, sampleAspectRatio: 1, umPerPx: 0.7 });
    expect([c.umPerPxX, c.umPerPxY, c.source]).toEqual([0.7, 0.7, 'option']);
    expect(c.warnings).toEqual([]);
  });

  it('precedence: option > sidecar > device', () => {
    const clip = clipPath();
    writeFileSync(`${clip}.calibration.json`, JSON.stringify({ umPerPxX: 1.2, umPerPxY: 1.1, smallVesselMaxUm: 25 }));
    const base = { clipPath: clip, width: 720, height: 576, sampleAspectRatio: '16:15', device: 'microscan-sdf-pal' };
    const s = resolveCalibration(base);
    expect([s.umPerPxX, s.umPerPxY, s.source, s.device]).toEqual([1.2, 1.1, 'sidecar', null]);
    expect(s.sidecarPath).toBe(`${clip}.calibration.json`);
    expect(s.smallVesselMaxUm).toBe(25);
    expect(s.smallVesselMaxUmSource).toBe('sidecar');
    expect(codes(s.warnings)).toEqual(['calibration-device-ignored']);
    const o = resolveCalibration({ ...base, umPerPx: 1.5, smallVesselMaxUm: 20 });
    expect([o.umPerPxX, o.umPerPxY, o.source]).toEqual([1.5, 1.5, 'option']);
    expect(o.smallVesselMaxUm).toBe(20);
    expect(codes(o.warnings)).toContain('calibration-sidecar-ignored');
    const d = resolveCalibration({ ...base, sidecar: false });
    expect(d.source).toBe('device-profile');
  });

  it('the sidecar may also be named with the extension replaced', () => {
    const clip = clipPath();
    writeFileSync(clip.replace(/\.avi$/, '.calibration.json'), JSON.stringify({ umPerPx: 1.25 }));
    const c = resolveCalibration({ clipPath: clip, width: 640, height: 480, sampleAspectRatio: '1:1' });
    expect([c.umPerPxX, c.umPerPxY, c.source]).toEqual([1.25, 1.25, 'sidecar']);
    expect(sidecarCandidates('/a/b/clip.avi')).toEqual(['/a/b/clip.avi.calibration.json', '/a/b/clip.calibration.json']);
    expect(sidecarCandidates('/a/frames/')).toEqual(['/a/frames.calibration.json']);
  });

  it('an explicit sidecar path is read; a missing one is an error', () => {
    const p = join(dir, 'explicit.json');
    writeFileSync(p, JSON.stringify({ umPerPx: 0.9 }));
    expect(resolveCalibration({ clipPath: clipPath(), width: 10, height: 10, sidecar: p }).umPerPxX).toBe(0.9);
    expect(() => resolveCalibration({ clipPath: clipPath(), width: 10, height: 10, sidecar: join(dir, 'nope.json') })).toThrow(CalibrationSidecarError);
  });

  it('a bad sidecar is a typed error naming the file', () => {
    const cases: [string, RegExp][] = [
      ['{ not json', /not valid JSON/],
      ['[1.3]', /JSON object/],
      [JSON.stringify({ umPerPx: -1 }), /"umPerPx" must be a positive number/],
      [JSON.stringify({ umPerPx: '1.3' }), /"umPerPx" must be a positive number/],
      [JSON.stringify({ umPerPixel: 1.3 }), /unknown key "umPerPixel"/],
      [JSON.stringify({ umPerPxX: 1.3 }), /"umPerPxY" is missing/],
      [JSON.stringify({ umPerPx: 1.3, umPerPxX: 1.3, umPerPxY: 1.2 }), /not both forms/],
      [JSON.stringify({}), /holds no calibration/],
    ];
    for (const [content, re] of cases) {
      const clip = clipPath();
      const side = `${clip}.calibration.json`;
      writeFileSync(side, content);
      let err: unknown;
      try {
        resolveCalibration({ clipPath: clip, width: 720, height: 576, device: 'microscan-sdf-pal' });
      } catch (e) {
        err = e;
      }
      expect(err, content).toBeInstanceOf(CalibrationSidecarError);
      const e = err as CalibrationSidecarError;
      expect(e.code).toBe('E_CALIBRATION_SIDECAR');
      expect(e.file).toBe(side);
      expect(e.message).toContain(side);
      expect(e.message).toMatch(re);
    }
  });

  it('implausible values warn (µm vs nm)', () => {
    const c = resolveCalibration({ clipPath: clipPath(), width: 640, height: 480, umPerPx: 1300 });
    expect(codes(c.warnings)).toEqual(['calibration-implausible', 'calibration-implausible']);
  });

  it('invalid option values and frame sizes are typed errors', () => {
    expect(() => resolveCalibration({ clipPath: clipPath(), width: 640, height: 480, umPerPx: -1 })).toThrow(CalibrationValueError);
    expect(() => resolveCalibration({ clipPath: clipPath(), width: 640, height: 480, umPerPx: NaN })).toThrow(CalibrationValueError);
    expect(() => resolveCalibration({ clipPath: clipPath(), width: 0, height: 480, umPerPx: 1 })).toThrow(CalibrationValueError);
    expect(() => resolveCalibration({ clipPath: clipPath(), width: 640, height: 480, umPerPx: 1, smallVesselMaxUm: 0 })).toThrow(CalibrationValueError);
    expect(() => resolveCalibration({ clipPath: clipPath(), width: 640, height: 480, umPerPx: 1, sampleAspectRatio: 'wide' })).toThrow(CalibrationValueError);
  });
});

describe('no calibration', () => {
  it('CalibrationMissingError says how to pass one and lists the devices', () => {
    const clip = clipPath();
    let err: unknown;
    try {
      resolveCalibration({ clipPath: clip, width: 720, height: 576, sampleAspectRatio: '16:15' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CalibrationMissingError);
    const e = err as CalibrationMissingError;
    expect(e).toBeInstanceOf(HvmError);
    expect(e.code).toBe('E_CALIBRATION_MISSING');
    expect(e.file).toBe(clip);
    expect(e.message).toContain('--device NAME');
    expect(e.message).toContain('--um-per-px N');
    expect(e.message).toContain(`${clip}.calibration.json`);
    for (const name of deviceNames()) expect(e.message).toContain(name);
  });

  it('a sidecar holding only smallVesselMaxUm is not a calibration', () => {
    const clip = clipPath();
    writeFileSync(`${clip}.calibration.json`, JSON.stringify({ smallVesselMaxUm: 25 }));
    expect(() => resolveCalibration({ clipPath: clip, width: 720, height: 576 })).toThrow(CalibrationMissingError);
    const c = resolveCalibration({ clipPath: clip, width: 720, height: 576, sampleAspectRatio: '16:15', device: 'microscan-sdf-pal' });
    expect([c.source, c.smallVesselMaxUm, c.smallVesselMaxUmSource]).toEqual(['device-profile', 25, 'sidecar']);
  });
});
