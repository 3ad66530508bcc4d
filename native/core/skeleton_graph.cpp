// skeleton_graph.cpp — a one-pixel-wide skeleton split into segments (pixel chains) that
// run between end points and junctions.
//
// Adjacency: mixed adjacency (m-adjacency; Gonzalez RC, Woods RE. Digital Image Processing,
// 4th ed., §2.5): 4-neighbours are adjacent; a diagonal neighbour is adjacent only when
// neither of the two pixels 4-adjacent to both is on the skeleton. This removes the
// ambiguous triangles of 8-adjacency at staircase corners, so a thin curve is a simple path
// (every interior pixel has exactly two neighbours) and its length is not counted twice.
//
// Nodes: pixels whose m-degree is not 2: end points (degree 1), junction pixels (degree
// >= 3) and isolated pixels (degree 0, which form no segment). Junction pixels that are
// m-adjacent form one junction cluster; the links inside a cluster are not segments.
// Segments (the graph tracing of e.g. Zhang TY & Suen CY-style skeleton analysis, here
// written out in full for determinism):
//   1. For every node pixel in scan order, for every direction in the fixed order
//      E, NE, N, NW, W, SW, S, SE not yet used, walk through degree-2 pixels until the next
//      node pixel; the chain holds both end pixels. A first step into the same junction
//      cluster is skipped. Each traversed link is marked used at both of its pixels, so
//      every segment is emitted once, from the node reached first in scan order.
//   2. Closed loops without any node: each unvisited degree-2 pixel in scan order starts a
//      loop, traced in its first direction in the order above; the chain ends where it
//      started (first pixel repeated).
// flags per segment: bit 0 the first pixel is a junction pixel, bit 1 the last pixel is,
// bit 2 a closed loop without nodes.
//
// Output: `pixels` (row-major indices y*width + x, concatenated chains), `offsets`
// (segment s is pixels[offsets[s] .. offsets[s+1]) ; offsets[0] = 0) and `flags`.
// Sizing call: with pixels_cap = offsets_cap = flags_cap = 0 only counts[0] = number of
// segments and counts[1] = number of chain pixels are written (pointers are not read).
// Otherwise the capacities must be exactly counts[1], counts[0] + 1 and counts[0].
// Input: any non-zero pixel is skeleton (it should be thin: see thinning.cpp).
#include <string.h>

#include "checks.h"
#include "hvm_core.h"
#include "scratch.h"

namespace {

const int32_t kDx[8] = {1, 1, 0, -1, -1, -1, 0, 1};
const int32_t kDy[8] = {0, -1, -1, -1, 0, 1, 1, 1};

inline int32_t popcount8(uint32_t v) {
  int32_t c = 0;
  for (int32_t b = 0; b < 8; ++b) c += static_cast<int32_t>((v >> b) & 1u);
  return c;
}

struct Sink {
  uint32_t* pixels;  // null in the sizing pass
  uint32_t* offsets;
  uint8_t* flags;
  uint64_t n_pix;  // 64-bit so an absurd count is caught, not wrapped
  uint32_t n_seg;
  uint32_t pw;       // padded width
  int32_t width;
  void put(uint32_t p) {
    if (pixels != nullptr) {
      const uint32_t y = p / pw - 1, x = p % pw - 1;
      pixels[n_pix] = y * static_cast<uint32_t>(width) + x;
    }
    ++n_pix;
  }
  void end_segment(uint8_t f) {
    if (offsets != nullptr) {
      flags[n_seg] = f;
      offsets[n_seg + 1] = static_cast<uint32_t>(n_pix);
    }
    ++n_seg;
  }
};

}  // namespace

extern "C" int32_t hvm_skeleton_graph(const uint8_t* skel, uint32_t skel_len, int32_t width,
                                      int32_t height, uint32_t* pixels, uint32_t pixels_cap,
                                      uint32_t* offsets, uint32_t offsets_cap, uint8_t* flags,
                                      uint32_t flags_cap, uint32_t* counts) {
  uint32_t n = 0;
  int32_t st = hvm::check_dims(width, height, &n);
  if (st != HVM_OK) return st;
  if ((st = hvm::check_len(skel_len, n)) != HVM_OK) return st;  // lengths first: see checks.h
  const bool sizing = pixels_cap == 0 && offsets_cap == 0 && flags_cap == 0;
  if (skel == nullptr || counts == nullptr) return HVM_E_NULL_POINTER;
  if (!sizing && (pixels == nullptr || offsets == nullptr || flags == nullptr))
    return HVM_E_NULL_POINTER;

  const uint64_t pw64 = static_cast<uint64_t>(width) + 2;
  const uint64_t ph64 = static_cast<uint64_t>(height) + 2;
  if (pw64 * ph64 > 0xffffffffull) return HVM_E_TOO_LARGE;
  const uint32_t pw = static_cast<uint32_t>(pw64);
  const uint32_t np = static_cast<uint32_t>(pw64 * ph64);
  hvm::Scratch<uint8_t> img(np), nbm(np), used(np), visited(np);
  hvm::Scratch<uint32_t> cluster(np), queue(n);
  if (!img.ok() || !nbm.ok() || !used.ok() || !visited.ok() || !cluster.ok() || !queue.ok())
    return HVM_E_NO_MEMORY;
  uint8_t* a = img.get();
  uint8_t* nb = nbm.get();
  uint8_t* u = used.get();
  uint8_t* vis = visited.get();
  uint32_t* cl = cluster.get();
  memset(a, 0, np);
  memset(nb, 0, np);
  for (uint32_t i = 0; i < np; ++i) cl[i] = 0;
  for (int32_t y = 0; y < height; ++y)
    for (int32_t x = 0; x < width; ++x)
      a[(static_cast<uint32_t>(y) + 1) * pw + static_cast<uint32_t>(x) + 1] =
          skel[static_cast<size_t>(y) * static_cast<size_t>(width) + static_cast<size_t>(x)] != 0 ? 1 : 0;

  int32_t off[8];
  for (int32_t d = 0; d < 8; ++d) off[d] = kDy[d] * static_cast<int32_t>(pw) + kDx[d];
  // m-adjacency masks.
  for (uint32_t p = pw; p + pw < np; ++p) {
    if (a[p] == 0) continue;
    uint32_t m = 0;
    for (int32_t d = 0; d < 8; d += 2)
      if (a[p + off[d]] != 0) m |= 1u << d;
    for (int32_t d = 1; d < 8; d += 2) {
      if (a[p + off[d]] == 0) continue;
      if (a[p + off[d - 1]] != 0 || a[p + off[(d + 1) & 7]] != 0) continue;
      m |= 1u << d;
    }
    nb[p] = static_cast<uint8_t>(m);
  }
  // Junction clusters (labels from 1), breadth-first over m-adjacent junction pixels.
  uint32_t* q = queue.get();
  uint32_t n_clusters = 0;
  for (uint32_t p = pw; p + pw < np; ++p) {
    if (a[p] == 0 || popcount8(nb[p]) < 3 || cl[p] != 0) continue;
    ++n_clusters;
    uint32_t head = 0, tail = 0;
    q[tail++] = p;
    cl[p] = n_clusters;
    while (head < tail) {
      const uint32_t c = q[head++];
      for (int32_t d = 0; d < 8; ++d) {
        if (((nb[c] >> d) & 1u) == 0) continue;
        const uint32_t r = static_cast<uint32_t>(static_cast<int64_t>(c) + off[d]);
        if (cl[r] != 0 || popcount8(nb[r]) < 3) continue;
        cl[r] = n_clusters;
        q[tail++] = r;
      }
    }
  }

  auto node = [&](uint32_t p) { return popcount8(nb[p]) != 2; };
  // The tracing runs once to count and, unless sizing, a second time to write.
  auto trace = [&](Sink& sink) {
    memset(u, 0, np);
    memset(vis, 0, np);
    // 1. Chains from node pixels.
    for (uint32_t p = pw; p + pw < np; ++p) {
      if (a[p] == 0 || !node(p) || nb[p] == 0) continue;
      for (int32_t d = 0; d < 8; ++d) {
        if (((nb[p] >> d) & 1u) == 0 || ((u[p] >> d) & 1u) != 0) continue;
        uint32_t c = static_cast<uint32_t>(static_cast<int64_t>(p) + off[d]);
        if (cl[p] != 0 && cl[c] == cl[p]) continue;  // inside one junction cluster
        u[p] |= static_cast<uint8_t>(1u << d);
        sink.put(p);
        int32_t came = (d + 4) & 7;  // direction from c back to the previous pixel
        for (;;) {
          sink.put(c);
          if (node(c)) {
            u[c] |= static_cast<uint8_t>(1u << came);
            break;
          }
          vis[c] = 1;
          const uint32_t rest = nb[c] & ~(1u << came);
          int32_t e = 0;
          while (((rest >> e) & 1u) == 0) ++e;  // degree 2: exactly one bit left
          u[c] |= static_cast<uint8_t>((1u << came) | (1u << e));
          c = static_cast<uint32_t>(static_cast<int64_t>(c) + off[e]);
          came = (e + 4) & 7;
        }
        sink.end_segment(static_cast<uint8_t>((cl[p] != 0 ? 1 : 0) | (cl[c] != 0 ? 2 : 0)));
      }
    }
    // 2. Closed loops of degree-2 pixels (m-adjacency is symmetric, so they are cycles).
    for (uint32_t p = pw; p + pw < np; ++p) {
      if (a[p] == 0 || node(p) || vis[p] != 0) continue;
      int32_t d = 0;
      while (((nb[p] >> d) & 1u) == 0) ++d;
      vis[p] = 1;
      sink.put(p);
      uint32_t c = static_cast<uint32_t>(static_cast<int64_t>(p) + off[d]);
      int32_t came = (d + 4) & 7;
      while (c != p) {
        sink.put(c);
        vis[c] = 1;
        const uint32_t rest = nb[c] & ~(1u << came);
        int32_t e = 0;
        while (((rest >> e) & 1u) == 0) ++e;
        c = static_cast<uint32_t>(static_cast<int64_t>(c) + off[e]);
        came = (e + 4) & 7;
      }
      sink.put(p);
      sink.end_segment(4);
    }
  };

  Sink count{nullptr, nullptr, nullptr, 0, 0, pw, width};
  trace(count);
  if (count.n_pix > 0xffffffffull) return HVM_E_TOO_LARGE;
  if (!sizing) {
    if (pixels_cap != count.n_pix || flags_cap != count.n_seg ||
        static_cast<uint64_t>(offsets_cap) != static_cast<uint64_t>(count.n_seg) + 1)
      return HVM_E_BUFFER_SIZE;
    offsets[0] = 0;
    Sink fill{pixels, offsets, flags, 0, 0, pw, width};
    trace(fill);
  }
  counts[0] = count.n_seg;
  counts[1] = static_cast<uint32_t>(count.n_pix);
  return HVM_OK;
}
