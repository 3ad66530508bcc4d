// fft.h — iterative radix-2 complex FFT on split (re/im) arrays.
//
// Method: Cooley & Tukey, "An algorithm for the machine calculation of complex Fourier
// series", Math. Comp. 19 (1965): decimation in time, bit-reversal permutation followed by
// log2(n) butterfly stages; iterative (the core forbids recursion) with twiddles from
// detmath::cos/sin so every target gets the same bits. Transforms are unnormalised: the
// inverse applies no 1/n (callers scale once).
//
// Two layouts: fft_rows() transforms `count` contiguous rows of length n; fft_columns()
// transforms the n-long columns of an n x width grid by doing each butterfly on whole rows,
// so its inner loop runs over contiguous x (vectorisable) instead of striding.
#ifndef HVM_FFT_H
#define HVM_FFT_H

#include <stdint.h>

namespace hvm {

struct FftPlan;
void fft_plan_free(FftPlan* plan);

// Owns its tables; freed on scope exit (fft_plan_free is idempotent).
struct FftPlan {
  FftPlan() = default;
  FftPlan(const FftPlan&) = delete;
  FftPlan& operator=(const FftPlan&) = delete;
  ~FftPlan() { fft_plan_free(this); }

  int32_t n = 0;
  // Per-stage twiddles, concatenated: stage with half-length m holds cos/sin(-2πj/(2m)),
  // j < m, at offset m-1. Contiguous per stage so the butterfly loop reads them in order.
  double* cos_t = nullptr;
  double* sin_t = nullptr;
  int32_t* bitrev = nullptr;
};

// n must be a power of two >= 1. Returns false on allocation failure.
bool fft_plan_init(FftPlan* plan, int32_t n);

// Forward (e^{-2πi jk/n}) when inverse is false, else e^{+2πi jk/n}; unnormalised.
void fft_rows(const FftPlan& plan, double* re, double* im, int32_t count, bool inverse);
void fft_columns(const FftPlan& plan, double* re, double* im, int32_t width, bool inverse);

}  // namespace hvm

#endif  // HVM_FFT_H
