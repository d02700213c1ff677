#pragma once
// Host calls: the one op through which an instruction runs C++ code (a precompile, an advice call,
// a platform's CSR). An instruction declared with RVTRACE_HOST_INSN has the exec
//
//     m.host_call(Handler{}, o);
//
// and a Handler is a class with
//
//     template <class H> void operator()(H& h, const rvtrace::isa::Operands& o) const;
//     static constexpr std::uint64_t max_log_words = N;   // optional (default 2): the most trace-log
//                                                         // words one call may add (loads, externals)
//
// H, the host context, is the same in every engine (the interpreter runs the handler; the AOT engine
// leaves native code and runs it through the interpreter; replay re-runs it memorylessly):
//
//     u64  h.x(r)   void h.set_x(r, v)       guest registers (x0 stays 0)
//     u64  h.pc()   void h.set_next_pc(pc)   this instruction's pc; where execution continues (pc + len)
//     u64  h.load(addr, width)               raw (zero-extended) little-endian value, through the memory
//     void h.store(addr, v, width)             policy: bounds, permissions, first-touch log, replay
//     u64  h.external(f)                     a value replay cannot recompute (advice): a recording run
//                                            calls f() and logs the value, replay returns the logged one
//     void h.host_only(f)                    f() runs only where the platform's state exists (run, record),
//                                            not in memoryless replay; f must not touch guest state
//     S*   h.state<S>()                      the run's platform environment as S, nullptr in replay
//     u64  h.instret()                       steps retired before this one
//
// A handler must make the same load/store/external calls in replay as when the run was recorded:
// what it keeps between calls lives in the platform state (h.state) and is read only through
// h.external or h.host_only. A load or store that faults is the instruction's fault; a handler that
// throws a std::exception stops the run with that message.
//
// The analysis backend (facts.hpp) records a host call without running it: the instruction may read
// and write every register and memory, may fault and ends its basic block.
#include <cstdint>
#include <string_view>

#include "rvtrace/isa/formats.hpp"
#include "rvtrace/isa/operands.hpp"

#define RVTRACE_HOST_INSN(Type, Format, Match, mnemonic, Handler)                                 \
  struct Type : Format<Match> {                                                                    \
    static constexpr std::string_view name = mnemonic;                                             \
    static constexpr std::uint64_t max_log_words = ::rvtrace::isa::handler_log_words<Handler>();   \
    template <class M>                                                                             \
    static constexpr void exec(M& m, const ::rvtrace::isa::Operands& o) {                          \
      m.host_call(Handler{}, o);                                                                   \
    }                                                                                              \
  }

namespace rvtrace::isa {

// The most log words one step of an ordinary instruction adds: a misaligned access that crosses an
// aligned 8-byte word boundary (logging_memory.hpp states the rule).
inline constexpr std::uint64_t base_log_words_per_step = 2;

template <class Handler>
constexpr std::uint64_t handler_log_words() {
  if constexpr (requires { Handler::max_log_words; })
    return Handler::max_log_words > base_log_words_per_step ? Handler::max_log_words : base_log_words_per_step;
  else
    return base_log_words_per_step;
}

template <class Insn>
constexpr std::uint64_t log_words_of() {
  if constexpr (requires { Insn::max_log_words; }) return Insn::max_log_words;
  else return base_log_words_per_step;
}

}  // namespace rvtrace::isa
