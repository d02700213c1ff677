#pragma once
// The instruction set with Zba/Zbb the generators draw from (the CLI's --isa rv64imac_zba_zbb).
#include "rvtrace/isa/instruction_set.hpp"
#include "rvtrace/isa/rv64zb.hpp"

namespace rvtrace::testgen {
// TEMPORARY until main has isa::Rv64imacZbaZbb: the same list.
struct ZbIsa : isa::InstructionSet<isa::Sh1add, isa::Sh2add, isa::Sh3add, isa::AddUw, isa::Sh1addUw, isa::Sh2addUw,
                                   isa::Sh3addUw, isa::SlliUw, isa::Andn, isa::Orn, isa::Xnor, isa::Clz, isa::Ctz,
                                   isa::Cpop, isa::Clzw, isa::Ctzw, isa::Cpopw, isa::Max, isa::Maxu, isa::Min,
                                   isa::Minu, isa::SextB, isa::SextH, isa::ZextH, isa::Rol, isa::Ror, isa::Rolw,
                                   isa::Rorw, isa::Rori, isa::Roriw, isa::OrcB, isa::Rev8> {
  static constexpr std::string_view name = "rv64imac_zba_zbb";
};
}  // namespace rvtrace::testgen
