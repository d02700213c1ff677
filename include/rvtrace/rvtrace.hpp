#pragma once
// rvtrace umbrella header: everything a user needs to load, run and trace RISC-V programs.
#include "rvtrace/guest/process.hpp"
#include "rvtrace/interp/logging_memory.hpp"
#include "rvtrace/interp/run.hpp"
#include "rvtrace/isa/constexpr_machine.hpp"
#include "rvtrace/trace/text_policy.hpp"
