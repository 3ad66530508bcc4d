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
 */
export function frameSharpness(frame: Uint8Array, width: number, height: number): number {
  const bw = width >> 1, bh = height >> 1;
  if (bw < 3 || bh < 3) return 0;
  const b = new Float32Array(bw * bh);
  let sum = 0;
  for (let j = 0; j < bh; j++) {
    const r0 = 2 * j * width, r1 = r0 + width;
    for (let i = 0; i < bw; i++) {
      const v = frame[r0 + 2 * i]! + frame[r0 + 2 * i + 1]! + frame[r1 + 2 * i]! + frame[r1 + 2 * i + 1]!;
      b[j * bw + i] = v;
      sum += v;
    }
  }
  const mean = sum / (bw * bh);
  if (!(mean > 0)) return 0;
  let e = 0;
  for (let j = 1; j < bh - 1; j++) {
    for (let i = 1; i < bw - 1; i++) {
      const k = j * bw + i;
      const gx = b[k + 1]! - b[k - 1]!;
      const gy = b[k + bw]! - b[k - bw]!;
      e += gx * gx + gy * gy;
    }
  }
  return e / ((bw - 2) * (bh - 2)) / (mean * mean);
}
