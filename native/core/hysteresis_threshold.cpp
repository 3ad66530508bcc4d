// hysteresis_threshold.cpp — two-threshold (hysteresis) segmentation.
//
// Method: Canny J. A computational approach to edge detection. IEEE TPAMI 1986;8(6):679–698
// (§ "hysteresis thresholding"). A pixel is foreground when its value is >= low AND it is
// connected (8-connectivity) through pixels >= low to a seed pixel >= high. Strong
// responses keep the weaker parts of the same vessel, isolated weak noise is dropped.
//
// The result is the union of the 8-connected components of {v >= low} that contain a seed,
// so it is unique whatever the visiting order. It is computed by an iterative flood with an
// explicit stack (no recursion, bounded memory: every pixel is pushed at most once, marked
// when pushed), seeds taken in scan order.
//
// Output: 1 for foreground, 0 for background.
#include <string.h>

#include "checks.h"
#include "detmath.h"
#include "hvm_core.h"
#include "scratch.h"

extern "C" int32_t hvm_hysteresis_threshold(const float* src, uint32_t src_len, int32_t width,
                                            int32_t height, double low, double high,
                                            uint8_t* mask, uint32_t mask_len) {
  uint32_t n = 0;
  int32_t st = hvm::check_dims(width, height, &n);
  if (st != HVM_OK) return st;
  if ((st = hvm::check_len(src_len, n)) != HVM_OK) return st;  // lengths first: see checks.h
  if ((st = hvm::check_len(mask_len, n)) != HVM_OK) return st;
  if (src == nullptr || mask == nullptr) return HVM_E_NULL_POINTER;
  if (hvm::detmath::is_nan(low) || hvm::detmath::is_nan(high) || low > high)
    return HVM_E_BAD_ARGUMENT;
  if (!hvm::all_finite(src, n)) return HVM_E_NON_FINITE;

  hvm::Scratch<uint32_t> stack(n);
  hvm::Scratch<uint8_t> out(n);
  if (!stack.ok() || !out.ok()) return HVM_E_NO_MEMORY;
  uint8_t* o = out.get();
  memset(o, 0, n);
  uint32_t* stk = stack.get();
  const int32_t w = width, h = height;
  // Values compared in double: the thresholds are doubles, the samples floats (exact).
  for (uint32_t seed = 0; seed < n; ++seed) {
    if (o[seed] != 0 || !(static_cast<double>(src[seed]) >= high)) continue;
    uint32_t top = 0;
    stk[top++] = seed;
    o[seed] = 1;
    while (top > 0) {
      const uint32_t i = stk[--top];
      const int32_t x = static_cast<int32_t>(i % static_cast<uint32_t>(w));
      const int32_t y = static_cast<int32_t>(i / static_cast<uint32_t>(w));
      for (int32_t dy = -1; dy <= 1; ++dy) {
        const int32_t yy = y + dy;
        if (yy < 0 || yy >= h) continue;
        for (int32_t dx = -1; dx <= 1; ++dx) {
          const int32_t xx = x + dx;
          if ((dx == 0 && dy == 0) || xx < 0 || xx >= w) continue;
          const uint32_t j = static_cast<uint32_t>(yy) * static_cast<uint32_t>(w) + static_cast<uint32_t>(xx);
          if (o[j] != 0 || !(static_cast<double>(src[j]) >= low)) continue;
          o[j] = 1;
          stk[top++] = j;
        }
      }
    }
  }
  memcpy(mask, o, n);
  return HVM_OK;
}
