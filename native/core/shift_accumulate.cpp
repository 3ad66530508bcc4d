// shift_accumulate.cpp — add a frame into a temporal sum in the reference frame's
// coordinates, moved back by a sub-pixel translation, with a per-pixel coverage count.
//
// Convention (the same as hvm_phase_correlate's): (dx, dy) is the shift of the frame's
// content against the reference, frame(x, y) = reference(x − dx, y − dy); the reference
// point (x, y) therefore sits at (x + dx, y + dy) in the frame, and
//   acc[x, y] += bilinear(frame, x + dx, y + dy),   count[x, y] += 1,
// only where that sample position lies inside the frame (0 ≤ x + dx ≤ w − 1 and likewise
// in y, with every tap of non-zero weight inside). Pixels the shifted frame does not cover
// are left untouched, so after a clip the count says how many frames saw each reference
// pixel, and the region seen by EVERY frame is where count equals the frames added.
//
// Why bilinear (and not bicubic, Lanczos or a Fourier shift). The stabilised mean is
// a sum of hundreds of frames whose registration error (~0.1 px) already blurs it more than
// the interpolation kernel does, so a sharper kernel buys nothing measurable; bilinear is
// the only common kernel that is (a) non-negative, so it creates no over/undershoot halo at
// the high-contrast vessel walls and no values outside the input range, (b) local (2×2
// taps), so coverage is exact — a pixel is covered if and only if its four taps are inside
// the frame, no ringing from outside, no wrap-around as with a Fourier shift — and (c) exact
// on the two checks that pin it down: an integer shift copies the frame, a half-pixel shift
// averages two neighbours. With the translation constant over the frame, the two weights
// per axis are the same for every pixel: per pixel the work is 4 multiply-adds.
//
// Deterministic operation order (native/README.md): the weights are computed once per
// call; per pixel v0 = wx0·f[b][a] + wx1·f[b][a+1], v1 = the same on row b + 1, then
// acc += wy0·v0 + wy1·v1, always in that order. No transcendental, no contraction (the
// build forbids FMA), and the float→int conversion of the shift is range-checked first.
#include "checks.h"
#include "detmath.h"
#include "hvm_core.h"

// floor(v) for |v| <= 2^30 (range-checked by the entry points below).
using hvm::detmath::floor_i64;

// The one loop behind both entry points: acc += v; with Moments also, for the temporal
// variance, the gain-scaled value g·v and its square (m_acc += g·v, m_sq += (g·v)²) from the
// same bilinear sample (one pass over the frame for the mean and the moments).
namespace {

template <bool Moments>
int32_t shift_accumulate_impl(double* acc, uint32_t acc_len, double* m_acc, uint32_t m_acc_len,
                              double* acc_sq, uint32_t acc_sq_len,
                              uint32_t* count, uint32_t count_len, const uint8_t* frame,
                              uint32_t frame_len, int32_t width, int32_t height, double dx,
                              double dy, double gain) {
  uint32_t n = 0;
  int32_t st = hvm::check_dims(width, height, &n);
  if (st != HVM_OK) return st;
  if ((st = hvm::check_len(acc_len, n)) != HVM_OK) return st;  // lengths first: see checks.h
  if (Moments && (st = hvm::check_len(m_acc_len, n)) != HVM_OK) return st;
  if (Moments && (st = hvm::check_len(acc_sq_len, n)) != HVM_OK) return st;
  if ((st = hvm::check_len(count_len, n)) != HVM_OK) return st;
  if ((st = hvm::check_len(frame_len, n)) != HVM_OK) return st;
  if (acc == nullptr || count == nullptr || frame == nullptr || (Moments && (m_acc == nullptr || acc_sq == nullptr)))
    return HVM_E_NULL_POINTER;
  if (Moments && !(gain > 0.0 && gain <= 1.0e6)) return HVM_E_BAD_ARGUMENT;
  // NaN fails both comparisons. Any finite shift is meaningful (a shift beyond the frame
  // simply covers nothing); the bound keeps the float→int conversion defined.
  if (!(dx >= -HVM_MAX_SHIFT_PX && dx <= HVM_MAX_SHIFT_PX)) return HVM_E_BAD_ARGUMENT;
  if (!(dy >= -HVM_MAX_SHIFT_PX && dy <= HVM_MAX_SHIFT_PX)) return HVM_E_BAD_ARGUMENT;

  // Reference pixel x samples the frame at x + dx = (x + ix) + fx with ix = floor(dx),
  // fx = dx − ix in [0, 1): taps a = x + ix (weight 1 − fx) and a + 1 (weight fx).
  const int64_t ix = floor_i64(dx), iy = floor_i64(dy);
  const double fx = dx - static_cast<double>(ix);  // exact: |dx| <= 2^30
  const double fy = dy - static_cast<double>(iy);
  const double wx0 = 1.0 - fx, wx1 = fx;
  const double wy0 = 1.0 - fy, wy1 = fy;
  // Covered x: tap a in [0, w − 1], and a + 1 <= w − 1 too when fx > 0. Same in y.
  const int64_t W = width, H = height;
  int64_t x_lo = -ix, x_hi = W - 1 - ix - (fx > 0.0 ? 1 : 0);
  int64_t y_lo = -iy, y_hi = H - 1 - iy - (fy > 0.0 ? 1 : 0);
  if (x_lo < 0) x_lo = 0;
  if (y_lo < 0) y_lo = 0;
  if (x_hi > W - 1) x_hi = W - 1;
  if (y_hi > H - 1) y_hi = H - 1;
  if (x_lo > x_hi || y_lo > y_hi) return HVM_OK;  // the shifted frame misses the reference

  const size_t w = static_cast<size_t>(width);
  for (int64_t y = y_lo; y <= y_hi; ++y) {
    const int64_t b = y + iy;                   // upper tap row, in [0, h − 1]
    const int64_t bp = b < H - 1 ? b + 1 : b;   // lower tap row (weight 0 when it would leave)
    const uint8_t* r0 = frame + static_cast<size_t>(b) * w;
    const uint8_t* r1 = frame + static_cast<size_t>(bp) * w;
    double* out = acc + static_cast<size_t>(y) * w;
    double* mo = Moments ? m_acc + static_cast<size_t>(y) * w : nullptr;
    double* sq = Moments ? acc_sq + static_cast<size_t>(y) * w : nullptr;
    uint32_t* cnt = count + static_cast<size_t>(y) * w;
    for (int64_t x = x_lo; x <= x_hi; ++x) {
      const int64_t a = x + ix;                 // in [0, w − 1]
      const int64_t ap = a < W - 1 ? a + 1 : a; // weight 0 when it would leave the frame
      const double v0 = wx0 * static_cast<double>(r0[a]) + wx1 * static_cast<double>(r0[ap]);
      const double v1 = wx0 * static_cast<double>(r1[a]) + wx1 * static_cast<double>(r1[ap]);
      const double v = wy0 * v0 + wy1 * v1;
      out[x] += v;
      if (Moments) {
        const double g = gain * v;
        mo[x] += g;
        sq[x] += g * g;
      }
      cnt[x] += 1u;  // wraps only after 2^32 frames
    }
  }
  return HVM_OK;
}

}  // namespace

extern "C" int32_t hvm_shift_accumulate(double* acc, uint32_t acc_len, uint32_t* count,
                                        uint32_t count_len, const uint8_t* frame,
                                        uint32_t frame_len, int32_t width, int32_t height,
                                        double dx, double dy) {
  return shift_accumulate_impl<false>(acc, acc_len, nullptr, 0, nullptr, 0, count, count_len, frame,
                                      frame_len, width, height, dx, dy, 1.0);
}

extern "C" int32_t hvm_shift_accumulate_moments(double* acc, uint32_t acc_len, double* m_acc,
                                                uint32_t m_acc_len, double* acc_sq,
                                                uint32_t acc_sq_len, uint32_t* count,
                                                uint32_t count_len, const uint8_t* frame,
                                                uint32_t frame_len, int32_t width,
                                                int32_t height, double dx, double dy,
                                                double gain) {
  return shift_accumulate_impl<true>(acc, acc_len, m_acc, m_acc_len, acc_sq, acc_sq_len, count, count_len, frame,
                                     frame_len, width, height, dx, dy, gain);
}
