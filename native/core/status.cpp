// status.cpp — status messages, version and build facts of the core (C ABI).
//
// Also pins the C ABI struct layouts: the wasm host in src/backend/wasm.ts reads the
// result structs at fixed byte offsets, so a layout change must fail the build here.
#include <stddef.h>

#include "hvm_core.h"

static_assert(sizeof(hvm_frame_stats_t) == 1048, "hvm_frame_stats_t layout");
static_assert(offsetof(hvm_frame_stats_t, mean) == 0, "mean offset");
static_assert(offsetof(hvm_frame_stats_t, sd) == 8, "sd offset");
static_assert(offsetof(hvm_frame_stats_t, min) == 16, "min offset");
static_assert(offsetof(hvm_frame_stats_t, max) == 20, "max offset");
static_assert(offsetof(hvm_frame_stats_t, histogram) == 24, "histogram offset");
static_assert(sizeof(hvm_phase_result_t) == 24, "hvm_phase_result_t layout");
static_assert(sizeof(float) == 4 && sizeof(double) == 8, "IEEE binary32/binary64");

extern "C" const char* hvm_status_message(int32_t status) {
  switch (status) {
    case HVM_OK: return "ok";
    case HVM_E_NULL_POINTER: return "a required buffer was missing (null pointer)";
    case HVM_E_BAD_DIMENSIONS: return "width and height must be positive integers";
    case HVM_E_TOO_LARGE: return "image too large for the core (width*height or padded FFT size over the limit)";
    case HVM_E_BUFFER_SIZE: return "buffer length does not equal width*height";
    case HVM_E_BAD_ARGUMENT: return "a numeric argument is NaN or out of range";
    case HVM_E_NON_FINITE: return "input image contains NaN or infinite samples";
    case HVM_E_NO_MEMORY: return "out of memory in the core";
    case HVM_E_UNKNOWN_FUNCTION: return "unknown function id";
    default: return "unknown status code";
  }
}

extern "C" const char* hvm_core_version(void) { return HVM_CORE_VERSION; }

extern "C" int32_t hvm_core_simd(void) {
#if defined(__wasm_simd128__) || defined(__SSE2__) || defined(__ARM_NEON) || defined(_M_X64)
  return 1;
#else
  return 0;
#endif
}
