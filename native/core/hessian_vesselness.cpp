// hessian_vesselness.cpp — multi-scale Hessian vesselness (Frangi et al. 1998).
//
// Method:
//   Frangi AF, Niessen WJ, Vincken KL, Viergever MA. Multiscale vessel enhancement
//   filtering. MICCAI 1998, LNCS 1496:130–137.
// At each scale σ the Hessian of the image is taken with sampled Gaussian derivative
// kernels (separable: Lxx = g''(x) g(y), Lyy = g(x) g''(y), Lxy = g'(x) g'(y)) and
// γ-normalised with σ^γ, γ = 2 (Lindeberg T. Edge detection and ridge detection with
// automatic scale selection. IJCV 1998;30:117–156; Frangi's choice), so responses of
// different scales are comparable: a bar of width d answers most strongly at σ ≈ d/2.
// Its eigenvalues, ordered |λ1| ≤ |λ2|, come from the closed form of a symmetric 2×2
// matrix (sqrt only):  λ = (Lxx+Lyy)/2 ± sqrt(((Lxx−Lyy)/2)² + Lxy²).
// A line-like structure has |λ1| ≈ 0 and |λ2| large; a DARK vessel on a bright background
// is a valley, curved upwards across it: λ2 > 0 (a bright vessel needs λ2 < 0). Frangi's
// 2-D measure is
//   V = 0                                         if λ2 has the wrong sign (or is 0),
//   V = exp(−Rb²/(2β²)) · (1 − exp(−S²/(2c²)))    otherwise,
// with the blobness Rb = λ1/λ2 and the structureness S = sqrt(λ1² + λ2²). The output is
// the maximum of V over the scales (V in [0, 1]); scale_index holds the index of the first
// scale reaching that maximum, 255 where no scale responded (V = 0).
//
// c: Frangi proposes half the maximum Hessian norm. With c_relative = 1 the caller's c is a
// FRACTION of the largest S found over all scales and all pixels whose λ2 has the vessel's
// sign (bright blobs, which cannot be vessels of the requested polarity, do not set it), so
// the choice is deterministic (a max is order-free) and the output does not depend on the
// image's contrast units. With c_relative = 0, c is absolute, in the units of σ²·∂²I.
//
// Kernels: radius r = ceil(4σ) (the second-derivative kernel still has 9 % of its peak at
// 3σ). The taps are computed in double with detmath::exp and normalised so that the
// discrete kernels have exact moments: Σ g = 1; Σ g'(k)·k = −1 (so a ramp has slope 1);
// Σ g'' = 0 and Σ g''(k)·k²/2 = 1 (so a parabola x²/2 has second derivative 1). Edges are
// clamped (replicated), as in gaussian_blur.cpp.
//
// Determinism: the convolutions accumulate in float, one tap at a time for a whole row, in
// a fixed tap order (same pattern as gaussian_blur.cpp); the eigen-analysis and the
// measure are computed per pixel in double from the float Hessian, with detmath::exp.
#include <string.h>

#include "checks.h"
#include "detmath.h"
#include "hvm_core.h"
#include "scratch.h"
#include "separable.h"

namespace {

using hvm::sep::clamp_index;
using hvm::sep::conv_anti;
using hvm::sep::conv_sym;
using hvm::sep::vconv_anti;
using hvm::sep::vconv_sym;


// Half kernels for k = 0..r: g (smoothing), d1 (first derivative, stored as −g'(k) so it is
// positive for k > 0; d1[0] = 0) and d2 (second derivative).
void make_kernels(double sigma, int32_t r, float* g, float* d1, float* d2, double* scratch) {
  double* gd = scratch;             // r + 1
  double* d1d = scratch + (r + 1);  // r + 1
  double* d2d = scratch + 2 * (r + 1);
  const double s2 = sigma * sigma;
  for (int32_t k = 0; k <= r; ++k) {
    const double kk = static_cast<double>(k);
    gd[k] = hvm::detmath::exp(-(kk * kk) / (2.0 * s2));
  }
  // Σ g over −r..r = g0 + 2 Σ_{k≥1} g_k, small terms first.
  double tail = 0.0;
  for (int32_t k = r; k >= 1; --k) tail += gd[k];
  const double gsum = gd[0] + 2.0 * tail;
  for (int32_t k = 0; k <= r; ++k) gd[k] /= gsum;

  // First derivative: −g'(k) ∝ k·g(k); scale so Σ_{k≥1} d1[k]·2k = 1.
  double m1 = 0.0;
  d1d[0] = 0.0;
  for (int32_t k = 1; k <= r; ++k) d1d[k] = static_cast<double>(k) * gd[k];
  for (int32_t k = r; k >= 1; --k) m1 += d1d[k] * 2.0 * static_cast<double>(k);
  for (int32_t k = 1; k <= r; ++k) d1d[k] /= m1;

  // Second derivative: g''(k) ∝ (k²/σ² − 1)·g(k); remove the DC part (Σ = 0) with a
  // multiple of g, then scale so Σ_k d2[k]·k² = 2.
  for (int32_t k = 0; k <= r; ++k) {
    const double kk = static_cast<double>(k);
    d2d[k] = (kk * kk / s2 - 1.0) * gd[k];
  }
  double z = 0.0;
  for (int32_t k = r; k >= 1; --k) z += d2d[k];
  z = d2d[0] + 2.0 * z;  // Σ over −r..r; Σ g = 1 after normalisation
  for (int32_t k = 0; k <= r; ++k) d2d[k] -= z * gd[k];
  double m2 = 0.0;
  for (int32_t k = r; k >= 1; --k) m2 += d2d[k] * 2.0 * static_cast<double>(k) * static_cast<double>(k);
  for (int32_t k = 0; k <= r; ++k) d2d[k] /= (m2 / 2.0);

  for (int32_t k = 0; k <= r; ++k) {
    g[k] = static_cast<float>(gd[k]);
    d1[k] = static_cast<float>(d1d[k]);
    d2[k] = static_cast<float>(d2d[k]);
  }
}

// r = ceil(4σ) without <cmath>; σ <= HVM_MAX_SIGMA so the cast is in range.
int32_t kernel_radius(double sigma) {
  const double r4 = 4.0 * sigma;
  int32_t r = static_cast<int32_t>(r4);
  if (static_cast<double>(r) < r4) ++r;
  return r < 1 ? 1 : r;
}

// Eigenvalues (|l1| <= |l2|) of the γ-normalised Hessian of one scale, written as floats.
// All buffers are preallocated by the caller.
struct Work {
  float* h0;   // n: horizontal smoothing
  float* h1;   // n: horizontal first derivative
  float* h2;   // n: horizontal second derivative
  float* pad;  // w + 2r_max
  const float** tap;  // 2r_max + 1
  float* rxx;  // w
  float* ryy;  // w
  float* rxy;  // w
  float* kg;   // r_max + 1 (three kernels)
  float* k1;
  float* k2;
  double* kscratch;  // 3 (r_max + 1)
};

void hessian_eigen(const float* src, int32_t w, int32_t h, double sigma, const Work& wk,
                   float* lam1, float* lam2) {
  const int32_t r = kernel_radius(sigma);
  make_kernels(sigma, r, wk.kg, wk.k1, wk.k2, wk.kscratch);
  const size_t W = static_cast<size_t>(w);

  // Pass 1, horizontal: smoothing, first and second derivative of every row.
  float* pad = wk.pad;
  for (int32_t y = 0; y < h; ++y) {
    const float* s = src + static_cast<size_t>(y) * W;
    for (int32_t i = 0; i < r; ++i) {
      pad[i] = s[clamp_index(static_cast<int64_t>(i) - r, w)];
      pad[r + w + i] = s[clamp_index(static_cast<int64_t>(w) + i, w)];
    }
    memcpy(pad + r, s, W * sizeof(float));
    const size_t o = static_cast<size_t>(y) * W;
    conv_sym(pad + r, w, wk.kg, r, wk.h0 + o);
    conv_anti(pad + r, w, wk.k1, r, wk.h1 + o);
    conv_sym(pad + r, w, wk.k2, r, wk.h2 + o);
  }

  // Pass 2, vertical, then the eigenvalues of each row.
  const double s2 = sigma * sigma;  // γ = 2 normalisation
  for (int32_t y = 0; y < h; ++y) {
    for (int32_t k = -r; k <= r; ++k)
      wk.tap[k + r] = wk.h2 + static_cast<size_t>(clamp_index(static_cast<int64_t>(y) + k, h)) * W;
    vconv_sym(wk.tap, w, wk.kg, r, wk.rxx);  // Lxx = g''(x) g(y)
    for (int32_t k = -r; k <= r; ++k)
      wk.tap[k + r] = wk.h0 + static_cast<size_t>(clamp_index(static_cast<int64_t>(y) + k, h)) * W;
    vconv_sym(wk.tap, w, wk.k2, r, wk.ryy);  // Lyy = g(x) g''(y)
    for (int32_t k = -r; k <= r; ++k)
      wk.tap[k + r] = wk.h1 + static_cast<size_t>(clamp_index(static_cast<int64_t>(y) + k, h)) * W;
    vconv_anti(wk.tap, w, wk.k1, r, wk.rxy);  // Lxy = g'(x) g'(y)

    float* l1 = lam1 + static_cast<size_t>(y) * W;
    float* l2 = lam2 + static_cast<size_t>(y) * W;
    for (int32_t x = 0; x < w; ++x) {
      const double a = s2 * static_cast<double>(wk.rxx[x]);
      const double b = s2 * static_cast<double>(wk.rxy[x]);
      const double c = s2 * static_cast<double>(wk.ryy[x]);
      const double half_tr = 0.5 * (a + c);
      const double half_diff = 0.5 * (a - c);
      const double d = hvm::detmath::sqrt(half_diff * half_diff + b * b);
      const double mu1 = half_tr + d;  // mu1 >= mu2
      const double mu2 = half_tr - d;
      // |mu1| >= |mu2| exactly when half_tr >= 0.
      if (half_tr >= 0.0) {
        l2[x] = static_cast<float>(mu1);
        l1[x] = static_cast<float>(mu2);
      } else {
        l2[x] = static_cast<float>(mu2);
        l1[x] = static_cast<float>(mu1);
      }
    }
  }
}

}  // namespace

extern "C" int32_t hvm_hessian_vesselness(const float* src, uint32_t src_len, int32_t width,
                                          int32_t height, const float* sigmas,
                                          uint32_t n_sigmas, int32_t dark_vessels, double beta,
                                          double c, int32_t c_relative, float* vesselness,
                                          uint32_t vesselness_len, uint8_t* scale_index,
                                          uint32_t scale_index_len) {
  uint32_t n = 0;
  int32_t st = hvm::check_dims(width, height, &n);
  if (st != HVM_OK) return st;
  if ((st = hvm::check_len(src_len, n)) != HVM_OK) return st;  // lengths first: see checks.h
  if ((st = hvm::check_len(vesselness_len, n)) != HVM_OK) return st;
  if ((st = hvm::check_len(scale_index_len, n)) != HVM_OK) return st;
  if (n_sigmas < 1 || n_sigmas > HVM_MAX_SCALES) return HVM_E_BAD_ARGUMENT;
  if (src == nullptr || sigmas == nullptr || vesselness == nullptr || scale_index == nullptr)
    return HVM_E_NULL_POINTER;
  for (uint32_t s = 0; s < n_sigmas; ++s) {
    const double sg = static_cast<double>(sigmas[s]);
    if (!(sg > 0.0 && sg <= HVM_MAX_SIGMA)) return HVM_E_BAD_ARGUMENT;  // NaN fails too
  }
  if (!(beta > 0.0 && hvm::detmath::is_finite(beta))) return HVM_E_BAD_ARGUMENT;
  if (!(c > 0.0 && hvm::detmath::is_finite(c))) return HVM_E_BAD_ARGUMENT;
  if (dark_vessels != 0 && dark_vessels != 1) return HVM_E_BAD_ARGUMENT;
  if (c_relative != 0 && c_relative != 1) return HVM_E_BAD_ARGUMENT;
  if (!hvm::all_finite(src, n)) return HVM_E_NON_FINITE;

  int32_t r_max = 1;
  for (uint32_t s = 0; s < n_sigmas; ++s) {
    const int32_t r = kernel_radius(static_cast<double>(sigmas[s]));
    if (r > r_max) r_max = r;
  }
  const uint64_t W = static_cast<uint64_t>(width);
  const uint64_t R = static_cast<uint64_t>(r_max);
  // With a relative c every scale's eigenvalues are kept until the maximum is known.
  const uint64_t kept = c_relative ? static_cast<uint64_t>(n_sigmas) : 1;
  hvm::Scratch<float> planes(3 * static_cast<uint64_t>(n));
  hvm::Scratch<float> lam(2 * kept * static_cast<uint64_t>(n));
  hvm::Scratch<float> pad(W + 2 * R);
  hvm::Scratch<const float*> tap(2 * R + 1);
  hvm::Scratch<float> rows(3 * W);
  hvm::Scratch<float> kern(3 * (R + 1));
  hvm::Scratch<double> kscratch(3 * (R + 1));
  hvm::Scratch<float> best(n);
  if (!planes.ok() || !lam.ok() || !pad.ok() || !tap.ok() || !rows.ok() || !kern.ok() ||
      !kscratch.ok() || !best.ok())
    return HVM_E_NO_MEMORY;

  Work wk;
  wk.h0 = planes.get();
  wk.h1 = planes.get() + n;
  wk.h2 = planes.get() + 2 * static_cast<size_t>(n);
  wk.pad = pad.get();
  wk.tap = tap.get();
  wk.rxx = rows.get();
  wk.ryy = rows.get() + W;
  wk.rxy = rows.get() + 2 * W;
  wk.kg = kern.get();
  wk.k1 = kern.get() + (R + 1);
  wk.k2 = kern.get() + 2 * (R + 1);
  wk.kscratch = kscratch.get();

  const double sign = dark_vessels ? 1.0 : -1.0;  // λ2·sign > 0 for a vessel
  const double inv_2b2 = 1.0 / (2.0 * beta * beta);
  float* vb = best.get();
  for (uint32_t i = 0; i < n; ++i) {
    vb[i] = 0.0f;
    scale_index[i] = 255;
  }

  // The measure of one scale folded into the running maximum.
  auto fold = [&](const float* l1, const float* l2, double inv_2c2, uint32_t s) {
    for (uint32_t i = 0; i < n; ++i) {
      const double b2 = static_cast<double>(l2[i]);
      if (!(sign * b2 > 0.0)) continue;
      const double b1 = static_cast<double>(l1[i]);
      const double rb2 = (b1 * b1) / (b2 * b2);
      const double ss = b1 * b1 + b2 * b2;
      const double v = hvm::detmath::exp(-rb2 * inv_2b2) * (1.0 - hvm::detmath::exp(-ss * inv_2c2));
      const float vf = static_cast<float>(v);
      if (vf > vb[i]) {
        vb[i] = vf;
        scale_index[i] = static_cast<uint8_t>(s);
      }
    }
  };

  if (!c_relative) {
    const double inv_2c2 = 1.0 / (2.0 * c * c);
    float* l1 = lam.get();
    float* l2 = lam.get() + n;
    for (uint32_t s = 0; s < n_sigmas; ++s) {
      hessian_eigen(src, width, height, static_cast<double>(sigmas[s]), wk, l1, l2);
      fold(l1, l2, inv_2c2, s);
    }
  } else {
    double max_ss = 0.0;
    for (uint32_t s = 0; s < n_sigmas; ++s) {
      float* l1 = lam.get() + 2 * static_cast<size_t>(s) * n;
      float* l2 = l1 + n;
      hessian_eigen(src, width, height, static_cast<double>(sigmas[s]), wk, l1, l2);
      for (uint32_t i = 0; i < n; ++i) {
        const double b2 = static_cast<double>(l2[i]);
        if (!(sign * b2 > 0.0)) continue;
        const double b1 = static_cast<double>(l1[i]);
        const double ss = b1 * b1 + b2 * b2;
        if (ss > max_ss) max_ss = ss;
      }
    }
    if (max_ss > 0.0) {
      // c_eff = c · max S, so S²/(2 c_eff²) = S² / (2 c² max S²).
      const double inv_2c2 = 1.0 / (2.0 * c * c * max_ss);
      for (uint32_t s = 0; s < n_sigmas; ++s) {
        const float* l1 = lam.get() + 2 * static_cast<size_t>(s) * n;
        fold(l1, l1 + n, inv_2c2, s);
      }
    }
  }
  memcpy(vesselness, vb, static_cast<size_t>(n) * sizeof(float));
  return HVM_OK;
}
