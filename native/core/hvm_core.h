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
/* Largest accepted |dx|, |dy| of hvm_shift_accumulate, px (keeps float->int defined). */
#define HVM_MAX_SHIFT_PX 1073741824.0

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

/* Sharpness of an 8-bit frame for motion-blur detection (frame_sharpness.cpp): the mean
 * squared central-difference gradient of its 2x2-binned image over the squared mean of that
 * image; 0 for a frame under 6x6 px or an all-black one. */
int32_t hvm_frame_sharpness(const uint8_t* frame, uint32_t frame_len, int32_t width,
                            int32_t height, double* out);

/* Separable Gaussian blur, radius ceil(3*sigma), clamped edges. sigma <= 0 copies.
 * dst may alias src. */
int32_t hvm_gaussian_blur(const float* src, uint32_t src_len, int32_t width, int32_t height,
                          double sigma_px, float* dst, uint32_t dst_len);

/* acc[i] += frame[i] for every pixel. */
int32_t hvm_accumulate_frame(double* acc, uint32_t acc_len, const uint8_t* frame,
                             uint32_t frame_len, int32_t width, int32_t height);

/* Stabilised temporal sum. (dx, dy) is the frame's content shift against the reference,
 * as hvm_phase_correlate(reference, frame) reports it: frame(x, y) = reference(x - dx,
 * y - dy). So acc[x, y] += bilinear(frame, x + dx, y + dy) and count[x, y] += 1 wherever
 * that sample lies inside the frame (all taps); other pixels are untouched. acc, count and
 * frame are width*height; |dx|, |dy| <= HVM_MAX_SHIFT_PX (finite), else HVM_E_BAD_ARGUMENT. */
int32_t hvm_shift_accumulate(double* acc, uint32_t acc_len, uint32_t* count,
                             uint32_t count_len, const uint8_t* frame, uint32_t frame_len,
                             int32_t width, int32_t height, double dx, double dy);

/* Translation of `moving` relative to `reference` by phase correlation. If
 * moving(x, y) = reference(x - dx, y - dy) the result is (dx, dy). */
int32_t hvm_phase_correlate(const float* reference, uint32_t reference_len,
                            const float* moving, uint32_t moving_len, int32_t width,
                            int32_t height, hvm_phase_result_t* out);

/* The same in two steps, for many images against one reference: the reference's spectrum
 * (hvm_phase_spectrum_len(width, height) doubles; 0 when the size is invalid or too large),
 * then each moving image against it. hvm_phase_correlate(r, m) equals
 * hvm_phase_correlate_reference(hvm_phase_reference(r), m) bit for bit. */
uint32_t hvm_phase_spectrum_len(int32_t width, int32_t height);
int32_t hvm_phase_reference(const float* reference, uint32_t reference_len, int32_t width,
                            int32_t height, double* spectrum, uint32_t spectrum_len);
int32_t hvm_phase_correlate_reference(const double* spectrum, uint32_t spectrum_len,
                                      const float* moving, uint32_t moving_len, int32_t width,
                                      int32_t height, hvm_phase_result_t* out);

/* The registration image of one frame (registration_image.cpp, src/analysis/
 * registration-image.ts): the width x height grid of factor x factor box means whose block
 * (0, 0) starts at frame px (x0, y0) (inside the frame), flattened by
 * G_sigma_bg * (img * valid) / valid_blur and tapered by weight (all width*height). */
int32_t hvm_registration_image(const uint8_t* frame, uint32_t frame_len, int32_t frame_width,
                               int32_t frame_height, int32_t x0, int32_t y0, int32_t factor,
                               int32_t width, int32_t height, const float* valid,
                               uint32_t valid_len, const float* valid_blur,
                               uint32_t valid_blur_len, const float* weight, uint32_t weight_len,
                               double sigma_bg, float* out, uint32_t out_len);

/* Lucas-Kanade refinement of a translation between two registration images (refine_shift.cpp):
 * from (dx0, dy0), Gauss-Newton steps on sum (moving(p + d) - reference(p))^2 over the pixels
 * marked 1 in `inner` whose moving-image position is marked 1 in `inner_taps` (all four
 * buffers width*height), until an update is below `tolerance`, after max_iterations
 * (0..1000), or back to (dx0, dy0) when singular or when d moves more than max_change.
 * out (3 doubles): dx, dy, iterations. */
int32_t hvm_refine_shift(const float* reference, uint32_t reference_len, const float* moving,
                         uint32_t moving_len, const uint8_t* inner, uint32_t inner_len,
                         const uint8_t* inner_taps, uint32_t inner_taps_len, int32_t width,
                         int32_t height, double dx0, double dy0, double tolerance,
                         int32_t max_iterations, double max_change, double* out,
                         uint32_t out_len);

/* Residual of a registration over the same pixels: sqrt(sum (a - b)^2 / sum (a^2 + b^2)), b the
 * moving image sampled at p + (dx, dy). out (2 doubles): the residual, and 1 when defined (0
 * when no pixel is usable or both images are 0 there; the residual is then 0). */
int32_t hvm_registration_residual(const float* reference, uint32_t reference_len,
                                  const float* moving, uint32_t moving_len, const uint8_t* inner,
                                  uint32_t inner_len, const uint8_t* inner_taps,
                                  uint32_t inner_taps_len, int32_t width, int32_t height,
                                  double dx, double dy, double* out, uint32_t out_len);

/* Pooled normalised cross-correlation of `pairs` row pairs of length row_length (a and b hold
 * the rows one after another, pairs*row_length floats each) at shifts s_lo..s_hi
 * (-(row_length-1) <= s_lo <= s_hi <= row_length-1; pooled_ncc.cpp):
 * out[s - s_lo] = sum_p sum_i a_p[i] b_p[i+s] / sqrt(sum_p sum_i a_p[i]^2 * sum_p sum_i b_p[i+s]^2)
 * over the overlap, 0 where an energy is 0. out_len = s_hi - s_lo + 1. */
int32_t hvm_pooled_ncc(const float* a, uint32_t a_len, const float* b, uint32_t b_len,
                       int32_t pairs, int32_t row_length, int32_t s_lo, int32_t s_hi, double* out,
                       uint32_t out_len);

/* Screen extrema (screen_extrema.cpp): lo = min(lo, frame), hi = max(hi, frame) per pixel (all
 * width*height), and this frame's row_sums (height values) and col_sums (width values),
 * overwritten. width, height <= 2^24. */
int32_t hvm_screen_extrema(const uint8_t* frame, uint32_t frame_len, int32_t width, int32_t height,
                           uint8_t* lo, uint32_t lo_len, uint8_t* hi, uint32_t hi_len,
                           uint32_t* row_sums, uint32_t row_sums_len, uint32_t* col_sums,
                           uint32_t col_sums_len);

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

/* ---- Vessel segmentation (vesselness, threshold, components, thinning, graph) ---- */

/* Largest number of scales of hvm_hessian_vesselness (scale indices fit a uint8; 255 = none). */
#define HVM_MAX_SCALES 64

/* Background flattening and local contrast normalisation (Foracchia et al. 2005), with an
 * optional region mask (normalised convolution): dst = (src - mu) / sqrt(var + eps^2), mu and
 * var the Gaussian(sigma_px)-weighted local mean and variance over the mask, eps^2 = eps_rel^2 *
 * mean var over the mask; dst = 0 outside the mask. mask_len 0 = no mask (mask not read).
 * 0 < sigma_px <= HVM_MAX_SIGMA, 0 <= eps_rel <= 1e6. dst may alias src. */
int32_t hvm_local_normalize(const float* src, uint32_t src_len, const uint8_t* mask,
                            uint32_t mask_len, int32_t width, int32_t height, double sigma_px,
                            double eps_rel, float* dst, uint32_t dst_len);

/* Extends src beyond the region {mask != 0} by iterated means of known 8-neighbours, layer
 * by layer (Soares et al. 2006), so later filters see no step at the region's border.
 * dst = src inside; an empty mask gives 0 everywhere. dst may alias src. */
int32_t hvm_fill_outside(const float* src, uint32_t src_len, const uint8_t* mask,
                         uint32_t mask_len, int32_t width, int32_t height, float* dst,
                         uint32_t dst_len);

/* Multi-scale Hessian vesselness (Frangi et al. 1998), gamma = 2 normalised Gaussian
 * derivatives, maximum over the n_sigmas scales (1..HVM_MAX_SCALES, each 0 < sigma <=
 * HVM_MAX_SIGMA px). dark_vessels 1: vessels darker than the background (lambda2 > 0); 0:
 * brighter. beta > 0; c > 0 absolute, or with c_relative = 1 a fraction of the largest
 * Hessian norm S over all scales and pixels of the vessel's polarity. vesselness in [0, 1];
 * scale_index = index of the first scale reaching the maximum, 255 where V = 0. */
int32_t hvm_hessian_vesselness(const float* src, uint32_t src_len, int32_t width,
                               int32_t height, const float* sigmas, uint32_t n_sigmas,
                               int32_t dark_vessels, double beta, double c, int32_t c_relative,
                               float* vesselness, uint32_t vesselness_len,
                               uint8_t* scale_index, uint32_t scale_index_len);

/* Largest radius of hvm_min_filter, px. */
#define HVM_MAX_MIN_FILTER_RADIUS 100000

/* Grey-level erosion (van Herk 1992 / Gil & Werman 1993): dst = minimum of src over the
 * (2 radius + 1)^2 square around each pixel, the window clipped to the image. radius 0
 * copies; 0 <= radius <= HVM_MAX_MIN_FILTER_RADIUS. dst may alias src. */
int32_t hvm_min_filter(const float* src, uint32_t src_len, int32_t width, int32_t height,
                       int32_t radius, float* dst, uint32_t dst_len);

/* Hysteresis threshold (Canny 1986): mask = 1 on the 8-connected components of
 * {src >= low} that contain a pixel >= high, else 0. low <= high, not NaN. */
int32_t hvm_hysteresis_threshold(const float* src, uint32_t src_len, int32_t width,
                                 int32_t height, double low, double high, uint8_t* mask,
                                 uint32_t mask_len);

/* Keeps the 8-connected components of {src != 0} with at least min_area pixels (dst = 1),
 * removes the others (0); *kept = number of components kept. dst may alias src. */
int32_t hvm_remove_small_components(const uint8_t* src, uint32_t src_len, int32_t width,
                                    int32_t height, uint32_t min_area, uint8_t* dst,
                                    uint32_t dst_len, uint32_t* kept);

/* Guo-Hall (1989) parallel thinning of {src != 0}: dst = 1 on the one-pixel-wide
 * 8-connected skeleton. dst may alias src. */
int32_t hvm_thin(const uint8_t* src, uint32_t src_len, int32_t width, int32_t height,
                 uint8_t* dst, uint32_t dst_len);

/* Splits a skeleton ({skel != 0}, m-adjacency) into pixel chains between end points and
 * junctions, plus closed loops; see skeleton_graph.cpp for the order. Sizing call with all
 * three capacities 0: writes counts[0] = segments, counts[1] = chain pixels. Fill call: the
 * capacities must be exactly counts[1] (pixels), counts[0] + 1 (offsets), counts[0] (flags).
 * pixels are y*width + x; segment s is pixels[offsets[s] .. offsets[s+1]); flags bit 0/1:
 * first/last pixel is a junction, bit 2: closed loop. */
int32_t hvm_skeleton_graph(const uint8_t* skel, uint32_t skel_len, int32_t width,
                           int32_t height, uint32_t* pixels, uint32_t pixels_cap,
                           uint32_t* offsets, uint32_t offsets_cap, uint8_t* flags,
                           uint32_t flags_cap, uint32_t* counts);

/* ---- Flow: space-time diagrams (space_time.cpp) ---- */

/* Smallest across-vessel sampling step and largest half-width of hvm_space_time_sample, px. */
#define HVM_MIN_ACROSS_STEP_PX 0.05
#define HVM_MAX_HALF_WIDTH_PX 1000.0

/* One frame's rows of space-time diagrams (Ellis et al. 1992): for each of the m sample
 * points P_i (points = x0,y0,x1,y1,... reference px, 2m values), with unit normal n_i
 * (normals, 2m values, each component in [-1, 1]) and half-width hw_i (half_widths, m values,
 * 0 <= hw <= HVM_MAX_HALF_WIDTH_PX), out[i] = mean over j = -K..K (K = floor(hw_i / step)) of
 * bilinear(frame, P_i + (dx, dy) + j*step*n_i); when max_side_taps > 0 and K exceeds it,
 * K = max_side_taps taps a side at hw_i / K apart instead (max_side_taps >= 0; 0: no cap).
 * (dx, dy) is the frame's content shift as
 * hvm_phase_correlate reports it (a tissue point P is seen at P + (dx, dy)). valid[i] = 1 when
 * every tap lies inside the frame, else 0 and out[i] = 0. HVM_MIN_ACROSS_STEP_PX <= step <=
 * HVM_MAX_HALF_WIDTH_PX; coordinates and shifts finite, |.| <= HVM_MAX_SHIFT_PX. */
int32_t hvm_space_time_sample(const uint8_t* frame, uint32_t frame_len, int32_t width,
                              int32_t height, double dx, double dy, const double* points,
                              uint32_t points_len, const double* normals, uint32_t normals_len,
                              const double* half_widths, uint32_t half_widths_len,
                              double across_step_px, int32_t max_side_taps, float* out,
                              uint32_t out_len, uint8_t* valid, uint32_t valid_len);

/* One frame's STD rows as 16-bit codes (src/flow/row-store.ts): `values`/`valid` as
 * hvm_space_time_sample gives them for `paths` paths laid one after another, each as its left
 * line (counts[p] samples) then its right line. rows[] and diffs[] (sum of counts each, path
 * after path) get code(((l + r) / 2) * gain) and code((l - r) * gain), where code(v) rounds
 * float32(v) * sample_scale half up and clamps to +-max_code (1..32767); -max_code - 1 where
 * either line's sample is not valid. */
int32_t hvm_space_time_encode(const float* values, uint32_t values_len, const uint8_t* valid,
                              uint32_t valid_len, const uint32_t* counts, uint32_t paths,
                              double gain, double sample_scale, int32_t max_code, int16_t* rows,
                              uint32_t rows_len, int16_t* diffs, uint32_t diffs_len);

/* ---- Vessel map: De Backer grid crossings (grid_crossings.cpp) ---- */

/* Crossings of one polyline (xy = x0, y0, x1, y1, ..., reference px; xy_len even) with the
 * six De Backer grid lines of the region (rx, ry, rw, rh): counts[0..2] the horizontal lines
 * at 1/4, 1/2, 3/4 of the height, counts[3..5] the vertical ones. A side is taken only
 * beyond band_px of a line (hysteresis, band_px >= 0; 0 = plain side test); a crossing
 * counts where the polyline last crossed the line exactly, if that lies on the line's
 * extent. counts_len must be 6. */
int32_t hvm_grid_crossings(const double* xy, uint32_t xy_len, double rx, double ry, double rw,
                           double rh, double band_px, uint32_t* counts, uint32_t counts_len);

/* As hvm_shift_accumulate (acc += v, count += 1 where covered) and, from the same bilinear
 * sample v in the same pass, the temporal variance's moments: adds g*v into m_acc and
 * (g*v)^2 into acc_sq (g = gain, 0 < gain <= 1e6: a per-frame brightness normalisation so
 * flicker does not read as variance). */
int32_t hvm_shift_accumulate_moments(double* acc, uint32_t acc_len, double* m_acc,
                                     uint32_t m_acc_len, double* acc_sq,
                                     uint32_t acc_sq_len, uint32_t* count, uint32_t count_len,
                                     const uint8_t* frame, uint32_t frame_len, int32_t width,
                                     int32_t height, double dx, double dy, double gain);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* HVM_CORE_H */
