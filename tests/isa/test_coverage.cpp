// Coverage bookkeeping: every instruction of isa::encodings must appear in `tested` below, which lists
// the instructions that have hand-computed semantic tests in test_eval_*.cpp. Adding an instruction to
// the ISA lists without adding tests (and its name here) makes this test fail.
// Also: an exhaustive sweep of all 16-bit parcels against counts derived from the RVC tables.
#include "isa_test.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <string>
#include <string_view>

using namespace isa_test;

namespace {
constexpr std::array<std::string_view, 91> tested = {
    // test_eval_rv64i.cpp
    "lui", "auipc", "jal", "jalr", "beq", "bne", "blt", "bge", "bltu", "bgeu", "addi", "slti", "sltiu", "xori",
    "ori", "andi", "slli", "srli", "srai", "add", "sub", "sll", "slt", "sltu", "xor", "srl", "sra", "or", "and",
    "addiw", "slliw", "srliw", "sraiw", "addw", "subw", "sllw", "srlw", "sraw",
    // test_eval_rv64i_mem.cpp
    "lb", "lh", "lw", "ld", "lbu", "lhu", "lwu", "sb", "sh", "sw", "sd",
    // test_eval_rv64m.cpp
    "mul", "mulh", "mulhsu", "mulhu", "div", "divu", "rem", "remu", "mulw", "divw", "divuw", "remw", "remuw",
    // test_eval_rv64a_system.cpp
    "lr.w", "lr.d", "sc.w", "sc.d", "amoswap.w", "amoswap.d", "amoadd.w", "amoadd.d", "amoxor.w", "amoxor.d",
    "amoand.w", "amoand.d", "amoor.w", "amoor.d", "amomin.w", "amomin.d", "amomax.w", "amomax.d", "amominu.w",
    "amominu.d", "amomaxu.w", "amomaxu.d", "fence", "fence.i", "ecall", "ebreak", "rdcycle", "rdtime",
    "rdinstret"};
}  // namespace

TEST_CASE("every instruction in isa::encodings has semantic tests", "[isa][coverage]") {
  for (std::size_t i = 0; i < instruction_count; ++i) {
    const std::string_view name = encodings[i].name;
    INFO("instruction without tests: " << std::string(name));
    CHECK(std::find(tested.begin(), tested.end(), name) != tested.end());
  }
  // and the list names nothing that is not an instruction (a typo would hide a missing test)
  for (std::string_view name : tested) {
    INFO("not an instruction: " << std::string(name));
    CHECK(std::any_of(encodings.begin(), encodings.begin() + instruction_count,
                      [&](const Encoding& e) { return e.name == name; }));
  }
  CHECK(std::set<std::string_view>(tested.begin(), tested.end()).size() == tested.size());
}

TEST_CASE("all 16-bit parcels: expansions decode legally, reserved counts match the spec", "[isa][rvc][coverage]") {
  // Illegal/reserved compressed parcels on RV64C without F/D, counted by hand from the RVC tables:
  //  Q0: c.addi4spn nzuimm=0 (8 rd') + c.fld (2048) + reserved funct3=100 (2048) + c.fsd (2048) = 6152
  //  Q1: c.addiw rd=0 (64) + c.addi16sp imm=0 (1) + c.lui imm=0, rd!=2 (31) + subw-group reserved
  //      funct2=10/11 with bit12=1 (2 * 8 * 8 = 128)                                              = 224
  //  Q2: c.fldsp (2048) + c.lwsp rd=0 (64) + c.ldsp rd=0 (64) + c.jr rs1=0 (1) + c.fsdsp (2048)   = 4225
  // HINTs (rd = x0 forms of c.addi/c.li/c.lui/c.mv/c.add/c.slli, shamt 0 shifts) are legal.
  std::size_t illegal[3] = {0, 0, 0};
  std::set<std::string_view> targets;
  for (std::uint32_t h = 0; h < 0x10000; ++h) {
    if ((h & 3) == 3) {
      CHECK(expand_compressed(static_cast<std::uint16_t>(h)) == 0);
      continue;
    }
    const std::uint32_t w = expand_compressed(static_cast<std::uint16_t>(h));
    const Decoded d = decode_parcels(static_cast<std::uint16_t>(h), 0xffff);
    CHECK(d.ops.len == 2);
    CHECK(d.word == h);
    if (w == 0) {
      ++illegal[h & 3];
      CHECK(!d.legal());
    } else {
      if (!d.legal()) FAIL_CHECK("parcel 0x" << std::hex << h << " expands to an undecodable word 0x" << w);
      targets.insert(name_of(d.id));
    }
  }
  CHECK(illegal[0] == 6152);
  CHECK(illegal[1] == 224);
  CHECK(illegal[2] == 4225);
  // The base instructions RV64C expands to (spec RVC listings, RV64 column).
  const std::set<std::string_view> want = {"addi", "lw",  "ld",  "sw",  "sd",   "addiw", "lui",  "srli",
                                           "srai", "andi", "sub", "xor", "or",   "and",   "subw", "addw",
                                           "jal",  "beq",  "bne", "slli", "jalr", "add",   "ebreak"};
  CHECK(targets == want);
}
