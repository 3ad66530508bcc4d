/**
 * `hvm segment IMAGE --out DIR (--um-per-px N | --device NAME)`: vessel segmentation of one
 * still image (PNG, TIFF or JPEG; a colour image is read by its GREEN channel, where
 * haemoglobin contrast is highest, a grey one as it is). Writes into DIR:
 *   vesselness.png   the Frangi vesselness, 16-bit grey (0–1 → 0–65535)
 *   mask.png         vessel pixels 255, else 0 (8-bit, one channel, input size)
 *   centerlines.png  measured centerline pixels 255, else 0 (8-bit, one channel)
 *   segment.json     parameters (µm and the pixels they became), calibration, centerline
 *                    length, component and segment counts, and the TVD-like density
 * The calibration is required (every µm parameter depends on it) and never silent: it comes
 * from --um-per-px, a sidecar IMAGE.calibration.json, or a --device profile (stills are
 * square-pixelled: sample aspect ratio 1:1).
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { segmentImage, type SegmentResult } from '../analysis/segment.js';
import type { SegmentParams } from '../analysis/segment-params.js';
import { resolveCalibration, type Calibration } from '../calibration/index.js';
import { HvmError } from '../errors.js';
import { engineVersion } from '../version.js';
import { backendOption, parseCommandArgs, positiveNumber } from './args.js';
import { UsageError } from './usage.js';
import { writeFileAtomic } from './write-file.js';

export const segmentUsage = `hvm segment IMAGE --out DIR (--um-per-px N | --device NAME) [--backend native|wasm] [--quiet]

  Segments the vessels of one still image (PNG, TIFF or JPEG; colour images by their green
  channel) and writes vesselness.png (16-bit), mask.png, centerlines.png and segment.json
  into DIR. The calibration is required: --um-per-px N (square pixels of N µm), a sidecar
  IMAGE.calibration.json, or --device NAME (the device's field of view over the image).
`;

const OPTIONS = {
  out: { type: 'string' },
  'um-per-px': { type: 'string' },
  device: { type: 'string' },
  backend: { type: 'string' },
  quiet: { type: 'boolean' },
} as const;

/** An image that sharp cannot read (missing, not an image, unsupported). */
export class ImageReadError extends HvmError {
  constructor(file: string, why: string, cause?: unknown) {
    super('E_IMAGE_READ', `cannot read the image (${why})`, {
      file,
      hint: 'Give a PNG, TIFF or JPEG still; for a video clip use `hvm analyze`.',
      ...(cause !== undefined ? { cause } : {}),
    });
  }
}

export interface GrayImage {
  width: number;
  height: number;
  /** Grey values: 0–255 for 8-bit input, 0–65535 for 16-bit. */
  gray: Float32Array;
  channels: number;
  /** Which channel was read: 'gray' (one or two channels: grey + alpha) or 'green'. */
  channelUsed: 'gray' | 'green';
  bitDepth: 8 | 16;
}

/** Reads a still with sharp: grey as it is, colour by its green channel (index 1). */
export async function readGrayImage(file: string): Promise<GrayImage> {
  let meta: sharp.Metadata;
  try {
    meta = await sharp(file).metadata();
  } catch (e) {
    throw new ImageReadError(file, (e as Error).message.split('\n')[0] ?? String(e), e);
  }
  const sixteen = meta.depth === 'ushort' || meta.depth === 'short';
  const colour = (meta.channels ?? 1) >= 3;
  let data: Buffer;
  let info: sharp.OutputInfo;
  try {
    // The colourspace is set explicitly: sharp's raw output otherwise turns a grey image
    // into three sRGB channels, and a 16-bit one into 8-bit values in a 16-bit container.
    const r = await sharp(file)
      .toColourspace(colour ? (sixteen ? 'rgb16' : 'srgb') : sixteen ? 'grey16' : 'b-w')
      .raw(sixteen ? { depth: 'ushort' } : {})
      .toBuffer({ resolveWithObject: true });
    data = r.data;
    info = r.info;
  } catch (e) {
    throw new ImageReadError(file, (e as Error).message.split('\n')[0] ?? String(e), e);
  }
  const { width, height } = info;
  const channels = meta.channels ?? info.channels;
  const n = width * height;
  const src = sixteen ? new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2) : data;
  const stride = info.channels;
  const c = colour ? 1 : 0;
  if (stride <= c) throw new ImageReadError(file, `unexpected ${stride}-channel decode of a ${channels}-channel image`);
  const gray = new Float32Array(n);
  for (let i = 0; i < n; i++) gray[i] = src[i * stride + c]!;
  return { width, height, gray, channels, channelUsed: c === 1 ? 'green' : 'gray', bitDepth: sixteen ? 16 : 8 };
}

export async function runSegment(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, true);
  if (positionals.length !== 1) throw new UsageError(`segment takes one image, got ${positionals.length}.`);
  if (values.out === undefined) throw new UsageError('segment needs --out DIR (where the pictures and segment.json go).');
  const backend = backendOption(values.backend);
  const umPerPx = positiveNumber('um-per-px', values['um-per-px']);
  const file = positionals[0]!;
  const outDir = values.out;

  const t0 = performance.now();
  const img = await readGrayImage(file);
  const calibration: Calibration = resolveCalibration({
    clipPath: file,
    width: img.width,
    height: img.height,
    sampleAspectRatio: '1:1',
    ...(umPerPx !== undefined ? { umPerPx } : {}),
    ...(values.device !== undefined ? { device: values.device } : {}),
  });
  const t1 = performance.now();
  const r = segmentImage(
    img.gray,
    img.width,
    img.height,
    { umPerPxX: calibration.umPerPxX, umPerPxY: calibration.umPerPxY },
    undefined,
    {
      ...(backend !== undefined ? { backend } : {}),
      smallVesselMaxUm: calibration.smallVesselMaxUm,
    },
  );
  const t2 = performance.now();

  await writeVesselnessPng(join(outDir, 'vesselness.png'), r.vesselness, r.width, r.height);
  await writeMaskPng(join(outDir, 'mask.png'), r.mask, r.width, r.height);
  await writeMaskPng(join(outDir, 'centerlines.png'), r.centerlines, r.width, r.height);
  const report = segmentReport(file, img, calibration, r);
  await writeFileAtomic(join(outDir, 'segment.json'), `${JSON.stringify(report, null, 2)}\n`);

  if (values.quiet !== true) {
    const g = report.results;
    const lines = [
      `${file}: ${img.width}×${img.height}, ${img.channelUsed} channel, ${calibration.umPerPxX.toFixed(4)} × ${calibration.umPerPxY.toFixed(4)} µm/px (${calibration.source}); core ${r.backend}`,
      `centerline length ${(g.skeletonLengthUm / 1000).toFixed(3)} mm in ${g.segmentCount} segments, ${g.componentCount} components; image area ${g.imageAreaMm2.toFixed(4)} mm²`,
      `TVD-like density ${g.tvdLikeMmPerMm2.toFixed(2)} mm/mm² (small vessels < ${calibration.smallVesselMaxUm} µm: ${g.tvdSmallLikeMmPerMm2.toFixed(2)}); vessel mask ${(100 * g.maskAreaFraction).toFixed(1)} % of the image`,
      `read ${(t1 - t0).toFixed(0)} ms, segment ${(t2 - t1).toFixed(0)} ms; wrote ${outDir}/{vesselness,mask,centerlines}.png and segment.json`,
      ...report.warnings.map((w) => `  [${w.code}] ${w.message}`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return 0;
}

/** Vesselness 0–1 as a 16-bit grey PNG (0–65535, rounded). */
export async function writeVesselnessPng(path: string, v: Float32Array, width: number, height: number): Promise<void> {
  const u = new Uint16Array(width * height);
  for (let i = 0; i < u.length; i++) {
    const x = Math.round(v[i]! * 65535);
    u[i] = x < 0 ? 0 : x > 65535 ? 65535 : x;
  }
  const png = await sharp(u, { raw: { width, height, channels: 1 } }).toColourspace('grey16').png().toBuffer();
  await writeFileAtomic(path, png);
}

/** A 0/1 mask as an 8-bit one-channel PNG, 255 on the mask. */
export async function writeMaskPng(path: string, m: Uint8Array, width: number, height: number): Promise<void> {
  const b = new Uint8Array(width * height);
  for (let i = 0; i < b.length; i++) b[i] = m[i] !== 0 ? 255 : 0;
  // 'b-w' keeps it one channel: libvips would otherwise write a grey image as sRGB.
  const png = await sharp(b, { raw: { width, height, channels: 1 } }).toColourspace('b-w').png().toBuffer();
  await writeFileAtomic(path, png);
}

/** The content of segment.json. */
export function segmentReport(file: string, img: GrayImage, calibration: Calibration, r: SegmentResult) {
  let maskPx = 0;
  for (const v of r.mask) maskPx += v;
  const g = r.geometry!;
  return {
    schema: 'hvm-engine/segment@1',
    engineVersion,
    input: { path: file, width: img.width, height: img.height, channels: img.channels, channelUsed: img.channelUsed, bitDepth: img.bitDepth },
    calibration: {
      umPerPxX: calibration.umPerPxX,
      umPerPxY: calibration.umPerPxY,
      source: calibration.source,
      device: calibration.device,
      sidecarPath: calibration.sidecarPath,
      smallVesselMaxUm: calibration.smallVesselMaxUm,
    },
    backend: r.backend,
    params: r.params,
    paramUnits: {
      diameterMinUm: 'µm', diameterMaxUm: 'µm', scaleRatio: '1', minSigmaPx: 'px', backgroundSigmaUm: 'µm', contrastEpsRel: '1',
      frangiBeta: '1', frangiCRelative: '1', thresholdHigh: '1', thresholdLow: '1', maskDarknessMin: 'local SD', maskDarknessSigmaUm: 'µm', maskHalfDepth: '1',
      minComponentAreaUm2: 'µm²', maxHoleAreaUm2: 'µm²', spurMaxLengthRel: 'vessel diameters', centerlineSmoothingUm: 'µm',
      centerlineValleyMaxShiftRel: 'vessel diameters', centerlineValleyMaxDiameterUm: 'µm', centerlineValleySigmaUm: 'µm', chainMinLumenContrast: '1',
    } satisfies Record<keyof SegmentParams, string>,
    derivedPx: r.derived,
    results: {
      componentCount: r.components,
      faintChainCount: r.faintChains,
      segmentCount: r.segments.length,
      skeletonLengthUm: r.skeletonLengthUm,
      imageAreaMm2: r.areaMm2,
      /** Centerline length / image area (the TVD formula of src/metrics over the whole image), mm/mm². */
      tvdLikeMmPerMm2: g.TVD,
      /** The same for segments whose first diameter estimate is below the small-vessel threshold, mm/mm². */
      tvdSmallLikeMmPerMm2: g.TVDSmall,
      deBackerScorePerMm: g.deBackerScore,
      maskAreaFraction: maskPx / (img.width * img.height),
      note: 'Geometry of one still: no stabilisation, no flow, the whole image as the analysed region; diameters are first estimates from the best vesselness scale (2σ).',
    },
    outputs: { vesselness: 'vesselness.png', mask: 'mask.png', centerlines: 'centerlines.png' },
    warnings: [...calibration.warnings, ...r.warnings],
  };
}
