// registration_image.cpp — the image phase correlation sees, made from one frame: crop and
// f×f box downsample, brightness flattened by a normalised-convolution background over the
// valid pixels, masked and tapered (the method and its reasons: src/analysis/
// registration-image.ts, whose geometry — valid, its blur, the taper weight — is made once a
// clip and passed in).
//
//   img  = box mean of the f×f block (float)
//   num  = G_σ ∗ (img·valid)                               (hvm_gaussian_blur)
//   out  = weight = 0 ? 0 : (b = num / validBlur if validBlur > 1e-6, else 0;
//                            b ≥ 1 ? (img / b − 1)·weight : 0)
//
// The arithmetic is the TypeScript original's, operation for operation, in double with a
// float32 store where it stored into a Float32Array (the box sums are integers, exact), so
// both backends and the original give the same bits.
#include "checks.h"
#include "hvm_core.h"
#include "scratch.h"

extern "C" int32_t hvm_registration_image(const uint8_t* frame, uint32_t frame_len, int32_t frame_width,
                                          int32_t frame_height, int32_t x0, int32_t y0, int32_t factor,
                                          int32_t width, int32_t height, const float* valid,
                                          uint32_t valid_len, const float* valid_blur,
                                          uint32_t valid_blur_len, const float* weight,
                                          uint32_t weight_len, double sigma_bg, float* out,
                                          uint32_t out_len) {
  uint32_t fn = 0, n = 0;
  int32_t st = hvm::check_dims(frame_width, frame_height, &fn);
  if (st != HVM_OK) return st;
  if ((st = hvm::check_dims(width, height, &n)) != HVM_OK) return st;
  if ((st = hvm::check_len(frame_len, fn)) != HVM_OK) return st;
  const uint32_t lens[4] = {valid_len, valid_blur_len, weight_len, out_len};
  for (const uint32_t len : lens)
    if ((st = hvm::check_len(len, n)) != HVM_OK) return st;
  if (frame == nullptr || valid == nullptr || valid_blur == nullptr || weight == nullptr || out == nullptr)
    return HVM_E_NULL_POINTER;
  // The crop must lie inside the frame (int64: no overflow for any int32 inputs).
  const int64_t f = factor;
  if (f < 1 || x0 < 0 || y0 < 0 || x0 + static_cast<int64_t>(width) * f > frame_width ||
      y0 + static_cast<int64_t>(height) * f > frame_height)
    return HVM_E_BAD_ARGUMENT;

  hvm::Scratch<float> img(n), masked(n), num(n);
  if (!img.ok() || !masked.ok() || !num.ok()) return HVM_E_NO_MEMORY;
  float* im = img.get();
  const size_t fw = static_cast<size_t>(frame_width);
  const double inv = 1.0 / static_cast<double>(f * f);
  for (int64_t v = 0; v < height; ++v) {
    float* orow = im + static_cast<size_t>(v) * static_cast<size_t>(width);
    for (int64_t u = 0; u < width; ++u) {
      const uint8_t* p = frame + static_cast<size_t>(y0 + v * f) * fw + static_cast<size_t>(x0 + u * f);
      if (f == 1) {
        orow[u] = static_cast<float>(p[0]);
      } else if (f == 2) {
        const int32_t s = static_cast<int32_t>(p[0]) + p[1] + p[fw] + p[fw + 1];
        orow[u] = static_cast<float>(static_cast<double>(s) * 0.25);
      } else {
        int64_t s = 0;
        for (int64_t dy = 0; dy < f; ++dy)
          for (int64_t dx = 0; dx < f; ++dx) s += p[static_cast<size_t>(dy) * fw + static_cast<size_t>(dx)];
        orow[u] = static_cast<float>(static_cast<double>(s) * inv);
      }
    }
  }
  float* mk = masked.get();
  for (uint32_t i = 0; i < n; ++i) mk[i] = static_cast<float>(static_cast<double>(im[i]) * static_cast<double>(valid[i]));
  if ((st = hvm_gaussian_blur(mk, n, width, height, sigma_bg, num.get(), n)) != HVM_OK) return st;
  const float* nm = num.get();
  for (uint32_t i = 0; i < n; ++i) {
    const double wgt = static_cast<double>(weight[i]);
    if (wgt == 0.0) {
      out[i] = 0.0f;
      continue;
    }
    const double den = static_cast<double>(valid_blur[i]);
    const double b = den > 1e-6 ? static_cast<double>(nm[i]) / den : 0.0;
    out[i] = b >= 1.0 ? static_cast<float>((static_cast<double>(im[i]) / b - 1.0) * wgt) : 0.0f;
  }
  return HVM_OK;
}
