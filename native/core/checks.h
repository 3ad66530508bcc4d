// checks.h — argument validation shared by the C ABI entry points.
//
// Every entry point validates before touching memory so that bad input from JavaScript
// becomes a status code, never a crash (native) or a trap (wasm). The pixel count is
// computed in 64 bits so width*height cannot overflow before it is compared.
#ifndef HVM_CHECKS_H
#define HVM_CHECKS_H

#include <stdint.h>
#include <string.h>

#include "hvm_core.h"

namespace hvm {

// Validates width/height and returns HVM_OK with *n = width*height, or an error status.
inline int32_t check_dims(int32_t width, int32_t height, uint32_t* n) {
  if (width <= 0 || height <= 0) return HVM_E_BAD_DIMENSIONS;
  const int64_t count = static_cast<int64_t>(width) * static_cast<int64_t>(height);
  if (count > HVM_MAX_PIXELS) return HVM_E_TOO_LARGE;
  *n = static_cast<uint32_t>(count);
  return HVM_OK;
}

// Entry points check lengths BEFORE pointers: an empty JS typed array may reach the core
// as NULL from the addon but as a valid pointer from wasm, and both hosts must report the
// same status for the same input.
// Images are exactly width*height: a longer buffer is as suspicious as a shorter one
// (it usually means width and height were swapped or mis-parsed).
inline int32_t check_len(uint32_t len, uint32_t n) {
  return len == n ? HVM_OK : HVM_E_BUFFER_SIZE;
}

// The preamble of an entry point reading one whole frame into one result: dimensions, then
// the frame's length, then the pointers. Lengths before pointers: an empty JS array may
// arrive as NULL on one host and as a valid pointer on the other, and both must report the
// same status.
inline int32_t check_frame(int32_t width, int32_t height, uint32_t frame_len, const void* frame,
                           const void* out, uint32_t* n) {
  int32_t st = check_dims(width, height, n);
  if (st != HVM_OK) return st;
  if ((st = check_len(frame_len, *n)) != HVM_OK) return st;
  return frame == nullptr || out == nullptr ? HVM_E_NULL_POINTER : HVM_OK;
}

// True when every sample is finite. Non-finite input is rejected rather than propagated
// because NaN payload bits are the one thing IEEE leaves to the hardware.
// Exponent all-ones <=> NaN or Inf. Integer test: no FP compare, vectorises well.
template <typename T> struct FiniteBits;
template <> struct FiniteBits<float> {
  using Bits = uint32_t;
  static constexpr Bits kExponent = 0x7f800000u;
};
template <> struct FiniteBits<double> {
  using Bits = uint64_t;
  static constexpr Bits kExponent = 0x7ff0000000000000ull;
};

template <typename T>
inline bool all_finite(const T* p, uint32_t n) {
  using Bits = typename FiniteBits<T>::Bits;
  constexpr Bits kExp = FiniteBits<T>::kExponent;
  Bits bad = 0;
  for (uint32_t i = 0; i < n; ++i) {
    Bits bits;
    memcpy(&bits, p + i, sizeof bits);
    bad |= static_cast<Bits>((bits & kExp) == kExp);
  }
  return bad == 0;
}

}  // namespace hvm

#endif  // HVM_CHECKS_H
