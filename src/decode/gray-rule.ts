/**
 * The gray rule: how any stored pixel becomes one 8-bit gray value.
 *
 * SDF/IDF cameras light the tissue with green light (~530–548 nm) and red cells are dark
 * because haemoglobin absorbs it; the signal is the brightness of that green light.
 *
 *  - YUV sources (DV, MJPEG, H.264, ...): the luma plane, in FULL range. Limited-range luma
 *    (Y 16–235, the default for YUV unless flagged 'pc' or stored as yuvj*) is expanded:
 *    gray = clip(round((Y − 16) × 255 / 219), 0, 255), so mid-grey Y=126 → 128, 16 → 0,
 *    235 → 255. Done by swscale with `scale=in_range=tv:out_range=pc,format=gray`; full-range
 *    sources get `in_range=pc:out_range=pc` (identity). Both ffmpeg 5.1 and the 2018 npm
 *    build produce exactly the formula above for all 256 inputs (checked by test).
 *    High-bit-depth YUV (10/12-bit) is reduced to 8 bits by swscale (rounded) in the same step.
 *  - Gray sources (gray, Y800, FFV1 gray, gray PNG...): as stored (already full range).
 *  - 16-bit gray (gray16, also 9–14-bit gray, which ffmpeg widens to 16 bits by bit
 *    replication): ffmpeg outputs gray16le and we keep the high byte (v >> 8), a plain
 *    truncation that is the same on every ffmpeg (swscale's own 16→8 conversion rounds, and
 *    rounding has differed between versions).
 *  - True RGB sources (rgb24, bgr24, rgba, pal8, PNG-in-AVI, Bayer...): the GREEN channel,
 *    as stored (`format=gbrp,extractplanes=g`): in green light the green channel carries the
 *    contrast; a luma mix would add the red/blue channels' noise. 16-bit RGB: green >> 8.
 *  - Anything else: swscale's default conversion to gray, with a warning.
 * No resampling for the sample aspect ratio: it is reported, and the calibration applies it.
 */

export type SourceClass = 'gray8' | 'gray16' | 'yuv-limited' | 'yuv-full' | 'rgb8' | 'rgb16' | 'other';

export interface GrayRule {
  sourceClass: SourceClass;
  /** The -vf filter chain, or null when -pix_fmt alone does it. */
  filter: string | null;
  /** What ffmpeg writes to stdout. */
  outputPixFmt: 'gray' | 'gray16le';
  /** Bytes per pixel on stdout (2: keep the high byte of each little-endian sample). */
  bytesPerPixel: 1 | 2;
  /** One sentence for the summary and the provenance record. */
  description: string;
  warning: string | null;
}

const GRAY8 = /^(gray|gray8|y400a|ya8|monob|monow)$/;
const GRAY_HIGH = /^(gray(9|10|12|14|16)(le|be)|ya16(le|be)|grayf(16|32)(le|be))$/;
const RGB = /^(rgb|bgr|argb|abgr|0rgb|0bgr|gbr|pal8|bayer_|x2rgb|x2bgr)/;
const RGB_HIGH = /(48|64|9[lb]e|1[0246][lb]e|f16|f32)/;
const YUV = /^(yuv|yuvj|yuva|nv\d|p0\d\d|p2\d\d|p4\d\d|y210|y212|y216|yuyv|uyvy|yvyu|uyyvyy|ayuv|vuya|vuyx|xv\d|y41)/;

export function classifyPixelFormat(pixelFormat: string, colorRange: 'tv' | 'pc' | 'unknown'): SourceClass {
  const pf = pixelFormat.toLowerCase();
  if (GRAY8.test(pf)) return 'gray8';
  if (GRAY_HIGH.test(pf)) return 'gray16';
  if (RGB.test(pf)) return RGB_HIGH.test(pf) ? 'rgb16' : 'rgb8';
  if (YUV.test(pf)) return pf.startsWith('yuvj') || colorRange === 'pc' ? 'yuv-full' : 'yuv-limited';
  return 'other';
}

export function grayRuleFor(pixelFormat: string, colorRange: 'tv' | 'pc' | 'unknown'): GrayRule {
  const sourceClass = classifyPixelFormat(pixelFormat, colorRange);
  switch (sourceClass) {
    case 'gray8':
      return { sourceClass, filter: null, outputPixFmt: 'gray', bytesPerPixel: 1, description: `${pixelFormat}: gray as stored`, warning: null };
    case 'gray16':
      return {
        sourceClass,
        filter: null,
        outputPixFmt: 'gray16le',
        bytesPerPixel: 2,
        description: `${pixelFormat}: 16-bit gray, high byte kept (v >> 8)`,
        warning: null,
      };
    case 'yuv-limited':
      return {
        sourceClass,
        filter: 'scale=in_range=tv:out_range=pc,format=gray',
        outputPixFmt: 'gray',
        bytesPerPixel: 1,
        description: `${pixelFormat} (${colorRange === 'tv' ? 'limited range' : 'range unflagged, taken as limited'}): luma expanded from 16–235 to 0–255`,
        warning: null,
      };
    case 'yuv-full':
      return {
        sourceClass,
        filter: 'scale=in_range=pc:out_range=pc,format=gray',
        outputPixFmt: 'gray',
        bytesPerPixel: 1,
        description: `${pixelFormat} (full range): luma as stored`,
        warning: null,
      };
    case 'rgb8':
      return {
        sourceClass,
        filter: 'format=gbrp,extractplanes=g',
        outputPixFmt: 'gray',
        bytesPerPixel: 1,
        description: `${pixelFormat}: green channel (RGB source)`,
        warning: null,
      };
    case 'rgb16':
      return {
        sourceClass,
        filter: 'format=gbrp16le,extractplanes=g',
        outputPixFmt: 'gray16le',
        bytesPerPixel: 2,
        description: `${pixelFormat}: green channel of 16-bit RGB, high byte kept (v >> 8)`,
        warning: null,
      };
    default:
      return {
        sourceClass: 'other',
        filter: 'format=gray',
        outputPixFmt: 'gray',
        bytesPerPixel: 1,
        description: `${pixelFormat}: converted by ffmpeg's default rule to gray`,
        warning: `pixel format "${pixelFormat}" is not one the gray rule knows; ffmpeg's default gray conversion is used.`,
      };
  }
}

/** Keep the high byte of little-endian 16-bit samples (v >> 8). */
export function highBytes(src: Uint8Array, out: Uint8Array): Uint8Array {
  for (let i = 0, j = 1; i < out.length; i++, j += 2) out[i] = src[j]!;
  return out;
}
