// grid_crossings.cpp — crossings of a vessel centerline with the De Backer grid.
//
// De Backer et al. 2007 (Crit Care 11:R101, the second consensus): three equidistant
// horizontal and three vertical lines are laid over the analysed field; the vessel density
// score is the number of vessels crossing the lines divided by the total line length.
// Here one polyline (a vessel's smoothed centerline, reference-frame px) is tested against
// the six lines at 1/4, 1/2, 3/4 of the region's height (h) and width (v).
//
// A smoothed centerline that runs along a line wiggles across it; an observer counts that
// vessel once. So a side is only taken when the centerline is more than `band` px away
// from the line (a hysteresis band): a crossing is counted when the side changes, at the
// point where the centerline last crossed the line exactly, and only when that point lies
// on the line's extent (inside the region). The two END points of the polyline take their
// plain side (v < L or not) when they lie inside the band: a vessel's path ends at a
// junction, and a junction close to a line would otherwise hide the crossing from both paths
// that meet there (each ends inside the band, neither changes side). With the plain side at
// the ends, counts stay additive when a polyline is split at any vertex, as in
// src/metrics/region.ts. band = 0 is the plain side test (v < L versus
// v >= L), the same rule as src/metrics/region.ts polylineGridCrossings, which the
// phantom's truth uses: the two are separate code on purpose (truth must not come from the
// code it checks). Only + - * / and comparisons: bitwise identical on every target.
#include <stdint.h>

#include "hvm_core.h"

namespace {

bool finite(double v) { return v == v && v - v == 0.0; }

// Side of value v against line L with hysteresis band b: -1 below, +1 at/above, 0 inside the band.
int side_of(double v, double L, double b) {
  if (b == 0.0) return v < L ? -1 : 1;
  if (v < L - b) return -1;
  if (v >= L + b) return 1;
  return 0;
}

// Counts the crossings of the polyline (xy interleaved, n points) with the line
// coord[axis] = L, whose extent along the other axis is [lo, hi].
uint32_t count_line(const double* xy, uint32_t n, int axis, double L, double lo, double hi, double band) {
  uint32_t count = 0;
  int state = 0;         // last definite side
  double at = 0.0;       // where the centerline last crossed L exactly (other axis)
  bool have_at = false;
  for (uint32_t i = 0; i < n; ++i) {
    const double v = xy[2 * i + axis];
    const double w = xy[2 * i + 1 - axis];
    if (i > 0) {
      const double pv = xy[2 * (i - 1) + axis];
      const double pw = xy[2 * (i - 1) + 1 - axis];
      if ((pv < L) != (v < L)) {
        // Sides differ, so v != pv; when v lies on the line the ratio is exactly 1.
        at = pw + ((L - pv) / (v - pv)) * (w - pw);
        have_at = true;
      }
    }
    int s = side_of(v, L, band);
    if (s == 0 && (i == 0 || i + 1 == n)) s = v < L ? -1 : 1;  // ends: plain side
    if (s == 0) continue;
    if (state != 0 && s != state && have_at && at >= lo && at <= hi) ++count;
    state = s;
  }
  return count;
}

}  // namespace

extern "C" int32_t hvm_grid_crossings(const double* xy, uint32_t xy_len, double rx, double ry,
                                      double rw, double rh, double band_px, uint32_t* counts,
                                      uint32_t counts_len) {
  if (counts_len != 6) return HVM_E_BUFFER_SIZE;
  if ((xy_len & 1u) != 0u) return HVM_E_BUFFER_SIZE;
  if (counts == nullptr || (xy_len > 0 && xy == nullptr)) return HVM_E_NULL_POINTER;
  if (!finite(rx) || !finite(ry) || !finite(rw) || !finite(rh) || !(rw > 0.0) || !(rh > 0.0) ||
      !finite(band_px) || band_px < 0.0)
    return HVM_E_BAD_ARGUMENT;
  for (uint32_t i = 0; i < xy_len; ++i)
    if (!finite(xy[i])) return HVM_E_NON_FINITE;
  const uint32_t n = xy_len / 2;
  const double f[3] = {0.25, 0.5, 0.75};
  for (int k = 0; k < 3; ++k) {
    counts[k] = count_line(xy, n, 1, ry + rh * f[k], rx, rx + rw, band_px);
    counts[3 + k] = count_line(xy, n, 0, rx + rw * f[k], ry, ry + rh, band_px);
  }
  return HVM_OK;
}
