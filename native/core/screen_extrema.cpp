// screen_extrema.cpp — what stays put on screen: per-pixel darkest and brightest grey level over
// the frames seen, and one frame's row and column sums (src/analysis/screen-mask.ts reads static
// borders from the row/column means and burnt-in overlays from the per-pixel range).
//
// Per pixel: lo = min(lo, v), hi = max(hi, v); row_sums[y] = Σ_x v, col_sums[x] = Σ_y v of this
// frame (overwritten). Integers only, so every target gives the same result (and the sums are
// exact: ≤ 2^31 px · 255 fits uint64, and each row or column sum fits uint32 for the sizes the
// checks admit: a row or column of at most 2^24 px).
#include "checks.h"
#include "hvm_core.h"

extern "C" int32_t hvm_screen_extrema(const uint8_t* frame, uint32_t frame_len, int32_t width,
                                      int32_t height, uint8_t* lo, uint32_t lo_len, uint8_t* hi,
                                      uint32_t hi_len, uint32_t* row_sums, uint32_t row_sums_len,
                                      uint32_t* col_sums, uint32_t col_sums_len) {
  uint32_t n = 0;
  int32_t st = hvm::check_dims(width, height, &n);
  if (st != HVM_OK) return st;
  if ((st = hvm::check_len(frame_len, n)) != HVM_OK) return st;  // lengths first: see checks.h
  if ((st = hvm::check_len(lo_len, n)) != HVM_OK) return st;
  if ((st = hvm::check_len(hi_len, n)) != HVM_OK) return st;
  if (row_sums_len != static_cast<uint32_t>(height) || col_sums_len != static_cast<uint32_t>(width))
    return HVM_E_BUFFER_SIZE;
  if (frame == nullptr || lo == nullptr || hi == nullptr || row_sums == nullptr || col_sums == nullptr)
    return HVM_E_NULL_POINTER;
  if (width > (1 << 24) || height > (1 << 24)) return HVM_E_TOO_LARGE;
  const size_t w = static_cast<size_t>(width);
  for (size_t x = 0; x < w; ++x) col_sums[x] = 0;
  for (int32_t y = 0; y < height; ++y) {
    const size_t o = static_cast<size_t>(y) * w;
    const uint8_t* f = frame + o;
    uint8_t* l = lo + o;
    uint8_t* h = hi + o;
    uint32_t row = 0;
    for (size_t x = 0; x < w; ++x) {
      const uint8_t v = f[x];
      l[x] = v < l[x] ? v : l[x];
      h[x] = v > h[x] ? v : h[x];
      row += v;
      col_sums[x] += v;
    }
    row_sums[y] = row;
  }
  return HVM_OK;
}
