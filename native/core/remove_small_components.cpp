// remove_small_components.cpp — drop 8-connected foreground components below an area.
//
// Method: connected-component labelling by region growing (Rosenfeld A, Pfaltz JL.
// Sequential operations in digital picture processing. J ACM 1966;13(4):471–494, which
// defines the components; here they are grown breadth-first with an explicit queue instead
// of the two-pass union-find, which gives each component's pixels contiguously).
//
// Every foreground pixel (any non-zero input) enters the queue exactly once, so the queue
// array of width*height entries holds the components one after the other, each in BFS
// order from its first pixel in scan order. A component whose pixel count is >= min_area
// is kept (output 1), a smaller one removed (0). min_area 0 or 1 keeps everything.
// `kept` receives the number of components kept. The result does not depend on the order
// of visiting: it is a property of the components.
#include <string.h>

#include "checks.h"
#include "hvm_core.h"
#include "scratch.h"

extern "C" int32_t hvm_remove_small_components(const uint8_t* src, uint32_t src_len,
                                               int32_t width, int32_t height,
                                               uint32_t min_area, uint8_t* dst,
                                               uint32_t dst_len, uint32_t* kept) {
  uint32_t n = 0;
  int32_t st = hvm::check_dims(width, height, &n);
  if (st != HVM_OK) return st;
  if ((st = hvm::check_len(src_len, n)) != HVM_OK) return st;  // lengths first: see checks.h
  if ((st = hvm::check_len(dst_len, n)) != HVM_OK) return st;
  if (src == nullptr || dst == nullptr || kept == nullptr) return HVM_E_NULL_POINTER;

  hvm::Scratch<uint32_t> queue(n);
  hvm::Scratch<uint8_t> state(n);  // 0 background, 1 foreground unvisited, 2 visited, 3 kept
  if (!queue.ok() || !state.ok()) return HVM_E_NO_MEMORY;
  uint8_t* s = state.get();
  for (uint32_t i = 0; i < n; ++i) s[i] = src[i] != 0 ? 1 : 0;
  uint32_t* q = queue.get();
  uint32_t tail = 0;
  uint32_t count = 0;
  const int32_t w = width, h = height;
  for (uint32_t seed = 0; seed < n; ++seed) {
    if (s[seed] != 1) continue;
    const uint32_t start = tail;
    uint32_t head = tail;
    q[tail++] = seed;
    s[seed] = 2;
    while (head < tail) {
      const uint32_t i = q[head++];
      const int32_t x = static_cast<int32_t>(i % static_cast<uint32_t>(w));
      const int32_t y = static_cast<int32_t>(i / static_cast<uint32_t>(w));
      for (int32_t dy = -1; dy <= 1; ++dy) {
        const int32_t yy = y + dy;
        if (yy < 0 || yy >= h) continue;
        for (int32_t dx = -1; dx <= 1; ++dx) {
          const int32_t xx = x + dx;
          if ((dx == 0 && dy == 0) || xx < 0 || xx >= w) continue;
          const uint32_t j = static_cast<uint32_t>(yy) * static_cast<uint32_t>(w) + static_cast<uint32_t>(xx);
          if (s[j] != 1) continue;
          s[j] = 2;
          q[tail++] = j;
        }
      }
    }
    if (tail - start >= min_area) {
      ++count;
      for (uint32_t k = start; k < tail; ++k) s[q[k]] = 3;
    }
  }
  for (uint32_t i = 0; i < n; ++i) dst[i] = s[i] == 3 ? 1 : 0;
  *kept = count;
  return HVM_OK;
}
