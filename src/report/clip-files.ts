/**
 * The files of one analysed clip in its output folder (`hvm analyze --out DIR`, and each clip
 * of `hvm study`): the result contract and the pictures a person checks by eye.
 *
 *   result.json      the clip result contract (hvm-engine/clip-result@1)
 *   mean-image.png   the stabilised temporal mean image the vessel map is built on
 *   space-time/<vessel id>.png   each measured vessel's space-time diagram with its fitted
 *                    streak (written with `spaceTime: true`: hvm analyze --space-time, hvm study)
 *   overlay.png      the mean image with the analysed region, the De Backer grid, every
 *                    vessel's centerline (by flow class, or small vs large) and quadrant scores
 *
 * Every file is written atomically (temporary file, then rename). New pictures (overlay,
 * space-time diagrams) are added here, so every caller — the study included — writes them.
 */
import { join } from 'node:path';
import type { ClipAnalysis } from '../analysis/analyze-clip.js';
import { writeFileAtomic } from '../write-file.js';
import { overlayPng } from './overlay.js';
import { spaceTimePng } from './space-time.js';
import { grayPngBuffer } from './pictures.js';

export const RESULT_FILE = 'result.json';
export const MEAN_IMAGE_FILE = 'mean-image.png';
export const OVERLAY_FILE = 'overlay.png';
export const SPACE_TIME_DIR = 'space-time';

/** The contract as written: 2-space JSON with a final newline. */
export function clipResultJson(analysis: Pick<ClipAnalysis, 'result'>): string {
  return `${JSON.stringify(analysis.result, null, 2)}\n`;
}

/** Writes the clip's files into `dir` (created if needed); returns the paths written, in order. */
export interface ClipFilesOptions {
  /** Also write each vessel's space-time diagram under space-time/ (default false). */
  spaceTime?: boolean;
}

export async function writeClipFiles(analysis: ClipAnalysis, dir: string, options: ClipFilesOptions = {}): Promise<string[]> {
  const written: string[] = [];
  const resultPath = join(dir, RESULT_FILE);
  await writeFileAtomic(resultPath, clipResultJson(analysis));
  written.push(resultPath);
  const s = analysis.summary;
  const meanPath = join(dir, MEAN_IMAGE_FILE);
  await writeFileAtomic(meanPath, await grayPngBuffer(s.meanImage, s.width, s.height));
  written.push(meanPath);
  const overlayPath = join(dir, OVERLAY_FILE);
  await writeFileAtomic(overlayPath, await overlayPng({ result: analysis.result, image: s.meanImage, width: s.width, height: s.height }));
  written.push(overlayPath);
  if (options.spaceTime === true) {
    for (const v of analysis.result.vessels) {
      const std = analysis.flow.spaceTime(v.id);
      if (std === null || std.height === 0 || std.width === 0) continue;
      const p = join(dir, SPACE_TIME_DIR, `${v.id}.png`);
      await writeFileAtomic(p, await spaceTimePng(std));
      written.push(p);
    }
  }
  return written;
}
