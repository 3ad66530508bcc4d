// frame_sharpness.cpp — per-frame sharpness for motion-blur detection (src/quality).
//
// Method: the normalised gradient energy of the 2×2-binned frame b (variance-of-gradient
// focus measures: Pech-Pacheco et al., "Diatom autofocusing in brightfield microscopy: a
// comparative study", ICPR 2000):
//   S = mean over the interior of (b[x+1] − b[x−1])² + (b[y+1] − b[y−1])²  /  mean(b)²,
// b the sum of each 2×2 block (its scale cancels in the ratio). Why and how it is judged:
// src/quality/frame-sharpness.ts.
//
// Exact: b ≤ 1020, so the sums are integers — Σ b < 2^31·1020 and Σ (gx² + gy²) < 2^31·2·1020²
// stay exact in int64 and convert to double exactly (< 2^53) — and the two divisions are in
// the order the TypeScript original used, so both backends and the original give the same bits.
#include "checks.h"
#include "hvm_core.h"
#include "scratch.h"

extern "C" int32_t hvm_frame_sharpness(const uint8_t* frame, uint32_t frame_len, int32_t width,
                                       int32_t height, double* out) {
  uint32_t n = 0;
  const int32_t st = hvm::check_frame(width, height, frame_len, frame, out, &n);
  if (st != HVM_OK) return st;
  const int64_t bw = width / 2, bh = height / 2;
  *out = 0.0;
  if (bw < 3 || bh < 3) return HVM_OK;
  hvm::Scratch<int32_t> b(static_cast<uint64_t>(bw * bh));
  if (!b.ok()) return HVM_E_NO_MEMORY;
  int32_t* bb = b.get();
  const size_t w = static_cast<size_t>(width);
  int64_t sum = 0;
  for (int64_t j = 0; j < bh; ++j) {
    const uint8_t* r0 = frame + static_cast<size_t>(2 * j) * w;
    const uint8_t* r1 = r0 + w;
    int32_t* row = bb + static_cast<size_t>(j * bw);
    for (int64_t i = 0; i < bw; ++i) {
      const int32_t v = static_cast<int32_t>(r0[2 * i]) + r0[2 * i + 1] + r1[2 * i] + r1[2 * i + 1];
      row[i] = v;
      sum += v;
    }
  }
  const double mean = static_cast<double>(sum) / static_cast<double>(bw * bh);
  if (!(mean > 0.0)) return HVM_OK;
  int64_t e = 0;
  for (int64_t j = 1; j < bh - 1; ++j) {
    const int32_t* row = bb + static_cast<size_t>(j * bw);
    for (int64_t i = 1; i < bw - 1; ++i) {
      const int64_t gx = row[i + 1] - row[i - 1];
      const int64_t gy = row[i + bw] - row[i - bw];
      e += gx * gx + gy * gy;
    }
  }
  *out = static_cast<double>(e) / static_cast<double>((bw - 2) * (bh - 2)) / (mean * mean);
  return HVM_OK;
}
