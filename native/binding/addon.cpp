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
  Napi::Object o = Napi::Object::New(env);
  o.Set("dx", r.dx);
  o.Set("dy", r.dy);
  o.Set("peak", r.peak);
  return o;
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

Napi::Value StatusMessage(const Napi::CallbackInfo& info) {
  const int32_t s = info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : 1;
  return Napi::String::New(info.Env(), hvm_status_message(s));
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("frameStats", Napi::Function::New(env, FrameStats, "frameStats"));
  exports.Set("gaussianBlur", Napi::Function::New(env, GaussianBlur, "gaussianBlur"));
  exports.Set("accumulateFrame", Napi::Function::New(env, AccumulateFrame, "accumulateFrame"));
  exports.Set("phaseCorrelate", Napi::Function::New(env, PhaseCorrelate, "phaseCorrelate"));
  exports.Set("detmathEval", Napi::Function::New(env, DetmathEval, "detmathEval"));
  exports.Set("statusMessage", Napi::Function::New(env, StatusMessage, "statusMessage"));
  exports.Set("coreVersion", Napi::String::New(env, hvm_core_version()));
  exports.Set("simd", Napi::Boolean::New(env, hvm_core_simd() != 0));
  return exports;
}

}  // namespace

NODE_API_MODULE(hvm_core, Init)
