#pragma once
// Which engine runs guest code: the interpreter (the reference, on any host) or the x86-64 AOT
// (rvtrace/aot/). The AOT is available when compiled on x86-64 with xbyak on the include path
// (RVTRACE_AOT_ENABLED = 1; define it to 0 to leave the AOT code out everywhere in a program);
// otherwise the default is the interpreter.
#ifndef RVTRACE_AOT_ENABLED
#if defined(__x86_64__) && __has_include(<xbyak/xbyak.h>)
#define RVTRACE_AOT_ENABLED 1
#else
#define RVTRACE_AOT_ENABLED 0
#endif
#endif

namespace rvtrace {

enum class Engine { interp, aot };
inline constexpr Engine default_engine = RVTRACE_AOT_ENABLED ? Engine::aot : Engine::interp;

}  // namespace rvtrace
