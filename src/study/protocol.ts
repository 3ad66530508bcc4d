/** Messages between the study (parent) and a clip's child process (child.ts). */
import type { ClipKey } from './keys.js';

/** Analysis options a study passes to analyzeClip for one clip. */
export interface ChildAnalyzeOptions {
  device?: string;
  umPerPx?: number;
  startS?: number;
  durationS?: number;
  fps?: number;
  smallVesselMaxUm?: number;
  backend?: 'native' | 'wasm';
}

export interface ChildJob {
  type: 'job';
  /** The clip as written in the manifest; the child runs in the manifest's folder. */
  clipPath: string;
  /** Absolute clip output folder (emptied by the parent). */
  outDir: string;
  options: ChildAnalyzeOptions;
  /** The resume key computed by the parent (the child records the input sha256 it analysed). */
  key: ClipKey;
  attempt: number;
}

export interface ChildError {
  name: string;
  code: string;
  message: string;
  hint: string | null;
}

export type ChildMessage =
  | { type: 'progress'; framesDone: number; framesExpected: number | null }
  | { type: 'done'; files: string[]; elapsedS: number }
  | { type: 'error'; error: ChildError };
