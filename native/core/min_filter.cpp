// min_filter.cpp — grey-level erosion: the minimum over a (2r+1)×(2r+1) square window.
//
// Method: van Herk M. A fast algorithm for local minimum and maximum filters on
// rectangular and octagonal kernels. Pattern Recognition Letters 1992;13(7):517–521; and
// Gil J, Werman M. Computing 2-D min, median, and max filters. IEEE TPAMI 1993;15(5):504–507.
// The square window is separable (rows, then columns). Along a line, blocks of 2r+1 samples
// get a prefix minimum g (left to right within the block) and a suffix minimum h (right to
// left); the minimum over the window [x−r, x+r] is min(h[x−r], g[x+r]): three comparisons
// per sample whatever r. The line is padded with +∞ beyond its ends, so windows are clipped
// to the image (for a minimum, the same as replicating the edge sample).
//
// Determinism: min is exact; the result does not depend on the evaluation order. Inputs
// must be finite (checked), so no NaN ordering questions arise.
#include <string.h>

#include "checks.h"
#include "detmath.h"
#include "hvm_core.h"
#include "scratch.h"

namespace {

inline float fmin2(float a, float b) { return b < a ? b : a; }

// Minimum filter of one line of n samples (stride `stride` in src and dst), radius r.
// buf holds (n + 2r) padded samples, g and h the same length.
void line_min(const float* src, size_t stride, int32_t n, int32_t r, float* dst, float* buf,
              float* g, float* h) {
  const float inf = static_cast<float>(hvm::detmath::inf());
  const int32_t m = n + 2 * r;
  for (int32_t i = 0; i < r; ++i) buf[i] = inf;
  for (int32_t i = 0; i < n; ++i) buf[r + i] = src[static_cast<size_t>(i) * stride];
  for (int32_t i = r + n; i < m; ++i) buf[i] = inf;
  const int32_t k = 2 * r + 1;
  for (int32_t b = 0; b < m; b += k) {
    const int32_t e = b + k < m ? b + k : m;
    g[b] = buf[b];
    for (int32_t i = b + 1; i < e; ++i) g[i] = fmin2(g[i - 1], buf[i]);
    h[e - 1] = buf[e - 1];
    for (int32_t i = e - 2; i >= b; --i) h[i] = fmin2(h[i + 1], buf[i]);
  }
  // Output x (padded index x + r) takes the window of padded indices [x, x + 2r].
  for (int32_t x = 0; x < n; ++x) dst[static_cast<size_t>(x) * stride] = fmin2(h[x], g[x + 2 * r]);
}

}  // namespace

extern "C" int32_t hvm_min_filter(const float* src, uint32_t src_len, int32_t width,
                                  int32_t height, int32_t radius, float* dst, uint32_t dst_len) {
  uint32_t n = 0;
  int32_t st = hvm::check_dims(width, height, &n);
  if (st != HVM_OK) return st;
  if ((st = hvm::check_len(src_len, n)) != HVM_OK) return st;  // lengths first: see checks.h
  if ((st = hvm::check_len(dst_len, n)) != HVM_OK) return st;
  if (src == nullptr || dst == nullptr) return HVM_E_NULL_POINTER;
  if (radius < 0 || radius > HVM_MAX_MIN_FILTER_RADIUS) return HVM_E_BAD_ARGUMENT;
  if (!hvm::all_finite(src, n)) return HVM_E_NON_FINITE;

  const int32_t len = width > height ? width : height;
  const uint64_t padded = static_cast<uint64_t>(len) + 2 * static_cast<uint64_t>(radius);
  hvm::Scratch<float> tmp(n), buf(padded), g(padded), h(padded);
  if (!tmp.ok() || !buf.ok() || !g.ok() || !h.ok()) return HVM_E_NO_MEMORY;
  const size_t W = static_cast<size_t>(width);
  for (int32_t y = 0; y < height; ++y)
    line_min(src + static_cast<size_t>(y) * W, 1, width, radius, tmp.get() + static_cast<size_t>(y) * W,
             buf.get(), g.get(), h.get());
  for (int32_t x = 0; x < width; ++x)
    line_min(tmp.get() + x, W, height, radius, dst + x, buf.get(), g.get(), h.get());
  return HVM_OK;
}
