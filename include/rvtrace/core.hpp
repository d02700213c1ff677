#pragma once
// rvtrace without the AOT engine: decoding, the interpreter, guest loading, recording with the
// interpreter, trace files, memoryless replay, verify, the built-in policies. Needs Boost (headers)
// and threads, not xbyak, and builds on any 64-bit little-endian host (e.g. an aarch64 prover box
// that replays traces recorded elsewhere). CMake target rvtrace::core.
// rvtrace/rvtrace.hpp adds the x86-64 AOT engine and rvtrace/facade.hpp.
#include "rvtrace/version.hpp"
#include "rvtrace/guest/process.hpp"
#include "rvtrace/interp/logging_memory.hpp"
#include "rvtrace/interp/run.hpp"
#include "rvtrace/isa/constexpr_machine.hpp"
#include "rvtrace/trace/digest_policy.hpp"
#include "rvtrace/trace/file.hpp"
#include "rvtrace/trace/histogram_policy.hpp"
#include "rvtrace/trace/memops_policy.hpp"
#include "rvtrace/trace/memory_trace.hpp"
#include "rvtrace/trace/recorder.hpp"
#include "rvtrace/trace/replay.hpp"
#include "rvtrace/trace/sequential.hpp"
#include "rvtrace/trace/text_policy.hpp"
#include "rvtrace/trace/witness_policy.hpp"
