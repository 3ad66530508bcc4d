// local_normalize.cpp — background flattening and local contrast normalisation.
//
// Method:
//   Foracchia M, Grisan E, Ruggeri A. Luminosity and contrast normalization in retinal
//   images. Medical Image Analysis 2005;9(3):179–190.
// The image is modelled as I = μ(x) + σ(x)·Z: a slowly varying background luminosity μ and
// contrast σ (uneven illumination, vignetting, tissue depth) times a normalised content Z.
// Both are estimated locally and removed: Z = (I − μ) / sqrt(σ² + ε²). Foracchia estimates
// them in square windows over background pixels; here the window is a Gaussian of σ_px
// (hvm_gaussian_blur), which has no block edges, and a region-of-interest mask is honoured
// by normalised convolution (Knutsson H, Westin C-F. Normalized and differential
// convolution. CVPR 1993:515–523):
//   μ  = G*(m·I) / G*m,      σ² = G*(m·(I − μ)²) / G*m,
// so pixels outside the mask (the black rim around a fundus photograph's field of view, a
// burnt-in overlay) neither darken the estimates near the border nor create a step there.
// Outside the mask the output is 0 (the normalised background level).
//
// ε keeps flat regions (σ → 0) from amplifying noise: ε² = eps_rel² · mean(σ²) over the
// mask, the mean taken in double in scan order (a fixed order on every target).
//
// Determinism: the blurs are hvm_gaussian_blur; every other step is one per-pixel
// expression (float blur outputs, double arithmetic, rounded once to float).
#include "checks.h"
#include "detmath.h"
#include "hvm_core.h"
#include "scratch.h"

extern "C" int32_t hvm_local_normalize(const float* src, uint32_t src_len, const uint8_t* mask,
                                       uint32_t mask_len, int32_t width, int32_t height,
                                       double sigma_px, double eps_rel, float* dst,
                                       uint32_t dst_len) {
  uint32_t n = 0;
  int32_t st = hvm::check_dims(width, height, &n);
  if (st != HVM_OK) return st;
  if ((st = hvm::check_len(src_len, n)) != HVM_OK) return st;  // lengths first: see checks.h
  if (mask_len != 0 && (st = hvm::check_len(mask_len, n)) != HVM_OK) return st;
  if ((st = hvm::check_len(dst_len, n)) != HVM_OK) return st;
  if (src == nullptr || dst == nullptr || (mask_len != 0 && mask == nullptr))
    return HVM_E_NULL_POINTER;
  if (!(sigma_px > 0.0 && sigma_px <= HVM_MAX_SIGMA)) return HVM_E_BAD_ARGUMENT;  // NaN fails
  if (!(eps_rel >= 0.0 && eps_rel <= 1e6)) return HVM_E_BAD_ARGUMENT;
  if (!hvm::all_finite(src, n)) return HVM_E_NON_FINITE;

  hvm::Scratch<float> mbuf(n), wbuf(n), bm(n), mu(n);
  if (!mbuf.ok() || !wbuf.ok() || !bm.ok() || !mu.ok()) return HVM_E_NO_MEMORY;
  float* m = mbuf.get();
  float* t = wbuf.get();
  uint32_t inside = 0;
  for (uint32_t i = 0; i < n; ++i) {
    m[i] = (mask_len == 0 || mask[i] != 0) ? 1.0f : 0.0f;
    inside += (mask_len == 0 || mask[i] != 0) ? 1u : 0u;
  }
  if (inside == 0) {
    for (uint32_t i = 0; i < n; ++i) dst[i] = 0.0f;
    return HVM_OK;
  }

  // G*m and G*(m·I).
  if ((st = hvm_gaussian_blur(m, n, width, height, sigma_px, bm.get(), n)) != HVM_OK) return st;
  for (uint32_t i = 0; i < n; ++i) t[i] = m[i] * src[i];
  if ((st = hvm_gaussian_blur(t, n, width, height, sigma_px, mu.get(), n)) != HVM_OK) return st;
  const float* b = bm.get();
  float* u = mu.get();
  // μ = G*(m·I) / G*m. Where G*m underflowed to 0 (far outside the mask) μ is unused.
  for (uint32_t i = 0; i < n; ++i) {
    u[i] = b[i] > 0.0f ? static_cast<float>(static_cast<double>(u[i]) / static_cast<double>(b[i])) : 0.0f;
  }
  // σ² = G*(m·(I − μ)²) / G*m.
  for (uint32_t i = 0; i < n; ++i) {
    const double r = static_cast<double>(src[i]) - static_cast<double>(u[i]);
    t[i] = m[i] != 0.0f ? static_cast<float>(r * r) : 0.0f;
  }
  if ((st = hvm_gaussian_blur(t, n, width, height, sigma_px, t, n)) != HVM_OK) return st;
  double var_sum = 0.0;
  for (uint32_t i = 0; i < n; ++i) {
    const double v = b[i] > 0.0f ? static_cast<double>(t[i]) / static_cast<double>(b[i]) : 0.0;
    t[i] = static_cast<float>(v);
    if (m[i] != 0.0f) var_sum += v;
  }
  const double eps2 = eps_rel * eps_rel * (var_sum / static_cast<double>(inside));
  for (uint32_t i = 0; i < n; ++i) {
    if (m[i] == 0.0f) {
      dst[i] = 0.0f;
      continue;
    }
    const double den = hvm::detmath::sqrt(static_cast<double>(t[i]) + eps2);
    const double r = static_cast<double>(src[i]) - static_cast<double>(u[i]);
    dst[i] = den > 0.0 ? static_cast<float>(r / den) : 0.0f;
  }
  return HVM_OK;
}
