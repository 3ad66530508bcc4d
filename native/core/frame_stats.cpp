// frame_stats.cpp — grey-level statistics of one 8-bit frame.
//
// Method: a 256-bin histogram is the sufficient statistic of an 8-bit frame, so it is the
// only per-pixel pass; count, sum, min and max follow exactly (integers) from the
// histogram, and the population variance is the histogram-weighted mean squared deviation
// from the mean, Σ h[v] (v − μ)² / n, summed over v = 0..255 in that fixed order (the
// two-pass formula, numerically stable — Chan, Golub & LeVeque, "Algorithms for computing
// the sample variance", Am. Stat. 37(3), 1983). Four interleaved sub-histograms avoid the
// store-to-load stall when neighbouring pixels share a grey level.
#include <string.h>

#include "checks.h"
#include "detmath.h"
#include "hvm_core.h"

extern "C" int32_t hvm_frame_stats(const uint8_t* frame, uint32_t frame_len, int32_t width,
                                   int32_t height, hvm_frame_stats_t* out) {
  uint32_t n = 0;
  const int32_t st = hvm::check_frame(width, height, frame_len, frame, out, &n);
  if (st != HVM_OK) return st;

  uint32_t sub[4][256];
  memset(sub, 0, sizeof sub);
  uint32_t i = 0;
  for (; i + 4 <= n; i += 4) {
    ++sub[0][frame[i]];
    ++sub[1][frame[i + 1]];
    ++sub[2][frame[i + 2]];
    ++sub[3][frame[i + 3]];
  }
  for (; i < n; ++i) ++sub[0][frame[i]];

  uint32_t hist[256];
  uint64_t sum = 0;
  int32_t lo = -1, hi = -1;
  for (int32_t v = 0; v < 256; ++v) {
    const uint32_t c = sub[0][v] + sub[1][v] + sub[2][v] + sub[3][v];  // <= n < 2^31
    hist[v] = c;
    sum += static_cast<uint64_t>(c) * static_cast<uint64_t>(v);  // < 2^39: exact
    if (c != 0) {
      if (lo < 0) lo = v;
      hi = v;
    }
  }
  const double dn = static_cast<double>(n);
  const double mean = static_cast<double>(sum) / dn;  // exact operands, one rounding
  double ss = 0.0;
  for (int32_t v = 0; v < 256; ++v) {
    const double d = static_cast<double>(v) - mean;
    ss += static_cast<double>(hist[v]) * (d * d);
  }
  out->mean = mean;
  out->sd = hvm::detmath::sqrt(ss / dn);
  out->min = lo;
  out->max = hi;
  memcpy(out->histogram, hist, sizeof hist);
  return HVM_OK;
}
