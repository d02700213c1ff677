// Zba/Zbb (isa/rv64zb.hpp) on the constexpr backend. Expected values are hand-computed from the
// ratified bit-manipulation spec ("B" chapter); encodings are binutils' (riscv64-unknown-elf-as
// -march=rv64imac_zba_zbb, rd = a0, rs1 = a1, rs2 = a2, shamt 5).
#include <boost/hana/concat.hpp>
#include <boost/hana/for_each.hpp>
#include <boost/hana/unpack.hpp>

#include "isa_test.hpp"
#include "rvtrace/isa/rv64zb.hpp"

using namespace isa_test;

namespace {
// rd = x3, rs1 = x1, rs2 = x2 (imm: shift amount)
template <class Insn>
constexpr u64 run(u64 a, u64 b = 0, std::int32_t imm = 0) {
  const EvalState s = eval<Insn>(with_regs({{1, a}, {2, b}}), Operands{3, 1, 2, 4, imm});
  return s.cpu.pc == PC + 4 && s.x(1) == a && s.x(2) == b ? s.x(3) : 0xdead;
}
constexpr u64 SX32(std::uint32_t v) { return static_cast<u64>(static_cast<std::int64_t>(static_cast<std::int32_t>(v))); }
}  // namespace

TEST_CASE("zba: shift-and-add, .uw forms zero-extend rs1 from 32 bits", "[isa][eval][zb]") {
  STATIC_REQUIRE(run<Sh1add>(5, 7) == 17);
  STATIC_REQUIRE(run<Sh2add>(5, 7) == 27);
  STATIC_REQUIRE(run<Sh3add>(5, 7) == 47);
  STATIC_REQUIRE(run<Sh1add>(0x8000'0000'0000'0001, 7) == 9);            // the top bit shifts out
  STATIC_REQUIRE(run<Sh3add>(ONES, 0) == 0xffff'ffff'ffff'fff8);
  STATIC_REQUIRE(run<AddUw>(0xffff'ffff'8000'0000, 1) == 0x8000'0001);
  STATIC_REQUIRE(run<AddUw>(0x1'0000'0000, 5) == 5);
  STATIC_REQUIRE(run<Sh1addUw>(0x1234'5678'ffff'ffff, 0) == 0x1'ffff'fffe);
  STATIC_REQUIRE(run<Sh2addUw>(0xffff'ffff'0000'0001, 3) == 7);
  STATIC_REQUIRE(run<Sh3addUw>(0x8000'0000, 0) == 0x4'0000'0000);
  STATIC_REQUIRE(run<SlliUw>(0xabcd'ef01'8000'0000, 0, 4) == 0x8'0000'0000);
  STATIC_REQUIRE(run<SlliUw>(0xffff'ffff'ffff'ffff, 0, 32) == 0xffff'ffff'0000'0000);
  STATIC_REQUIRE(run<SlliUw>(0x1'0000'0001, 0, 0) == 1);
}

TEST_CASE("zbb: logic with negate", "[isa][eval][zb]") {
  STATIC_REQUIRE(run<Andn>(0xff00, 0x0f0f) == 0xf000);
  STATIC_REQUIRE(run<Andn>(ONES, 0) == ONES);
  STATIC_REQUIRE(run<Orn>(0x0f, 0xffff'ffff'ffff'fff0) == 0x0f);
  STATIC_REQUIRE(run<Orn>(0, 0) == ONES);
  STATIC_REQUIRE(run<Xnor>(0xff, 0x0f) == 0xffff'ffff'ffff'ff0f);
  STATIC_REQUIRE(run<Xnor>(ONES, ONES) == ONES);
}

TEST_CASE("zbb: counts (64 and W forms)", "[isa][eval][zb]") {
  STATIC_REQUIRE(run<Clz>(0) == 64);
  STATIC_REQUIRE(run<Clz>(1) == 63);
  STATIC_REQUIRE(run<Clz>(I64_MIN) == 0);
  STATIC_REQUIRE(run<Clz>(0x00ff'0000'0000'0000) == 8);
  STATIC_REQUIRE(run<Ctz>(0) == 64);
  STATIC_REQUIRE(run<Ctz>(I64_MIN) == 63);
  STATIC_REQUIRE(run<Ctz>(0x100) == 8);
  STATIC_REQUIRE(run<Cpop>(0) == 0);
  STATIC_REQUIRE(run<Cpop>(ONES) == 64);
  STATIC_REQUIRE(run<Cpop>(0xf0f0) == 8);
  STATIC_REQUIRE(run<Clzw>(0) == 32);
  STATIC_REQUIRE(run<Clzw>(1) == 31);
  STATIC_REQUIRE(run<Clzw>(0xffff'ffff'0000'0000) == 32);  // the upper word is ignored
  STATIC_REQUIRE(run<Clzw>(0x8000'0000) == 0);
  STATIC_REQUIRE(run<Clzw>(0x0001'0000) == 15);
  STATIC_REQUIRE(run<Ctzw>(0) == 32);
  STATIC_REQUIRE(run<Ctzw>(0x1'0000'0000) == 32);
  STATIC_REQUIRE(run<Ctzw>(I64_MIN) == 32);  // (qemu-riscv64 7.2: 63)
  STATIC_REQUIRE(run<Ctzw>(0x8000'0000) == 31);
  STATIC_REQUIRE(run<Ctzw>(0x10) == 4);
  STATIC_REQUIRE(run<Cpopw>(0xffff'ffff'0000'000f) == 4);
  STATIC_REQUIRE(run<Cpopw>(0xffff'ffff) == 32);
}

TEST_CASE("zbb: min/max, sign and zero extension", "[isa][eval][zb]") {
  STATIC_REQUIRE(run<Max>(ONES, 1) == 1);
  STATIC_REQUIRE(run<Maxu>(ONES, 1) == ONES);
  STATIC_REQUIRE(run<Min>(ONES, 1) == ONES);
  STATIC_REQUIRE(run<Minu>(ONES, 1) == 1);
  STATIC_REQUIRE(run<Min>(I64_MIN, I64_MAX) == I64_MIN);
  STATIC_REQUIRE(run<Max>(I64_MIN, I64_MAX) == I64_MAX);
  STATIC_REQUIRE(run<Minu>(I64_MIN, I64_MAX) == I64_MAX);
  STATIC_REQUIRE(run<Max>(7, 7) == 7);
  STATIC_REQUIRE(run<SextB>(0x80) == 0xffff'ffff'ffff'ff80);
  STATIC_REQUIRE(run<SextB>(0x17f) == 0x7f);
  STATIC_REQUIRE(run<SextH>(0x8000) == 0xffff'ffff'ffff'8000);
  STATIC_REQUIRE(run<SextH>(0x1234'7fff) == 0x7fff);
  STATIC_REQUIRE(run<ZextH>(0xffff'ffff'ffff'8001) == 0x8001);
}

TEST_CASE("zbb: rotates (amount mod 64 / 32, W forms sign-extend)", "[isa][eval][zb]") {
  STATIC_REQUIRE(run<Rol>(0x8000'0000'0000'0001, 1) == 3);
  STATIC_REQUIRE(run<Rol>(0x8000'0000'0000'0001, 65) == 3);
  STATIC_REQUIRE(run<Rol>(0x1234, 0) == 0x1234);
  STATIC_REQUIRE(run<Ror>(3, 1) == 0x8000'0000'0000'0001);
  STATIC_REQUIRE(run<Ror>(1, 64) == 1);
  STATIC_REQUIRE(run<Ror>(0x12, 4) == 0x2000'0000'0000'0001);
  STATIC_REQUIRE(run<Rolw>(0x8000'0001, 1) == 3);
  STATIC_REQUIRE(run<Rolw>(0x4000'0000, 1) == SX32(0x8000'0000));
  STATIC_REQUIRE(run<Rolw>(0xffff'ffff'0000'0001, 4) == 0x10);
  STATIC_REQUIRE(run<Rorw>(1, 1) == 0xffff'ffff'8000'0000);
  STATIC_REQUIRE(run<Rorw>(1, 33) == 0xffff'ffff'8000'0000);
  STATIC_REQUIRE(run<Rorw>(0xffff'ffff'0000'0010, 4) == 1);
  STATIC_REQUIRE(run<Rori>(1, 0, 63) == 2);
  STATIC_REQUIRE(run<Rori>(0x12, 0, 4) == 0x2000'0000'0000'0001);
  STATIC_REQUIRE(run<Rori>(0x12, 0, 0) == 0x12);
  STATIC_REQUIRE(run<Roriw>(1, 0, 31) == 2);
  STATIC_REQUIRE(run<Roriw>(1, 0, 1) == 0xffff'ffff'8000'0000);
}

TEST_CASE("zbb: orc.b and rev8", "[isa][eval][zb]") {
  STATIC_REQUIRE(run<OrcB>(0x0001'0000'ff00'0010) == 0x00ff'0000'ff00'00ff);
  STATIC_REQUIRE(run<OrcB>(0) == 0);
  STATIC_REQUIRE(run<OrcB>(0x8000'0000'0000'0001) == 0xff00'0000'0000'00ff);
  STATIC_REQUIRE(run<Rev8>(0x0102'0304'0506'0708) == 0x0807'0605'0403'0201);
}

TEST_CASE("zba/zbb: encodings are binutils', decode back, overlap nothing of RV64IMAC", "[isa][zb]") {
  constexpr std::uint32_t a0 = 10, a1 = 11, a2 = 12;
  STATIC_REQUIRE(Sh1add::encode(a0, a1, a2) == 0x20c5a533);
  STATIC_REQUIRE(Sh2add::encode(a0, a1, a2) == 0x20c5c533);
  STATIC_REQUIRE(Sh3add::encode(a0, a1, a2) == 0x20c5e533);
  STATIC_REQUIRE(AddUw::encode(a0, a1, a2) == 0x08c5853b);
  STATIC_REQUIRE(Sh1addUw::encode(a0, a1, a2) == 0x20c5a53b);
  STATIC_REQUIRE(Sh2addUw::encode(a0, a1, a2) == 0x20c5c53b);
  STATIC_REQUIRE(Sh3addUw::encode(a0, a1, a2) == 0x20c5e53b);
  STATIC_REQUIRE(SlliUw::encode(a0, a1, 5) == 0x0855951b);
  STATIC_REQUIRE(Andn::encode(a0, a1, a2) == 0x40c5f533);
  STATIC_REQUIRE(Orn::encode(a0, a1, a2) == 0x40c5e533);
  STATIC_REQUIRE(Xnor::encode(a0, a1, a2) == 0x40c5c533);
  STATIC_REQUIRE(Clz::encode(a0, a1) == 0x60059513);
  STATIC_REQUIRE(Ctz::encode(a0, a1) == 0x60159513);
  STATIC_REQUIRE(Cpop::encode(a0, a1) == 0x60259513);
  STATIC_REQUIRE(Clzw::encode(a0, a1) == 0x6005951b);
  STATIC_REQUIRE(Ctzw::encode(a0, a1) == 0x6015951b);
  STATIC_REQUIRE(Cpopw::encode(a0, a1) == 0x6025951b);
  STATIC_REQUIRE(Max::encode(a0, a1, a2) == 0x0ac5e533);
  STATIC_REQUIRE(Maxu::encode(a0, a1, a2) == 0x0ac5f533);
  STATIC_REQUIRE(Min::encode(a0, a1, a2) == 0x0ac5c533);
  STATIC_REQUIRE(Minu::encode(a0, a1, a2) == 0x0ac5d533);
  STATIC_REQUIRE(SextB::encode(a0, a1) == 0x60459513);
  STATIC_REQUIRE(SextH::encode(a0, a1) == 0x60559513);
  STATIC_REQUIRE(ZextH::encode(a0, a1) == 0x0805c53b);
  STATIC_REQUIRE(Rol::encode(a0, a1, a2) == 0x60c59533);
  STATIC_REQUIRE(Ror::encode(a0, a1, a2) == 0x60c5d533);
  STATIC_REQUIRE(Rolw::encode(a0, a1, a2) == 0x60c5953b);
  STATIC_REQUIRE(Rorw::encode(a0, a1, a2) == 0x60c5d53b);
  STATIC_REQUIRE(Rori::encode(a0, a1, 5) == 0x6055d513);
  STATIC_REQUIRE(Roriw::encode(a0, a1, 5) == 0x6055d51b);
  STATIC_REQUIRE(OrcB::encode(a0, a1) == 0x2875d513);
  STATIC_REQUIRE(Rev8::encode(a0, a1) == 0x6b85d513);
  // Each decodes to its fields, and no two encodings of RV64IMAC + Zba + Zbb share a word.
  constexpr auto set = boost::hana::concat(all_instructions, boost::hana::concat(rv64zba, rv64zbb));
  constexpr auto encs = boost::hana::unpack(set, [](auto... t) {
    return std::array<Encoding, sizeof...(t)>{Encoding{decltype(t)::type::match, decltype(t)::type::mask, decltype(t)::type::name}...};
  });
  std::size_t overlaps = 0;
  for (std::size_t i = 0; i < encs.size(); ++i)
    for (std::size_t j = i + 1; j < encs.size(); ++j)
      if (encs[i].name != "illegal" && encs[j].name != "illegal" && ((encs[i].match ^ encs[j].match) & encs[i].mask & encs[j].mask) == 0) {
        INFO(encs[i].name << " overlaps " << encs[j].name);
        ++overlaps;
      }
  CHECK(overlaps == 0);
  boost::hana::for_each(boost::hana::concat(rv64zba, rv64zbb), [](auto t) {
    using T = typename decltype(t)::type;
    if constexpr (requires { T::encode(1u, 2u, 3u); }) {
      const std::uint32_t w = T::encode(5, 6, 7);
      CHECK((w & T::mask) == T::match);
      const Operands o = T::decode(w);
      CHECK((o.rd == 5 && o.rs1 == 6));
    } else {
      const Operands o = T::decode(T::encode(5, 6));
      CHECK((o.rd == 5 && o.rs1 == 6 && o.rs2 == 0));
    }
  });
}
