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
// W × H with W = 2·(the next 2^a·3^b·5^c ≥ width/2) and H the next 2^a·3^b·5^c ≥ height
// (fft_good_size: a 360×256 registration image is not padded at all), transform, form R,
// inverse transform, take the largest sample (first in scan order on ties), refine, and wrap
// shifts into (−N/2, N/2]. `peak` is that sample divided by the largest value it could take
// (Σ|R̂|/N, reached when the images match exactly), so it reads 0..1 as a confidence; a
// flat image (no texture) gives dx = dy = peak = 0.
//
// A clip registers every frame against ONE reference, so the reference's spectrum is
// computed once (hvm_phase_reference) and each frame costs one forward and one inverse
// transform of a real image (hvm_phase_correlate_reference). Real images have Hermitian
// spectra, so only the columns u = 0 … W/2 are kept, and each row of W reals is transformed
// as W/2 complex values (even samples real, odd imaginary) with the standard split step
// (Cooley, Lewis & Welch, "The fast Fourier transform algorithm: programming considerations
// in the calculation of sine, cosine and Laplace transforms", J. Sound Vib. 12(3), 1970;
// Press et al., Numerical Recipes §12.3): half the work of a complex transform of the grid.
// hvm_phase_correlate(reference, moving) is the two steps in one call.
//
// Everything is double precision, twiddles from detmath::cos/sin; no step depends on thread
// count or iteration over unordered data.
#include "checks.h"
#include "detmath.h"
#include "fft.h"
#include "hvm_core.h"
#include "scratch.h"

namespace {

constexpr double kTwoPi = 6.283185307179586;

void hann(int32_t n, double* w) {
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

// The padded grid: W = 2·M reals per row, H rows; the half spectrum is (M + 1) × H.
struct Grid {
  int32_t width = 0, height = 0;  // the image
  int32_t M = 0, W = 0, H = 0;
  size_t half = 0;                // (M + 1)·H complex bins
  size_t cells = 0;               // W·H
};

int32_t grid_for(int32_t width, int32_t height, Grid* g) {
  uint32_t n = 0;
  const int32_t st = hvm::check_dims(width, height, &n);
  if (st != HVM_OK) return st;
  if (width > (1 << 26) || height > (1 << 26)) return HVM_E_TOO_LARGE;
  const int32_t M = hvm::fft_good_size((width + 1) / 2), H = hvm::fft_good_size(height);
  if (M < 1 || H < 1) return HVM_E_TOO_LARGE;
  const uint64_t W = 2 * static_cast<uint64_t>(M);
  if (W * static_cast<uint64_t>(H) > HVM_MAX_FFT_CELLS) return HVM_E_TOO_LARGE;
  g->width = width;
  g->height = height;
  g->M = M;
  g->W = static_cast<int32_t>(W);
  g->H = H;
  g->half = (static_cast<size_t>(M) + 1) * static_cast<size_t>(H);
  g->cells = static_cast<size_t>(W) * static_cast<size_t>(H);
  return HVM_OK;
}

// Plans and work buffers of one transform pair on a grid.
struct Work {
  hvm::FftPlan row, col;                    // M-point rows, H-point columns
  hvm::Scratch<double> wx, wy, tw_c, tw_s;  // windows; e^{-2πik/W} = tw_c − i·tw_s, k ≤ M
  hvm::Scratch<double> zr, zi;              // one row of M complex values
  hvm::Scratch<double> sr, si;              // half spectrum, (M + 1) × H, row-major
  explicit Work(const Grid& g)
      : wx(g.width), wy(g.height), tw_c(static_cast<uint64_t>(g.M) + 1), tw_s(static_cast<uint64_t>(g.M) + 1),
        zr(g.M), zi(g.M), sr(g.half), si(g.half) {}
  bool init(const Grid& g) {
    if (!wx.ok() || !wy.ok() || !tw_c.ok() || !tw_s.ok() || !zr.ok() || !zi.ok() || !sr.ok() || !si.ok()) return false;
    if (!hvm::fft_plan_init(&row, g.M) || !hvm::fft_plan_init(&col, g.H)) return false;
    hann(g.width, wx.get());
    hann(g.height, wy.get());
    for (int32_t k = 0; k <= g.M; ++k) {
      const double a = kTwoPi * (static_cast<double>(k) / static_cast<double>(g.W));
      tw_c.get()[k] = hvm::detmath::cos(a);
      tw_s.get()[k] = hvm::detmath::sin(a);
    }
    return true;
  }
};

// Forward transform of the windowed, mean-subtracted, zero-padded image into w.sr/w.si.
// Returns false when the image is flat (every sample within round-off of its mean).
bool forward(const Grid& g, Work& w, const float* img) {
  const double* wx = w.wx.get();
  const double* wy = w.wy.get();
  const double mean = weighted_mean(img, g.width, g.height, wx, wy);
  const int32_t M = g.M;
  const size_t stride = static_cast<size_t>(M) + 1;
  double* sr = w.sr.get();
  double* si = w.si.get();
  double* zr = w.zr.get();
  double* zi = w.zi.get();
  const double* c = w.tw_c.get();
  const double* s = w.tw_s.get();
  double dev = 0.0;
  for (int32_t y = 0; y < g.H; ++y) {
    double* rr = sr + static_cast<size_t>(y) * stride;
    double* ri = si + static_cast<size_t>(y) * stride;
    if (y >= g.height) {  // padding rows: zero, and so is their spectrum
      for (size_t k = 0; k < stride; ++k) rr[k] = ri[k] = 0.0;
      continue;
    }
    // z[n] = x[2n] + i·x[2n+1], x the windowed row, zero past the image.
    const float* row = img + static_cast<size_t>(y) * static_cast<size_t>(g.width);
    const double wyv = wy[y];
    for (int32_t n = 0; n < M; ++n) {
      double v[2] = {0.0, 0.0};
      for (int32_t j = 0; j < 2; ++j) {
        const int32_t x = 2 * n + j;
        if (x >= g.width) break;
        const double a = static_cast<double>(row[x]) - mean;
        const double aa = hvm::detmath::fabs(a);
        if (aa > dev) dev = aa;
        v[j] = wx[x] * wyv * a;
      }
      zr[n] = v[0];
      zi[n] = v[1];
    }
    hvm::fft_rows(w.row, zr, zi, 1, false);
    // Split: E = (Z[k] + conj Z[M−k]) / 2, O = (Z[k] − conj Z[M−k]) / 2i, X[k] = E + e^{−2πik/W}·O.
    for (int32_t k = 0; k <= M; ++k) {
      const int32_t a = k % M, b = (M - k) % M;
      const double pr = zr[a], pi = zi[a], qr = zr[b], qi = -zi[b];  // Z[k], conj Z[M−k]
      const double er = 0.5 * (pr + qr), ei = 0.5 * (pi + qi);
      const double orr = 0.5 * (pi - qi), oi = -0.5 * (pr - qr);
      rr[k] = er + c[k] * orr + s[k] * oi;
      ri[k] = ei + c[k] * oi - s[k] * orr;
    }
  }
  hvm::fft_columns(w.col, sr, si, static_cast<int32_t>(stride), false);
  // Flat: every sample within round-off of the mean (float32 data varies by >= 2^-24 of its
  // magnitude, the mean's own rounding is ~2^-53): no shift information.
  return dev > 1e-12 * hvm::detmath::fabs(mean);
}

}  // namespace

extern "C" uint32_t hvm_phase_spectrum_len(int32_t width, int32_t height) {
  Grid g;
  if (grid_for(width, height, &g) != HVM_OK) return 0;
  const uint64_t len = 2 * static_cast<uint64_t>(g.half);
  return len <= 0xffffffffull ? static_cast<uint32_t>(len) : 0;
}

extern "C" int32_t hvm_phase_reference(const float* reference, uint32_t reference_len, int32_t width,
                                       int32_t height, double* spectrum, uint32_t spectrum_len) {
  Grid g;
  int32_t st = grid_for(width, height, &g);
  if (st != HVM_OK) return st;
  if ((st = hvm::check_len(reference_len, static_cast<uint32_t>(width) * static_cast<uint32_t>(height))) != HVM_OK) return st;
  if ((st = hvm::check_len(spectrum_len, hvm_phase_spectrum_len(width, height))) != HVM_OK) return st;
  if (reference == nullptr || spectrum == nullptr) return HVM_E_NULL_POINTER;
  if (!hvm::all_finite(reference, reference_len)) return HVM_E_NON_FINITE;
  Work w(g);
  if (!w.init(g)) return HVM_E_NO_MEMORY;
  const bool textured = forward(g, w, reference);
  // Layout: the half spectrum's real parts, then its imaginary parts. A flat reference is a
  // zero spectrum, which correlates to dx = dy = peak = 0 with anything.
  for (size_t k = 0; k < g.half; ++k) {
    spectrum[k] = textured ? w.sr.get()[k] : 0.0;
    spectrum[g.half + k] = textured ? w.si.get()[k] : 0.0;
  }
  return HVM_OK;
}

extern "C" int32_t hvm_phase_correlate_reference(const double* spectrum, uint32_t spectrum_len,
                                                 const float* moving, uint32_t moving_len,
                                                 int32_t width, int32_t height,
                                                 hvm_phase_result_t* out) {
  Grid g;
  int32_t st = grid_for(width, height, &g);
  if (st != HVM_OK) return st;
  if ((st = hvm::check_len(spectrum_len, hvm_phase_spectrum_len(width, height))) != HVM_OK) return st;
  if ((st = hvm::check_len(moving_len, static_cast<uint32_t>(width) * static_cast<uint32_t>(height))) != HVM_OK) return st;
  if (spectrum == nullptr || moving == nullptr || out == nullptr) return HVM_E_NULL_POINTER;
  if (!hvm::all_finite(moving, moving_len) || !hvm::all_finite(spectrum, spectrum_len)) return HVM_E_NON_FINITE;
  Work w(g);
  hvm::Scratch<double> surface(g.cells);
  if (!w.init(g) || !surface.ok()) return HVM_E_NO_MEMORY;
  if (!forward(g, w, moving)) {
    out->dx = 0.0;
    out->dy = 0.0;
    out->peak = 0.0;
    return HVM_OK;
  }
  const int32_t M = g.M, W = g.W, H = g.H;
  const size_t stride = static_cast<size_t>(M) + 1;
  double* re = w.sr.get();
  double* im = w.si.get();
  const double* fr = spectrum;
  const double* fi = spectrum + g.half;

  // R = Mv·conj F. Its magnitude's maximum scales the epsilon; Σ|R̂| over the FULL spectrum
  // counts the columns 1 … M−1 twice (their mirrors W − u are not stored), 0 and M once.
  double max_mag = 0.0;
  for (size_t k = 0; k < g.half; ++k) {
    const double ar = re[k], ai = im[k], br = fr[k], bi = fi[k];
    const double cr = ar * br + ai * bi;
    const double ci = ai * br - ar * bi;
    re[k] = cr;
    im[k] = ci;
    const double mag = hvm::detmath::sqrt(cr * cr + ci * ci);
    if (mag > max_mag) max_mag = mag;
  }
  // Small epsilon relative to the strongest bin: bins of pure round-off noise are damped
  // instead of being amplified to unit magnitude; 0/0 cannot occur. Dividing the peak by
  // Σ|R̂|/cells makes it 1 for a perfect match whatever the image's bandwidth.
  const double eps = max_mag * 1e-10 + 1e-300;
  double mass = 0.0;
  for (int32_t v = 0; v < H; ++v) {
    double rowmass = 0.0;
    for (int32_t u = 0; u <= M; ++u) {
      const size_t k = static_cast<size_t>(v) * stride + static_cast<size_t>(u);
      const double cr = re[k], ci = im[k];
      const double mag = hvm::detmath::sqrt(cr * cr + ci * ci);
      const double inv = 1.0 / (mag + eps);
      re[k] = cr * inv;
      im[k] = ci * inv;
      const double m = mag * inv;
      rowmass += (u == 0 || u == M) ? m : 2.0 * m;
    }
    mass += rowmass;
  }

  hvm::fft_columns(w.col, re, im, static_cast<int32_t>(stride), true);
  // Rows back to W reals each (the inverse split): E = X[k] + conj X[M−k],
  // O = (X[k] − conj X[M−k])·e^{+2πik/W}, z = IFFT_M(E + i·O) = W·(x[2n] + i·x[2n+1]).
  double* zr = w.zr.get();
  double* zi = w.zi.get();
  const double* c = w.tw_c.get();
  const double* s = w.tw_s.get();
  double* surf = surface.get();
  for (int32_t y = 0; y < H; ++y) {
    const double* xr = re + static_cast<size_t>(y) * stride;
    const double* xi = im + static_cast<size_t>(y) * stride;
    for (int32_t k = 0; k < M; ++k) {
      const double pr = xr[k], pi = xi[k], qr = xr[M - k], qi = -xi[M - k];  // X[k], conj X[M−k]
      const double er = pr + qr, ei = pi + qi;
      const double dr = pr - qr, di = pi - qi;
      const double orr = dr * c[k] - di * s[k], oi = dr * s[k] + di * c[k];  // × (c + i s)
      zr[k] = er - oi;
      zi[k] = ei + orr;
    }
    hvm::fft_rows(w.row, zr, zi, 1, true);
    double* out_row = surf + static_cast<size_t>(y) * static_cast<size_t>(W);
    for (int32_t n = 0; n < M; ++n) {
      out_row[2 * n] = zr[n];
      out_row[2 * n + 1] = zi[n];
    }
  }

  // Integer peak.
  size_t best = 0;
  double bestv = surf[0];
  for (size_t k = 1; k < g.cells; ++k) {
    if (surf[k] > bestv) {
      bestv = surf[k];
      best = k;
    }
  }
  const int32_t bx = static_cast<int32_t>(best % static_cast<size_t>(W));
  const int32_t by = static_cast<int32_t>(best / static_cast<size_t>(W));
  const double scale = 1.0 / static_cast<double>(g.cells);
  const auto at = [&](int32_t x, int32_t y) {
    return surf[static_cast<size_t>(y % H) * static_cast<size_t>(W) + static_cast<size_t>(x % W)] * scale;  // x, y >= 0
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

extern "C" int32_t hvm_phase_correlate(const float* reference, uint32_t reference_len,
                                       const float* moving, uint32_t moving_len, int32_t width,
                                       int32_t height, hvm_phase_result_t* out) {
  uint32_t n = 0;
  int32_t st = hvm::check_dims(width, height, &n);
  if (st != HVM_OK) return st;
  if ((st = hvm::check_len(reference_len, n)) != HVM_OK) return st;  // lengths first: see checks.h
  if ((st = hvm::check_len(moving_len, n)) != HVM_OK) return st;
  if (reference == nullptr || moving == nullptr || out == nullptr) return HVM_E_NULL_POINTER;
  Grid g;
  if ((st = grid_for(width, height, &g)) != HVM_OK) return st;
  const uint32_t len = hvm_phase_spectrum_len(width, height);
  hvm::Scratch<double> spectrum(len);
  if (!spectrum.ok()) return HVM_E_NO_MEMORY;
  if ((st = hvm_phase_reference(reference, reference_len, width, height, spectrum.get(), len)) != HVM_OK) return st;
  return hvm_phase_correlate_reference(spectrum.get(), len, moving, moving_len, width, height, out);
}
