// trap_hook.cpp — wasm-only: a function that traps on purpose.
//
// src/backend/wasm.ts must survive a trap (unreachable, out-of-bounds access, stack
// overflow) by discarding the instance and throwing WasmTrapError; this export lets
// test/backend/errors.test.ts exercise that path without corrupting real inputs. Not part
// of the C ABI and not built into the native addon, where a trap would end the process.
#include <stdint.h>

extern "C" int32_t hvm_debug_trap(void) {
  __builtin_trap();
}
