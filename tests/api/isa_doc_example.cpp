// The example of docs/isa-testing.md, compiled as part of test_core_only (static_asserts: it is
// checked when this file compiles; the Catch2 case only makes it visible in the test list).
#include <catch2/catch.hpp>

#include "rvtrace/isa/constexpr_machine.hpp"

using namespace rvtrace::isa;

// addi x5, x0, -1 leaves all ones in x5 and moves the pc by 4.
constexpr EvalState after_addi = eval_word(with_regs({}), encode<Addi>(5, 0, -1));
static_assert(after_addi.x(5) == 0xffff'ffff'ffff'ffffull);
static_assert(after_addi.cpu.pc == 0x10000 + 4);

// divu by zero gives all ones; rem by zero gives the dividend (RISC-V M spec).
static_assert(eval_word(with_regs({{1, 7}, {2, 0}}), encode<Divu>(3, 1, 2)).x(3) == ~0ull);
static_assert(eval_word(with_regs({{1, 7}, {2, 0}}), encode<Rem>(3, 1, 2)).x(3) == 7);

// A store then a load through the 256-byte memory at EvalState::mem_base (0x1000).
constexpr EvalState stored = eval_word(with_regs({{1, 0x1000}, {2, 0x8877665544332211}}), encode<Sd>(1, 2, 8));
static_assert(stored.mem[8] == 0x11 && stored.mem[15] == 0x88);
static_assert(eval_word(stored, encode<Lb>(3, 1, 15)).x(3) == 0xffff'ffff'ffff'ff88ull);  // sign-extended

// A compressed instruction: c.li x10, -3 (0x5575) expands to addi x10, x0, -3 and is 2 bytes long.
static_assert(eval_word(with_regs({}), 0x5575).x(10) == static_cast<std::uint64_t>(-3));
static_assert(eval_word(with_regs({}), 0x5575).cpu.pc == 0x10002);

// An instruction type evaluated with explicit operands (no encoding involved).
static_assert(eval<Add>(with_regs({{1, 40}, {2, 2}}), Operands{.rd = 3, .rs1 = 1, .rs2 = 2}).x(3) == 42);

TEST_CASE("docs/isa-testing.md example compiles (its checks are static_asserts)", "[api][isa]") {
  STATIC_REQUIRE(after_addi.x(5) == ~0ull);
}
