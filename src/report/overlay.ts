/**
 * The overlay a clinician checks by eye: the stabilised mean image with the analysed region,
 * the De Backer grid, every vessel's centerline (coloured by flow class when flow was
 * measured, else small vs large), and the quadrant scores. Drawn as SVG and composited onto
 * the image by sharp (libvips), so lines stay crisp at any size.
 *
 * Colours: flow class 0 (no flow) red, 1 (intermittent) orange, 2 (sluggish) yellow,
 * 3 (continuous) green, unclassified grey; without flow, small vessels cyan and large ones
 * magenta. Picked to stay apart for the common colour-vision deficiencies as far as four
 * ordered classes allow (red/green differ in lightness here too).
 */
import sharp from 'sharp';
import type { ClipResult } from '../report/contract.js';
import type { FlowClass } from '../metrics/types.js';

export const FLOW_CLASS_COLOURS: Readonly<Record<FlowClass, string>> = { 0: '#d7191c', 1: '#fd8d3c', 2: '#fee08b', 3: '#1a9641' };
export const UNCLASSIFIED_COLOUR = '#9e9e9e';
export const SMALL_VESSEL_COLOUR = '#00e5ff';
export const LARGE_VESSEL_COLOUR = '#ff40ff';

/** Images narrower than this are drawn scaled up by an integer factor so lines and labels stay legible. */
export const OVERLAY_MIN_WIDTH_PX = 720;

export interface OverlayInput {
  result: Pick<ClipResult, 'analysis' | 'vessels' | 'metrics'>;
  /** Grey image (0–255 floats), reference-frame px. */
  image: Float32Array;
  width: number;
  height: number;
}

/** The overlay as a PNG buffer. */
export async function overlayPng(o: OverlayInput): Promise<Buffer> {
  const { width, height } = o;
  const k = Math.max(1, Math.ceil(OVERLAY_MIN_WIDTH_PX / width));
  const W = width * k;
  const H = height * k;
  const gray = Buffer.alloc(width * height);
  for (let i = 0; i < gray.length; i++) gray[i] = Math.max(0, Math.min(255, Math.round(o.image[i]!)));
  const base = await sharp(gray, { raw: { width, height, channels: 1 } })
    .resize(W, H, { kernel: 'nearest' })
    .toColourspace('srgb')
    .png()
    .toBuffer();
  const svg = overlaySvg(o, k);
  return sharp(await sharp(base).composite([{ input: Buffer.from(svg), top: 0, left: 0 }]).png().toBuffer()).removeAlpha().png().toBuffer();
}

/** The vector layer (exported for tests: it is plain text). */
export function overlaySvg(o: OverlayInput, k: number): string {
  const W = o.width * k;
  const H = o.height * k;
  const r = o.result.analysis.analysedRegion;
  // Pixel centres sit at integers: pixel (i, j) covers [i − ½, i + ½] → scaled (i + ½)·k.
  const X = (x: number): string => ((x + 0.5) * k).toFixed(2);
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`];
  const rx = r.x * k, ry = r.y * k, rw = r.width * k, rh = r.height * k;
  parts.push(`<rect x="${rx}" y="${ry}" width="${rw}" height="${rh}" fill="none" stroke="#ffffff" stroke-width="${Math.max(1, k)}" stroke-dasharray="${6 * k} ${4 * k}"/>`);
  for (const f of [0.25, 0.5, 0.75]) {
    const gy = ry + rh * f, gx = rx + rw * f;
    parts.push(`<line x1="${rx}" y1="${gy}" x2="${rx + rw}" y2="${gy}" stroke="#4da3ff" stroke-opacity="0.8" stroke-width="${Math.max(1, k / 2)}"/>`);
    parts.push(`<line x1="${gx}" y1="${ry}" x2="${gx}" y2="${ry + rh}" stroke="#4da3ff" stroke-opacity="0.8" stroke-width="${Math.max(1, k / 2)}"/>`);
  }
  const flowMeasured = o.result.vessels.some((v) => v.flowClass !== null);
  for (const v of o.result.vessels) {
    if (v.points.length < 2) continue;
    const colour = flowMeasured ? (v.flowClass === null ? UNCLASSIFIED_COLOUR : FLOW_CLASS_COLOURS[v.flowClass]) : v.small ? SMALL_VESSEL_COLOUR : LARGE_VESSEL_COLOUR;
    const pts = v.points.map((p) => `${X(p[0])},${X(p[1])}`).join(' ');
    parts.push(`<polyline points="${pts}" fill="none" stroke="${colour}" stroke-width="${Math.max(1.5, k * 1.2)}" stroke-linejoin="round" stroke-linecap="round"/>`);
  }
  const q = o.result.metrics.all.MFIQuadrants;
  if (q !== null) {
    const fs = Math.max(12, Math.round(Math.min(rw, rh) / 14));
    const centres: [number, number][] = [[rx + rw / 4, ry + rh / 4], [rx + (3 * rw) / 4, ry + rh / 4], [rx + rw / 4, ry + (3 * rh) / 4], [rx + (3 * rw) / 4, ry + (3 * rh) / 4]];
    q.forEach((score, i) => {
      const [cx, cy] = centres[i]!;
      parts.push(`<text x="${cx.toFixed(1)}" y="${cy.toFixed(1)}" font-family="sans-serif" font-size="${fs}" font-weight="bold" text-anchor="middle" dominant-baseline="middle" fill="#ffffff" stroke="#000000" stroke-width="${(fs / 10).toFixed(1)}" paint-order="stroke">${score === null ? '–' : score}</text>`);
    });
  }
  parts.push('</svg>');
  return parts.join('\n');
}
