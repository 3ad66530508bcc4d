// fft.h — mixed-radix (2, 3, 4, 5) complex FFT on split (re/im) arrays.
//
// Method: Cooley & Tukey, "An algorithm for the machine calculation of complex Fourier
// series", Math. Comp. 19 (1965), for any n = 2^a·3^b·5^c, in the self-sorting form of
// Stockham (Cochran et al., "What is the fast Fourier transform?", Proc. IEEE 55(10), 1967;
// Van Loan, "Computational Frameworks for the FFT", SIAM 1992, §1.7): decimation in
// frequency, one pass per radix, ping-ponging between the data and a work buffer, so no
// bit-reversal permutation is needed. Iterative (the core forbids recursion), with twiddles
// from detmath::cos/sin so every target gets the same bits. Transforms are unnormalised:
// the inverse applies no 1/n (callers scale once).
//
// Why mixed radix: phase correlation zero-padded a 360×288 registration image to 512×512
// for a radix-2 transform, 2.5× the cells; fft_good_size() pads to the next 2^a·3^b·5^c,
// which for these sizes is no padding at all.
//
// Two layouts: fft_rows() transforms `count` contiguous rows of length n; fft_columns()
// transforms the n-long columns of an n x width grid a strip of columns at a time, each
// butterfly on whole strip rows, so its inner loop runs over contiguous x instead of striding.
#ifndef HVM_FFT_H
#define HVM_FFT_H

#include <stddef.h>
#include <stdint.h>

namespace hvm {

struct FftPlan;
void fft_plan_free(FftPlan* plan);

constexpr int32_t kFftMaxFactors = 32;

// Owns its tables and work buffers; freed on scope exit (fft_plan_free is idempotent).
struct FftPlan {
  FftPlan() = default;
  FftPlan(const FftPlan&) = delete;
  FftPlan& operator=(const FftPlan&) = delete;
  ~FftPlan() { fft_plan_free(this); }

  int32_t n = 0;
  // The radices, in the order the passes apply them (4s first, then 2, 3, 5).
  int32_t factors[kFftMaxFactors] = {};
  int32_t nfactors = 0;
  // cos/sin(-2πj/n), j < n.
  double* cos_t = nullptr;
  double* sin_t = nullptr;
  // Per pass, its twiddles ω_len^{k·u} (u = 1 … p−1, k < len/p), concatenated.
  double* tw_cos = nullptr;
  double* tw_sin = nullptr;
  // Work buffers, and the column strip being transformed (fft.cpp kColumnStrip columns).
  double* work_re = nullptr;
  double* work_im = nullptr;
  double* strip_re = nullptr;
  double* strip_im = nullptr;
};

// Smallest 2^a·3^b·5^c >= n (n >= 1), or -1 above 2^30.
int32_t fft_good_size(int32_t n);

// n must be 2^a·3^b·5^c >= 1. Returns false on allocation failure or a bad n.
bool fft_plan_init(FftPlan* plan, int32_t n);

// Forward (e^{-2πi jk/n}) when inverse is false, else e^{+2πi jk/n}; unnormalised.
void fft_rows(const FftPlan& plan, double* re, double* im, int32_t count, bool inverse);
void fft_columns(const FftPlan& plan, double* re, double* im, int32_t width, bool inverse);

}  // namespace hvm

#endif  // HVM_FFT_H
