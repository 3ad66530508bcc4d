/**
 * Device profiles: the PHYSICAL field of view of each camera, never a µm/px. The scale of a
 * clip follows from the field of view and the clip's own width, height and sample aspect
 * ratio (see resolve.ts), so one profile serves a clip at its native size and a resized
 * export alike, and the frame rate always comes from the file.
 *
 * Source of every number: the device table of docs/hvm-domain.md, as stated there (its
 * values are the commonly quoted literature ones; "~" marks the approximate ones).
 * `nativeFrames` are the frame geometries each device writes; the shape check in
 * resolve.ts compares a clip with them.
 *
 * Caveat, MicroScan: the stated field 0.94 × 0.75 mm has aspect 1.253, while every MicroScan
 * frame is displayed at 4:3 (1.333): 720×576 at SAR 16:15, 720×480 at 8:9, 640×480 and
 * 1280×960 at 1:1. So the field cannot be exactly right for an undistorted display; either
 * the display is 6 % anisotropic or the literature value is rounded. The engine uses the
 * stated field (as the doc requires) and compares clip shapes with the device's native
 * frames, not with the field's aspect (which would reject every unmodified MicroScan clip).
 * A recording of a stage micrometer would settle it; until then x scales of MicroScan
 * clips carry this uncertainty (~6 % at most).
 */

/** A frame geometry a device writes. */
export interface NativeFrame {
  width: number;
  height: number;
  /** Sample aspect ratio [num, den]: the displayed width ÷ height of one stored pixel. */
  sar: [number, number];
  /** Size stated only approximately (±2 % in each dimension counts as native). */
  approximate?: boolean;
  /** Where this geometry comes from. */
  note: string;
}

export interface DeviceProfile {
  /** Name used on the command line (--device NAME). */
  name: string;
  /** Human description. */
  label: string;
  modality: 'SDF' | 'IDF';
  /** The physical field of view covered by the whole frame, µm. */
  fieldOfViewUm: { width: number; height: number };
  /** Source of the field of view. */
  fieldSource: string;
  nativeFrames: NativeFrame[];
  /** Known caveats, reported by `hvm doctor` and in the docs. */
  notes: string[];
}

const DOMAIN_DOC = 'docs/hvm-domain.md device table';
const MICROSCAN_FIELD = { width: 940, height: 750 };
const MICROSCAN_FIELD_SOURCE = `${DOMAIN_DOC}: MicroScan SDF, 5× objective, field ~0.94 × 0.75 mm`;
const MICROSCAN_ASPECT_NOTE =
  'The stated field (0.94 × 0.75 mm, aspect 1.253) does not match the 4:3 display of MicroScan frames (1.333); ' +
  'x scales carry up to ~6 % uncertainty until checked against a stage micrometer.';

export const DEVICE_PROFILES: readonly DeviceProfile[] = [
  {
    name: 'microscan-sdf-pal',
    label: 'MicroScan SDF, analogue PAL (DV-AVI 720×576, interlaced, 25 fps)',
    modality: 'SDF',
    fieldOfViewUm: MICROSCAN_FIELD,
    fieldSource: MICROSCAN_FIELD_SOURCE,
    nativeFrames: [
      { width: 720, height: 576, sar: [16, 15], note: 'PAL DV 4:3 as ffmpeg reports it' },
      { width: 720, height: 576, sar: [12, 11], note: 'PAL 4:3 per ITU-R BT.601 (some capture cards)' },
    ],
    notes: [MICROSCAN_ASPECT_NOTE],
  },
  {
    name: 'microscan-sdf-ntsc',
    label: 'MicroScan SDF, analogue NTSC (720×480 or 640×480, interlaced, 30000/1001 fps)',
    modality: 'SDF',
    fieldOfViewUm: MICROSCAN_FIELD,
    fieldSource: MICROSCAN_FIELD_SOURCE,
    nativeFrames: [
      { width: 720, height: 480, sar: [8, 9], note: 'NTSC DV 4:3 as ffmpeg reports it' },
      { width: 720, height: 480, sar: [10, 11], note: 'NTSC 4:3 per ITU-R BT.601' },
      { width: 640, height: 480, sar: [1, 1], note: 'NTSC captured with square pixels' },
    ],
    notes: [MICROSCAN_ASPECT_NOTE],
  },
  {
    name: 'microscan-usb3',
    label: 'MicroScan USB3 (1280×960, 30 fps)',
    modality: 'SDF',
    fieldOfViewUm: MICROSCAN_FIELD,
    fieldSource: MICROSCAN_FIELD_SOURCE,
    nativeFrames: [{ width: 1280, height: 960, sar: [1, 1], note: 'USB3 camera, square pixels' }],
    notes: [MICROSCAN_ASPECT_NOTE],
  },
  {
    name: 'cytocam-idf',
    label: 'CytoCam IDF (full frame ~2200×1650; often exported downsampled)',
    modality: 'IDF',
    fieldOfViewUm: { width: 1550, height: 1160 },
    fieldSource: `${DOMAIN_DOC}: CytoCam IDF field 1.55 × 1.16 mm`,
    nativeFrames: [
      { width: 2200, height: 1650, sar: [1, 1], approximate: true, note: 'full frame, stated as ~2200×1650' },
    ],
    notes: ['Full-frame size is stated only approximately; downsampled exports are reported as resized.'],
  },
];

/** The names accepted by --device. */
export function deviceNames(): string[] {
  return DEVICE_PROFILES.map((p) => p.name);
}

/** The profile of that name, or undefined. */
export function findDeviceProfile(name: string): DeviceProfile | undefined {
  return DEVICE_PROFILES.find((p) => p.name === name);
}
