#pragma once
// The instruction set with Zba/Zbb the generators draw from (the CLI's --isa rv64imac_zba_zbb).
#include "rvtrace/isa/rv64zb.hpp"

namespace rvtrace::testgen {
using ZbIsa = isa::Rv64imacZbaZbb;
}  // namespace rvtrace::testgen
