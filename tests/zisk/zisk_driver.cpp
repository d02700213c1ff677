// Line-oriented front end to the ZisK precompiles, DMA ops and fcalls, for the Python oracles
// (check_precompiles.py). All numbers are hex without 0x. One request per line:
//   P csr block base n w0..w(n-1)       precompile on a memory of n words at base
//   D op dst src len base n w0..        DMA: op m (memmove, src address), c (memcmp), s (memset, src = byte)
//   F id input_len n p0..p(n-1)         fcall; prints the result words
// Answers: "ok RD w..." (RD is - when the op sets no register) or "err MESSAGE".
#include <cstdint>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "rvtrace/platform/zisk/dma.hpp"
#include "rvtrace/platform/zisk/fcall.hpp"
#include "rvtrace/platform/zisk/precompiles.hpp"

namespace zisk = rvtrace::platform::zisk;

namespace {

// A small guest memory window; accesses outside it are errors like unmapped guest memory.
struct Window {
  std::uint64_t base;
  std::vector<std::uint8_t> bytes;
  std::uint64_t load(std::uint64_t a, unsigned w) {
    check(a, w);
    std::uint64_t v = 0;
    for (unsigned i = 0; i < w; ++i) v |= std::uint64_t(bytes[a - base + i]) << (8 * i);
    return v;
  }
  void store(std::uint64_t a, std::uint64_t v, unsigned w) {
    check(a, w);
    for (unsigned i = 0; i < w; ++i) bytes[a - base + i] = static_cast<std::uint8_t>(v >> (8 * i));
  }
  void check(std::uint64_t a, unsigned w) const {
    if (a < base || a + w > base + bytes.size()) zisk::fail("access outside memory at " + zisk::hex(a));
  }
};

std::uint64_t next_hex(std::istream& in) {
  std::string s;
  in >> s;
  return std::stoull(s, nullptr, 16);
}

Window read_window(std::istream& in) {
  Window w{next_hex(in), {}};
  std::uint64_t n = next_hex(in);
  w.bytes.resize(8 * n);
  for (std::uint64_t i = 0; i < n; ++i) w.store(w.base + 8 * i, next_hex(in), 8);
  return w;
}

void print_words(std::ostream& out, const std::string& rd, const std::vector<std::uint64_t>& words) {
  out << "ok " << rd << std::hex;
  for (auto v : words) out << ' ' << v;
  out << std::dec << '\n';
}

std::vector<std::uint64_t> window_words(Window& w) {
  std::vector<std::uint64_t> out;
  for (std::size_t i = 0; i < w.bytes.size() / 8; ++i) out.push_back(w.load(w.base + 8 * i, 8));
  return out;
}

std::string to_hex(std::uint64_t v) {
  std::ostringstream s;
  s << std::hex << v;
  return s.str();
}

void handle(const std::string& line, std::ostream& out) {
  std::istringstream in(line);
  std::string kind;
  in >> kind;
  if (kind == "P") {
    auto number = static_cast<std::uint32_t>(next_hex(in));
    std::uint64_t block = next_hex(in);
    Window w = read_window(in);
    auto rd = zisk::run_precompile(number, block, w);
    print_words(out, rd ? to_hex(*rd) : "-", window_words(w));
  } else if (kind == "D") {
    std::string op;
    in >> op;
    std::uint64_t dst = next_hex(in), src = next_hex(in), len = next_hex(in);
    Window w = read_window(in);
    std::string rd = "-";
    if (op == "m") zisk::dma_memmove(w, dst, src, len);
    if (op == "c") rd = to_hex(zisk::dma_memcmp(w, dst, src, len));
    if (op == "s") zisk::dma_memset(w, dst, len, static_cast<std::uint8_t>(src));
    print_words(out, rd, window_words(w));
  } else if (kind == "F") {
    auto id = static_cast<std::uint32_t>(next_hex(in));
    zisk::FcallContext ctx{next_hex(in)};
    std::uint64_t n = next_hex(in);
    std::vector<std::uint64_t> params(n);
    for (auto& p : params) p = next_hex(in);
    print_words(out, "-", zisk::compute_fcall(id, params, ctx));
  } else {
    out << "err unknown request " << kind << '\n';
  }
}

}  // namespace

int main() {
  std::ios::sync_with_stdio(false);
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    try {
      handle(line, std::cout);
    } catch (const std::exception& e) {
      std::cout << "err " << e.what() << '\n';
    }
  }
}
