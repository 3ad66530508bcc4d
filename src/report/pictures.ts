/**
 * Pictures a person looks at before reading numbers. For now: the temporal mean image of a
 * clip (what segmentation will run on), written as an 8-bit PNG with sharp (libvips).
 */
import sharp from 'sharp';

/** Writes a float grey image (0–255) as an 8-bit grey PNG, rounding and clamping. */
export async function writeGrayPng(path: string, image: Float32Array, width: number, height: number): Promise<void> {
  await grayPipeline(image, width, height).toFile(path);
}

/** The same 8-bit grey PNG as writeGrayPng, in memory (for atomic writes). */
export async function grayPngBuffer(image: Float32Array, width: number, height: number): Promise<Buffer> {
  return grayPipeline(image, width, height).toBuffer();
}

function grayPipeline(image: Float32Array, width: number, height: number): sharp.Sharp {
  const bytes = new Uint8Array(width * height);
  for (let i = 0; i < bytes.length; i++) {
    const v = Math.round(image[i]!);
    bytes[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  // 'b-w' keeps it one channel: libvips would otherwise write a grey image as sRGB.
  return sharp(bytes, { raw: { width, height, channels: 1 } }).toColourspace('b-w').png();
}
