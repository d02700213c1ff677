#pragma once
// RVTRACE_INSN declares one instruction type: its name, format (which gives the mask, decoder and
// encoder), match bits and semantics. The semantics body sees `m` (the backend) and `o` (operands).
#include <string_view>

#include "rvtrace/isa/formats.hpp"
#include "rvtrace/isa/operands.hpp"

#define RVTRACE_INSN(Type, Format, Match, mnemonic, ...)                        \
  struct Type : Format<Match> {                                              \
    static constexpr std::string_view name = mnemonic;                   \
    template <class M>                                                   \
    static constexpr void exec([[maybe_unused]] M& m, [[maybe_unused]] const ::rvtrace::isa::Operands& o) { \
      __VA_ARGS__;                                                       \
    }                                                                    \
  }

namespace rvtrace::isa::sem {
// Small shared shapes of semantics (still only vocabulary calls).
template <class M>
constexpr auto rs1(M& m, const Operands& o) { return m.x(o.rs1); }
template <class M>
constexpr auto rs2(M& m, const Operands& o) { return m.x(o.rs2); }
template <class M>
constexpr auto imm(M& m, const Operands& o) { return m.imm(o.imm); }
template <class M>
constexpr auto addr(M& m, const Operands& o) { return m.add(m.x(o.rs1), m.imm(o.imm)); }
}  // namespace rvtrace::isa::sem
