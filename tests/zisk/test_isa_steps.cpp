// The zisk instruction set (decoding of ZisK's CSR forms next to RV64IMAC) and ZiskStepCount's
// weights (ABI.md §11), on words written by hand from the RISC-V encodings.
#include <catch2/catch.hpp>

#include "rvtrace/interp/step.hpp"
#include "rvtrace/platform/zisk/platform.hpp"

namespace zisk = rvtrace::platform::zisk;
namespace isa = rvtrace::isa;
using Isa = zisk::ZiskIsa;
using u64 = std::uint64_t;

TEST_CASE("zisk set: ZisK's CSR forms decode to their types; RV64IMAC is unchanged", "[zisk][isa]") {
  STATIC_REQUIRE(Isa::count == isa::illegal_id + 1 + 30);
  STATIC_REQUIRE(Isa::decode(0x80052073).id == Isa::id_of<zisk::Precompile<0x800>>());  // csrs 0x800, a0
  STATIC_REQUIRE(Isa::decode(0x811525f3).id == Isa::id_of<zisk::Add256>());             // csrrs a1, 0x811, a0
  STATIC_REQUIRE(Isa::decode(0x81152073).id == Isa::id_of<zisk::Add256>());             // rd = x0: still add256's type
  STATIC_REQUIRE(Isa::decode(0x8f75a073).id == Isa::id_of<zisk::FcallParam>());         // csrs 0x8f7, a1
  STATIC_REQUIRE(Isa::decode(0x8f75a073).ops.imm == 7);
  STATIC_REQUIRE(Isa::decode(0x8c0bd073).ops.imm == 23);                                // csrwi 0x8c0, 23
  STATIC_REQUIRE(Isa::decode(0xffe02573).id == Isa::id_of<zisk::FcallGet>());           // csrr a0, 0xffe
  STATIC_REQUIRE(Isa::decode(0xf12022f3).id == Isa::id_of<zisk::ReadMarchid>());        // csrr t0, marchid
  STATIC_REQUIRE(Isa::decode(0xc0001073).id == Isa::id_of<zisk::Unimp>());              // unimp
  STATIC_REQUIRE(Isa::decode(0xc0002573).id == Isa::id_of<isa::Rdcycle>());             // rdcycle a0 (base)
  STATIC_REQUIRE(Isa::decode(0x81a52073).id == isa::illegal_id);                        // profile: not supported
  STATIC_REQUIRE(Isa::decode(0x81616073).id == isa::illegal_id);                        // csrsi 0x816, 2 (constant memset)
  STATIC_REQUIRE(Isa::decode(0x80053073).id == isa::illegal_id);                        // csrc 0x800, a0
  STATIC_REQUIRE(Isa::decode(0x800520f3).id == isa::illegal_id);                        // csrrs ra, 0x800, a0 (rd != x0)
  STATIC_REQUIRE(Isa::decode(0x00b50533).id == isa::Rv64imac::decode(0x00b50533).id);   // add a0, a0, a1
  STATIC_REQUIRE(Isa::max_log_words_per_step >= zisk::handlers::Memcmp::max_log_words);
}

TEST_CASE("zisk set: the exit rule is ecall with a7 = 93, status 0 whatever a0", "[zisk][isa]") {
  std::array<u64, 32> x{};
  x[17] = 93, x[10] = 7;
  CHECK(zisk::ZiskPlatform::exit_rule(x) == 0);
  x[17] = 64;
  CHECK(!zisk::ZiskPlatform::exit_rule(x));
}

namespace {

// A program of the given words at 0x8000_0000, decoded for the zisk set.
rvtrace::DecodedProgram program(std::vector<std::uint32_t> words) {
  rvtrace::guest::Program p;
  rvtrace::guest::Segment s;
  s.vaddr = 0x8000'0000, s.memsz = 4 * words.size(), s.read = s.exec = true;
  for (auto w : words)
    for (int i = 0; i < 4; ++i) s.bytes.push_back(static_cast<std::uint8_t>(w >> (8 * i)));
  p.segments.push_back(s);
  p.entry = s.vaddr;
  return rvtrace::decode_program<Isa>(p);
}

// ZisK steps of one rvtrace step at pc continuing at next_pc.
u64 weight(const rvtrace::DecodedProgram& code, u64 pc, u64 next_pc) {
  zisk::ZiskStepCount<Isa> c(code);
  rvtrace::StepRecord s;
  s.pc = pc, s.next_pc = next_pc, s.insn = &code.at(pc);
  c.on_step(s);
  return c.zisk_steps() - zisk::abi::steps_before_entry;
}

}  // namespace

TEST_CASE("ZiskStepCount weighs each step as ZisK's translation of it", "[zisk][steps]") {
  constexpr u64 base = 0x8000'0000;
  const auto code = program({
      0x00b5202f,  // amoadd.w x0, a1, (a0)    3 ZisK steps
      0x00b5252f,  // amoadd.w a0, a1, (a0)    4 (rd = rs1)
      0x08b5362f,  // amoswap.d a2, a1, (a0)   2
      0x18b5262f,  // sc.w a2, a1, (a0)        2 (rd != x0)
      0x00250067,  // jalr x0, 2(a0)           2 (imm not a multiple of 4)
      0x8135a073,  // csrs 0x813, a1 + ...
      0x00c50033,  //   add x0, a0, a2         memcpy, add form: 2 (the add is a ZisK step)
      0x81652073,  // csrs 0x816, a0 + ...
      0x0ab60013,  //   addi x0, a2, 0xab      memset: 1
      0x00000073,  // ecall (exit)             1 + 174
  });
  CHECK(weight(code, base, base + 4) == 3);
  CHECK(weight(code, base + 4, base + 8) == 4);
  CHECK(weight(code, base + 8, base + 12) == 2);
  CHECK(weight(code, base + 12, base + 16) == 2);
  CHECK(weight(code, base + 16, base) == 2);
  CHECK(weight(code, base + 20, base + 28) == 2);
  CHECK(weight(code, base + 20, base + 20) == 0);  // a piece of a long copy
  CHECK(weight(code, base + 28, base + 36) == 1);
  CHECK(weight(code, base + 36, base + 40) == 175);
}
