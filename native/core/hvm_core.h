/*
 * hvm_core.h — the C ABI of the hvm-engine core.
 *
 * This one header is the contract between native/core and BOTH of its hosts: the
 * Node-API addon (native/binding/addon.cpp) and the WebAssembly module (wasm/build.mjs
 * exports exactly these functions). Keeping it plain C with fixed-width integers means the
 * wasm side can call it from JavaScript with i32/f64 arguments only (no i64, so no BigInt),
 * and the layout of the two result structs is pinned by the static_asserts in status.cpp.
 *
 * Conventions
 *  - Every entry point returns an int32 status: HVM_OK (0) or a negative HVM_E_* code;
 *    hvm_status_message() names it. Nothing throws, nothing aborts on bad input.
 *  - Images are row-major, width*height samples, no padding. Buffer lengths are passed in
 *    ELEMENTS (not bytes) and must equal width*height exactly.
 *  - Outputs are written only when the call returns HVM_OK.
 *  - Results are bitwise identical on every supported target (see native/README.md).
 */
#ifndef HVM_CORE_H
#define HVM_CORE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HVM_CORE_VERSION "0.1.0"

/* Status codes. Stable: the TypeScript layer maps them to typed errors by number. */
#define HVM_OK 0
#define HVM_E_NULL_POINTER (-1)   /* a required pointer was NULL */
#define HVM_E_BAD_DIMENSIONS (-2) /* width or height <= 0 */
#define HVM_E_TOO_LARGE (-3)      /* width*height (or the padded FFT size) exceeds the limits */
#define HVM_E_BUFFER_SIZE (-4)    /* a buffer length is not width*height */
#define HVM_E_BAD_ARGUMENT (-5)   /* a scalar argument is NaN or out of range */
#define HVM_E_NON_FINITE (-6)     /* an input image holds NaN or +-Inf */
#define HVM_E_NO_MEMORY (-7)      /* scratch allocation failed */
#define HVM_E_UNKNOWN_FUNCTION (-8) /* hvm_detmath_eval: unknown function id */

/* Largest accepted width*height: fits int32, so lengths cross the C ABI as uint32 and every
 * pixel index fits; u8 sums (< 2^39) stay exact in uint64 and in binary64. */
#define HVM_MAX_PIXELS 2147483647
/* Largest accepted padded FFT grid of hvm_phase_correlate (2^26 cells = 1 GiB of complex
 * doubles), so a 4096x4096 frame is the practical ceiling. */
#define HVM_MAX_FFT_CELLS 67108864
/* Largest accepted blur sigma in px (kernel radius ceil(3*sigma) <= 3000). */
#define HVM_MAX_SIGMA 1000.0

typedef struct hvm_frame_stats_t {
  double mean;              /* offset 0 */
  double sd;                /* offset 8: population standard deviation */
  int32_t min;              /* offset 16 */
  int32_t max;              /* offset 20 */
  uint32_t histogram[256];  /* offset 24, size 1024 */
} hvm_frame_stats_t;        /* size 1048, align 8 */

typedef struct hvm_phase_result_t {
  double dx;   /* offset 0: shift of moving vs reference, px, x to the right */
  double dy;   /* offset 8: px, y downwards */
  double peak; /* offset 16: normalised correlation peak, 0..1 (1 = exact match, 0 = flat) */
} hvm_phase_result_t; /* size 24 */

/* Statistics of an 8-bit grey frame: mean, population sd, min, max, 256-bin histogram. */
int32_t hvm_frame_stats(const uint8_t* frame, uint32_t frame_len, int32_t width,
                        int32_t height, hvm_frame_stats_t* out);

/* Separable Gaussian blur, radius ceil(3*sigma), clamped edges. sigma <= 0 copies.
 * dst may alias src. */
int32_t hvm_gaussian_blur(const float* src, uint32_t src_len, int32_t width, int32_t height,
                          double sigma_px, float* dst, uint32_t dst_len);

/* acc[i] += frame[i] for every pixel. */
int32_t hvm_accumulate_frame(double* acc, uint32_t acc_len, const uint8_t* frame,
                             uint32_t frame_len, int32_t width, int32_t height);

/* Translation of `moving` relative to `reference` by phase correlation. If
 * moving(x, y) = reference(x - dx, y - dy) the result is (dx, dy). */
int32_t hvm_phase_correlate(const float* reference, uint32_t reference_len,
                            const float* moving, uint32_t moving_len, int32_t width,
                            int32_t height, hvm_phase_result_t* out);

/* Deterministic-math self check: out[i] = f(x[i], y[i]) for n values, where f is
 * 1 exp, 2 log, 3 sin, 4 cos, 5 atan2(y=x[i], x=y[i]), 6 sqrt. y may be NULL unless f = 5.
 * Lets tests compare the two backends and the reference libm on the same math. */
int32_t hvm_detmath_eval(int32_t fn, const double* x, const double* y, double* out,
                         uint32_t n);

/* Static NUL-terminated English text for a status code (never NULL). */
const char* hvm_status_message(int32_t status);
/* HVM_CORE_VERSION. */
const char* hvm_core_version(void);
/* 1 if the core was compiled for 128-bit SIMD (wasm simd128, x86 SSE2+, arm NEON). */
int32_t hvm_core_simd(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* HVM_CORE_H */
