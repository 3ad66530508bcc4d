import { loadBackend } from '../backend/index.js';
import type { CoreBackend } from '../backend/types.js';

/**
 * Per-frame sharpness for motion-blur detection: the normalised gradient energy of the frame
 * after a 2×2 box average (which halves the sensor noise while keeping tissue and vessel
 * detail at SDF/IDF scales):
 *
 *   S = mean over the frame of (∂x b)² + (∂y b)²  /  mean(b)²
 *
 * with b the 2×2-binned frame and ∂ central differences. Dividing by the squared mean makes it
 * independent of the frame's gain (flicker, exposure). Motion blur during a frame smears the
 * tissue texture and the vessels and S collapses against the clip's other frames (compare
 * Pech-Pacheco 2000, variance-of-gradient focus measures); the judgement is relative to the
 * clip's own median (stability.ts), so the absolute level (texture, noise) does not matter.
 * `core`: the backend to run it on (default: loadBackend()'s choice).
 */
export function frameSharpness(frame: Uint8Array, width: number, height: number, core: CoreBackend = loadBackend()): number {
  // Per-pixel work of every frame: in the core (native/core/frame_sharpness.cpp), exact.
  return core.frameSharpness(frame, width, height);
}
