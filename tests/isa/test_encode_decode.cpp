// Encoder/decoder: round trips over every instruction type, match bits, encoder range checks,
// comparison with binutils, decoder negatives.
// The hard-coded 32-bit words below are what binutils produced for the assembler line in the comment
// (riscv64-unknown-elf-as -march=rv64imac_zicsr_zifencei_zihintpause, objdump -d -M no-aliases).
#include "isa_test.hpp"

#include <boost/hana/for_each.hpp>

#include <string>
#include <type_traits>
#include <vector>

using namespace isa_test;
using std::int64_t;
namespace hana = boost::hana;

namespace {
enum class Kind { R, I, Shift64, Shift32, S, B, U, J, Amo, Lr, Fixed, Fence, Counter, Illegal };

template <class T>
constexpr Kind kind_of() {
  constexpr std::uint32_t m = T::match;
  if constexpr (std::is_same_v<T, Illegal>) return Kind::Illegal;
  else if constexpr (std::is_base_of_v<RType<m>, T>) return Kind::R;
  else if constexpr (std::is_base_of_v<IType<m>, T>) return Kind::I;
  else if constexpr (std::is_base_of_v<ShiftType<m, 6>, T>) return Kind::Shift64;
  else if constexpr (std::is_base_of_v<ShiftType<m, 5>, T>) return Kind::Shift32;
  else if constexpr (std::is_base_of_v<SType<m>, T>) return Kind::S;
  else if constexpr (std::is_base_of_v<BType<m>, T>) return Kind::B;
  else if constexpr (std::is_base_of_v<UType<m>, T>) return Kind::U;
  else if constexpr (std::is_base_of_v<JType<m>, T>) return Kind::J;
  else if constexpr (std::is_base_of_v<AmoType<m, false>, T>) return Kind::Amo;
  else if constexpr (std::is_base_of_v<AmoType<m, true>, T>) return Kind::Lr;
  else if constexpr (std::is_base_of_v<FixedType<m>, T>) return Kind::Fixed;
  else if constexpr (std::is_base_of_v<FenceType<m>, T>) return Kind::Fence;
  else if constexpr (std::is_base_of_v<CounterReadType<(m >> 20)>, T>) return Kind::Counter;
  else static_assert(!sizeof(T), "instruction of an unknown format: add it to this test");
}

struct Regs { unsigned rd, rs1, rs2; };
constexpr Regs reg_sets[] = {{0, 0, 0}, {31, 31, 31}, {1, 2, 3}, {5, 17, 30}, {30, 0, 16}, {8, 15, 9}};
constexpr int64_t imm12[] = {-2048, 2047, 0, -1, 1, 0x555, -0x556};
constexpr int64_t off13[] = {-4096, 4094, 0, -2, 2, 0xaaa, -0x556};
constexpr int64_t imm_u[] = {INT32_MIN, 0x7fff'f000, -4096, 0, 0x1000, 0x5555'5000, -0x5555'6000};
constexpr int64_t off21[] = {-1048576, 1048574, 0, -2, 2, 0xa'aaaa, -0x5'5556};
constexpr unsigned sh6[] = {0, 1, 31, 32, 63, 42};
constexpr unsigned sh5[] = {0, 1, 31, 21};

struct Case { std::uint32_t word; Operands want; };

// Every operand set for instruction T, with the operands its decoder must give back.
template <class T>
std::vector<Case> cases() {
  std::vector<Case> out;
  constexpr Kind k = kind_of<T>();
  for (const Regs r : reg_sets) {
    const auto rd = std::uint8_t(r.rd), rs1 = std::uint8_t(r.rs1), rs2 = std::uint8_t(r.rs2);
    if constexpr (k == Kind::R || k == Kind::Amo) out.push_back({encode<T>(r.rd, r.rs1, r.rs2), {rd, rs1, rs2, 4, 0}});
    if constexpr (k == Kind::Lr) out.push_back({encode<T>(r.rd, r.rs1), {rd, rs1, 0, 4, 0}});
    if constexpr (k == Kind::Counter) out.push_back({encode<T>(r.rd), {rd, 0, 0, 4, 0}});
    if constexpr (k == Kind::I)
      for (auto i : imm12) out.push_back({encode<T>(r.rd, r.rs1, i), {rd, rs1, 0, 4, std::int32_t(i)}});
    if constexpr (k == Kind::Shift64)
      for (auto i : sh6) out.push_back({encode<T>(r.rd, r.rs1, i), {rd, rs1, 0, 4, std::int32_t(i)}});
    if constexpr (k == Kind::Shift32)
      for (auto i : sh5) out.push_back({encode<T>(r.rd, r.rs1, i), {rd, rs1, 0, 4, std::int32_t(i)}});
    if constexpr (k == Kind::S)
      for (auto i : imm12) out.push_back({encode<T>(r.rs1, r.rs2, i), {0, rs1, rs2, 4, std::int32_t(i)}});
    if constexpr (k == Kind::B)
      for (auto i : off13) out.push_back({encode<T>(r.rs1, r.rs2, i), {0, rs1, rs2, 4, std::int32_t(i)}});
    if constexpr (k == Kind::U)
      for (auto i : imm_u) out.push_back({encode<T>(r.rd, i), {rd, 0, 0, 4, std::int32_t(i)}});
    if constexpr (k == Kind::J)
      for (auto i : off21) out.push_back({encode<T>(r.rd, i), {rd, 0, 0, 4, std::int32_t(i)}});
  }
  if constexpr (k == Kind::Fixed || k == Kind::Fence) out.push_back({encode<T>(), Operands{}});
  return out;
}
}  // namespace

TEST_CASE("round trip: encode -> decode gives the instruction and its operands back", "[isa][encode]") {
  std::size_t checked_insns = 0, checked_words = 0;
  hana::for_each(all_instructions, [&](auto t) {
    using T = typename decltype(t)::type;
    if constexpr (kind_of<T>() != Kind::Illegal) {
      ++checked_insns;
      for (const Case& c : cases<T>()) {
        INFO(std::string(T::name) << " word 0x" << std::hex << c.word);
        const Decoded d = decode(c.word);
        CHECK(d.id == id_of<T>());
        CHECK(name_of(d.id) == T::name);
        CHECK(d.ops == c.want);
        CHECK(d.word == c.word);
        CHECK(d.legal());
        // the word has the instruction's match bits under its mask
        CHECK((c.word & T::mask) == T::match);
        ++checked_words;
      }
    }
  });
  CHECK(checked_insns == instruction_count);
  CHECK(checked_words > 1000);
}

TEST_CASE("each encoding's match bits (plus any operand bits) decode to that instruction", "[isa][decode]") {
  for (std::size_t i = 0; i < instruction_count; ++i) {
    const Encoding& e = encodings[i];
    INFO(std::string(e.name));
    CHECK(decode(e.match).id == i);
    // the bits outside the mask are operand/ignored fields: any value keeps the instruction
    for (std::uint32_t junk : {0x5555'5555u, 0xaaaa'aaaau, 0xffff'ffffu, 0x0000'8000u, 0x0010'0000u})
      CHECK(decode(e.match | (junk & ~e.mask)).id == i);
    CHECK((e.match & ~e.mask) == 0);
    CHECK((e.match & 3) == 3);   // every base encoding is a 32-bit one
  }
  CHECK(encodings[illegal_id].name == "illegal");
  CHECK(encodings.size() == instruction_count + 1);
  // The lists against the spec's counts; the set is their concatenation.
  constexpr auto len = [](auto t) { return decltype(boost::hana::length(t))::value; };
  STATIC_REQUIRE(len(rv64i) == 49);
  STATIC_REQUIRE(len(rv64m) == 13);
  STATIC_REQUIRE(len(rv64a) == 22);
  STATIC_REQUIRE(len(system_insns) == 7);  // fence, fence.i, ecall, ebreak, 3 counter reads
  STATIC_REQUIRE(instruction_count == len(rv64i) + len(rv64m) + len(rv64a) + len(system_insns));
}

TEST_CASE("round trips at compile time", "[isa][encode]") {
  STATIC_REQUIRE(decode(encode<Addi>(31, 31, -2048)).id == id_of<Addi>());
  STATIC_REQUIRE(decode(encode<Addi>(31, 31, -2048)).ops == Operands{31, 31, 0, 4, -2048});
  STATIC_REQUIRE(decode(encode<Jal>(1, -1048576)).ops == Operands{1, 0, 0, 4, -1048576});
  STATIC_REQUIRE(decode(encode<Jal>(1, 1048574)).ops == Operands{1, 0, 0, 4, 1048574});
  STATIC_REQUIRE(decode(encode<Bltu>(9, 10, -4096)).ops == Operands{0, 9, 10, 4, -4096});
  STATIC_REQUIRE(decode(encode<Sd>(2, 10, 2047)).ops == Operands{0, 2, 10, 4, 2047});
  STATIC_REQUIRE(decode(encode<Lui>(3, INT32_MIN)).ops == Operands{3, 0, 0, 4, INT32_MIN});
  STATIC_REQUIRE(decode(encode<Srai>(3, 4, 63)).ops == Operands{3, 4, 0, 4, 63});
  STATIC_REQUIRE(decode(encode<AmoMaxuD>(8, 10, 9)).ops == Operands{8, 10, 9, 4, 0});
}

TEST_CASE("encodings equal the words binutils assembled", "[isa][encode][binutils]") {
  STATIC_REQUIRE(encode<Add>(1, 2, 3) == 0x003100b3);           // add ra,sp,gp
  STATIC_REQUIRE(encode<Sub>(31, 30, 29) == 0x41df0fb3);        // sub t6,t5,t4
  STATIC_REQUIRE(encode<Addi>(5, 6, -2048) == 0x80030293);      // addi t0,t1,-2048
  STATIC_REQUIRE(encode<Addi>(5, 6, 2047) == 0x7ff30293);       // addi t0,t1,2047
  STATIC_REQUIRE(encode<Sltiu>(7, 8, -1) == 0xfff43393);        // sltiu t2,s0,-1
  STATIC_REQUIRE(encode<Sd>(2, 10, 2047) == 0x7ea13fa3);        // sd a0,2047(sp)
  STATIC_REQUIRE(encode<Sb>(1, 31, -2048) == 0x81f08023);       // sb t6,-2048(ra)
  STATIC_REQUIRE(encode<Beq>(1, 2, -4096) == 0x80208063);       // beq ra,sp,.-4096
  STATIC_REQUIRE(encode<Bgeu>(3, 4, 4094) == 0x7e41ffe3);       // bgeu gp,tp,.+4094
  STATIC_REQUIRE(encode<Jal>(1, 1048574) == 0x7ffff0ef);        // jal ra,.+1048574
  STATIC_REQUIRE(encode<Jal>(0, -1048576) == 0x8000006f);       // jal zero,.-1048576
  STATIC_REQUIRE(encode<Jalr>(5, 5, -1) == 0xfff282e7);         // jalr t0,-1(t0)
  STATIC_REQUIRE(encode<Lui>(5, INT32_MIN) == 0x800002b7);      // lui t0,0x80000
  STATIC_REQUIRE(encode<Auipc>(6, -4096) == 0xfffff317);        // auipc t1,0xfffff
  STATIC_REQUIRE(encode<Slli>(1, 2, 63) == 0x03f11093);         // slli ra,sp,0x3f
  STATIC_REQUIRE(encode<Srai>(3, 4, 63) == 0x43f25193);         // srai gp,tp,0x3f
  STATIC_REQUIRE(encode<Sraiw>(5, 6, 31) == 0x41f3529b);        // sraiw t0,t1,0x1f
  STATIC_REQUIRE(encode<Srliw>(7, 8, 1) == 0x0014539b);         // srliw t2,s0,0x1
  STATIC_REQUIRE(encode<Lwu>(9, 10, -4) == 0xffc56483);         // lwu s1,-4(a0)
  STATIC_REQUIRE(encode<Mulhsu>(11, 12, 13) == 0x02d625b3);     // mulhsu a1,a2,a3
  STATIC_REQUIRE(encode<Remuw>(14, 15, 16) == 0x0307f73b);      // remuw a4,a5,a6
  STATIC_REQUIRE(encode<Divw>(17, 18, 19) == 0x033948bb);       // divw a7,s2,s3
  STATIC_REQUIRE(encode<LrW>(1, 2) == 0x100120af);              // lr.w ra,(sp)
  STATIC_REQUIRE(encode<ScD>(5, 7, 6) == 0x1863b2af);           // sc.d t0,t1,(t2)  (rd, rs1, rs2)
  STATIC_REQUIRE(encode<AmoMaxuD>(8, 10, 9) == 0xe095342f);     // amomaxu.d s0,s1,(a0)
  STATIC_REQUIRE(encode<Fence>() == 0x0ff0000f);                // fence iorw,iorw
  STATIC_REQUIRE(encode<Ecall>() == 0x00000073);                // ecall
  STATIC_REQUIRE(encode<Ebreak>() == 0x00100073);               // ebreak
  STATIC_REQUIRE(encode<Rdcycle>(10) == 0xc0002573);            // csrrs a0,cycle,zero
  STATIC_REQUIRE(encode<Rdtime>(11) == 0xc01025f3);             // csrrs a1,time,zero
  STATIC_REQUIRE(encode<Rdinstret>(12) == 0xc0202673);          // csrrs a2,instret,zero
}

TEST_CASE("encode<FenceI>() equals binutils' fence.i word", "[isa][encode][binutils]") {
  // fence.i assembles to 0x0000100f: imm[11:0], rs1 and rd of FENCE.I are reserved and "standard
  // software shall zero these fields". (The decoder ignores those fields.)
  CHECK(encode<FenceI>() == 0x0000100fu);
  CHECK(decode(0x0000100f).id == id_of<FenceI>());
}

TEST_CASE("binutils words with aq/rl bits decode to the A instruction", "[isa][decode][binutils]") {
  constexpr Decoded a = decode(0x160231af);                     // lr.d.aqrl gp,(tp)
  STATIC_REQUIRE(a.id == id_of<LrD>());
  STATIC_REQUIRE(a.ops == Operands{3, 4, 0, 4, 0});
  constexpr Decoded b = decode(0x84c6a5af);                     // amomin.w.aq a1,a2,(a3)
  STATIC_REQUIRE(b.id == id_of<AmoMinW>());
  STATIC_REQUIRE(b.ops == Operands{11, 13, 12, 4, 0});
  constexpr Decoded c = decode(0x0af8272f);                     // amoswap.w.rl a4,a5,(a6)
  STATIC_REQUIRE(c.id == id_of<AmoSwapW>());
  STATIC_REQUIRE(c.ops == Operands{14, 16, 15, 4, 0});
}

TEST_CASE("encoders reject out-of-range fields and odd offsets", "[isa][encode]") {
  using E = std::invalid_argument;
  REQUIRE_THROWS_AS(encode<Addi>(1, 2, 2048), E);
  REQUIRE_THROWS_AS(encode<Addi>(1, 2, -2049), E);
  REQUIRE_THROWS_AS(encode<Ld>(1, 2, 4096), E);
  REQUIRE_THROWS_AS(encode<Jalr>(1, 2, 2048), E);
  REQUIRE_THROWS_AS(encode<Sd>(1, 2, 2048), E);
  REQUIRE_THROWS_AS(encode<Sb>(1, 2, -2049), E);
  REQUIRE_THROWS_AS(encode<Beq>(1, 2, 3), E);                   // odd
  REQUIRE_THROWS_AS(encode<Bne>(1, 2, -1), E);                  // odd
  REQUIRE_THROWS_AS(encode<Blt>(1, 2, 4096), E);                // > 4094
  REQUIRE_THROWS_AS(encode<Bgeu>(1, 2, -4098), E);              // < -4096
  REQUIRE_THROWS_AS(encode<Jal>(1, 1), E);                      // odd
  REQUIRE_THROWS_AS(encode<Jal>(1, 1048576), E);                // > 2^20 - 2
  REQUIRE_THROWS_AS(encode<Jal>(1, -1048578), E);               // < -2^20
  REQUIRE_THROWS_AS(encode<Lui>(1, 0x1001), E);                 // not a multiple of 4096
  REQUIRE_THROWS_AS(encode<Lui>(1, int64_t{0x8000'0000}), E);   // not an int32 (use INT32_MIN)
  REQUIRE_THROWS_AS(encode<Auipc>(1, -int64_t{0x8000'1000}), E);
  REQUIRE_THROWS_AS(encode<Slli>(1, 2, 64u), E);
  REQUIRE_THROWS_AS(encode<Srai>(1, 2, 64u), E);
  REQUIRE_THROWS_AS(encode<Slliw>(1, 2, 32u), E);
  REQUIRE_THROWS_AS(encode<Sraiw>(1, 2, 32u), E);
  REQUIRE_THROWS_AS(encode<Add>(32, 1, 2), E);
  REQUIRE_THROWS_AS(encode<Add>(1, 32, 2), E);
  REQUIRE_THROWS_AS(encode<Add>(1, 2, 32), E);
  REQUIRE_THROWS_AS(encode<Addi>(32, 1, 0), E);
  REQUIRE_THROWS_AS(encode<Sd>(32, 1, 0), E);
  REQUIRE_THROWS_AS(encode<Jal>(32, 0), E);
  REQUIRE_THROWS_AS(encode<LrW>(1, 2, 3), E);                   // lr takes no rs2
  REQUIRE_THROWS_AS(encode<AmoAddD>(1, 2, 32), E);
  REQUIRE_THROWS_AS(encode<Rdcycle>(32), E);
  // the extremes themselves are accepted
  REQUIRE_NOTHROW(encode<Addi>(1, 2, -2048));
  REQUIRE_NOTHROW(encode<Beq>(1, 2, -4096));
  REQUIRE_NOTHROW(encode<Jal>(1, -1048576));
  REQUIRE_NOTHROW(encode<Slli>(1, 2, 63u));
  REQUIRE_NOTHROW(encode<Slliw>(1, 2, 31u));
}

TEST_CASE("decoder negatives: illegal words", "[isa][decode]") {
  STATIC_REQUIRE(!decode(0x0000'0000).legal());
  STATIC_REQUIRE(!decode(0xffff'ffff).legal());
  STATIC_REQUIRE(decode(0xffff'ffff).id == illegal_id);
  STATIC_REQUIRE(!decode(0x0400'0033).legal());                 // opcode OP, funct7 0000010: unassigned
  STATIC_REQUIRE(!decode(0x4000'4033).legal());                 // xor with funct7 0100000
  STATIC_REQUIRE(!decode(0x0200'103b).legal());                 // OP-32 M funct3 1: no such instruction
  STATIC_REQUIRE(!decode(0x0000'203b).legal());                 // OP-32 funct3 2
  STATIC_REQUIRE(!decode(0x0401'1093).legal());                 // slli with imm[11:6] = 000001
  STATIC_REQUIRE(!decode(0x0201'109b).legal());                 // slliw with shamt[5] = 1 (reserved on RV64)
  STATIC_REQUIRE(!decode(0x0000'7003).legal());                 // LOAD funct3 7
  STATIC_REQUIRE(!decode(0x0000'4023).legal());                 // STORE funct3 4
  STATIC_REQUIRE(!decode(0x0000'2063).legal());                 // BRANCH funct3 2
  STATIC_REQUIRE(!decode(0x0000'1067).legal());                 // JALR funct3 1
  STATIC_REQUIRE(!decode(0x1011'20af).legal());                 // lr.w with rs2 = 1
  STATIC_REQUIRE(!decode(0x0000'002f).legal());                 // AMO funct3 0
  STATIC_REQUIRE(!decode(0x0000'2007).legal());                 // flw (no F)
  STATIC_REQUIRE(!decode(0x0000'000b).legal());                 // custom-0
  STATIC_REQUIRE(!decode(0x0000'00f3).legal());                 // ecall with rd = 1
  STATIC_REQUIRE(!decode(0x3020'0073).legal());                 // mret
  STATIC_REQUIRE(!decode(0x1050'0073).legal());                 // wfi
  // CSR accesses other than csrrs rd, cycle/time/instret, x0
  STATIC_REQUIRE(!decode(0x3000'20f3).legal());                 // csrrs ra,mstatus,zero (binutils)
  STATIC_REQUIRE(!decode(0xc001'10f3).legal());                 // csrrw ra,cycle,sp (binutils)
  STATIC_REQUIRE(!decode(0xc000'10f3).legal());                 // csrrw ra,cycle,zero
  STATIC_REQUIRE(!decode(0xc001'20f3).legal());                 // csrrs ra,cycle,sp: writes a read-only CSR
  STATIC_REQUIRE(!decode(0xc030'20f3).legal());                 // csrrs ra,0xc03 (hpmcounter3)
  STATIC_REQUIRE(!decode(0xc800'20f3).legal());                 // csrrs ra,cycleh (RV32 only)
  STATIC_REQUIRE(!decode(0x0010'20f3).legal());                 // csrrs ra,fflags
}

TEST_CASE("fence variants decode as fence", "[isa][decode]") {
  STATIC_REQUIRE(decode(0x0ff0'000f).id == id_of<Fence>());    // fence iorw,iorw (binutils)
  STATIC_REQUIRE(decode(0x0330'000f).id == id_of<Fence>());    // fence rw,rw (binutils)
  STATIC_REQUIRE(decode(0x8330'000f).id == id_of<Fence>());    // fence.tso (binutils)
  STATIC_REQUIRE(decode(0x0100'000f).id == id_of<Fence>());    // pause (binutils)
  STATIC_REQUIRE(decode(0x0000'000f).id == id_of<Fence>());    // fence 0,0
  STATIC_REQUIRE(decode(0x0ff0'808f).id == id_of<Fence>());    // rs1 = rd = x1: ignored fields
  STATIC_REQUIRE(decode(0x0000'100f).id == id_of<FenceI>());   // fence.i (binutils)
  STATIC_REQUIRE(decode(0xfff0'908f).id == id_of<FenceI>());   // fence.i, reserved fields set
  STATIC_REQUIRE(decode(0x0ff0'000f).ops == Operands{});
}

TEST_CASE("id_of / name_of agree with the instruction lists", "[isa][decode]") {
  STATIC_REQUIRE(id_of<Lui>() == 0);
  STATIC_REQUIRE(name_of(id_of<Add>()) == "add");
  STATIC_REQUIRE(name_of(id_of<AmoMaxuD>()) == "amomaxu.d");
  STATIC_REQUIRE(name_of(id_of<Rdinstret>()) == "rdinstret");
  STATIC_REQUIRE(id_of<Illegal>() == illegal_id);
  STATIC_REQUIRE(!Decoded{}.legal());
}
