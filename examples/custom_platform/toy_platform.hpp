// A toy zkVM on rvtrace's public extension points (docs/extending.md): one custom instruction, one
// precompile that reads guest memory, its own memory map and its own exit ecall.
#pragma once
#include <array>
#include <memory>
#include <optional>

#include "rvtrace/guest/environment.hpp"
#include "rvtrace/guest/loader.hpp"
#include "rvtrace/guest/process.hpp"
#include "rvtrace/isa/host_call.hpp"
#include "rvtrace/isa/insn.hpp"
#include "rvtrace/platform/platform.hpp"

namespace toy {
using namespace rvtrace;

// 1. An instruction (custom-0, R-type): rd = rotate_left(rs1 ^ rs2, 5). Written in the op vocabulary,
//    so the interpreter, the AOT emitter, replay and the facts analysis all get it from this line.
RVTRACE_INSN(Mix, isa::RType, 0x0000000b, "toy.mix",
             m.set_x(o.rd, m.ror(m.xor_(isa::sem::rs1(m, o), isa::sem::rs2(m, o)), m.imm(59))));

// 2. A precompile (custom-1): rd = the sum of x[rs2] (at most 256) words at x[rs1]. A host call: C++
//    that reads guest memory through the engine's memory policy (logged, replayed memorylessly).
struct SumWords {
  static constexpr std::uint64_t max_log_words = 256;  // one log word per word read, at most
  template <class H>
  void operator()(H& h, const isa::Operands& o) const {
    const std::uint64_t n = h.x(o.rs2) < 256 ? h.x(o.rs2) : 256;
    std::uint64_t sum = 0;
    for (std::uint64_t i = 0; i < n; ++i) sum += h.load(h.x(o.rs1) + 8 * i, 8);
    h.set_x(o.rd, sum);
  }
};
RVTRACE_HOST_INSN(Sum, isa::RType, 0x0000002b, "toy.sum", SumWords);

// The instruction set: RV64IMAC + the two.
struct Isa : isa::InstructionSet<Mix, Sum> {
  static constexpr std::string_view name = "rv64imac_xtoy";
};

// 3. The exit rule: `ecall` with a7 = 0 halts with status a0. Other ecalls return -1 in a0.
inline std::optional<int> exit_status(const std::array<std::uint64_t, 32>& x) {
  if (x[17] == 0) return static_cast<int>(x[10] & 0xff);
  return std::nullopt;
}
struct Environment : guest::Environment {
  guest::SyscallResult ecall(std::array<std::uint64_t, 32>& x, guest::GuestMemory&) override {
    if (const auto status = exit_status(x)) return {true, *status};
    x[10] = ~std::uint64_t{0};
    return {};
  }
};

// 4. The platform: 16 MiB of memory, the ELF's segments, sp at the top, no arguments on a stack.
struct Platform {
  static constexpr std::string_view name = "toy";
  using engine_isa = Isa;
  static constexpr std::array<platform::IsaChoice, 1> isas = {platform::isa_choice<Isa>()};
  static constexpr guest::ExitRule exit_rule = &exit_status;
  static constexpr bool has_outputs = false;

  static guest::Process boot(guest::Program prog, const platform::BootOptions& o) {
    guest::GuestMemory mem(std::uint64_t{1} << 24);
    const guest::LoadedImage image = guest::map_program(prog, mem);
    std::array<std::uint64_t, 32> regs{};
    regs[2] = mem.size() - 16;
    return guest::Process(std::move(prog), std::move(mem), image, std::make_unique<Environment>(), regs,
                          std::string(name), exit_rule, o.argv);
  }
  static void finish(guest::Process&, const RunResult&, const platform::FinishOptions&) {}
};
static_assert(platform::Platform<Platform>);

}  // namespace toy
