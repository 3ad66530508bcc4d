// thinning.cpp — binary thinning to one-pixel-wide, 8-connected centerlines.
//
// Method: Guo Z, Hall RW. Parallel thinning with two-subiteration algorithms.
// Communications of the ACM 1989;32(3):359–373, algorithm A1. Compared with Zhang & Suen
// (CACM 1984;27(3):236–239) it preserves diagonal lines of width 2 and leaves fewer spurs.
//
// Neighbours of p, as in the paper, counter-clockwise from east:
//   x4 x3 x2        NW N NE
//   x5 p  x1   =    W  p  E
//   x6 x7 x8        SW S SE
//   C(p)  = Σ_{i=1..4} [¬x_{2i−1} ∧ (x_{2i} ∨ x_{2i+1})]            (x9 = x1)
//   N1(p) = Σ_{k=1..4} (x_{2k−1} ∨ x_{2k}),  N2(p) = Σ_{k=1..4} (x_{2k} ∨ x_{2k+1}),
//   N(p)  = min(N1, N2).
// A foreground pixel is deleted when C(p) = 1, 2 <= N(p) <= 3 and, in the first
// subiteration, (x2 ∨ x3 ∨ ¬x8) ∧ x1 = 0, in the second (x6 ∨ x7 ∨ ¬x4) ∧ x5 = 0. The
// subiterations alternate until neither deletes anything.
//
// Determinism: each subiteration is PARALLEL: every decision reads the image as it was at
// the start of the subiteration, and the deletions are applied afterwards, so the result
// does not depend on any visiting order. Pixels outside the image are background.
//
// Input: any non-zero is foreground. Output: 1 on the skeleton, 0 elsewhere.
#include <string.h>

#include "checks.h"
#include "hvm_core.h"
#include "scratch.h"

extern "C" int32_t hvm_thin(const uint8_t* src, uint32_t src_len, int32_t width, int32_t height,
                            uint8_t* dst, uint32_t dst_len) {
  uint32_t n = 0;
  int32_t st = hvm::check_dims(width, height, &n);
  if (st != HVM_OK) return st;
  if ((st = hvm::check_len(src_len, n)) != HVM_OK) return st;  // lengths first: see checks.h
  if ((st = hvm::check_len(dst_len, n)) != HVM_OK) return st;
  if (src == nullptr || dst == nullptr) return HVM_E_NULL_POINTER;

  // Padded copy with a one-pixel background border: no bounds checks in the neighbourhood.
  const uint64_t pw = static_cast<uint64_t>(width) + 2;
  const uint64_t ph = static_cast<uint64_t>(height) + 2;
  if (pw * ph > 0xffffffffull) return HVM_E_TOO_LARGE;  // padded indices are uint32
  hvm::Scratch<uint8_t> img(pw * ph);
  hvm::Scratch<uint32_t> live(n);  // padded indices of the foreground, in scan order
  hvm::Scratch<uint32_t> del(n);   // padded indices to delete this subiteration
  if (!img.ok() || !live.ok() || !del.ok()) return HVM_E_NO_MEMORY;
  uint8_t* a = img.get();
  memset(a, 0, static_cast<size_t>(pw * ph));
  uint32_t* lv = live.get();
  uint32_t n_live = 0;
  const uint32_t W = static_cast<uint32_t>(pw);
  for (int32_t y = 0; y < height; ++y) {
    for (int32_t x = 0; x < width; ++x) {
      const uint32_t i = static_cast<uint32_t>(y) * static_cast<uint32_t>(width) + static_cast<uint32_t>(x);
      if (src[i] == 0) continue;
      const uint32_t p = (static_cast<uint32_t>(y) + 1) * W + static_cast<uint32_t>(x) + 1;
      a[p] = 1;
      lv[n_live++] = p;
    }
  }

  uint32_t* dl = del.get();
  bool changed = true;
  while (changed) {
    changed = false;
    for (int32_t sub = 0; sub < 2; ++sub) {
      uint32_t n_del = 0;
      for (uint32_t k = 0; k < n_live; ++k) {
        const uint32_t p = lv[k];
        const int32_t x1 = a[p + 1], x2 = a[p - W + 1], x3 = a[p - W], x4 = a[p - W - 1];
        const int32_t x5 = a[p - 1], x6 = a[p + W - 1], x7 = a[p + W], x8 = a[p + W + 1];
        // x ^ 1 is the negation of a 0/1 value.
        const int32_t c = ((x1 ^ 1) & (x2 | x3)) + ((x3 ^ 1) & (x4 | x5)) + ((x5 ^ 1) & (x6 | x7)) +
                          ((x7 ^ 1) & (x8 | x1));
        if (c != 1) continue;
        const int32_t n1 = (x1 | x2) + (x3 | x4) + (x5 | x6) + (x7 | x8);
        const int32_t n2 = (x2 | x3) + (x4 | x5) + (x6 | x7) + (x8 | x1);
        const int32_t nn = n1 < n2 ? n1 : n2;
        if (nn < 2 || nn > 3) continue;
        const int32_t m = sub == 0 ? ((x2 | x3 | (x8 ^ 1)) & x1) : ((x6 | x7 | (x4 ^ 1)) & x5);
        if (m != 0) continue;
        dl[n_del++] = p;
      }
      if (n_del == 0) continue;
      changed = true;
      for (uint32_t k = 0; k < n_del; ++k) a[dl[k]] = 0;
      uint32_t j = 0;  // compact the live list, keeping scan order
      for (uint32_t k = 0; k < n_live; ++k)
        if (a[lv[k]] != 0) lv[j++] = lv[k];
      n_live = j;
    }
  }

  for (int32_t y = 0; y < height; ++y) {
    const uint8_t* row = a + (static_cast<uint64_t>(y) + 1) * pw + 1;
    memcpy(dst + static_cast<size_t>(y) * static_cast<size_t>(width), row, static_cast<size_t>(width));
  }
  return HVM_OK;
}
