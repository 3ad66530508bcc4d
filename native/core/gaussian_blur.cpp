// gaussian_blur.cpp — separable Gaussian blur with clamped (replicated) edges.
//
// Method: the 2-D Gaussian factors into a horizontal and a vertical 1-D convolution
// (e.g. Gonzalez & Woods, "Digital Image Processing", 4th ed., §3.5). Kernel radius
// r = ceil(3σ) keeps 99.7 % of the mass; the taps w[k] = exp(−k²/2σ²) come from
// detmath::exp (identical bits on every target) and are normalised in double so that
// w[0] + 2 Σ w[k] = 1 before rounding to float.
//
// Determinism: each output is w0*c + w1*(l1+r1) + w2*(l2+r2) + ... in exactly that order,
// in float. The loops run over pixels in the innermost position (one tap at a time for a
// whole row), so compilers vectorise across pixels without reassociating any pixel's sum;
// pairing (l_k + r_k) also makes the blur of a symmetric image exactly symmetric.
#include <string.h>

#include "checks.h"
#include "detmath.h"
#include "hvm_core.h"
#include "scratch.h"
#include "separable.h"

namespace {

using hvm::sep::clamp_index;
using hvm::sep::conv_sym;
using hvm::sep::vconv_sym;


// Normalised half kernel w[0..r].
void make_kernel(double sigma, int32_t r, float* w) {
  double wd[3001];  // r <= ceil(3 * HVM_MAX_SIGMA) = 3000
  const double two_s2 = 2.0 * sigma * sigma;
  double sum = 1.0;
  wd[0] = 1.0;
  for (int32_t k = 1; k <= r; ++k) {
    const double kk = static_cast<double>(k);
    wd[k] = hvm::detmath::exp(-(kk * kk) / two_s2);
  }
  double tail = 0.0;
  for (int32_t k = r; k >= 1; --k) tail += wd[k];  // small terms first
  sum += 2.0 * tail;
  for (int32_t k = 0; k <= r; ++k) w[k] = static_cast<float>(wd[k] / sum);
}

}  // namespace

extern "C" int32_t hvm_gaussian_blur(const float* src, uint32_t src_len, int32_t width,
                                     int32_t height, double sigma_px, float* dst,
                                     uint32_t dst_len) {
  uint32_t n = 0;
  int32_t st = hvm::check_dims(width, height, &n);
  if (st != HVM_OK) return st;
  if ((st = hvm::check_len(src_len, n)) != HVM_OK) return st;  // lengths first: see checks.h
  if ((st = hvm::check_len(dst_len, n)) != HVM_OK) return st;
  if (src == nullptr || dst == nullptr) return HVM_E_NULL_POINTER;
  if (hvm::detmath::is_nan(sigma_px) || sigma_px > HVM_MAX_SIGMA) return HVM_E_BAD_ARGUMENT;
  if (!hvm::all_finite(src, n)) return HVM_E_NON_FINITE;
  if (sigma_px <= 0.0) {
    if (dst != src) memmove(dst, src, static_cast<size_t>(n) * sizeof(float));
    return HVM_OK;
  }

  // r = ceil(3σ) without <cmath>: σ <= HVM_MAX_SIGMA, so the cast is in range.
  const double r3 = 3.0 * sigma_px;
  int32_t r = static_cast<int32_t>(r3);
  if (static_cast<double>(r) < r3) ++r;
  if (r < 1) r = 1;

  const int32_t w = width, h = height;
  hvm::Scratch<float> kernel(static_cast<uint64_t>(r) + 1);
  hvm::Scratch<float> tmp(n);                                             // after pass 1
  hvm::Scratch<float> row(static_cast<uint64_t>(w) + 2 * static_cast<uint64_t>(r));
  hvm::Scratch<const float*> rows(2 * static_cast<uint64_t>(r) + 1);      // pass-2 taps
  if (!kernel.ok() || !tmp.ok() || !row.ok() || !rows.ok()) return HVM_E_NO_MEMORY;
  float* wk = kernel.get();
  make_kernel(sigma_px, r, wk);

  // Pass 1, horizontal: copy each row into a buffer padded with its clamped edge samples.
  float* pad = row.get();
  for (int32_t y = 0; y < h; ++y) {
    const float* s = src + static_cast<size_t>(y) * static_cast<size_t>(w);
    for (int32_t i = 0; i < r; ++i) {
      pad[i] = s[clamp_index(static_cast<int64_t>(i) - r, w)];
      pad[r + w + i] = s[clamp_index(static_cast<int64_t>(w) + i, w)];
    }
    memcpy(pad + r, s, static_cast<size_t>(w) * sizeof(float));
    conv_sym(pad + r, w, wk, r, tmp.get() + static_cast<size_t>(y) * static_cast<size_t>(w));
  }

  // Pass 2, vertical: for each output row, the 2r+1 source rows (clamped) are combined a
  // whole row at a time, same tap order as pass 1.
  const float** tap = rows.get();
  const float* t = tmp.get();
  for (int32_t y = 0; y < h; ++y) {
    for (int32_t k = -r; k <= r; ++k)
      tap[k + r] = t + static_cast<size_t>(clamp_index(static_cast<int64_t>(y) + k, h)) * static_cast<size_t>(w);
    // dst never overlaps tmp (dst may alias src, which pass 2 does not read), so the
    // row pointers are restrict and the loops vectorise without runtime alias checks.
    vconv_sym(tap, w, wk, r, dst + static_cast<size_t>(y) * static_cast<size_t>(w));
  }
  return HVM_OK;
}
