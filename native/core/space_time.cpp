// space_time.cpp — one frame's rows of space-time diagrams (STD): grey level along vessel
// centerlines, averaged across the vessel width.
//
// Method: the space-time diagram (a "kymograph" of a capillary) of Ellis et al., "Application
// of image analysis for evaluation of red blood cell dynamics in capillaries", Microvasc Res
// 44:214–225 (1992), as used for sublingual SDF clips by Dobbe et al., "Measurement of
// functional microcirculatory geometry and velocity distributions using automated image
// analysis", Med Biol Eng Comput 46:659–670 (2008): the intensity along a vessel's centerline,
// frame after frame, stacked as rows; moving red blood cells draw oblique streaks whose slope is
// their velocity, a stopped column draws vertical lines (the "barcode"). Averaging across the
// vessel (along the normal) raises the signal of the RBC pattern against sensor noise.
//
// The caller resamples each centerline at a fixed step (reference-frame px) and gives, per
// sample point, its position P, the unit normal n and a half-width hw (px). With (dx, dy) the
// frame's content shift against the reference (frame(x, y) = reference(x − dx, y − dy), the
// convention of hvm_phase_correlate / hvm_shift_accumulate), the tissue point P is seen at
// P + (dx, dy) in the frame, so
//   out[i] = mean over j = −K..K of bilinear(frame, P_i + (dx, dy) + j·s_i·n_i),
//   K = floor(hw_i / step), s_i = step; with max_side_taps > 0 and K above it,
//   K = max_side_taps and s_i = hw_i / K (the same band ±hw_i, fewer taps: a wide vessel's
//   average does not need two taps a pixel, and wide paths were most of the taps),
// and valid[i] = 1 when every tap of every across sample lies inside the frame (out[i] = 0 and
// valid[i] = 0 otherwise: never a NaN in an output).
//
// Bilinear (2×2 taps, non-negative weights): the same kernel and tap rules as
// shift_accumulate.cpp (an integer position copies the pixel, a tap with weight 0 may sit on
// the last row/column). Deterministic order: per across sample v0 = wx0·f[b][a] + wx1·f[b][a+1],
// v1 the same on row b + 1, sample = wy0·v0 + wy1·v1; the across sum runs j = −K … K in that
// order, in double; one division by the count; then the cast to float. No transcendental, no
// contraction; every float→int conversion is range-checked first.
#include "checks.h"
#include "detmath.h"
#include "hvm_core.h"

namespace {

using hvm::detmath::floor_i64;  // |v| <= 2^31 checked by the caller

// Bilinear sample at (x, y); false when a tap of non-zero weight leaves the frame.
bool bilinear(const uint8_t* f, int64_t W, int64_t H, double x, double y, double* out) {
  if (!(x >= 0.0 && y >= 0.0 && x <= static_cast<double>(W - 1) && y <= static_cast<double>(H - 1))) return false;
  const int64_t a = floor_i64(x), b = floor_i64(y);
  const double fx = x - static_cast<double>(a), fy = y - static_cast<double>(b);
  const int64_t ap = a < W - 1 ? a + 1 : a;  // weight fx = 0 there (x = W − 1)
  const int64_t bp = b < H - 1 ? b + 1 : b;
  const uint8_t* r0 = f + static_cast<size_t>(b) * static_cast<size_t>(W);
  const uint8_t* r1 = f + static_cast<size_t>(bp) * static_cast<size_t>(W);
  const double wx0 = 1.0 - fx, wx1 = fx, wy0 = 1.0 - fy, wy1 = fy;
  const double v0 = wx0 * static_cast<double>(r0[a]) + wx1 * static_cast<double>(r0[ap]);
  const double v1 = wx0 * static_cast<double>(r1[a]) + wx1 * static_cast<double>(r1[ap]);
  *out = wy0 * v0 + wy1 * v1;
  return true;
}

bool finite_in(double v, double lim) { return v >= -lim && v <= lim; }  // false for NaN

}  // namespace

extern "C" int32_t hvm_space_time_sample(const uint8_t* frame, uint32_t frame_len, int32_t width,
                                         int32_t height, double dx, double dy,
                                         const double* points, uint32_t points_len,
                                         const double* normals, uint32_t normals_len,
                                         const double* half_widths, uint32_t half_widths_len,
                                         double across_step_px, int32_t max_side_taps,
                                         float* out, uint32_t out_len,
                                         uint8_t* valid, uint32_t valid_len) {
  uint32_t n = 0;
  int32_t st = hvm::check_dims(width, height, &n);
  if (st != HVM_OK) return st;
  if ((st = hvm::check_len(frame_len, n)) != HVM_OK) return st;
  const uint32_t m = half_widths_len;  // sample points
  if (points_len != 2u * static_cast<uint64_t>(m) || normals_len != points_len) return HVM_E_BUFFER_SIZE;
  if (out_len != m || valid_len != m) return HVM_E_BUFFER_SIZE;
  if (frame == nullptr) return HVM_E_NULL_POINTER;
  if (m > 0 && (points == nullptr || normals == nullptr || half_widths == nullptr || out == nullptr ||
                valid == nullptr))
    return HVM_E_NULL_POINTER;
  if (!finite_in(dx, HVM_MAX_SHIFT_PX) || !finite_in(dy, HVM_MAX_SHIFT_PX)) return HVM_E_BAD_ARGUMENT;
  if (!(across_step_px >= HVM_MIN_ACROSS_STEP_PX && across_step_px <= HVM_MAX_HALF_WIDTH_PX))
    return HVM_E_BAD_ARGUMENT;
  if (max_side_taps < 0) return HVM_E_BAD_ARGUMENT;
  for (uint32_t i = 0; i < m; ++i) {
    if (!finite_in(points[2 * i], HVM_MAX_SHIFT_PX) || !finite_in(points[2 * i + 1], HVM_MAX_SHIFT_PX))
      return HVM_E_BAD_ARGUMENT;
    if (!finite_in(normals[2 * i], 1.0) || !finite_in(normals[2 * i + 1], 1.0)) return HVM_E_BAD_ARGUMENT;
    if (!(half_widths[i] >= 0.0 && half_widths[i] <= HVM_MAX_HALF_WIDTH_PX)) return HVM_E_BAD_ARGUMENT;
  }

  const int64_t W = width, H = height;
  for (uint32_t i = 0; i < m; ++i) {
    const double px = points[2 * i] + dx, py = points[2 * i + 1] + dy;
    const double nx = normals[2 * i], ny = normals[2 * i + 1];
    // K = floor(hw / step) <= HVM_MAX_HALF_WIDTH_PX / HVM_MIN_ACROSS_STEP_PX: the cast is defined.
    int64_t K = static_cast<int64_t>(half_widths[i] / across_step_px);
    double step = across_step_px;
    if (max_side_taps > 0 && K > max_side_taps) {
      K = max_side_taps;
      step = half_widths[i] / static_cast<double>(K);
    }
    double sum = 0.0;
    bool ok = true;
    for (int64_t j = -K; j <= K && ok; ++j) {
      const double o = static_cast<double>(j) * step;
      double v = 0.0;
      ok = bilinear(frame, W, H, px + o * nx, py + o * ny, &v);
      sum += v;
    }
    if (ok) {
      out[i] = static_cast<float>(sum / static_cast<double>(2 * K + 1));
      valid[i] = 1;
    } else {
      out[i] = 0.0f;
      valid[i] = 0;
    }
  }
  return HVM_OK;
}

// ---- hvm_space_time_encode: one frame's STD rows and noise-reference rows as 16-bit codes ----
//
// The flow stage stores each path's rows as fixed-point codes (src/flow/row-store.ts: value ×
// sample_scale, rounded half up, clamped to ±max_code, a missing sample −max_code − 1). Per
// sample of a path its two lines give the row value ((l + r) / 2)·gain and the noise
// reference (l − r)·gain, each rounded to float32 first (the stores' input was a Float32Array);
// the rounding of value × scale is JavaScript's Math.round (half up), done exactly: r = ⌊q⌋,
// q − r is exact (|q| < 2^15 here), up one when it is ≥ ½; a float32 overflow (a frame of mean
// grey near 0) clamps like Math.round(±Infinity). The same codes the TypeScript encoder gave,
// bit for bit (test/flow/row-store.test.ts), without a JavaScript loop over every sample.
namespace {

int16_t encode_sample(double v, double scale, int32_t max_code) {
  const double q = static_cast<double>(static_cast<float>(v)) * scale;
  const double lim = static_cast<double>(max_code);
  // Beyond ±lim the rounded value is beyond it too: clamped (and floor_i64 stays in range).
  if (q >= lim) return static_cast<int16_t>(max_code);
  if (q <= -lim) return static_cast<int16_t>(-max_code);
  int64_t r = floor_i64(q);
  if (q - static_cast<double>(r) >= 0.5) r += 1;
  return static_cast<int16_t>(r);
}

}  // namespace

extern "C" int32_t hvm_space_time_encode(const float* values, uint32_t values_len, const uint8_t* valid,
                                         uint32_t valid_len, const uint32_t* counts, uint32_t paths,
                                         double gain, double sample_scale, int32_t max_code,
                                         int16_t* rows, uint32_t rows_len, int16_t* diffs,
                                         uint32_t diffs_len) {
  uint64_t total = 0;
  if (paths > 0 && counts == nullptr) return HVM_E_NULL_POINTER;
  for (uint32_t p = 0; p < paths; ++p) total += counts[p];
  if (values_len != 2 * total || valid_len != values_len) return HVM_E_BUFFER_SIZE;
  if (rows_len != total || diffs_len != total) return HVM_E_BUFFER_SIZE;
  if (total > 0 && (values == nullptr || valid == nullptr || rows == nullptr || diffs == nullptr))
    return HVM_E_NULL_POINTER;
  if (!(gain > 0.0 && gain <= 1.0e300) || !(sample_scale > 0.0 && sample_scale <= 1.0e6)) return HVM_E_BAD_ARGUMENT;
  if (max_code < 1 || max_code > 32767) return HVM_E_BAD_ARGUMENT;
  if (!hvm::all_finite(values, values_len)) return HVM_E_NON_FINITE;
  const int16_t missing = static_cast<int16_t>(-max_code - 1);
  uint64_t in = 0, at = 0;
  for (uint32_t p = 0; p < paths; ++p) {
    const uint64_t n = counts[p];
    for (uint64_t i = 0; i < n; ++i) {
      const uint64_t l = in + i, r = in + n + i;
      if (valid[l] != 0 && valid[r] != 0) {
        const double vl = static_cast<double>(values[l]), vr = static_cast<double>(values[r]);
        rows[at + i] = encode_sample(((vl + vr) / 2.0) * gain, sample_scale, max_code);
        diffs[at + i] = encode_sample((vl - vr) * gain, sample_scale, max_code);
      } else {
        rows[at + i] = missing;
        diffs[at + i] = missing;
      }
    }
    in += 2 * n;
    at += n;
  }
  return HVM_OK;
}
