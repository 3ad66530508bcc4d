// fft.cpp — see fft.h (Cooley & Tukey 1965, iterative radix-2, decimation in time).
#include "fft.h"

#include <stdlib.h>

#include "detmath.h"

namespace hvm {

bool fft_plan_init(FftPlan* plan, int32_t n) {
  plan->n = n;
  const size_t tw = n > 1 ? static_cast<size_t>(n - 1) : 1;
  plan->cos_t = static_cast<double*>(malloc(tw * sizeof(double)));
  plan->sin_t = static_cast<double*>(malloc(tw * sizeof(double)));
  plan->bitrev = static_cast<int32_t*>(malloc(static_cast<size_t>(n) * sizeof(int32_t)));
  if (plan->cos_t == nullptr || plan->sin_t == nullptr || plan->bitrev == nullptr) {
    fft_plan_free(plan);
    return false;
  }
  int32_t bits = 0;
  while ((1 << bits) < n) ++bits;
  for (int32_t i = 0; i < n; ++i) {
    int32_t r = 0;
    for (int32_t b = 0; b < bits; ++b) r |= ((i >> b) & 1) << (bits - 1 - b);
    plan->bitrev[i] = r;
  }
  // Stage with half-length m (m = 1, 2, 4, ..., n/2): angle -2π j / (2m) = -π j / m.
  const double kPi = 3.141592653589793;
  for (int32_t m = 1; m < n; m <<= 1) {
    for (int32_t j = 0; j < m; ++j) {
      const double a = -kPi * (static_cast<double>(j) / static_cast<double>(m));
      plan->cos_t[m - 1 + j] = detmath::cos(a);
      plan->sin_t[m - 1 + j] = detmath::sin(a);
    }
  }
  return true;
}

void fft_plan_free(FftPlan* plan) {
  free(plan->cos_t);
  free(plan->sin_t);
  free(plan->bitrev);
  plan->cos_t = plan->sin_t = nullptr;
  plan->bitrev = nullptr;
}

void fft_rows(const FftPlan& plan, double* re, double* im, int32_t count, bool inverse) {
  const int32_t n = plan.n;
  const double sgn = inverse ? -1.0 : 1.0;  // conjugate twiddles for the inverse
  for (int32_t row = 0; row < count; ++row) {
    double* xr = re + static_cast<size_t>(row) * static_cast<size_t>(n);
    double* xi = im + static_cast<size_t>(row) * static_cast<size_t>(n);
    for (int32_t i = 0; i < n; ++i) {
      const int32_t j = plan.bitrev[i];
      if (j > i) {
        const double tr = xr[i], ti = xi[i];
        xr[i] = xr[j]; xi[i] = xi[j];
        xr[j] = tr; xi[j] = ti;
      }
    }
    for (int32_t m = 1; m < n; m <<= 1) {
      const double* wc = plan.cos_t + (m - 1);
      const double* ws = plan.sin_t + (m - 1);
      for (int32_t start = 0; start < n; start += 2 * m) {
        double* __restrict ar = xr + start; double* __restrict ai = xi + start;
        double* __restrict br = ar + m;     double* __restrict bi = ai + m;
        for (int32_t j = 0; j < m; ++j) {
          const double c = wc[j], s = sgn * ws[j];
          const double tr = br[j] * c - bi[j] * s;
          const double ti = br[j] * s + bi[j] * c;
          br[j] = ar[j] - tr; bi[j] = ai[j] - ti;
          ar[j] = ar[j] + tr; ai[j] = ai[j] + ti;
        }
      }
    }
  }
}

void fft_columns(const FftPlan& plan, double* re, double* im, int32_t width, bool inverse) {
  const int32_t n = plan.n;
  const size_t w = static_cast<size_t>(width);
  const double sgn = inverse ? -1.0 : 1.0;
  for (int32_t i = 0; i < n; ++i) {  // bit-reversal: swap whole rows
    const int32_t j = plan.bitrev[i];
    if (j > i) {
      double* r0 = re + static_cast<size_t>(i) * w; double* r1 = re + static_cast<size_t>(j) * w;
      double* i0 = im + static_cast<size_t>(i) * w; double* i1 = im + static_cast<size_t>(j) * w;
      for (size_t x = 0; x < w; ++x) {
        const double tr = r0[x], ti = i0[x];
        r0[x] = r1[x]; i0[x] = i1[x];
        r1[x] = tr; i1[x] = ti;
      }
    }
  }
  for (int32_t m = 1; m < n; m <<= 1) {
    for (int32_t start = 0; start < n; start += 2 * m) {
      for (int32_t j = 0; j < m; ++j) {
        const double c = plan.cos_t[m - 1 + j], s = sgn * plan.sin_t[m - 1 + j];
        double* __restrict ar = re + static_cast<size_t>(start + j) * w;
        double* __restrict ai = im + static_cast<size_t>(start + j) * w;
        double* __restrict br = re + static_cast<size_t>(start + j + m) * w;
        double* __restrict bi = im + static_cast<size_t>(start + j + m) * w;
        for (size_t x = 0; x < w; ++x) {
          const double tr = br[x] * c - bi[x] * s;
          const double ti = br[x] * s + bi[x] * c;
          br[x] = ar[x] - tr; bi[x] = ai[x] - ti;
          ar[x] = ar[x] + tr; ai[x] = ai[x] + ti;
        }
      }
    }
  }
}

}  // namespace hvm
