// pooled_ncc.cpp — pooled normalised cross-correlation of space-time diagram row pairs over a
// range of shifts: the velocity estimator's inner loop (src/flow/correlate.ts).
//
// Method: cross-correlation velocimetry (Wayland & Johnson 1967; the dual-slit method's
// digital form, Japee et al. 2004), pooled over the frame pairs of a window:
//   C(s) = Σ_p Σ_i a_p[i] b_p[i+s] / sqrt(Σ_p Σ_i a_p[i]² · Σ_p Σ_i b_p[i+s]²)
// over the overlap of the two rows at shift s (i and i + s both in [0, L)). A pattern moving by
// +d samples between a and b peaks at s = +d.
//
// Order of operations (it is the TypeScript original's, so results are its bits, checked in
// test/flow/correlate.test.ts, and the same on both backends): per pair, prefix sums of
// squares in ascending i; per shift, the dot product in ascending i, then added to the shift's
// pooled sum in pair order, and the energies as differences of the prefix sums, likewise. A
// negative shift is the positive one of the swapped pair, Σ_{i ≥ −s} a_i b_{i+s} =
// Σ_{j ≥ 0} b_j a_{j−s}, in the same order. Eight shifts are summed side by side in one pass
// over the row (eight independent chains, each in ascending i): the chains hide the adder's
// latency and the compiler may put them in SIMD lanes without changing any lane's order.
#include "checks.h"
#include "detmath.h"
#include "hvm_core.h"
#include "scratch.h"

namespace {

constexpr int32_t kBlock = 8;

// dots[q] = Σ_{j=0}^{L−t−q−1} x_j · y_{j+t+q}, q = 0 … 7, each in ascending j.
void shifted_dots8(const float* x, const float* y, int32_t t, int32_t L, double* dots) {
  double d[kBlock] = {0, 0, 0, 0, 0, 0, 0, 0};
  const int32_t shared = L - t - (kBlock - 1);
  for (int32_t j = 0; j < shared; ++j) {
    const double v = static_cast<double>(x[j]);
    const float* yy = y + j + t;
    for (int32_t q = 0; q < kBlock; ++q) d[q] += v * static_cast<double>(yy[q]);
  }
  for (int32_t q = 0; q < kBlock; ++q) {
    double acc = d[q];
    for (int32_t j = shared > 0 ? shared : 0; j < L - t - q; ++j)
      acc += static_cast<double>(x[j]) * static_cast<double>(y[j + t + q]);
    dots[q] = acc;
  }
}

}  // namespace

extern "C" int32_t hvm_pooled_ncc(const float* a, uint32_t a_len, const float* b, uint32_t b_len,
                                  int32_t pairs, int32_t row_length, int32_t s_lo, int32_t s_hi,
                                  double* out, uint32_t out_len) {
  if (pairs < 0 || row_length <= 0) return HVM_E_BAD_DIMENSIONS;
  const int64_t cells = static_cast<int64_t>(pairs) * static_cast<int64_t>(row_length);
  if (cells > HVM_MAX_PIXELS) return HVM_E_TOO_LARGE;
  if (a_len != static_cast<uint64_t>(cells) || b_len != static_cast<uint64_t>(cells)) return HVM_E_BUFFER_SIZE;
  const int32_t L = row_length;
  // Shifts must leave an overlap of at least one sample: |s| <= L − 1.
  if (s_lo > s_hi || s_lo < -(L - 1) || s_hi > L - 1) return HVM_E_BAD_ARGUMENT;
  const int64_t n_s = static_cast<int64_t>(s_hi) - s_lo + 1;
  if (out_len != static_cast<uint64_t>(n_s)) return HVM_E_BUFFER_SIZE;
  if (out == nullptr || (cells > 0 && (a == nullptr || b == nullptr))) return HVM_E_NULL_POINTER;
  if (cells > 0 && (!hvm::all_finite(a, static_cast<uint32_t>(cells)) || !hvm::all_finite(b, static_cast<uint32_t>(cells))))
    return HVM_E_NON_FINITE;

  hvm::Scratch<double> num(static_cast<uint64_t>(n_s)), ea(static_cast<uint64_t>(n_s)),
      eb(static_cast<uint64_t>(n_s)), pa(static_cast<uint64_t>(L) + 1), pb(static_cast<uint64_t>(L) + 1);
  if (!num.ok() || !ea.ok() || !eb.ok() || !pa.ok() || !pb.ok()) return HVM_E_NO_MEMORY;
  for (int64_t k = 0; k < n_s; ++k) num.get()[k] = ea.get()[k] = eb.get()[k] = 0.0;
  double* PA = pa.get();
  double* PB = pb.get();
  PA[0] = PB[0] = 0.0;
  double dots[kBlock];

  for (int32_t p = 0; p < pairs; ++p) {
    const float* ap = a + static_cast<size_t>(p) * static_cast<size_t>(L);
    const float* bp = b + static_cast<size_t>(p) * static_cast<size_t>(L);
    for (int32_t i = 0; i < L; ++i) {
      const double va = static_cast<double>(ap[i]), vb = static_cast<double>(bp[i]);
      PA[i + 1] = PA[i] + va * va;
      PB[i + 1] = PB[i] + vb * vb;
    }
    auto add = [&](int32_t s, double dot) {
      const int64_t k = static_cast<int64_t>(s) - s_lo;
      const int32_t i0 = s < 0 ? -s : 0;
      const int32_t i1 = s > 0 ? L - s : L;
      num.get()[k] += dot;
      ea.get()[k] += PA[i1] - PA[i0];
      eb.get()[k] += PB[i1 + s] - PB[i0 + s];
    };
    // s >= 0 on (a, b), then s < 0 as t = −s on (b, a).
    for (int32_t side = 0; side < 2; ++side) {
      const float* x = side == 0 ? ap : bp;
      const float* y = side == 0 ? bp : ap;
      const int32_t t_from = side == 0 ? (s_lo > 0 ? s_lo : 0) : (-s_hi > 1 ? -s_hi : 1);
      const int32_t t_to = side == 0 ? s_hi : -s_lo;
      const int32_t sign = side == 0 ? 1 : -1;
      int32_t t = t_from;
      for (; t + kBlock - 1 <= t_to; t += kBlock) {
        shifted_dots8(x, y, t, L, dots);
        for (int32_t q = 0; q < kBlock; ++q) add(sign * (t + q), dots[q]);
      }
      for (; t <= t_to; ++t) {
        double acc = 0.0;
        for (int32_t j = 0; j < L - t; ++j) acc += static_cast<double>(x[j]) * static_cast<double>(y[j + t]);
        add(sign * t, acc);
      }
    }
  }
  for (int64_t k = 0; k < n_s; ++k) {
    const double A = ea.get()[k], B = eb.get()[k];
    out[k] = A > 0.0 && B > 0.0 ? num.get()[k] / hvm::detmath::sqrt(A * B) : 0.0;
  }
  return HVM_OK;
}
