// accumulate.cpp — running temporal sum of 8-bit frames into a float64 image.
//
// Method: plain per-pixel addition, acc[i] += frame[i]. Sums of integers below 2^53 are
// exact in binary64, so the temporal mean image (sum / frame count) is exact and
// independent of frame order until 2^53 / 255 ≈ 3.5e13 frames.
#include "checks.h"
#include "hvm_core.h"

extern "C" int32_t hvm_accumulate_frame(double* acc, uint32_t acc_len, const uint8_t* frame,
                                        uint32_t frame_len, int32_t width, int32_t height) {
  uint32_t n = 0;
  int32_t st = hvm::check_dims(width, height, &n);
  if (st != HVM_OK) return st;
  if ((st = hvm::check_len(acc_len, n)) != HVM_OK) return st;  // lengths first: see checks.h
  if ((st = hvm::check_len(frame_len, n)) != HVM_OK) return st;
  if (acc == nullptr || frame == nullptr) return HVM_E_NULL_POINTER;
  for (uint32_t i = 0; i < n; ++i) acc[i] += static_cast<double>(frame[i]);
  return HVM_OK;
}
