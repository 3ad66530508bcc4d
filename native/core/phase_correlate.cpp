// phase_correlate.cpp — translation between two images by phase correlation.
//
// Method: Kuglin & Hines, "The phase correlation image alignment method", Proc. IEEE Conf.
// Cybernetics and Society (1975): the normalised cross-power spectrum
// R = M·conj(F) / |M·conj(F)| of two shifted images is a pure phase ramp whose inverse
// transform is a delta at the shift. Sub-pixel refinement after Foroosh, Zerubia &
// Berthod, "Extension of phase correlation to subpixel registration", IEEE Trans. Image
// Process. 11(3), 2002: near the peak the correlation is a sampled sinc, and for a peak
// value C0 with neighbour C1 the fractional offset is C1 / (C1 + C0), per axis (here
// averaged over both neighbours, see subpixel()).
//
// Steps: subtract each image's window-weighted mean (so the window's own spectrum does not
// pull the peak to zero shift), apply a separable Hann window (Harris, Proc. IEEE 66(1),
// 1978; the half-sample-offset form 0.5 − 0.5 cos(2π(i+½)/N), never zero), zero-pad to
// the next 2^a·3^b·5^c (fft_good_size: a 360×288 image is not padded at all), transform
// both real images with ONE complex FFT (reference in the real part, moving in the
// imaginary part, separated by Hermitian symmetry), form R in place,
// inverse FFT, take the largest real sample (first in scan order on ties), refine, and wrap
// shifts into (−N/2, N/2]. `peak` is that sample divided by the largest value it could
// take (Σ|R̂|/N, reached when the images match exactly), so it reads 0..1 as a confidence;
// a flat image (no texture) gives dx = dy = peak = 0. Everything is double precision; no step depends on thread count
// or iteration over unordered data.
#include "checks.h"
#include "detmath.h"
#include "fft.h"
#include "hvm_core.h"
#include "scratch.h"

namespace {

void hann(int32_t n, double* w) {
  const double kTwoPi = 6.283185307179586;
  for (int32_t i = 0; i < n; ++i) {
    const double a = kTwoPi * ((static_cast<double>(i) + 0.5) / static_cast<double>(n));
    w[i] = 0.5 - 0.5 * hvm::detmath::cos(a);
  }
}

// Window-weighted mean Σ wx wy v / Σ wx wy, summed row by row in scan order.
double weighted_mean(const float* img, int32_t w, int32_t h, const double* wx, const double* wy) {
  double num = 0.0, den = 0.0;
  for (int32_t y = 0; y < h; ++y) {
    const float* row = img + static_cast<size_t>(y) * static_cast<size_t>(w);
    double rn = 0.0, rd = 0.0;
    for (int32_t x = 0; x < w; ++x) {
      rn += wx[x] * static_cast<double>(row[x]);
      rd += wx[x];
    }
    num += wy[y] * rn;
    den += wy[y] * rd;
  }
  return num / den;  // den > 0: the Hann form used is strictly positive
}

// Sub-pixel offset along one axis from the peak c0 and its two (wrapped) neighbours.
// Foroosh et al. 2002 model the peak as a sampled sinc, for which each neighbour alone
// gives the offset d exactly: right/(right + c0) = d and left/(left + c0) = -d. We
// average the two one-sided estimates: still exact for a pure sinc, and a symmetric
// broadening of the peak (windowing, blur: left = right) cancels instead of biasing an
// integer shift by a few hundredths of a pixel. 0 when the axis is too short to have two
// distinct neighbours or a denominator is not positive.
double subpixel(double c0, double left, double right, int32_t n) {
  if (n < 3 || !(c0 > 0.0)) return 0.0;
  const double dr = right + c0, dl = left + c0;
  if (!(dr > 0.0) || !(dl > 0.0)) return 0.0;
  double d = 0.5 * (right / dr - left / dl);
  if (d > 1.0) d = 1.0;
  if (d < -1.0) d = -1.0;
  return d;
}

}  // namespace

extern "C" int32_t hvm_phase_correlate(const float* reference, uint32_t reference_len,
                                       const float* moving, uint32_t moving_len, int32_t width,
                                       int32_t height, hvm_phase_result_t* out) {
  uint32_t n = 0;
  int32_t st = hvm::check_dims(width, height, &n);
  if (st != HVM_OK) return st;
  if ((st = hvm::check_len(reference_len, n)) != HVM_OK) return st;  // lengths first: see checks.h
  if ((st = hvm::check_len(moving_len, n)) != HVM_OK) return st;
  if (reference == nullptr || moving == nullptr || out == nullptr) return HVM_E_NULL_POINTER;
  if (width > (1 << 26) || height > (1 << 26)) return HVM_E_TOO_LARGE;
  const int32_t W = hvm::fft_good_size(width), H = hvm::fft_good_size(height);  // <= 2^27 here
  if (static_cast<uint64_t>(W) * static_cast<uint64_t>(H) > HVM_MAX_FFT_CELLS) return HVM_E_TOO_LARGE;
  const size_t cells = static_cast<size_t>(W) * static_cast<size_t>(H);  // <= 2^26
  if (!hvm::all_finite(reference, n) || !hvm::all_finite(moving, n)) return HVM_E_NON_FINITE;

  hvm::Scratch<double> wx(width), wy(height), zr(cells), zi(cells);
  if (!wx.ok() || !wy.ok() || !zr.ok() || !zi.ok()) return HVM_E_NO_MEMORY;
  hvm::FftPlan px, py;
  if (!hvm::fft_plan_init(&px, W) || !hvm::fft_plan_init(&py, H)) return HVM_E_NO_MEMORY;

  hann(width, wx.get());
  hann(height, wy.get());
  const double mr = weighted_mean(reference, width, height, wx.get(), wy.get());
  const double mm = weighted_mean(moving, width, height, wx.get(), wy.get());

  // z = window·(ref − mean) + i·window·(moving − mean), zero-padded to W x H. Also
  // tracks the largest deviation from the mean: a flat image carries no shift information.
  double* re = zr.get();
  double* im = zi.get();
  double dev_r = 0.0, dev_m = 0.0;
  for (int32_t y = 0; y < H; ++y) {
    double* rr = re + static_cast<size_t>(y) * static_cast<size_t>(W);
    double* ri = im + static_cast<size_t>(y) * static_cast<size_t>(W);
    int32_t x = 0;
    if (y < height) {
      const size_t off = static_cast<size_t>(y) * static_cast<size_t>(width);
      const double wyv = wy.get()[y];
      for (; x < width; ++x) {
        const double wv = wx.get()[x] * wyv;
        const double a = static_cast<double>(reference[off + x]) - mr;
        const double b = static_cast<double>(moving[off + x]) - mm;
        rr[x] = wv * a;
        ri[x] = wv * b;
        const double aa = hvm::detmath::fabs(a), ab = hvm::detmath::fabs(b);
        if (aa > dev_r) dev_r = aa;
        if (ab > dev_m) dev_m = ab;
      }
    }
    for (; x < W; ++x) rr[x] = ri[x] = 0.0;
  }
  // Flat: every sample within round-off of the mean (float32 data varies by >= 2^-24 of
  // its magnitude, the mean's own rounding is ~2^-53). Report "no match" rather than the
  // position of a peak made of rounding noise.
  if (!(dev_r > 1e-12 * hvm::detmath::fabs(mr)) || !(dev_m > 1e-12 * hvm::detmath::fabs(mm))) {
    out->dx = 0.0;
    out->dy = 0.0;
    out->peak = 0.0;
    return HVM_OK;
  }

  hvm::fft_rows(px, re, im, height, false);  // rows >= height are zero and stay zero
  hvm::fft_columns(py, re, im, W, false);

  // Cross-power spectrum in place, one Hermitian pair (k, −k) at a time. With Z = F + iM
  // (F, M the spectra of the real windowed images): F[k] = (Z[k] + conj Z[−k]) / 2 and
  // M[k] = (Z[k] − conj Z[−k]) / 2i. R[k] = M[k] conj F[k], and R[−k] = conj R[k].
  // First pass stores R unnormalised and finds max |R|, which scales the epsilon.
  double max_mag = 0.0;
  for (int32_t v = 0; v < H; ++v) {
    const int32_t vm = v == 0 ? 0 : H - v;
    for (int32_t u = 0; u < W; ++u) {
      const int32_t um = u == 0 ? 0 : W - u;
      const size_t k = static_cast<size_t>(v) * static_cast<size_t>(W) + static_cast<size_t>(u);
      const size_t m = static_cast<size_t>(vm) * static_cast<size_t>(W) + static_cast<size_t>(um);
      if (m < k) continue;  // pair already done
      const double ar = re[k], ai = im[k], br = re[m], bi = im[m];
      const double fr = 0.5 * (ar + br), fi = 0.5 * (ai - bi);  // F[k]
      const double gr = 0.5 * (ai + bi), gi = -0.5 * (ar - br); // M[k]
      const double cr = gr * fr + gi * fi;                      // M conj F
      const double ci = gi * fr - gr * fi;
      re[k] = cr; im[k] = ci;
      re[m] = cr; im[m] = -ci;
      const double mag = hvm::detmath::sqrt(cr * cr + ci * ci);
      if (mag > max_mag) max_mag = mag;
    }
  }
  // Small epsilon relative to the strongest bin: bins of pure round-off noise are damped
  // instead of being amplified to unit magnitude; 0/0 cannot occur.
  // Σ|R̂| is kept: the correlation at the true shift can reach at most Σ|R̂| / cells, so
  // dividing by it makes `peak` 1 for a perfect match whatever the image's bandwidth.
  const double eps = max_mag * 1e-10 + 1e-300;
  double mass = 0.0;
  for (size_t k = 0; k < cells; ++k) {
    const double cr = re[k], ci = im[k];
    const double mag = hvm::detmath::sqrt(cr * cr + ci * ci);
    const double inv = 1.0 / (mag + eps);
    re[k] = cr * inv;
    im[k] = ci * inv;
    mass += mag * inv;
  }

  hvm::fft_columns(py, re, im, W, true);
  hvm::fft_rows(px, re, im, H, true);

  // Integer peak of the real part (the imaginary part is round-off).
  size_t best = 0;
  double bestv = re[0];
  for (size_t k = 1; k < cells; ++k) {
    if (re[k] > bestv) {
      bestv = re[k];
      best = k;
    }
  }
  const int32_t bx = static_cast<int32_t>(best % static_cast<size_t>(W));
  const int32_t by = static_cast<int32_t>(best / static_cast<size_t>(W));
  const double scale = 1.0 / static_cast<double>(cells);
  const auto at = [&](int32_t x, int32_t y) {
    return re[static_cast<size_t>(y % H) * static_cast<size_t>(W) + static_cast<size_t>(x % W)] * scale;  // x, y >= 0
  };
  const double c0 = at(bx, by);
  const double ox = subpixel(c0, at(bx - 1 + W, by), at(bx + 1, by), W);
  const double oy = subpixel(c0, at(bx, by - 1 + H), at(bx, by + 1), H);
  const int32_t sx = bx > W / 2 ? bx - W : bx;
  const int32_t sy = by > H / 2 ? by - H : by;
  out->dx = static_cast<double>(sx) + ox;
  out->dy = static_cast<double>(sy) + oy;
  const double peak = mass > 0.0 ? c0 / (mass * scale) : 0.0;
  out->peak = peak < 0.0 ? 0.0 : (peak > 1.0 ? 1.0 : peak);
  return HVM_OK;
}
