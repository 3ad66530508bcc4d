// Separable convolution building blocks shared by the Gaussian blur and the Hessian
// vesselness: one summation order for every kernel, so a blur computed by either file gives
// the same bits (native/README.md, determinism rules). Kernels are half kernels w[0..r];
// rows are padded by r clamped samples on each side (p points at the first real sample).
#pragma once

#include <stdint.h>

namespace hvm {
namespace sep {

// Index clamped to [0, n): edge samples repeat (the border rule of every filter here).
inline int32_t clamp_index(int64_t i, int32_t n) {
  return i < 0 ? 0 : (i >= n ? n - 1 : static_cast<int32_t>(i));
}

// Symmetric kernel over a padded row (p points at the first real sample, r samples of
// padding each side): dst[x] = w0·p[x] + Σ_k w[k]·(p[x−k] + p[x+k]).
inline void conv_sym(const float* __restrict p, int32_t n, const float* __restrict w, int32_t r,
                     float* __restrict dst) {
  const float w0 = w[0];
  for (int32_t x = 0; x < n; ++x) dst[x] = w0 * p[x];
  for (int32_t k = 1; k <= r; ++k) {
    const float wk = w[k];
    const float* __restrict left = p - k;
    const float* __restrict right = p + k;
    for (int32_t x = 0; x < n; ++x) dst[x] += wk * (left[x] + right[x]);
  }
}

// Antisymmetric (derivative) kernel: dst[x] = Σ_k w[k]·(p[x+k] − p[x−k]).
inline void conv_anti(const float* __restrict p, int32_t n, const float* __restrict w, int32_t r,
                      float* __restrict dst) {
  for (int32_t x = 0; x < n; ++x) dst[x] = 0.0f;
  for (int32_t k = 1; k <= r; ++k) {
    const float wk = w[k];
    const float* __restrict left = p - k;
    const float* __restrict right = p + k;
    for (int32_t x = 0; x < n; ++x) dst[x] += wk * (right[x] - left[x]);
  }
}

// Vertical versions over an array of 2r+1 row pointers (tap[r] is the centre row).
inline void vconv_sym(const float* const* tap, int32_t n, const float* __restrict w, int32_t r,
                      float* __restrict dst) {
  const float w0 = w[0];
  const float* __restrict c = tap[r];
  for (int32_t x = 0; x < n; ++x) dst[x] = w0 * c[x];
  for (int32_t k = 1; k <= r; ++k) {
    const float wk = w[k];
    const float* __restrict up = tap[r - k];
    const float* __restrict down = tap[r + k];
    for (int32_t x = 0; x < n; ++x) dst[x] += wk * (up[x] + down[x]);
  }
}

inline void vconv_anti(const float* const* tap, int32_t n, const float* __restrict w, int32_t r,
                       float* __restrict dst) {
  for (int32_t x = 0; x < n; ++x) dst[x] = 0.0f;
  for (int32_t k = 1; k <= r; ++k) {
    const float wk = w[k];
    const float* __restrict up = tap[r - k];
    const float* __restrict down = tap[r + k];
    for (int32_t x = 0; x < n; ++x) dst[x] += wk * (down[x] - up[x]);
  }
}

}  // namespace sep
}  // namespace hvm
