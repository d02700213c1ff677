// Hoisted bounds checks (one check for the accesses of a block that share a base register): when an
// access near the end of the window faults, the AOT engine must stop exactly where the interpreter does,
// whether the block is entered at its start or in its middle, with and without trace.
#include <catch2/catch.hpp>

#include <memory>

#include "aot_compare.hpp"
#include "rvtrace/guest/loader.hpp"
#include "rvtrace/isa/decoder.hpp"

namespace {
using namespace rvtrace;
namespace I = rvtrace::isa;

constexpr std::uint64_t text_base = 0x10000, data_base = 0x20000, data_size = 0x1000;
constexpr std::uint64_t mem_size = 16u << 20;

void run_case(std::uint64_t sp, std::uint64_t entry_skip, bool trace) {
  // j over the next instruction lands mid-block when entry_skip is set (jal x0 to entry).
  std::vector<std::uint32_t> words = {
      I::Jal::encode(0, 4 + 4 * static_cast<std::int64_t>(entry_skip)),
      I::Ld::encode(10, 2, -16), I::Sd::encode(2, 10, -8), I::Ld::encode(11, 2, 0),
      I::Addi::encode(12, 11, 1), I::Sw::encode(2, 12, 4), I::Ld::encode(13, 2, 8),
      I::Sd::encode(2, 13, 16), I::Ebreak::encode()};
  std::vector<std::uint8_t> text;
  for (std::uint32_t w : words)
    for (int b = 0; b < 4; ++b) text.push_back(static_cast<std::uint8_t>(w >> (8 * b)));
  const guest::Program prog =
      aot_test::synthetic_program("hulls", text_base, text, data_base, std::vector<std::uint8_t>(data_size));
  isa::CpuState init;
  init.pc = text_base;
  init.x[2] = sp;
  const DecodedProgram code = decode_program(prog);
  aot_test::compare_engines(
      code, [&] { return std::make_unique<aot_test::SyntheticWorld>(prog, init, mem_size); }, {1000}, trace, 0, 0,
      "sp " + std::to_string(sp) + " skip " + std::to_string(entry_skip) + " trace " + std::to_string(trace));
}

}  // namespace

TEST_CASE("aot: hoisted bounds checks fault exactly where the interpreter does", "[aot]") {
  for (std::uint64_t sp : {data_base + 0x800, mem_size - 32, mem_size - 24, mem_size - 16, mem_size - 8, mem_size,
                           std::uint64_t{16}, data_base + 8, text_base + 16, ~std::uint64_t{0} - 4})
    for (std::uint64_t skip : {0, 1, 2, 3, 5})
      for (bool trace : {false, true}) run_case(sp, skip, trace);
}
