/**
 * SVG → PNG with sharp (already an engine dependency; it renders SVG through librsvg).
 * Text needs a system font; without one the labels are missing but the file is valid.
 */
import sharp from 'sharp';

export async function svgToPng(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg)).png().toBuffer();
}
