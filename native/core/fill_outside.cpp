// fill_outside.cpp — extends an image beyond a region mask by iterated neighbour means.
//
// Method: Soares JVB, Leandro JJG, Cesar RM, Jelinek HF, Cree MJ. Retinal vessel
// segmentation using the 2-D Gabor wavelet and supervised classification. IEEE TMI
// 2006;25(9):1214–1222, § II-B: "an iterative algorithm ... each pixel outside the region
// of interest with at least one neighbour inside is replaced by the mean of its
// neighbours inside, and the region is expanded by these pixels; repeated until the
// whole image is covered". Filters that run afterwards then see no artificial step at the
// region's border (the black rim of a fundus photograph, an overlay, the unseen margin of
// a stabilised clip), so they do not answer to it as if it were a vessel.
//
// Layers: layer 0 is the mask; layer k+1 is every pixel not yet known that has at least
// one 8-neighbour known after layer k; its value is the mean of those known neighbours,
// summed in double in the fixed order NW, N, NE, W, E, SW, S, SE. A pixel's value depends
// only on earlier layers, so the result is independent of the visiting order. Inside the
// mask dst = src. An empty mask gives dst = 0 everywhere.
#include <string.h>

#include "checks.h"
#include "hvm_core.h"
#include "scratch.h"

extern "C" int32_t hvm_fill_outside(const float* src, uint32_t src_len, const uint8_t* mask,
                                    uint32_t mask_len, int32_t width, int32_t height,
                                    float* dst, uint32_t dst_len) {
  uint32_t n = 0;
  int32_t st = hvm::check_dims(width, height, &n);
  if (st != HVM_OK) return st;
  if ((st = hvm::check_len(src_len, n)) != HVM_OK) return st;  // lengths first: see checks.h
  if ((st = hvm::check_len(mask_len, n)) != HVM_OK) return st;
  if ((st = hvm::check_len(dst_len, n)) != HVM_OK) return st;
  if (src == nullptr || mask == nullptr || dst == nullptr) return HVM_E_NULL_POINTER;
  if (!hvm::all_finite(src, n)) return HVM_E_NON_FINITE;

  hvm::Scratch<float> val(n);
  hvm::Scratch<uint8_t> known(n);      // 1 known (mask or an earlier layer), 2 queued
  hvm::Scratch<uint32_t> front(n), next(n);
  if (!val.ok() || !known.ok() || !front.ok() || !next.ok()) return HVM_E_NO_MEMORY;
  float* v = val.get();
  uint8_t* k = known.get();
  uint32_t inside = 0;
  for (uint32_t i = 0; i < n; ++i) {
    k[i] = mask[i] != 0 ? 1 : 0;
    v[i] = mask[i] != 0 ? src[i] : 0.0f;
    inside += k[i];
  }
  if (inside == 0) {
    for (uint32_t i = 0; i < n; ++i) dst[i] = 0.0f;
    return HVM_OK;
  }
  const int32_t w = width, h = height;
  // First frontier: outside pixels touching the mask, in scan order.
  uint32_t* f = front.get();
  uint32_t* g = next.get();
  uint32_t nf = 0;
  for (uint32_t i = 0; i < n; ++i) {
    if (k[i] != 0) continue;
    const int32_t x = static_cast<int32_t>(i % static_cast<uint32_t>(w));
    const int32_t y = static_cast<int32_t>(i / static_cast<uint32_t>(w));
    bool touch = false;
    for (int32_t dy = -1; dy <= 1 && !touch; ++dy)
      for (int32_t dx = -1; dx <= 1; ++dx) {
        const int32_t xx = x + dx, yy = y + dy;
        if ((dx == 0 && dy == 0) || xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
        if (k[static_cast<uint32_t>(yy) * static_cast<uint32_t>(w) + static_cast<uint32_t>(xx)] == 1) {
          touch = true;
          break;
        }
      }
    if (touch) {
      k[i] = 2;
      f[nf++] = i;
    }
  }
  while (nf > 0) {
    // Values of this layer from known pixels only (k == 1).
    for (uint32_t t = 0; t < nf; ++t) {
      const uint32_t i = f[t];
      const int32_t x = static_cast<int32_t>(i % static_cast<uint32_t>(w));
      const int32_t y = static_cast<int32_t>(i / static_cast<uint32_t>(w));
      double s = 0.0;
      int32_t c = 0;
      for (int32_t dy = -1; dy <= 1; ++dy)
        for (int32_t dx = -1; dx <= 1; ++dx) {
          const int32_t xx = x + dx, yy = y + dy;
          if ((dx == 0 && dy == 0) || xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
          const uint32_t j = static_cast<uint32_t>(yy) * static_cast<uint32_t>(w) + static_cast<uint32_t>(xx);
          if (k[j] != 1) continue;
          s += static_cast<double>(v[j]);
          ++c;
        }
      v[i] = static_cast<float>(s / static_cast<double>(c));  // c >= 1 by construction
    }
    for (uint32_t t = 0; t < nf; ++t) k[f[t]] = 1;
    // Next layer: unknown neighbours of this layer, each queued once.
    uint32_t ng = 0;
    for (uint32_t t = 0; t < nf; ++t) {
      const uint32_t i = f[t];
      const int32_t x = static_cast<int32_t>(i % static_cast<uint32_t>(w));
      const int32_t y = static_cast<int32_t>(i / static_cast<uint32_t>(w));
      for (int32_t dy = -1; dy <= 1; ++dy)
        for (int32_t dx = -1; dx <= 1; ++dx) {
          const int32_t xx = x + dx, yy = y + dy;
          if ((dx == 0 && dy == 0) || xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
          const uint32_t j = static_cast<uint32_t>(yy) * static_cast<uint32_t>(w) + static_cast<uint32_t>(xx);
          if (k[j] != 0) continue;
          k[j] = 2;
          g[ng++] = j;
        }
    }
    uint32_t* tmp = f;
    f = g;
    g = tmp;
    nf = ng;
  }
  memcpy(dst, v, static_cast<size_t>(n) * sizeof(float));
  return HVM_OK;
}
