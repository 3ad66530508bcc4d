// detmath_eval.cpp — C ABI access to detmath.h for self-checks.
//
// The elementary functions are inline and used internally; this entry point exists so the
// test suite can run the very same code on both backends, compare them bit for bit, and
// compare both against the host libm for accuracy.
#include "detmath.h"
#include "hvm_core.h"

extern "C" int32_t hvm_detmath_eval(int32_t fn, const double* x, const double* y, double* out,
                                    uint32_t n) {
  namespace dm = hvm::detmath;
  if (fn < 1 || fn > 6) return HVM_E_UNKNOWN_FUNCTION;
  if (n == 0) return HVM_OK;
  if (x == nullptr || out == nullptr || (fn == 5 && y == nullptr)) return HVM_E_NULL_POINTER;
  for (uint32_t i = 0; i < n; ++i) {
    const double v = x[i];
    double r;
    switch (fn) {
      case 1: r = dm::exp(v); break;
      case 2: r = dm::log(v); break;
      case 3: r = dm::sin(v); break;
      case 4: r = dm::cos(v); break;
      case 5: r = dm::atan2(v, y[i]); break;
      default: r = dm::sqrt(v); break;
    }
    out[i] = r;
  }
  return HVM_OK;
}
