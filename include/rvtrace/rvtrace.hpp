#pragma once
// rvtrace umbrella header: load, run (interpreter or AOT), trace, replay; the facade
// (rvtrace::record / rvtrace::replay). CMake target rvtrace::rvtrace (needs xbyak: x86-64 only).
// Without the AOT engine: rvtrace/core.hpp (target rvtrace::core).
#include "rvtrace/core.hpp"
#include "rvtrace/aot/runtime.hpp"
#include "rvtrace/trace/aot_engine.hpp"
#include "rvtrace/facade.hpp"
