// scratch.h — owned scratch buffers without exceptions.
//
// The core is built with -fno-exceptions, so `new` cannot report failure; malloc can.
// Scratch<T> frees on scope exit and its size computation is overflow-checked (size_t is
// 32 bits on wasm32, so count*sizeof(T) could wrap). Callers test ok() and return
// HVM_E_NO_MEMORY.
#ifndef HVM_SCRATCH_H
#define HVM_SCRATCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

namespace hvm {

template <typename T>
class Scratch {
 public:
  explicit Scratch(uint64_t count) : p_(nullptr) {
    const uint64_t max = static_cast<uint64_t>(SIZE_MAX) / sizeof(T);
    if (count == 0) count = 1;  // malloc(0) may return NULL legitimately
    if (count <= max) p_ = static_cast<T*>(malloc(static_cast<size_t>(count) * sizeof(T)));
  }
  ~Scratch() { free(p_); }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

  bool ok() const { return p_ != nullptr; }
  T* get() const { return p_; }

 private:
  T* p_;
};

}  // namespace hvm

#endif  // HVM_SCRATCH_H
