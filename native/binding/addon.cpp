// addon.cpp — Node-API glue for the hvm core: JS values in, C ABI call, JS values out.
//
// Only argument plumbing lives here; every check that decides a result (dimensions,
// buffer sizes, NaN sigma, non-finite samples) is made by the core itself so that the
// native and wasm backends reject exactly the same inputs with the same status codes.
// A non-zero status becomes an Error carrying `hvmStatus`, which src/backend/native.ts
// turns into a typed CoreError. Built with NAPI_DISABLE_CPP_EXCEPTIONS: errors are thrown
// as pending JavaScript exceptions, never as C++ exceptions.
#include <napi.h>
#include <stdint.h>

#include "../core/hvm_core.h"

namespace {

// Element count of a typed array, saturated to uint32 (the core rejects any mismatch).
uint32_t len32(size_t n) { return n > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(n); }

Napi::Value throw_type(Napi::Env env, const char* what) {
  Napi::Error e = Napi::TypeError::New(env, what);
  e.Set("code", Napi::String::New(env, "ERR_INVALID_ARG_TYPE"));
  e.ThrowAsJavaScriptException();
  return env.Undefined();
}

Napi::Value throw_status(Napi::Env env, int32_t status) {
  Napi::Error e = Napi::Error::New(env, hvm_status_message(status));
  e.Set("hvmStatus", Napi::Number::New(env, status));
  e.ThrowAsJavaScriptException();
  return env.Undefined();
}

bool is_typed(const Napi::Value& v, napi_typedarray_type t) {
  return v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == t;
}

// Width/height: the TS layer guarantees integers; a non-number here is a programming error.
bool get_i32(const Napi::CallbackInfo& info, size_t i, int32_t* out) {
  if (!info[i].IsNumber()) return false;
  *out = info[i].As<Napi::Number>().Int32Value();
  return true;
}

Napi::Value FrameStats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t w, h;
  if (!is_typed(info[0], napi_uint8_array) || !get_i32(info, 1, &w) || !get_i32(info, 2, &h))
    return throw_type(env, "frameStats(frame: Uint8Array, width: number, height: number)");
  Napi::Uint8Array frame = info[0].As<Napi::Uint8Array>();
  hvm_frame_stats_t s;
  const int32_t st = hvm_frame_stats(frame.Data(), len32(frame.ElementLength()), w, h, &s);
  if (st != HVM_OK) return throw_status(env, st);
  Napi::Uint32Array hist = Napi::Uint32Array::New(env, 256);
  for (size_t i = 0; i < 256; ++i) hist[i] = s.histogram[i];
  Napi::Object o = Napi::Object::New(env);
  o.Set("mean", s.mean);
  o.Set("sd", s.sd);
  o.Set("min", s.min);
  o.Set("max", s.max);
  o.Set("histogram", hist);
  return o;
}

Napi::Value GaussianBlur(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t w, h;
  if (!is_typed(info[0], napi_float32_array) || !get_i32(info, 1, &w) || !get_i32(info, 2, &h) ||
      !info[3].IsNumber())
    return throw_type(env, "gaussianBlur(src: Float32Array, width, height, sigmaPx: number)");
  Napi::Float32Array src = info[0].As<Napi::Float32Array>();
  const size_t n = src.ElementLength();
  Napi::Float32Array dst = Napi::Float32Array::New(env, n);
  const int32_t st = hvm_gaussian_blur(src.Data(), len32(n), w, h,
                                       info[3].As<Napi::Number>().DoubleValue(), dst.Data(),
                                       len32(dst.ElementLength()));
  if (st != HVM_OK) return throw_status(env, st);
  return dst;
}

Napi::Value AccumulateFrame(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t w, h;
  if (!is_typed(info[0], napi_float64_array) || !is_typed(info[1], napi_uint8_array) ||
      !get_i32(info, 2, &w) || !get_i32(info, 3, &h))
    return throw_type(env, "accumulateFrame(acc: Float64Array, frame: Uint8Array, width, height)");
  Napi::Float64Array acc = info[0].As<Napi::Float64Array>();
  Napi::Uint8Array frame = info[1].As<Napi::Uint8Array>();
  const int32_t st = hvm_accumulate_frame(acc.Data(), len32(acc.ElementLength()), frame.Data(),
                                          len32(frame.ElementLength()), w, h);
  if (st != HVM_OK) return throw_status(env, st);
  return env.Undefined();
}

Napi::Object PhaseResult(Napi::Env env, const hvm_phase_result_t& r) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("dx", r.dx);
  o.Set("dy", r.dy);
  o.Set("peak", r.peak);
  return o;
}

Napi::Value RegistrationImage(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t fw, fh, x0, y0, f, w, h;
  if (!is_typed(info[0], napi_uint8_array) || !get_i32(info, 1, &fw) || !get_i32(info, 2, &fh) ||
      !get_i32(info, 3, &x0) || !get_i32(info, 4, &y0) || !get_i32(info, 5, &f) ||
      !get_i32(info, 6, &w) || !get_i32(info, 7, &h) || !is_typed(info[8], napi_float32_array) ||
      !is_typed(info[9], napi_float32_array) || !is_typed(info[10], napi_float32_array) ||
      !info[11].IsNumber())
    return throw_type(env, "registrationImage(frame: Uint8Array, frameWidth, frameHeight, x0, y0, factor, width, height, valid: Float32Array, validBlur: Float32Array, weight: Float32Array, sigmaBg)");
  Napi::Uint8Array frame = info[0].As<Napi::Uint8Array>();
  Napi::Float32Array valid = info[8].As<Napi::Float32Array>();
  Napi::Float32Array vb = info[9].As<Napi::Float32Array>();
  Napi::Float32Array wt = info[10].As<Napi::Float32Array>();
  const size_t n = static_cast<size_t>(w > 0 && h > 0 ? static_cast<int64_t>(w) * h : 0);
  if (n > 0x7fffffffu) return throw_status(env, HVM_E_TOO_LARGE);
  Napi::Float32Array out = Napi::Float32Array::New(env, n);
  const int32_t st = hvm_registration_image(
      frame.Data(), len32(frame.ElementLength()), fw, fh, x0, y0, f, w, h, valid.Data(),
      len32(valid.ElementLength()), vb.Data(), len32(vb.ElementLength()), wt.Data(),
      len32(wt.ElementLength()), info[11].As<Napi::Number>().DoubleValue(), out.Data(),
      static_cast<uint32_t>(n));
  if (st != HVM_OK) return throw_status(env, st);
  return out;
}

Napi::Value FrameSharpness(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t w, h;
  if (!is_typed(info[0], napi_uint8_array) || !get_i32(info, 1, &w) || !get_i32(info, 2, &h))
    return throw_type(env, "frameSharpness(frame: Uint8Array, width, height)");
  Napi::Uint8Array frame = info[0].As<Napi::Uint8Array>();
  double s = 0.0;
  const int32_t st = hvm_frame_sharpness(frame.Data(), len32(frame.ElementLength()), w, h, &s);
  if (st != HVM_OK) return throw_status(env, st);
  return Napi::Number::New(env, s);
}

Napi::Value PhaseReference(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t w, h;
  if (!is_typed(info[0], napi_float32_array) || !get_i32(info, 1, &w) || !get_i32(info, 2, &h))
    return throw_type(env, "phaseReference(reference: Float32Array, width, height)");
  Napi::Float32Array ref = info[0].As<Napi::Float32Array>();
  const uint32_t len = hvm_phase_spectrum_len(w, h);
  Napi::Float64Array spec = Napi::Float64Array::New(env, len > 0 ? len : 1);
  const int32_t st = hvm_phase_reference(ref.Data(), len32(ref.ElementLength()), w, h, spec.Data(), len);
  if (st != HVM_OK) return throw_status(env, st);
  return spec;
}

Napi::Value PhaseCorrelateReference(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t w, h;
  if (!is_typed(info[0], napi_float64_array) || !is_typed(info[1], napi_float32_array) ||
      !get_i32(info, 2, &w) || !get_i32(info, 3, &h))
    return throw_type(env, "phaseCorrelateReference(spectrum: Float64Array, moving: Float32Array, width, height)");
  Napi::Float64Array spec = info[0].As<Napi::Float64Array>();
  Napi::Float32Array mov = info[1].As<Napi::Float32Array>();
  hvm_phase_result_t r;
  const int32_t st = hvm_phase_correlate_reference(spec.Data(), len32(spec.ElementLength()), mov.Data(),
                                                   len32(mov.ElementLength()), w, h, &r);
  if (st != HVM_OK) return throw_status(env, st);
  return PhaseResult(env, r);
}

Napi::Value PhaseCorrelate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t w, h;
  if (!is_typed(info[0], napi_float32_array) || !is_typed(info[1], napi_float32_array) ||
      !get_i32(info, 2, &w) || !get_i32(info, 3, &h))
    return throw_type(env, "phaseCorrelate(reference: Float32Array, moving: Float32Array, width, height)");
  Napi::Float32Array ref = info[0].As<Napi::Float32Array>();
  Napi::Float32Array mov = info[1].As<Napi::Float32Array>();
  hvm_phase_result_t r;
  const int32_t st = hvm_phase_correlate(ref.Data(), len32(ref.ElementLength()), mov.Data(),
                                         len32(mov.ElementLength()), w, h, &r);
  if (st != HVM_OK) return throw_status(env, st);
  return PhaseResult(env, r);
}

Napi::Value ShiftAccumulate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t w, h;
  if (!is_typed(info[0], napi_float64_array) || !is_typed(info[1], napi_uint32_array) ||
      !is_typed(info[2], napi_uint8_array) || !get_i32(info, 3, &w) || !get_i32(info, 4, &h) ||
      !info[5].IsNumber() || !info[6].IsNumber())
    return throw_type(env, "shiftAccumulate(acc: Float64Array, count: Uint32Array, frame: Uint8Array, width, height, dx, dy)");
  Napi::Float64Array acc = info[0].As<Napi::Float64Array>();
  Napi::Uint32Array count = info[1].As<Napi::Uint32Array>();
  Napi::Uint8Array frame = info[2].As<Napi::Uint8Array>();
  const int32_t st = hvm_shift_accumulate(acc.Data(), len32(acc.ElementLength()), count.Data(),
                                          len32(count.ElementLength()), frame.Data(),
                                          len32(frame.ElementLength()), w, h,
                                          info[5].As<Napi::Number>().DoubleValue(),
                                          info[6].As<Napi::Number>().DoubleValue());
  if (st != HVM_OK) return throw_status(env, st);
  return env.Undefined();
}

Napi::Value DetmathEval(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t fn;
  const bool has_y = is_typed(info[2], napi_float64_array);
  if (!get_i32(info, 0, &fn) || !is_typed(info[1], napi_float64_array) ||
      !(has_y || info[2].IsNull() || info[2].IsUndefined()))
    return throw_type(env, "detmathEval(fn: number, x: Float64Array, y?: Float64Array)");
  Napi::Float64Array x = info[1].As<Napi::Float64Array>();
  const size_t n = x.ElementLength();
  const double* y = nullptr;
  if (has_y) {
    Napi::Float64Array ya = info[2].As<Napi::Float64Array>();
    if (ya.ElementLength() != n) return throw_status(env, HVM_E_BUFFER_SIZE);
    y = ya.Data();
  }
  Napi::Float64Array out = Napi::Float64Array::New(env, n);
  const int32_t st = hvm_detmath_eval(fn, x.Data(), y, out.Data(), len32(n));
  if (st != HVM_OK) return throw_status(env, st);
  return out;
}

// ---- Vessel segmentation ----

Napi::Value LocalNormalize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t w, h;
  const bool has_mask = is_typed(info[1], napi_uint8_array);
  if (!is_typed(info[0], napi_float32_array) || !(has_mask || info[1].IsNull()) ||
      !get_i32(info, 2, &w) || !get_i32(info, 3, &h) || !info[4].IsNumber() || !info[5].IsNumber())
    return throw_type(env, "localNormalize(src: Float32Array, mask: Uint8Array | null, width, height, sigmaPx, epsRel)");
  Napi::Float32Array src = info[0].As<Napi::Float32Array>();
  const uint8_t* mask = nullptr;
  uint32_t mask_len = 0;
  if (has_mask) {
    Napi::Uint8Array m = info[1].As<Napi::Uint8Array>();
    mask = m.Data();
    mask_len = len32(m.ElementLength());
    if (mask_len == 0) return throw_status(env, HVM_E_BUFFER_SIZE);  // an empty mask is not "no mask"
  }
  const size_t n = src.ElementLength();
  Napi::Float32Array dst = Napi::Float32Array::New(env, n);
  const int32_t st = hvm_local_normalize(src.Data(), len32(n), mask, mask_len, w, h,
                                         info[4].As<Napi::Number>().DoubleValue(),
                                         info[5].As<Napi::Number>().DoubleValue(), dst.Data(),
                                         len32(dst.ElementLength()));
  if (st != HVM_OK) return throw_status(env, st);
  return dst;
}

Napi::Value FillOutside(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t w, h;
  if (!is_typed(info[0], napi_float32_array) || !is_typed(info[1], napi_uint8_array) ||
      !get_i32(info, 2, &w) || !get_i32(info, 3, &h))
    return throw_type(env, "fillOutside(src: Float32Array, mask: Uint8Array, width, height)");
  Napi::Float32Array src = info[0].As<Napi::Float32Array>();
  Napi::Uint8Array mask = info[1].As<Napi::Uint8Array>();
  const size_t n = src.ElementLength();
  Napi::Float32Array dst = Napi::Float32Array::New(env, n);
  const int32_t st = hvm_fill_outside(src.Data(), len32(n), mask.Data(), len32(mask.ElementLength()),
                                      w, h, dst.Data(), len32(dst.ElementLength()));
  if (st != HVM_OK) return throw_status(env, st);
  return dst;
}

Napi::Value HessianVesselness(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t w, h, dark, rel;
  if (!is_typed(info[0], napi_float32_array) || !get_i32(info, 1, &w) || !get_i32(info, 2, &h) ||
      !is_typed(info[3], napi_float32_array) || !get_i32(info, 4, &dark) || !info[5].IsNumber() ||
      !info[6].IsNumber() || !get_i32(info, 7, &rel))
    return throw_type(env, "hessianVesselness(src: Float32Array, width, height, sigmas: Float32Array, dark: 0|1, beta, c, cRelative: 0|1)");
  Napi::Float32Array src = info[0].As<Napi::Float32Array>();
  Napi::Float32Array sig = info[3].As<Napi::Float32Array>();
  const size_t n = src.ElementLength();
  Napi::Float32Array v = Napi::Float32Array::New(env, n);
  Napi::Uint8Array si = Napi::Uint8Array::New(env, n);
  const int32_t st = hvm_hessian_vesselness(
      src.Data(), len32(n), w, h, sig.Data(), len32(sig.ElementLength()), dark,
      info[5].As<Napi::Number>().DoubleValue(), info[6].As<Napi::Number>().DoubleValue(), rel,
      v.Data(), len32(v.ElementLength()), si.Data(), len32(si.ElementLength()));
  if (st != HVM_OK) return throw_status(env, st);
  Napi::Object o = Napi::Object::New(env);
  o.Set("vesselness", v);
  o.Set("scaleIndex", si);
  return o;
}

Napi::Value MinFilter(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t w, h, r;
  if (!is_typed(info[0], napi_float32_array) || !get_i32(info, 1, &w) || !get_i32(info, 2, &h) ||
      !get_i32(info, 3, &r))
    return throw_type(env, "minFilter(src: Float32Array, width, height, radiusPx)");
  Napi::Float32Array src = info[0].As<Napi::Float32Array>();
  const size_t n = src.ElementLength();
  Napi::Float32Array dst = Napi::Float32Array::New(env, n);
  const int32_t st = hvm_min_filter(src.Data(), len32(n), w, h, r, dst.Data(), len32(dst.ElementLength()));
  if (st != HVM_OK) return throw_status(env, st);
  return dst;
}

Napi::Value HysteresisThreshold(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t w, h;
  if (!is_typed(info[0], napi_float32_array) || !get_i32(info, 1, &w) || !get_i32(info, 2, &h) ||
      !info[3].IsNumber() || !info[4].IsNumber())
    return throw_type(env, "hysteresisThreshold(src: Float32Array, width, height, low, high)");
  Napi::Float32Array src = info[0].As<Napi::Float32Array>();
  const size_t n = src.ElementLength();
  Napi::Uint8Array mask = Napi::Uint8Array::New(env, n);
  const int32_t st = hvm_hysteresis_threshold(src.Data(), len32(n), w, h,
                                              info[3].As<Napi::Number>().DoubleValue(),
                                              info[4].As<Napi::Number>().DoubleValue(),
                                              mask.Data(), len32(mask.ElementLength()));
  if (st != HVM_OK) return throw_status(env, st);
  return mask;
}

Napi::Value RemoveSmallComponents(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t w, h;
  if (!is_typed(info[0], napi_uint8_array) || !get_i32(info, 1, &w) || !get_i32(info, 2, &h) ||
      !info[3].IsNumber())
    return throw_type(env, "removeSmallComponents(mask: Uint8Array, width, height, minAreaPx)");
  Napi::Uint8Array src = info[0].As<Napi::Uint8Array>();
  const size_t n = src.ElementLength();
  Napi::Uint8Array dst = Napi::Uint8Array::New(env, n);
  uint32_t kept = 0;
  const int32_t st = hvm_remove_small_components(src.Data(), len32(n), w, h,
                                                 info[3].As<Napi::Number>().Uint32Value(),
                                                 dst.Data(), len32(dst.ElementLength()), &kept);
  if (st != HVM_OK) return throw_status(env, st);
  Napi::Object o = Napi::Object::New(env);
  o.Set("mask", dst);
  o.Set("components", Napi::Number::New(env, kept));
  return o;
}

Napi::Value Thin(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t w, h;
  if (!is_typed(info[0], napi_uint8_array) || !get_i32(info, 1, &w) || !get_i32(info, 2, &h))
    return throw_type(env, "thin(mask: Uint8Array, width, height)");
  Napi::Uint8Array src = info[0].As<Napi::Uint8Array>();
  const size_t n = src.ElementLength();
  Napi::Uint8Array dst = Napi::Uint8Array::New(env, n);
  const int32_t st = hvm_thin(src.Data(), len32(n), w, h, dst.Data(), len32(dst.ElementLength()));
  if (st != HVM_OK) return throw_status(env, st);
  return dst;
}

Napi::Value SkeletonGraph(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t w, h;
  if (!is_typed(info[0], napi_uint8_array) || !get_i32(info, 1, &w) || !get_i32(info, 2, &h))
    return throw_type(env, "skeletonGraph(skeleton: Uint8Array, width, height)");
  Napi::Uint8Array skel = info[0].As<Napi::Uint8Array>();
  const uint32_t n = len32(skel.ElementLength());
  uint32_t counts[2] = {0, 0};
  int32_t st = hvm_skeleton_graph(skel.Data(), n, w, h, nullptr, 0, nullptr, 0, nullptr, 0, counts);
  if (st != HVM_OK) return throw_status(env, st);
  Napi::Uint32Array pixels = Napi::Uint32Array::New(env, counts[1]);
  Napi::Uint32Array offsets = Napi::Uint32Array::New(env, static_cast<size_t>(counts[0]) + 1);
  Napi::Uint8Array flags = Napi::Uint8Array::New(env, counts[0]);
  // Never pass a capacity-0 fill call: with no segments the sizing answer is the result.
  if (counts[0] > 0) {
    uint32_t again[2] = {0, 0};
    st = hvm_skeleton_graph(skel.Data(), n, w, h, pixels.Data(), counts[1], offsets.Data(),
                            counts[0] + 1, flags.Data(), counts[0], again);
    if (st != HVM_OK) return throw_status(env, st);
  }
  Napi::Object o = Napi::Object::New(env);
  o.Set("pixels", pixels);
  o.Set("offsets", offsets);
  o.Set("flags", flags);
  return o;
}

Napi::Value SpaceTimeSample(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t w, h, max_side;
  if (!is_typed(info[0], napi_uint8_array) || !get_i32(info, 1, &w) || !get_i32(info, 2, &h) ||
      !info[3].IsNumber() || !info[4].IsNumber() || !is_typed(info[5], napi_float64_array) ||
      !is_typed(info[6], napi_float64_array) || !is_typed(info[7], napi_float64_array) ||
      !info[8].IsNumber() || !get_i32(info, 9, &max_side))
    return throw_type(env, "spaceTimeSample(frame: Uint8Array, width, height, dx, dy, points: Float64Array, normals: Float64Array, halfWidths: Float64Array, acrossStepPx, maxSideTaps)");
  Napi::Uint8Array frame = info[0].As<Napi::Uint8Array>();
  Napi::Float64Array pts = info[5].As<Napi::Float64Array>();
  Napi::Float64Array nrm = info[6].As<Napi::Float64Array>();
  Napi::Float64Array hw = info[7].As<Napi::Float64Array>();
  const size_t m = hw.ElementLength();
  Napi::Float32Array out = Napi::Float32Array::New(env, m);
  Napi::Uint8Array valid = Napi::Uint8Array::New(env, m);
  const int32_t st = hvm_space_time_sample(
      frame.Data(), len32(frame.ElementLength()), w, h, info[3].As<Napi::Number>().DoubleValue(),
      info[4].As<Napi::Number>().DoubleValue(), pts.Data(), len32(pts.ElementLength()), nrm.Data(),
      len32(nrm.ElementLength()), hw.Data(), len32(m), info[8].As<Napi::Number>().DoubleValue(),
      max_side, out.Data(), len32(m), valid.Data(), len32(m));
  if (st != HVM_OK) return throw_status(env, st);
  Napi::Object o = Napi::Object::New(env);
  o.Set("values", out);
  o.Set("valid", valid);
  return o;
}

Napi::Value SpaceTimeEncode(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t max_code;
  if (!is_typed(info[0], napi_float32_array) || !is_typed(info[1], napi_uint8_array) ||
      !is_typed(info[2], napi_uint32_array) || !info[3].IsNumber() || !info[4].IsNumber() ||
      !get_i32(info, 5, &max_code))
    return throw_type(env, "spaceTimeEncode(values: Float32Array, valid: Uint8Array, counts: Uint32Array, gain, sampleScale, maxCode)");
  Napi::Float32Array values = info[0].As<Napi::Float32Array>();
  Napi::Uint8Array valid = info[1].As<Napi::Uint8Array>();
  Napi::Uint32Array counts = info[2].As<Napi::Uint32Array>();
  uint64_t total = 0;
  for (size_t p = 0; p < counts.ElementLength(); ++p) total += counts[p];
  if (total > 0xffffffffull) return throw_status(env, HVM_E_TOO_LARGE);
  Napi::Int16Array rows = Napi::Int16Array::New(env, static_cast<size_t>(total));
  Napi::Int16Array diffs = Napi::Int16Array::New(env, static_cast<size_t>(total));
  const int32_t st = hvm_space_time_encode(
      values.Data(), len32(values.ElementLength()), valid.Data(), len32(valid.ElementLength()),
      counts.Data(), len32(counts.ElementLength()), info[3].As<Napi::Number>().DoubleValue(),
      info[4].As<Napi::Number>().DoubleValue(), max_code, rows.Data(),
      static_cast<uint32_t>(total), diffs.Data(), static_cast<uint32_t>(total));
  if (st != HVM_OK) return throw_status(env, st);
  Napi::Object o = Napi::Object::New(env);
  o.Set("rows", rows);
  o.Set("diffs", diffs);
  return o;
}

Napi::Value RefineShift(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t w, h, max_it;
  if (!is_typed(info[0], napi_float32_array) || !is_typed(info[1], napi_float32_array) ||
      !is_typed(info[2], napi_uint8_array) || !is_typed(info[3], napi_uint8_array) ||
      !get_i32(info, 4, &w) || !get_i32(info, 5, &h) || !info[6].IsNumber() ||
      !info[7].IsNumber() || !info[8].IsNumber() || !get_i32(info, 9, &max_it) ||
      !info[10].IsNumber())
    return throw_type(env, "refineShift(reference: Float32Array, moving: Float32Array, inner: Uint8Array, innerTaps: Uint8Array, width, height, dx0, dy0, tolerance, maxIterations, maxChange)");
  Napi::Float32Array ref = info[0].As<Napi::Float32Array>();
  Napi::Float32Array mov = info[1].As<Napi::Float32Array>();
  Napi::Uint8Array inner = info[2].As<Napi::Uint8Array>();
  Napi::Uint8Array taps = info[3].As<Napi::Uint8Array>();
  double out[3];
  const int32_t st = hvm_refine_shift(
      ref.Data(), len32(ref.ElementLength()), mov.Data(), len32(mov.ElementLength()), inner.Data(),
      len32(inner.ElementLength()), taps.Data(), len32(taps.ElementLength()), w, h,
      info[6].As<Napi::Number>().DoubleValue(), info[7].As<Napi::Number>().DoubleValue(),
      info[8].As<Napi::Number>().DoubleValue(), max_it, info[10].As<Napi::Number>().DoubleValue(),
      out, 3);
  if (st != HVM_OK) return throw_status(env, st);
  Napi::Object o = Napi::Object::New(env);
  o.Set("dx", out[0]);
  o.Set("dy", out[1]);
  o.Set("iterations", out[2]);
  return o;
}

Napi::Value RegistrationResidual(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t w, h;
  if (!is_typed(info[0], napi_float32_array) || !is_typed(info[1], napi_float32_array) ||
      !is_typed(info[2], napi_uint8_array) || !is_typed(info[3], napi_uint8_array) ||
      !get_i32(info, 4, &w) || !get_i32(info, 5, &h) || !info[6].IsNumber() || !info[7].IsNumber())
    return throw_type(env, "registrationResidual(reference: Float32Array, moving: Float32Array, inner: Uint8Array, innerTaps: Uint8Array, width, height, dx, dy)");
  Napi::Float32Array ref = info[0].As<Napi::Float32Array>();
  Napi::Float32Array mov = info[1].As<Napi::Float32Array>();
  Napi::Uint8Array inner = info[2].As<Napi::Uint8Array>();
  Napi::Uint8Array taps = info[3].As<Napi::Uint8Array>();
  double out[2];
  const int32_t st = hvm_registration_residual(
      ref.Data(), len32(ref.ElementLength()), mov.Data(), len32(mov.ElementLength()), inner.Data(),
      len32(inner.ElementLength()), taps.Data(), len32(taps.ElementLength()), w, h,
      info[6].As<Napi::Number>().DoubleValue(), info[7].As<Napi::Number>().DoubleValue(), out, 2);
  if (st != HVM_OK) return throw_status(env, st);
  return out[1] == 1.0 ? Napi::Number::New(env, out[0]) : env.Null();
}

Napi::Value PooledNcc(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t pairs, len, lo, hi;
  if (!is_typed(info[0], napi_float32_array) || !is_typed(info[1], napi_float32_array) ||
      !get_i32(info, 2, &pairs) || !get_i32(info, 3, &len) || !get_i32(info, 4, &lo) ||
      !get_i32(info, 5, &hi))
    return throw_type(env, "pooledNcc(a: Float32Array, b: Float32Array, pairs, rowLength, sLo, sHi)");
  Napi::Float32Array a = info[0].As<Napi::Float32Array>();
  Napi::Float32Array b = info[1].As<Napi::Float32Array>();
  const int64_t count = static_cast<int64_t>(hi) - static_cast<int64_t>(lo) + 1;
  Napi::Float64Array out = Napi::Float64Array::New(env, count > 0 && count < (1 << 24) ? static_cast<size_t>(count) : 0);
  const int32_t st = hvm_pooled_ncc(a.Data(), len32(a.ElementLength()), b.Data(), len32(b.ElementLength()),
                                    pairs, len, lo, hi, out.Data(), len32(out.ElementLength()));
  if (st != HVM_OK) return throw_status(env, st);
  return out;
}

Napi::Value ScreenExtrema(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t w, h;
  if (!is_typed(info[0], napi_uint8_array) || !get_i32(info, 1, &w) || !get_i32(info, 2, &h) ||
      !is_typed(info[3], napi_uint8_array) || !is_typed(info[4], napi_uint8_array) ||
      !is_typed(info[5], napi_uint32_array) || !is_typed(info[6], napi_uint32_array))
    return throw_type(env, "screenExtrema(frame: Uint8Array, width, height, lo: Uint8Array, hi: Uint8Array, rowSums: Uint32Array, colSums: Uint32Array)");
  Napi::Uint8Array frame = info[0].As<Napi::Uint8Array>();
  Napi::Uint8Array lo = info[3].As<Napi::Uint8Array>();
  Napi::Uint8Array hi = info[4].As<Napi::Uint8Array>();
  Napi::Uint32Array rows = info[5].As<Napi::Uint32Array>();
  Napi::Uint32Array cols = info[6].As<Napi::Uint32Array>();
  const int32_t st = hvm_screen_extrema(frame.Data(), len32(frame.ElementLength()), w, h, lo.Data(),
                                        len32(lo.ElementLength()), hi.Data(), len32(hi.ElementLength()),
                                        rows.Data(), len32(rows.ElementLength()), cols.Data(),
                                        len32(cols.ElementLength()));
  if (st != HVM_OK) return throw_status(env, st);
  return env.Undefined();
}

Napi::Value ShiftAccumulateMoments(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t w, h;
  if (!is_typed(info[0], napi_float64_array) || !is_typed(info[1], napi_float64_array) ||
      !is_typed(info[2], napi_float64_array) || !is_typed(info[3], napi_uint32_array) ||
      !is_typed(info[4], napi_uint8_array) || !get_i32(info, 5, &w) || !get_i32(info, 6, &h) ||
      !info[7].IsNumber() || !info[8].IsNumber() || !info[9].IsNumber())
    return throw_type(env, "shiftAccumulateMoments(acc: Float64Array, momentAcc: Float64Array, momentSq: Float64Array, count: Uint32Array, frame: Uint8Array, width, height, dx, dy, gain)");
  Napi::Float64Array acc = info[0].As<Napi::Float64Array>();
  Napi::Float64Array mo = info[1].As<Napi::Float64Array>();
  Napi::Float64Array sq = info[2].As<Napi::Float64Array>();
  Napi::Uint32Array cnt = info[3].As<Napi::Uint32Array>();
  Napi::Uint8Array frame = info[4].As<Napi::Uint8Array>();
  const int32_t st = hvm_shift_accumulate_moments(
      acc.Data(), len32(acc.ElementLength()), mo.Data(), len32(mo.ElementLength()), sq.Data(),
      len32(sq.ElementLength()), cnt.Data(), len32(cnt.ElementLength()), frame.Data(),
      len32(frame.ElementLength()), w, h, info[7].As<Napi::Number>().DoubleValue(),
      info[8].As<Napi::Number>().DoubleValue(), info[9].As<Napi::Number>().DoubleValue());
  if (st != HVM_OK) return throw_status(env, st);
  return env.Undefined();
}

Napi::Value GridCrossings(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!is_typed(info[0], napi_float64_array) || !info[1].IsNumber() || !info[2].IsNumber() ||
      !info[3].IsNumber() || !info[4].IsNumber() || !info[5].IsNumber())
    return throw_type(env, "gridCrossings(xy: Float64Array, x, y, width, height, bandPx)");
  Napi::Float64Array xy = info[0].As<Napi::Float64Array>();
  Napi::Uint32Array counts = Napi::Uint32Array::New(env, 6);
  const int32_t st = hvm_grid_crossings(
      xy.Data(), len32(xy.ElementLength()), info[1].As<Napi::Number>().DoubleValue(),
      info[2].As<Napi::Number>().DoubleValue(), info[3].As<Napi::Number>().DoubleValue(),
      info[4].As<Napi::Number>().DoubleValue(), info[5].As<Napi::Number>().DoubleValue(),
      counts.Data(), 6);
  if (st != HVM_OK) return throw_status(env, st);
  return counts;
}

Napi::Value StatusMessage(const Napi::CallbackInfo& info) {
  const int32_t s = info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : 1;
  return Napi::String::New(info.Env(), hvm_status_message(s));
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("frameStats", Napi::Function::New(env, FrameStats, "frameStats"));
  exports.Set("gridCrossings", Napi::Function::New(env, GridCrossings, "gridCrossings"));
  exports.Set("shiftAccumulateMoments", Napi::Function::New(env, ShiftAccumulateMoments, "shiftAccumulateMoments"));
  exports.Set("gaussianBlur", Napi::Function::New(env, GaussianBlur, "gaussianBlur"));
  exports.Set("accumulateFrame", Napi::Function::New(env, AccumulateFrame, "accumulateFrame"));
  exports.Set("phaseCorrelate", Napi::Function::New(env, PhaseCorrelate, "phaseCorrelate"));
  exports.Set("registrationImage", Napi::Function::New(env, RegistrationImage, "registrationImage"));
  exports.Set("frameSharpness", Napi::Function::New(env, FrameSharpness, "frameSharpness"));
  exports.Set("phaseReference", Napi::Function::New(env, PhaseReference, "phaseReference"));
  exports.Set("phaseCorrelateReference", Napi::Function::New(env, PhaseCorrelateReference, "phaseCorrelateReference"));
  exports.Set("refineShift", Napi::Function::New(env, RefineShift, "refineShift"));
  exports.Set("pooledNcc", Napi::Function::New(env, PooledNcc, "pooledNcc"));
  exports.Set("screenExtrema", Napi::Function::New(env, ScreenExtrema, "screenExtrema"));
  exports.Set("registrationResidual", Napi::Function::New(env, RegistrationResidual, "registrationResidual"));
  exports.Set("shiftAccumulate", Napi::Function::New(env, ShiftAccumulate, "shiftAccumulate"));
  exports.Set("detmathEval", Napi::Function::New(env, DetmathEval, "detmathEval"));
  exports.Set("localNormalize", Napi::Function::New(env, LocalNormalize, "localNormalize"));
  exports.Set("fillOutside", Napi::Function::New(env, FillOutside, "fillOutside"));
  exports.Set("hessianVesselness", Napi::Function::New(env, HessianVesselness, "hessianVesselness"));
  exports.Set("minFilter", Napi::Function::New(env, MinFilter, "minFilter"));
  exports.Set("hysteresisThreshold", Napi::Function::New(env, HysteresisThreshold, "hysteresisThreshold"));
  exports.Set("removeSmallComponents", Napi::Function::New(env, RemoveSmallComponents, "removeSmallComponents"));
  exports.Set("thin", Napi::Function::New(env, Thin, "thin"));
  exports.Set("skeletonGraph", Napi::Function::New(env, SkeletonGraph, "skeletonGraph"));
  exports.Set("spaceTimeSample", Napi::Function::New(env, SpaceTimeSample, "spaceTimeSample"));
  exports.Set("spaceTimeEncode", Napi::Function::New(env, SpaceTimeEncode, "spaceTimeEncode"));
  exports.Set("statusMessage", Napi::Function::New(env, StatusMessage, "statusMessage"));
  exports.Set("coreVersion", Napi::String::New(env, hvm_core_version()));
  exports.Set("simd", Napi::Boolean::New(env, hvm_core_simd() != 0));
  return exports;
}

}  // namespace

NODE_API_MODULE(hvm_core, Init)
