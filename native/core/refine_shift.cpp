// refine_shift.cpp — sub-pixel refinement of a translation between two registration images,
// and the residual of a registration.
//
// Method: Lucas & Kanade, "An iterative image registration technique with an application to
// stereo vision", IJCAI 1981, for a pure translation, with the gradient averaged over both
// images as in efficient second-order minimisation (Benhimane & Malis, IROS 2004). Starting
// from phase correlation's estimate d0 (whose sinc-model sub-pixel step is pulled towards
// whole pixels on band-limited, noisy frames), Gauss–Newton steps minimise
//   Σ_i (mov(p_i + d) − ref(p_i))²
// over the usable inner pixels i:
//   g_i = ¼ (∇ref(p_i) + ∇mov_d(p_i))   central differences, both images
//   H = Σ g gᵀ,  b = Σ g (ref − mov_d),  d += H⁻¹ b
// until the update is below `tolerance` (then one more iteration is counted), `max_iterations`
// are spent, the system is singular (det ≤ 1e−12 · (hxx·hyy + 1e−300): d0 is returned), or d
// wanders more than `max_change` from d0 (d0 is returned).
//
// Pixels. `inner` marks the reference pixels the sums may use (the caller's taper weight is 1
// over their neighbourhood), `inner_taps` the positions where the moving image may be sampled
// and differentiated. For the current whole shift (ix, iy) = floor(d), inner pixel i is used
// when i + (ix, iy) stays on its row, inside the image, and is marked in inner_taps. mov_d is
// the moving image bilinearly sampled at p + d and rounded to binary32, 0 where a tap would
// leave the image. An inner pixel on the image's outermost rows or columns is never used (its
// central difference would leave the image); the engine's inner pixels lie ≥ 4 px inside.
//
// This is the TypeScript implementation it replaced (registration-image.ts, up to 0a842d6),
// operation for operation: the same binary32 rounding of the sampled image, the same binary64
// sums in scan order, so the results are the bits that implementation gave (checked against
// a copy of it in test/stabilise/refine-shift.test.ts), on both backends.
#include "checks.h"
#include "detmath.h"
#include "hvm_core.h"
#include "scratch.h"

namespace {

using hvm::detmath::fabs;
using hvm::detmath::floor_i64;  // |v| <= 2^30: range-checked by the entry points

// out = img bilinearly sampled at p + (dx, dy), binary32, for every pixel whose four taps lie
// inside the image; 0 elsewhere. Weights and the sum in the order of the TypeScript original.
void shifted(const float* img, int32_t w, int32_t h, double dx, double dy, float* out) {
  const int64_t ix = floor_i64(dx), iy = floor_i64(dy);
  const double fx = dx - static_cast<double>(ix), fy = dy - static_cast<double>(iy);
  const double w00 = (1.0 - fy) * (1.0 - fx), w01 = (1.0 - fy) * fx;
  const double w10 = fy * (1.0 - fx), w11 = fy * fx;
  const size_t n = static_cast<size_t>(w) * static_cast<size_t>(h);
  for (size_t i = 0; i < n; ++i) out[i] = 0.0f;
  int64_t x0 = -ix, x1 = static_cast<int64_t>(w) - 2 - ix;
  int64_t y0 = -iy, y1 = static_cast<int64_t>(h) - 2 - iy;
  if (x0 < 0) x0 = 0;
  if (y0 < 0) y0 = 0;
  if (x1 > w - 1) x1 = w - 1;
  if (y1 > h - 1) y1 = h - 1;
  for (int64_t y = y0; y <= y1; ++y) {
    float* o = out + y * w;
    const float* r0 = img + (y + iy) * w + ix;
    const float* r1 = r0 + w;
    for (int64_t x = x0; x <= x1; ++x) {
      const double v = w00 * static_cast<double>(r0[x]) + w01 * static_cast<double>(r0[x + 1]) +
                       w10 * static_cast<double>(r1[x]) + w11 * static_cast<double>(r1[x + 1]);
      o[x] = static_cast<float>(v);
    }
  }
}

// The inner pixels usable at whole shift (ix, iy), in scan order, into idx; returns the count.
uint32_t usable(const uint8_t* inner, const uint8_t* inner_taps, int32_t w, int32_t h, int64_t ix,
                int64_t iy, uint32_t* idx) {
  uint32_t m = 0;
  for (int32_t y = 1; y < h - 1; ++y) {
    for (int32_t x = 1; x < w - 1; ++x) {
      const int64_t i = static_cast<int64_t>(y) * w + x;
      if (inner[i] != 1) continue;
      const int64_t xs = x + ix;
      if (xs < 0 || xs >= w) continue;  // would wrap to another row
      const int64_t p = i + iy * w + ix;
      if (p < 0 || p >= static_cast<int64_t>(w) * h || inner_taps[p] != 1) continue;
      idx[m++] = static_cast<uint32_t>(i);
    }
  }
  return m;
}

int32_t check_common(const float* a, uint32_t a_len, const float* b, uint32_t b_len,
                     const uint8_t* inner, uint32_t inner_len, const uint8_t* inner_taps,
                     uint32_t inner_taps_len, int32_t w, int32_t h, double dx, double dy,
                     const double* out, uint32_t out_len, uint32_t out_want, uint32_t* n) {
  int32_t st = hvm::check_dims(w, h, n);
  if (st != HVM_OK) return st;
  if ((st = hvm::check_len(a_len, *n)) != HVM_OK) return st;  // lengths first: see checks.h
  if ((st = hvm::check_len(b_len, *n)) != HVM_OK) return st;
  if ((st = hvm::check_len(inner_len, *n)) != HVM_OK) return st;
  if ((st = hvm::check_len(inner_taps_len, *n)) != HVM_OK) return st;
  if (out_len != out_want) return HVM_E_BUFFER_SIZE;
  if (a == nullptr || b == nullptr || inner == nullptr || inner_taps == nullptr || out == nullptr)
    return HVM_E_NULL_POINTER;
  if (!(dx >= -HVM_MAX_SHIFT_PX && dx <= HVM_MAX_SHIFT_PX)) return HVM_E_BAD_ARGUMENT;
  if (!(dy >= -HVM_MAX_SHIFT_PX && dy <= HVM_MAX_SHIFT_PX)) return HVM_E_BAD_ARGUMENT;
  if (!hvm::all_finite(a, *n) || !hvm::all_finite(b, *n)) return HVM_E_NON_FINITE;
  return HVM_OK;
}

}  // namespace

extern "C" int32_t hvm_refine_shift(const float* reference, uint32_t reference_len,
                                    const float* moving, uint32_t moving_len,
                                    const uint8_t* inner, uint32_t inner_len,
                                    const uint8_t* inner_taps, uint32_t inner_taps_len,
                                    int32_t width, int32_t height, double dx0, double dy0,
                                    double tolerance, int32_t max_iterations, double max_change,
                                    double* out, uint32_t out_len) {
  uint32_t n = 0;
  int32_t st = check_common(reference, reference_len, moving, moving_len, inner, inner_len,
                            inner_taps, inner_taps_len, width, height, dx0, dy0, out, out_len,
                            3, &n);
  if (st != HVM_OK) return st;
  if (!(tolerance > 0.0 && tolerance <= 1.0e6)) return HVM_E_BAD_ARGUMENT;
  if (max_iterations < 0 || max_iterations > 1000) return HVM_E_BAD_ARGUMENT;
  if (!(max_change > 0.0 && max_change <= 1.0e6)) return HVM_E_BAD_ARGUMENT;

  hvm::Scratch<double> ref_dx(n), ref_dy(n);
  hvm::Scratch<float> m_img(n);
  hvm::Scratch<uint32_t> idx(n);
  if (!ref_dx.ok() || !ref_dy.ok() || !m_img.ok() || !idx.ok()) return HVM_E_NO_MEMORY;
  const int32_t w = width, h = height;
  const float* ref = reference;
  double* rdx = ref_dx.get();
  double* rdy = ref_dy.get();
  // The reference's central differences, once (inner pixels off the outermost rows/columns).
  for (int32_t y = 1; y < h - 1; ++y) {
    for (int32_t x = 1; x < w - 1; ++x) {
      const size_t i = static_cast<size_t>(y) * static_cast<size_t>(w) + static_cast<size_t>(x);
      if (inner[i] != 1) continue;
      rdx[i] = static_cast<double>(ref[i + 1]) - static_cast<double>(ref[i - 1]);
      rdy[i] = static_cast<double>(ref[i + w]) - static_cast<double>(ref[i - w]);
    }
  }
  float* M = m_img.get();
  uint32_t* ix_list = idx.get();
  uint32_t count = 0;
  bool have_idx = false;
  int64_t last_ix = 0, last_iy = 0;
  double dx = dx0, dy = dy0;
  int32_t it = 0;
  for (; it < max_iterations; ++it) {
    shifted(moving, w, h, dx, dy, M);
    const int64_t ix = floor_i64(dx), iy = floor_i64(dy);
    if (!have_idx || ix != last_ix || iy != last_iy) {
      count = usable(inner, inner_taps, w, h, ix, iy, ix_list);
      last_ix = ix;
      last_iy = iy;
      have_idx = true;
    }
    double hxx = 0.0, hxy = 0.0, hyy = 0.0, bx = 0.0, by = 0.0;
    for (uint32_t k = 0; k < count; ++k) {
      const size_t i = ix_list[k];
      const double gx = 0.25 * (rdx[i] + static_cast<double>(M[i + 1]) - static_cast<double>(M[i - 1]));
      const double gy = 0.25 * (rdy[i] + static_cast<double>(M[i + w]) - static_cast<double>(M[i - w]));
      const double e = static_cast<double>(ref[i]) - static_cast<double>(M[i]);
      hxx += gx * gx;
      hxy += gx * gy;
      hyy += gy * gy;
      bx += gx * e;
      by += gy * e;
    }
    const double det = hxx * hyy - hxy * hxy;
    if (!(det > 1e-12 * (hxx * hyy + 1e-300))) {
      out[0] = dx0;
      out[1] = dy0;
      out[2] = it;
      return HVM_OK;
    }
    const double ux = (hyy * bx - hxy * by) / det;
    const double uy = (hxx * by - hxy * bx) / det;
    dx += ux;
    dy += uy;
    if (fabs(dx - dx0) > max_change || fabs(dy - dy0) > max_change) {
      out[0] = dx0;
      out[1] = dy0;
      out[2] = it + 1;
      return HVM_OK;
    }
    if (fabs(ux) < tolerance && fabs(uy) < tolerance) {
      ++it;
      break;
    }
  }
  out[0] = dx;
  out[1] = dy;
  out[2] = it;
  return HVM_OK;
}

extern "C" int32_t hvm_registration_residual(const float* reference, uint32_t reference_len,
                                             const float* moving, uint32_t moving_len,
                                             const uint8_t* inner, uint32_t inner_len,
                                             const uint8_t* inner_taps, uint32_t inner_taps_len,
                                             int32_t width, int32_t height, double dx, double dy,
                                             double* out, uint32_t out_len) {
  uint32_t n = 0;
  int32_t st = check_common(reference, reference_len, moving, moving_len, inner, inner_len,
                            inner_taps, inner_taps_len, width, height, dx, dy, out, out_len, 2,
                            &n);
  if (st != HVM_OK) return st;
  hvm::Scratch<float> m_img(n);
  hvm::Scratch<uint32_t> idx(n);
  if (!m_img.ok() || !idx.ok()) return HVM_E_NO_MEMORY;
  float* M = m_img.get();
  shifted(moving, width, height, dx, dy, M);
  const uint32_t count = usable(inner, inner_taps, width, height, floor_i64(dx), floor_i64(dy), idx.get());
  double num = 0.0, den = 0.0;
  for (uint32_t k = 0; k < count; ++k) {
    const size_t i = idx.get()[k];
    const double r = static_cast<double>(reference[i]), v = static_cast<double>(M[i]);
    num += (r - v) * (r - v);
    den += r * r + v * v;
  }
  // sqrt is correctly rounded (IEEE 754) on every target: the same bits as Math.sqrt.
  out[0] = den > 0.0 ? hvm::detmath::sqrt(num / den) : 0.0;
  out[1] = den > 0.0 ? 1.0 : 0.0;
  return HVM_OK;
}
