#pragma once
// The analysis backend: instantiates an instruction's exec() once, at compile time, with symbolic
// operands, and records what it does: registers read and written (as operand fields), memory accesses,
// control transfer, faults, host calls, and which bits of its inputs its result depends on. Everything
// the AOT translator knows about an instruction comes from here, never from a list of ids, so an
// instruction a user adds gets the same treatment as lw or add.
//
// Values are nodes of a small expression graph (an instruction's exec is a handful of ops). What the
// analysis cannot prove stays conservative: an unknown shape of address is "other" memory (may fault,
// no bounds-check hoisting), a jump target that is not pc + imm is indirect, a result read through an
// op without a known bit rule needs all 64 bits of its inputs.
#include <array>
#include <cstdint>
#include <string_view>

#include <boost/hana/unpack.hpp>

#include "rvtrace/isa/decoder.hpp"
#include "rvtrace/isa/operands.hpp"
#include "rvtrace/isa/vocabulary.hpp"

namespace rvtrace::isa {

enum class Field : std::uint8_t { none, rd, rs1, rs2 };
enum class Control : std::uint8_t { none, jump, branch };  // branch: conditional
enum class Access : std::uint8_t { none, load, store, amo, lr, sc, other };

// Every kind of value node (leaves first). Also what the translator's rewrites match on (Shape).
enum class VOp : std::uint8_t {
  none, reg, konst, imm, pc_imm, pc_konst, instret, reservation, load,
  add, sub, and_, or_, xor_, sll, srl, sra, mul, mulh, mulhsu, mulhu,
  addw, subw, sllw, srlw, sraw, mulw, ror, rorw,
  div, divu, rem, remu, divw, divuw, remw, remuw,
  clz, ctz, cpop, rev8, orc_b,
  eq, ne, lt, ge, ltu, geu, from_cond, select,
};

// An operand of a one-op result: a register field, the immediate, or a constant.
struct ShapeOperand {
  enum Kind : std::uint8_t { none, field, imm, konst } kind = none;
  Field f = Field::none;
  std::int64_t k = 0;
  friend constexpr bool operator==(const ShapeOperand&, const ShapeOperand&) = default;
};
// rd = op(a, b) when the instruction's only effect is that (op = none otherwise).
struct Shape {
  VOp op = VOp::none;
  ShapeOperand a, b;
};

struct InsnFacts {
  std::string_view name;
  // Registers through the operand fields, and by number (bit r) for registers an exec names itself.
  bool reads_rs1 = false, reads_rs2 = false, reads_rd = false;
  bool writes_rd = false, writes_rs1 = false, writes_rs2 = false;
  bool writes_rd_always = false;  // written on every path (not only inside an if_ arm)
  std::uint32_t fixed_reads = 0, fixed_writes = 0;
  bool host_call = false;         // ecall or a handler: may read and write any register, may stop the run
  bool handler = false;           // calls C++ through host_call (isa/host_call.hpp): every engine runs it
                                  // through the interpreter; may touch any memory, fault, set the next pc
  bool ebreak = false, illegal = false;
  bool counter = false;           // reads instret() (cycle/time/instret: differs between engines' runs)
  // Memory: one kind per instruction (other: anything the analysis does not recognize).
  Access access = Access::none;
  std::uint8_t width = 0;         // bytes of the widest access
  bool is_signed = false;         // a load that sign-extends
  bool base_rs1 = false;          // every address is x(rs1) (+ imm when disp_imm)
  bool disp_imm = false;
  bool reservation = false;       // reads or writes the LR/SC reservation
  // Control.
  Control control = Control::none;
  bool target_pc_imm = false;     // the target is pc + imm (a direct target)
  bool may_fault = false, ends_block = false;
  // Results.
  bool result_sext32 = false;     // rd gets a 32-bit result, sign-extended
  bool low32_ok = false;          // rd's value may be computed in 32 bits when only those are read
  // Bits of rs1/rs2/rd read (0..64, low bits), when only the low 32 [0] or all 64 [1] bits of rd are read.
  std::array<std::uint8_t, 2> rs1_bits{}, rs2_bits{}, rd_bits{};
  Shape shape{};
  bool too_complex = false;       // the analysis ran out of nodes: everything conservative

  constexpr bool plain_access() const {
    return (access == Access::load || access == Access::store) && base_rs1 && disp_imm;
  }
  constexpr bool is_store() const { return access == Access::store; }
  constexpr bool direct() const { return control != Control::none && target_pc_imm; }
  constexpr bool fixed_regs() const { return (fixed_reads | fixed_writes) != 0; }
  // No effect but computing register values from registers: may be dropped when its result is dead.
  constexpr bool pure() const {
    return !too_complex && !may_fault && control == Control::none && !host_call && !ebreak && !illegal &&
           access == Access::none && !reservation && !fixed_regs() && !writes_rs1 && !writes_rs2;
  }
  // Registers (bit r) this instruction, with these operands, may write / read (host calls: all).
  constexpr std::uint32_t writes(const Operands& o) const {
    if (host_call || too_complex) return ~std::uint32_t{1};
    std::uint32_t m = fixed_writes;
    if (writes_rd) m |= std::uint32_t{1} << o.rd;
    if (writes_rs1) m |= std::uint32_t{1} << o.rs1;
    if (writes_rs2) m |= std::uint32_t{1} << o.rs2;
    return m & ~std::uint32_t{1};
  }
  constexpr std::uint32_t reads(const Operands& o) const {
    if (host_call || too_complex) return ~std::uint32_t{1};
    std::uint32_t m = fixed_reads;
    if (reads_rd) m |= std::uint32_t{1} << o.rd;
    if (reads_rs1) m |= std::uint32_t{1} << o.rs1;
    if (reads_rs2) m |= std::uint32_t{1} << o.rs2;
    return m & ~std::uint32_t{1};
  }
};

namespace facts_detail {

// The symbolic operands: register numbers no real register has, an immediate no encoding produces.
inline constexpr std::uint8_t sym_rd = 201, sym_rs1 = 202, sym_rs2 = 203;
inline constexpr std::int32_t sym_imm = 0x1357'9bd0;
inline constexpr Operands sym_ops{sym_rd, sym_rs1, sym_rs2, 4, sym_imm};

struct Node {
  VOp op = VOp::none;
  std::uint8_t a = 0, b = 0, c = 0;  // children (node indices; 0 = none)
  Field f = Field::none;             // reg: the field, or none with r = a fixed register number
  std::uint8_t r = 0;
  std::int64_t k = 0;                // konst
  std::uint8_t width = 0;            // load
};

struct Root {
  std::uint8_t node = 0;
  std::uint8_t bits = 64;  // how many low bits of it are used (64 unless it is rd's value)
  bool rd = false;         // the value written to rd
};

class FactsMachine {
 public:
  using value = std::uint8_t;  // node index
  using cond = std::uint8_t;

  static constexpr std::size_t max_nodes = 96, max_roots = 24;
  std::array<Node, max_nodes> nodes{};
  std::array<Root, max_roots> roots{};
  std::size_t n_nodes = 1, n_roots = 0;  // node 0 = "none"
  InsnFacts f{};
  int depth = 0;  // inside if_ arms
  unsigned loads = 0, stores = 0, aligned = 0, reservation_reads = 0, reservation_writes = 0;
  std::uint8_t rd_value = 0;
  bool rd_written_twice = false, addr_mismatch = false;
  std::uint8_t first_addr = 0;

  constexpr value node(Node n) {
    if (n_nodes == max_nodes) {
      f.too_complex = true;
      return 0;
    }
    nodes[n_nodes] = n;
    return static_cast<value>(n_nodes++);
  }
  constexpr void root(value v, std::uint8_t bits, bool rd = false) {
    if (n_roots == max_roots) {
      f.too_complex = true;
      return;
    }
    roots[n_roots++] = Root{v, bits, rd};
  }
  constexpr value bin(VOp op, value a, value b) { return node(Node{op, a, b}); }
  constexpr value un(VOp op, value a) { return node(Node{op, a}); }

  // ---- the vocabulary ----
  constexpr value x(unsigned r) {
    if (r == 0) return node(Node{VOp::konst});
    Node n{VOp::reg};
    if (r == sym_rd) n.f = Field::rd, f.reads_rd = true;
    else if (r == sym_rs1) n.f = Field::rs1, f.reads_rs1 = true;
    else if (r == sym_rs2) n.f = Field::rs2, f.reads_rs2 = true;
    else n.r = static_cast<std::uint8_t>(r), f.fixed_reads |= std::uint32_t{1} << (r & 31);
    return node(n);
  }
  constexpr void set_x(unsigned r, value v) {
    if (r == 0) return;
    if (r == sym_rd) {
      if (f.writes_rd) rd_written_twice = true;
      f.writes_rd = true;
      if (depth == 0) f.writes_rd_always = true;
      rd_value = v;
      root(v, 64, true);
      return;
    }
    if (r == sym_rs1) f.writes_rs1 = true;
    else if (r == sym_rs2) f.writes_rs2 = true;
    else f.fixed_writes |= std::uint32_t{1} << (r & 31);
    root(v, 64);
  }
  constexpr value imm(std::int64_t i) {
    return i == sym_imm ? node(Node{VOp::imm}) : node(Node{VOp::konst, 0, 0, 0, Field::none, 0, i});
  }
  constexpr value pc_plus(std::int64_t off) {
    return off == sym_imm ? node(Node{VOp::pc_imm}) : node(Node{VOp::pc_konst, 0, 0, 0, Field::none, 0, off});
  }
  constexpr value add(value a, value b) { return bin(VOp::add, a, b); }
  constexpr value sub(value a, value b) { return bin(VOp::sub, a, b); }
  constexpr value and_(value a, value b) { return bin(VOp::and_, a, b); }
  constexpr value or_(value a, value b) { return bin(VOp::or_, a, b); }
  constexpr value xor_(value a, value b) { return bin(VOp::xor_, a, b); }
  constexpr value sll(value a, value b) { return bin(VOp::sll, a, b); }
  constexpr value srl(value a, value b) { return bin(VOp::srl, a, b); }
  constexpr value sra(value a, value b) { return bin(VOp::sra, a, b); }
  constexpr value addw(value a, value b) { return bin(VOp::addw, a, b); }
  constexpr value subw(value a, value b) { return bin(VOp::subw, a, b); }
  constexpr value sllw(value a, value b) { return bin(VOp::sllw, a, b); }
  constexpr value srlw(value a, value b) { return bin(VOp::srlw, a, b); }
  constexpr value sraw(value a, value b) { return bin(VOp::sraw, a, b); }
  constexpr value mul(value a, value b) { return bin(VOp::mul, a, b); }
  constexpr value mulh(value a, value b) { return bin(VOp::mulh, a, b); }
  constexpr value mulhsu(value a, value b) { return bin(VOp::mulhsu, a, b); }
  constexpr value mulhu(value a, value b) { return bin(VOp::mulhu, a, b); }
  constexpr value mulw(value a, value b) { return bin(VOp::mulw, a, b); }
  constexpr value ror(value a, value b) { return bin(VOp::ror, a, b); }
  constexpr value rorw(value a, value b) { return bin(VOp::rorw, a, b); }
  constexpr value div_unchecked(value a, value b) { return bin(VOp::div, a, b); }
  constexpr value divu_unchecked(value a, value b) { return bin(VOp::divu, a, b); }
  constexpr value rem_unchecked(value a, value b) { return bin(VOp::rem, a, b); }
  constexpr value remu_unchecked(value a, value b) { return bin(VOp::remu, a, b); }
  constexpr value divw_unchecked(value a, value b) { return bin(VOp::divw, a, b); }
  constexpr value divuw_unchecked(value a, value b) { return bin(VOp::divuw, a, b); }
  constexpr value remw_unchecked(value a, value b) { return bin(VOp::remw, a, b); }
  constexpr value remuw_unchecked(value a, value b) { return bin(VOp::remuw, a, b); }
  constexpr value clz(value a) { return un(VOp::clz, a); }
  constexpr value ctz(value a) { return un(VOp::ctz, a); }
  constexpr value cpop(value a) { return un(VOp::cpop, a); }
  constexpr value rev8(value a) { return un(VOp::rev8, a); }
  constexpr value orc_b(value a) { return un(VOp::orc_b, a); }
  constexpr cond eq(value a, value b) { return bin(VOp::eq, a, b); }
  constexpr cond ne(value a, value b) { return bin(VOp::ne, a, b); }
  constexpr cond lt(value a, value b) { return bin(VOp::lt, a, b); }
  constexpr cond ge(value a, value b) { return bin(VOp::ge, a, b); }
  constexpr cond ltu(value a, value b) { return bin(VOp::ltu, a, b); }
  constexpr cond geu(value a, value b) { return bin(VOp::geu, a, b); }
  constexpr value from_cond(cond c) { return un(VOp::from_cond, c); }
  // Both arms are analysed (their effects are the union).
  template <class A, class B>
  constexpr value select(cond c, A&& fa, B&& fb) {
    ++depth;
    const value a = fa();
    const value b = fb();
    --depth;
    Node n{VOp::select, a, b, c};
    return node(n);
  }
  template <class A, class B>
  constexpr void if_(cond c, A&& fthen, B&& felse) {
    root(c, 64);
    ++depth;
    fthen();
    felse();
    --depth;
  }
  constexpr value load(value addr, unsigned width, bool is_signed) {
    ++loads;
    note_access(addr, width);
    f.is_signed = is_signed;
    Node n{VOp::load, addr};
    n.width = static_cast<std::uint8_t>(width);
    return node(n);
  }
  constexpr void store(value addr, value v, unsigned width) {
    ++stores;
    note_access(addr, width);
    root(v, static_cast<std::uint8_t>(8 * width));
  }
  constexpr void require_aligned(value addr, unsigned) {
    ++aligned;
    root(addr, 64);
  }
  constexpr void branch(cond c, value target) { control(Control::branch, target), root(c, 64); }
  constexpr void jump(value target) { control(Control::jump, target); }
  constexpr void ecall() { f.host_call = true; }
  template <class Handler>
  constexpr void host_call(const Handler&, const Operands&) { f.host_call = f.handler = true; }
  constexpr void ebreak() { f.ebreak = true; }
  constexpr void illegal() { f.illegal = true; }
  constexpr value instret() {
    f.counter = true;
    return node(Node{VOp::instret});
  }
  constexpr value reservation() {
    ++reservation_reads;
    return node(Node{VOp::reservation});
  }
  constexpr void set_reservation(value v) {
    ++reservation_writes;
    root(v, 64);
  }

  // ---- after exec ----
  constexpr InsnFacts finish() {
    classify_memory();
    f.reservation = reservation_reads + reservation_writes > 0;
    if (f.handler && f.access == Access::none) f.access = Access::other;
    f.may_fault = loads + stores + aligned > 0 || f.illegal || f.too_complex || f.handler;
    f.ends_block = f.control != Control::none || f.ebreak || f.illegal || f.too_complex || f.handler;
    demanded_bits();
    results();
    if (f.too_complex) conservative();
    return f;
  }

 private:
  constexpr void control(Control kind, value target) {
    if (f.control != Control::none) f.too_complex = true;  // two transfers: nothing to rely on
    f.control = kind;
    f.target_pc_imm = nodes[target].op == VOp::pc_imm;
    root(target, 64);
  }
  // Base register + displacement of an address, if it has the shape x(rs1) [+ imm].
  constexpr bool base_of(value a, bool& disp_imm) const {
    const Node& n = nodes[a];
    if (n.op == VOp::reg && n.f == Field::rs1) return disp_imm = false, true;
    if (n.op != VOp::add) return false;
    const Node &l = nodes[n.a], &r = nodes[n.b];
    const bool lr = l.op == VOp::reg && l.f == Field::rs1, rr = r.op == VOp::reg && r.f == Field::rs1;
    if ((lr && r.op == VOp::imm) || (rr && l.op == VOp::imm)) return disp_imm = true, true;
    return false;
  }
  constexpr bool same_node(value a, value b) const {
    if (a == b) return true;
    const Node &x = nodes[a], &y = nodes[b];
    if (x.op != y.op || x.f != y.f || x.r != y.r || x.k != y.k) return false;
    if (x.op == VOp::reg || x.op == VOp::imm || x.op == VOp::konst) return true;
    return x.op == VOp::add && same_node(x.a, y.a) && same_node(x.b, y.b);
  }
  constexpr void note_access(value addr, unsigned width) {
    root(addr, 64);
    if (width > f.width) f.width = static_cast<std::uint8_t>(width);
    if (first_addr == 0) first_addr = addr;
    else if (!same_node(first_addr, addr)) addr_mismatch = true;
  }
  constexpr void classify_memory() {
    if (loads + stores + aligned == 0) return;
    bool disp = false;
    const bool based = first_addr != 0 && !addr_mismatch && base_of(first_addr, disp);
    f.base_rs1 = based, f.disp_imm = based && disp;
    const bool res = reservation_reads + reservation_writes > 0;
    if (!aligned && !res && loads == 1 && stores == 0) f.access = Access::load;
    else if (!aligned && !res && loads == 0 && stores == 1) f.access = Access::store;
    else if (aligned && loads == 1 && stores == 0 && reservation_writes && !reservation_reads) f.access = Access::lr;
    else if (aligned && loads == 0 && stores == 1 && reservation_reads) f.access = Access::sc;
    else if (aligned && loads == 1 && stores == 1 && !res) f.access = Access::amo;
    else f.access = Access::other;
  }

  // Low bits of each operand field that a value's low `bits` bits depend on.
  struct Bits {
    std::uint8_t rs1 = 0, rs2 = 0, rd = 0;
  };
  static constexpr std::uint8_t up(std::uint8_t have, unsigned want) {
    return want > have ? static_cast<std::uint8_t>(want) : have;
  }
  constexpr void need(value v, unsigned bits, Bits& acc) const {
    if (v == 0 || bits == 0) return;
    const Node& n = nodes[v];
    const unsigned w32 = bits < 32 ? bits : 32;
    switch (n.op) {
      case VOp::reg:
        if (n.f == Field::rs1) acc.rs1 = up(acc.rs1, bits);
        else if (n.f == Field::rs2) acc.rs2 = up(acc.rs2, bits);
        else if (n.f == Field::rd) acc.rd = up(acc.rd, bits);
        return;
      case VOp::none: case VOp::konst: case VOp::imm: case VOp::pc_imm: case VOp::pc_konst:
      case VOp::instret: case VOp::reservation:
        return;
      case VOp::load: return need(n.a, 64, acc);
      // The low k bits of the result depend only on the low k bits of the inputs.
      case VOp::add: case VOp::sub: case VOp::and_: case VOp::or_: case VOp::xor_: case VOp::mul:
        return need(n.a, bits, acc), need(n.b, bits, acc);
      case VOp::sll: return need(n.a, bits, acc), need(n.b, 6, acc);
      case VOp::srl: case VOp::sra: case VOp::ror: return need(n.a, 64, acc), need(n.b, 6, acc);
      // 32-bit ops: the sign extension copies bit 31, which depends on the low 32 bits only.
      case VOp::addw: case VOp::subw: case VOp::mulw: return need(n.a, w32, acc), need(n.b, w32, acc);
      case VOp::sllw: return need(n.a, w32, acc), need(n.b, 5, acc);
      case VOp::srlw: case VOp::sraw: case VOp::rorw: return need(n.a, 32, acc), need(n.b, 5, acc);
      case VOp::divw: case VOp::divuw: case VOp::remw: case VOp::remuw: return need(n.a, 32, acc), need(n.b, 32, acc);
      case VOp::select: return need(n.c, 64, acc), need(n.a, bits, acc), need(n.b, bits, acc);
      case VOp::from_cond: return need(n.a, 64, acc);
      default: return need(n.a, 64, acc), need(n.b, 64, acc);  // no known bit rule: everything
    }
  }
  constexpr void demanded_bits() {
    for (int pass = 0; pass < 2; ++pass) {
      Bits acc;
      for (std::size_t i = 0; i < n_roots; ++i) need(roots[i].node, roots[i].rd ? (pass ? 64 : 32) : roots[i].bits, acc);
      f.rs1_bits[pass] = acc.rs1, f.rs2_bits[pass] = acc.rs2, f.rd_bits[pass] = acc.rd;
    }
  }
  static constexpr bool w_op(VOp op) {
    return op == VOp::addw || op == VOp::subw || op == VOp::sllw || op == VOp::srlw || op == VOp::sraw ||
           op == VOp::mulw || op == VOp::rorw || op == VOp::divw || op == VOp::divuw || op == VOp::remw ||
           op == VOp::remuw;
  }
  constexpr bool has_w_below(value v) const {
    if (v == 0) return false;
    const Node& n = nodes[v];
    return w_op(n.op) || has_w_below(n.a) || has_w_below(n.b) || has_w_below(n.c);
  }
  constexpr ShapeOperand operand(value v) const {
    const Node& n = nodes[v];
    if (n.op == VOp::reg && n.f != Field::none) return {ShapeOperand::field, n.f, 0};
    if (n.op == VOp::imm) return {ShapeOperand::imm, Field::none, 0};
    if (n.op == VOp::konst) return {ShapeOperand::konst, Field::none, n.k};
    return {};
  }
  constexpr void results() {
    if (!f.writes_rd || rd_written_twice) return;
    const Node& top = nodes[rd_value];
    f.result_sext32 = w_op(top.op) || (top.op == VOp::load && (top.width < 4 || (top.width == 4 && f.is_signed)));
    // Only the top op is 32-bit, so dropping its sign extension changes nothing else.
    f.low32_ok = w_op(top.op) && !has_w_below(top.a) && !has_w_below(top.b) && n_roots == 1;
    if (n_roots == 1 && f.pure() && top.c == 0 && top.op >= VOp::add && top.op <= VOp::orc_b) {
      const ShapeOperand a = operand(top.a), b = top.b ? operand(top.b) : ShapeOperand{};
      if (a.kind != ShapeOperand::none && (top.b == 0 || b.kind != ShapeOperand::none)) f.shape = {top.op, a, b};
    }
  }
  constexpr void conservative() {
    f.may_fault = f.ends_block = true;
    if (f.access == Access::none) f.access = Access::other;
    f.base_rs1 = f.disp_imm = false;
    f.low32_ok = false;
    f.shape = {};
    f.rs1_bits = {64, 64}, f.rs2_bits = {64, 64}, f.rd_bits = {64, 64};
    f.reads_rs1 = f.reads_rs2 = f.reads_rd = true;
  }
};

}  // namespace facts_detail

// The facts of one instruction type, from one symbolic run of its exec.
template <class Insn>
constexpr InsnFacts analyze() {
  facts_detail::FactsMachine m;
  Insn::exec(m, facts_detail::sym_ops);
  InsnFacts f = m.finish();
  f.name = Insn::name;
  return f;
}

// The per-id table of an instruction list (a Hana tuple of instruction types): entry i = the i-th type.
template <class Tuple>
constexpr auto facts_table(Tuple instructions) {
  return boost::hana::unpack(instructions, [](auto... t) {
    return std::array<InsnFacts, sizeof...(t)>{analyze<typename decltype(t)::type>()...};
  });
}

// The facts of every instruction of an instruction set, by id.
template <class Isa>
inline constexpr auto facts_of = facts_table(Isa::types);
// RV64IMAC's.
inline constexpr auto instruction_facts = facts_of<Rv64imac>;

}  // namespace rvtrace::isa
