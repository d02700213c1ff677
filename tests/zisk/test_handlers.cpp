// The ZisK handlers' instruction forms on a mock host (mock_host.hpp): the two-instruction DMA forms
// and their companions, long operations in pieces, the fcall protocol and its errors, add256's rd
// forms; each run is also replayed memorylessly and must make the same accesses. The mathematics is
// checked against the Python oracles by check_precompiles.py; expected values here follow from
// ABI.md §8-§10 by hand.
#include <catch2/catch.hpp>

#include "mock_host.hpp"
#include "rvtrace/platform/zisk/csr_formats.hpp"
#include "rvtrace/platform/zisk/handlers.hpp"

namespace zisk = rvtrace::platform::zisk;
namespace handlers = rvtrace::platform::zisk::handlers;
namespace isa = rvtrace::isa;
using zisk_test::code_base;
using zisk_test::MockHost;
using zisk_test::SparseMemory;
using u64 = std::uint64_t;

namespace {

constexpr unsigned a0 = 10, a1 = 11, a2 = 12, a3 = 13;
constexpr u64 ram = 0xa010'0000;

SparseMemory ram_memory() {
  SparseMemory m;
  m.lo = ram, m.hi = ram + 0x10000;
  for (u64 i = 0; i < 0x1000; ++i) m.store(ram + i, (i * 7 + 3) & 0xff, 1);
  return m;
}

// A recorded run and its memoryless replay of the same setup and program; they must agree.
struct Pair {
  zisk::ZiskState state;
  std::vector<u64> log;
  SparseMemory m1, m2;
  MockHost<> rec{m1, &state, &log}, rep{m2, nullptr, &log};
  explicit Pair(const SparseMemory& m) : m1(m), m2(m) {}
  template <class F>
  void both(F&& f) {
    f(rec);
    f(rep);
    REQUIRE(rep.accesses == rec.accesses);
    REQUIRE(rep.regs == rec.regs);
    REQUIRE(rep.pc_ == rec.pc_);
    REQUIRE(m1.bytes == m2.bytes);
    REQUIRE(rep.externals_used() == log.size());
  }
};

std::vector<std::uint32_t> pair_code(std::uint32_t csr_word, std::uint32_t companion) { return {csr_word, companion}; }

}  // namespace

TEST_CASE("memcpy add form: a long overlapping copy runs in pieces and continues past the add", "[zisk][handlers]") {
  Pair p(ram_memory());
  const u64 n = 1000, dst = ram + 13, src = ram + 5;  // overlapping, destination above: copied from the end
  std::vector<std::uint8_t> want(n);
  for (u64 i = 0; i < n; ++i) want[i] = static_cast<std::uint8_t>(((5 + i) * 7 + 3) & 0xff);
  p.both([&](MockHost<>& h) {
    h.regs[a0] = dst, h.regs[a1] = src, h.regs[a2] = n;
    h.code = pair_code(zisk::CsrSetX0Type<0x813>::encode(a1), isa::Add::encode(0, a0, a2));
    CHECK(h.run(handlers::Memcpy{}, {0, a1, 0, 4, 0}) == (n + 127) / 128);
  });
  CHECK(p.rec.pc_ == code_base + 8);
  for (u64 i = 0; i < n; ++i) REQUIRE(p.m1.load(dst + i, 1) == want[i]);
  CHECK(p.m1.load(zisk::abi::extra_params_addr, 8) == n);  // ZisK's count word
  CHECK(p.m1.load(zisk::abi::dma_progress_addr, 8) == 0);  // the progress word is left clear
}

TEST_CASE("memcpy addi form sets rd to dst; add with rd != x0 is a plain add", "[zisk][handlers]") {
  SparseMemory m = ram_memory();
  MockHost<> h(m, nullptr, nullptr);
  h.regs[a0] = ram + 100, h.regs[a1] = ram;
  h.code = pair_code(zisk::CsrSetX0Type<0x813>::encode(a1), isa::Addi::encode(a3, a0, 16));
  CHECK(h.run(handlers::Memcpy{}, {0, a1, 0, 4, 0}) == 1);
  CHECK(h.regs[a3] == ram + 100);
  CHECK(m.load(ram + 100, 8) == m.load(ram, 8));
  CHECK(h.pc_ == code_base + 8);

  SparseMemory m2 = ram_memory();
  MockHost<> g(m2, nullptr, nullptr);
  g.regs[a0] = ram + 100, g.regs[a1] = ram, g.regs[a2] = 8;
  g.code = pair_code(zisk::CsrSetX0Type<0x813>::encode(a1), isa::Add::encode(a3, a0, a2));
  g.run(handlers::Memcpy{}, {0, a1, 0, 4, 0});
  CHECK(g.pc_ == code_base + 4);  // the add runs next, as itself
  CHECK(m2.load(ram + 100, 8) != m2.load(ram, 8));
}

TEST_CASE("memcmp: rd gets a[i] - b[i] at the first difference, found in any piece", "[zisk][handlers]") {
  Pair p(ram_memory());
  p.m1.store(ram + 0x800 + 300, 0x01, 1), p.m2.store(ram + 0x800 + 300, 0x01, 1);
  for (u64 i = 0; i < 300; ++i)
    for (auto* m : {&p.m1, &p.m2}) m->store(ram + 0x800 + i, m->load(ram + i, 1), 1);
  const std::uint8_t a_byte = static_cast<std::uint8_t>(p.m1.load(ram + 0x800 + 300, 1)),
                     b_byte = static_cast<std::uint8_t>(p.m1.load(ram + 300, 1));
  p.both([&](MockHost<>& h) {
    h.regs[a0] = ram + 0x800, h.regs[a1] = ram, h.regs[a2] = 400;
    h.code = pair_code(zisk::CsrSetX0Type<0x814>::encode(a1), isa::Add::encode(a0, a0, a2));  // as ziskos: rd = rs1
    CHECK(h.run(handlers::Memcmp{}, {0, a1, 0, 4, 0}) == 3);  // bytes 256..383 hold the difference
  });
  CHECK(p.rec.regs[a0] == static_cast<u64>(std::int64_t(a_byte) - std::int64_t(b_byte)));
  CHECK(p.m1.load(zisk::abi::dma_progress_addr, 8) == 0);
}

TEST_CASE("memset fills and sets the companion's rd; other companions are refused", "[zisk][handlers]") {
  Pair p(ram_memory());
  p.both([&](MockHost<>& h) {
    h.regs[a0] = ram + 3, h.regs[a2] = 700;
    h.code = pair_code(zisk::CsrSetX0Type<0x816>::encode(a0), isa::Addi::encode(0, a2, 0xab));
    CHECK(h.run(handlers::Memset{}, {0, a0, 0, 4, 0}) == 6);
  });
  for (u64 i = 0; i < 700; ++i) REQUIRE(p.m1.load(ram + 3 + i, 1) == 0xab);
  CHECK(p.m1.load(ram + 703, 1) != 0xab);

  SparseMemory m = ram_memory();
  MockHost<> h(m, nullptr, nullptr);
  h.code = pair_code(zisk::CsrSetX0Type<0x816>::encode(a0), isa::Sub::encode(0, a2, a2));
  CHECK_THROWS_WITH(h.run(handlers::Memset{}, {0, a0, 0, 4, 0}), Catch::Contains("neither add nor addi"));
}

TEST_CASE("fcall: wide pushes in pieces, the call, a get and a long inputcpy; replay needs no state", "[zisk][handlers]") {
  // bin_decomp (id 16) of a 4-limb x with the top bit set: 1 + 256 result words (nbits, then the bits).
  SparseMemory m = ram_memory();
  const u64 x[4] = {0x0123456789abcdef, 0, 0x5555, 0x8000000000000001};
  m.store(ram, 4, 8);
  for (int i = 0; i < 4; ++i) m.store(ram + 8 + 8 * i, x[i], 8);
  Pair p(m);
  p.both([&](MockHost<>& h) {
    h.regs[a0] = ram;  // 1 + 4 words: a push of 4 (k = 2) after the length by value
    h.regs[a1] = 4;
    h.run(handlers::FcallParam{}, {0, a1, 0, 4, 0});
    h.regs[a0] = ram + 8;
    h.run(handlers::FcallParam{}, {0, a0, 0, 4, 2});
    h.run(handlers::FcallCall{}, {0, 0, 0, 4, 16});
    h.run(handlers::FcallGet{}, {a3, 0, 0, 4, 0});
    h.regs[a0] = ram + 0x1000 + 4, h.regs[a2] = 8 * 256;  // unaligned destination
    h.code = pair_code(zisk::CsrSetX0Type<0x815>::encode(a0), isa::Add::encode(0, a0, a2));
    h.pc_ = code_base;
    CHECK(h.run(handlers::Inputcpy{}, {0, a0, 0, 4, 0}) == 16);
  });
  CHECK(p.rec.regs[a3] == 256);
  for (unsigned i = 0; i < 256; ++i) {
    const unsigned bit = 255 - i, limb = bit / 64;
    REQUIRE(p.m1.load(ram + 0x1000 + 4 + 8 * i, 8) == ((x[limb] >> (bit % 64)) & 1));
  }
  CHECK(p.state.fcall.results_left() == 0);
  CHECK_THROWS_WITH(p.rec.run(handlers::FcallGet{}, {a3, 0, 0, 4, 0}), Catch::Contains("read past"));
}

TEST_CASE("fcall push of 256 words runs in pieces", "[zisk][handlers]") {
  Pair p(ram_memory());
  p.both([&](MockHost<>& h) {
    h.regs[a0] = ram + 1;
    CHECK(h.run(handlers::FcallParam{}, {0, a0, 0, 4, 15}) == 16);
  });
  CHECK(p.state.fcall.pending_params() == 256);
  CHECK(p.rec.pc_ == code_base + 4);
}

TEST_CASE("inputcpy checks the count before it copies", "[zisk][handlers]") {
  SparseMemory m = ram_memory();
  zisk::ZiskState state;
  std::vector<u64> log;
  MockHost<> h(m, &state, &log);
  h.code = pair_code(zisk::CsrSetX0Type<0x815>::encode(a0), isa::Addi::encode(0, a0, 12));
  h.regs[a0] = ram;
  CHECK_THROWS_WITH(h.run(handlers::Inputcpy{}, {0, a0, 0, 4, 0}), Catch::Contains("not a multiple of 8"));
  // msb_pos_256 of one value 5: [limb 0, bit 2], two results
  state.fcall.push(std::vector<u64>{1, 5, 0, 0, 0});
  h.run(handlers::FcallCall{}, {0, 0, 0, 4, 17});
  h.code = pair_code(zisk::CsrSetX0Type<0x815>::encode(a0), isa::Addi::encode(0, a0, 24));
  h.pc_ = code_base;
  CHECK_THROWS_WITH(h.run(handlers::Inputcpy{}, {0, a0, 0, 4, 0}), Catch::Contains("3 words requested, 2 results left"));
}

TEST_CASE("add256: rd gets the carry; rd = x0 or rd = rs1 are ZisK's generic CSR set", "[zisk][handlers]") {
  SparseMemory m = ram_memory();
  MockHost<> h(m, nullptr, nullptr);
  // a = 2^256 - 1, b = 0, cin = 1: sum 0, carry 1
  const u64 block = ram + 0x2000, pa = ram + 0x2100, pb = ram + 0x2200, pc = ram + 0x2300;
  m.store(block, pa, 8), m.store(block + 8, pb, 8), m.store(block + 16, 1, 8), m.store(block + 24, pc, 8);
  for (int i = 0; i < 4; ++i) m.store(pa + 8 * i, ~u64{0}, 8), m.store(pb + 8 * i, 0, 8);
  h.regs[a0] = block;
  h.run(handlers::Add256{}, {a1, a0, 0, 4, 0});
  CHECK(h.regs[a1] == 1);
  for (int i = 0; i < 4; ++i) CHECK(m.load(pc + 8 * i, 8) == 0);

  SparseMemory cells;
  cells.lo = zisk::abi::csr_file, cells.hi = zisk::abi::csr_file + 0x8000;
  MockHost<> g(cells, nullptr, nullptr);
  g.regs[a0] = 0x30;
  g.run(handlers::Add256{}, {0, a0, 0, 4, 0});  // cell |= 0x30
  g.regs[a0] = 0x03;
  g.run(handlers::Add256{}, {a0, a0, 0, 4, 0});  // a0 <- 0x30, cell |= 0x03
  CHECK(g.regs[a0] == 0x30);
  CHECK(cells.load(zisk::abi::csr_cell(0x811), 8) == 0x33);
}

TEST_CASE("a misaligned parameter block is refused", "[zisk][handlers]") {
  SparseMemory m = ram_memory();
  MockHost<> h(m, nullptr, nullptr);
  h.regs[a0] = ram + 4;
  CHECK_THROWS_WITH(h.run(handlers::Precompile<0x800>{}, {0, a0, 0, 4, 0}), Catch::Contains("not 8-aligned"));
}

TEST_CASE("CSR formats: fields round-trip and the CSR number is part of the opcode", "[zisk][formats]") {
  using Call = zisk::CsrWriteImmRangeType<0x8C0>;
  using Push = zisk::CsrSetX0RangeType<0x8F0>;
  STATIC_REQUIRE(Call::encode(23) == 0x8c0bd073);  // csrrwi x0, 0x8c0, 23 (as in ziskos's fcall 23)
  STATIC_REQUIRE(Call::decode(Call::encode(1023)).imm == 1023);
  STATIC_REQUIRE((Call::encode(1023) & Call::mask) == Call::match);
  STATIC_REQUIRE(Push::decode(Push::encode(7, a1)).imm == 7);
  STATIC_REQUIRE(Push::decode(Push::encode(7, a1)).rs1 == a1);
  STATIC_REQUIRE(zisk::CsrSetX0Type<0x800>::encode(a0) == 0x80052073);  // csrs 0x800, a0
  STATIC_REQUIRE((zisk::CsrSetType<0x811>::encode(a1, a0) & 0xfff0707f) == 0x81102073);
}
