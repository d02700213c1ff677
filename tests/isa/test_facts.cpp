// The analysis backend (isa/facts.hpp) against hand-written expectations for every RV64IMAC
// instruction, read off the spec: which operand fields it reads and writes, its memory access
// (kind, width, signedness), its control transfer. (The one place such a list belongs: as a test.)
// Then instructions the library has never seen: they get correct facts, or conservative ones.
#include <boost/hana/concat.hpp>

#include <map>
#include <string>

#include "isa_test.hpp"
#include "rvtrace/isa/facts.hpp"
#include "rvtrace/isa/rv64zb.hpp"

using namespace isa_test;

namespace {
enum Regs : unsigned { none = 0, R1 = 1, R2 = 2, RD = 4 };  // reads rs1 / reads rs2 / writes rd
struct Expect {
  unsigned regs;
  Access access = Access::none;
  unsigned width = 0;
  bool is_signed = false;
  Control control = Control::none;
  bool direct = false;
};
constexpr Expect alu_rr{R1 | R2 | RD}, alu_ri{R1 | RD}, upper{RD};
constexpr Expect load(unsigned w, bool s) { return {R1 | RD, Access::load, w, s}; }
constexpr Expect store(unsigned w) { return {R1 | R2, Access::store, w}; }
constexpr Expect branch{R1 | R2, Access::none, 0, false, Control::branch, true};
constexpr Expect amo(unsigned w) { return {R1 | R2 | RD, Access::amo, w, true}; }

const std::map<std::string, Expect>& expectations() {
  static const std::map<std::string, Expect> e = [] {
    std::map<std::string, Expect> m{
        {"lui", upper}, {"auipc", upper},
        {"jal", {RD, Access::none, 0, false, Control::jump, true}},
        {"jalr", {R1 | RD, Access::none, 0, false, Control::jump, false}},
        {"lb", load(1, true)}, {"lh", load(2, true)}, {"lw", load(4, true)}, {"ld", load(8, true)},
        {"lbu", load(1, false)}, {"lhu", load(2, false)}, {"lwu", load(4, false)},
        {"sb", store(1)}, {"sh", store(2)}, {"sw", store(4)}, {"sd", store(8)},
        {"lr.w", {R1 | RD, Access::lr, 4, true}}, {"lr.d", {R1 | RD, Access::lr, 8, true}},
        {"sc.w", {R1 | R2 | RD, Access::sc, 4}}, {"sc.d", {R1 | R2 | RD, Access::sc, 8}},
        {"fence", {none}}, {"fence.i", {none}}, {"ecall", {none}}, {"ebreak", {none}},
        {"rdcycle", upper}, {"rdtime", upper}, {"rdinstret", upper}, {"illegal", {none}}};
    for (const char* n : {"beq", "bne", "blt", "bge", "bltu", "bgeu"}) m[n] = branch;
    for (const char* n : {"addi", "slti", "sltiu", "xori", "ori", "andi", "slli", "srli", "srai", "addiw", "slliw",
                          "srliw", "sraiw"})
      m[n] = alu_ri;
    for (const char* n : {"add", "sub", "sll", "slt", "sltu", "xor", "srl", "sra", "or", "and", "addw", "subw",
                          "sllw", "srlw", "sraw", "mul", "mulh", "mulhsu", "mulhu", "div", "divu", "rem", "remu",
                          "mulw", "divw", "divuw", "remw", "remuw"})
      m[n] = alu_rr;
    for (const char* a : {"amoswap", "amoadd", "amoxor", "amoand", "amoor", "amomin", "amomax", "amominu", "amomaxu"}) {
      m[std::string(a) + ".w"] = amo(4);
      m[std::string(a) + ".d"] = amo(8);
    }
    return m;
  }();
  return e;
}
}  // namespace

TEST_CASE("facts: every RV64IMAC instruction against the spec", "[isa][facts]") {
  REQUIRE(instruction_facts.size() == encodings.size());
  std::size_t checked = 0;
  for (std::size_t id = 0; id < instruction_facts.size(); ++id) {
    const InsnFacts& f = instruction_facts[id];
    INFO(f.name);
    CHECK(f.name == encodings[id].name);
    const auto it = expectations().find(std::string(f.name));
    REQUIRE(it != expectations().end());
    const Expect& e = it->second;
    CHECK(f.reads_rs1 == ((e.regs & R1) != 0));
    CHECK(f.reads_rs2 == ((e.regs & R2) != 0));
    CHECK(f.writes_rd == ((e.regs & RD) != 0));
    CHECK(!f.reads_rd);
    CHECK(f.fixed_reads == 0);
    CHECK(f.fixed_writes == 0);
    CHECK(!f.too_complex);
    CHECK(f.access == e.access);
    CHECK(f.width == e.width);
    CHECK(f.is_signed == e.is_signed);
    CHECK(f.control == e.control);
    CHECK(f.direct() == e.direct);
    const bool mem = e.access != Access::none;
    CHECK(f.base_rs1 == mem);                                                   // every address is x(rs1) ...
    CHECK(f.disp_imm == (e.access == Access::load || e.access == Access::store));  // ... + imm for plain ones
    CHECK(f.may_fault == (mem || f.name == "illegal"));
    CHECK(f.ends_block == (e.control != Control::none || f.name == "ebreak" || f.name == "illegal"));
    CHECK(f.host_call == (f.name == "ecall"));
    CHECK(f.counter == (f.name.substr(0, 2) == "rd"));
    CHECK(f.reservation == (e.access == Access::lr || e.access == Access::sc));
    // Pure: nothing but register results (fences have no effect at all on one hart).
    CHECK(f.pure() == (!mem && e.control == Control::none && f.name != "ecall" && f.name != "ebreak" &&
                       f.name != "illegal"));
    ++checked;
  }
  CHECK(checked == expectations().size());
}

TEST_CASE("facts: demanded bits and 32-bit results", "[isa][facts]") {
  auto f = [](auto t) { return analyze<typename decltype(t)::type>(); };
  namespace h = boost::hana;
  using B = std::array<std::uint8_t, 2>;  // {only the low 32 bits of rd read, all 64}
  // Low bits of add/sub/and/or/xor/mul/sll results depend only on the low bits of the inputs.
  CHECK(f(h::type_c<Add>).rs1_bits == B{32, 64});
  CHECK(f(h::type_c<Mul>).rs2_bits == B{32, 64});
  CHECK(f(h::type_c<Xori>).rs1_bits == B{32, 64});
  CHECK(f(h::type_c<Sll>).rs1_bits == B{32, 64});
  CHECK(f(h::type_c<Sll>).rs2_bits == B{6, 6});     // the amount: mod 64
  CHECK(f(h::type_c<Srl>).rs1_bits == B{64, 64});   // right shifts bring the high bits down
  CHECK(f(h::type_c<Sra>).rs2_bits == B{6, 6});
  CHECK(f(h::type_c<Sllw>).rs2_bits == B{5, 5});    // mod 32
  CHECK(f(h::type_c<Srlw>).rs1_bits == B{32, 32});
  // W forms read only the low 32 bits; their result is sign-extended and may be computed in 32 bits.
  for (const InsnFacts& w : {f(h::type_c<Addw>), f(h::type_c<Subw>), f(h::type_c<Mulw>), f(h::type_c<Addiw>),
                             f(h::type_c<Sraiw>), f(h::type_c<Sllw>)}) {
    INFO(w.name);
    CHECK(w.rs1_bits[1] == 32);
    CHECK(w.result_sext32);
    CHECK(w.low32_ok);
  }
  // divw: 32-bit inputs, but its result comes from a select (edge cases): not computed in 32 bits.
  CHECK(f(h::type_c<Divw>).rs1_bits == B{32, 32});
  CHECK(f(h::type_c<Divw>).rs2_bits == B{32, 32});
  CHECK(!f(h::type_c<Divw>).low32_ok);
  CHECK(f(h::type_c<Div>).rs2_bits == B{64, 64});
  CHECK(f(h::type_c<Slt>).rs1_bits == B{64, 64});   // a comparison reads everything
  CHECK(!f(h::type_c<Add>).result_sext32);
  CHECK(f(h::type_c<Lw>).result_sext32);
  CHECK(!f(h::type_c<Lwu>).result_sext32);
  // Store data: the stored bytes only.
  CHECK(f(h::type_c<Sb>).rs2_bits[1] == 8);
  CHECK(f(h::type_c<Sh>).rs2_bits[1] == 16);
  CHECK(f(h::type_c<Sw>).rs2_bits[1] == 32);
  CHECK(f(h::type_c<Sd>).rs2_bits[1] == 64);
  CHECK(f(h::type_c<Sw>).rs1_bits[1] == 64);        // the address: everything
  // Shapes (what the translator's rewrites match).
  const InsnFacts o = f(h::type_c<Or>), s = f(h::type_c<Srli>), x = f(h::type_c<Xori>);
  CHECK(o.shape.op == VOp::or_);
  CHECK((o.shape.a.f == Field::rs1 && o.shape.b.f == Field::rs2));
  CHECK(s.shape.op == VOp::srl);
  CHECK((s.shape.a.f == Field::rs1 && s.shape.b.kind == ShapeOperand::imm));
  CHECK(x.shape.op == VOp::xor_);
  CHECK(f(h::type_c<Lw>).shape.op == VOp::none);    // not pure: no shape
  CHECK(f(h::type_c<Div>).shape.op == VOp::none);   // a select, not one op
}

// ---- instructions the library does not know ----
namespace custom {
using namespace rvtrace::isa;
// A load in the custom-0 opcode space, written exactly like lw (the case of issue 16).
RVTRACE_INSN(Lwx, IType, 0x200b, "lwx", m.set_x(o.rd, m.load(addr(m, o), 4u, true)));
// rd += rs1 * rs2: reads its destination.
RVTRACE_INSN(Mac, RType, 0x0200000b, "mac", m.set_x(o.rd, m.add(m.x(o.rd), m.mul(rs1(m, o), rs2(m, o)))));
// A load from x(rs1) + x(rs2): an address the analysis cannot give a base + displacement.
RVTRACE_INSN(Ldx, RType, 0x0000300b, "ldx", m.set_x(o.rd, m.load(m.add(rs1(m, o), rs2(m, o)), 8u, false)));
// A jump through a table in memory.
RVTRACE_INSN(Jt, IType, 0x0000400b, "jt", m.jump(m.load(addr(m, o), 8u, false)));
// A precompile that names registers itself: a0 = a0 + a1, result in a2.
RVTRACE_INSN(Fixed, FixedType, 0x0000500b, "fixed", m.set_x(12, m.add(m.x(10), m.x(11))));
// Far too many ops for the analysis (a constant loop in C++ unrolled over 200 adds): conservative.
RVTRACE_INSN(Big, RType, 0x0000600b, "big", auto v = rs1(m, o); for (int i = 0; i < 200; ++i) v = m.add(v, rs2(m, o));
             m.set_x(o.rd, v));
}  // namespace custom

TEST_CASE("facts: new instructions get correct or conservative facts", "[isa][facts]") {
  constexpr InsnFacts lwx = analyze<custom::Lwx>(), lw = analyze<Lw>();
  STATIC_REQUIRE(lwx.plain_access());                    // exactly lw's facts
  STATIC_REQUIRE((lwx.access == lw.access && lwx.width == lw.width && lwx.is_signed == lw.is_signed));
  STATIC_REQUIRE((lwx.may_fault && !lwx.ends_block && !lwx.pure()));
  STATIC_REQUIRE((lwx.reads_rs1 && lwx.writes_rd && !lwx.reads_rs2));

  constexpr InsnFacts mac = analyze<custom::Mac>();
  STATIC_REQUIRE((mac.reads_rd && mac.reads_rs1 && mac.reads_rs2 && mac.writes_rd && mac.pure()));
  STATIC_REQUIRE(mac.rd_bits[0] == 32);                  // the old rd through an add: low bits suffice
  STATIC_REQUIRE(mac.reads(Operands{5, 6, 7, 4, 0}) == ((1u << 5) | (1u << 6) | (1u << 7)));

  constexpr InsnFacts ldx = analyze<custom::Ldx>();
  STATIC_REQUIRE((ldx.access == Access::load && !ldx.plain_access() && !ldx.base_rs1 && ldx.may_fault));

  constexpr InsnFacts jt = analyze<custom::Jt>();
  STATIC_REQUIRE((jt.control == Control::jump && !jt.direct() && jt.ends_block && jt.may_fault));

  constexpr InsnFacts fx = analyze<custom::Fixed>();
  STATIC_REQUIRE((fx.fixed_reads == ((1u << 10) | (1u << 11)) && fx.fixed_writes == (1u << 12)));
  STATIC_REQUIRE((!fx.pure() && !fx.writes_rd));
  STATIC_REQUIRE(fx.writes(Operands{}) == (1u << 12));

  constexpr InsnFacts big = analyze<custom::Big>();
  STATIC_REQUIRE((big.too_complex && big.may_fault && big.ends_block && !big.pure()));
  STATIC_REQUIRE(big.rs1_bits == std::array<std::uint8_t, 2>{64, 64});
  STATIC_REQUIRE(big.writes(Operands{1, 2, 3, 4, 0}) == ~std::uint32_t{1});

  // Zbb's rotate, whose semantics the translator's rotate rewrite uses.
  constexpr InsnFacts roriw = analyze<Roriw>();
  STATIC_REQUIRE((roriw.low32_ok && roriw.rs1_bits[1] == 32 && roriw.shape.op == VOp::rorw));
}
