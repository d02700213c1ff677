// Line-oriented front end to the ZisK instruction handlers (handlers.hpp), for the Python oracles
// (check_precompiles.py). Every request runs the handlers on a mock host (mock_host.hpp) twice: as
// recorded, then memorylessly replayed from the recorded externals with no ZisK state; a replay that
// makes other memory accesses or ends in another state is reported as an error.
// All numbers are hex without 0x. One request per line:
//   P csr block base n w0..w(n-1)       precompile on a memory of n words at base
//   D op dst src len base n w0..        DMA: op m (memmove, src address), c (memcmp), s (memset, src = byte)
//   F id input_len n p0..p(n-1)         fcall: pushes, call, then every result (a get, then inputcpy)
// Answers: "ok RD w..." (RD is - when the op sets no register) or "err MESSAGE".
#include <cstdint>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "mock_host.hpp"
#include "rvtrace/platform/zisk/csr_formats.hpp"
#include "rvtrace/platform/zisk/handlers.hpp"

namespace zisk = rvtrace::platform::zisk;
namespace h = rvtrace::platform::zisk::handlers;
using zisk_test::MockHost;
using zisk_test::SparseMemory;
using u64 = std::uint64_t;

namespace {

constexpr unsigned a0 = 10, a1 = 11, a2 = 12, a3 = 13;

u64 next_hex(std::istream& in) {
  std::string s;
  in >> s;
  return std::stoull(s, nullptr, 16);
}

// n words at base, the only memory there is.
SparseMemory read_window(std::istream& in) {
  SparseMemory m;
  m.lo = next_hex(in);
  const u64 n = next_hex(in);
  m.hi = m.lo + 8 * n;
  for (u64 i = 0; i < n; ++i) m.store(m.lo + 8 * i, next_hex(in), 8);
  return m;
}

std::vector<u64> window_words(SparseMemory& m) {
  std::vector<u64> out;
  for (u64 a = m.lo; a < m.hi; a += 8) out.push_back(m.load(a, 8));
  return out;
}

std::string to_hex(u64 v) {
  std::ostringstream s;
  s << std::hex << v;
  return s.str();
}

void print_words(std::ostream& out, const std::string& rd, const std::vector<u64>& words) {
  out << "ok " << rd << std::hex;
  for (auto v : words) out << ' ' << v;
  out << std::dec << '\n';
}

// Calls f(handler) with the precompile handler of CSR `number`.
template <class F, std::uint32_t... Csr>
void with_precompile_of(std::uint32_t number, F&& f, std::integer_sequence<std::uint32_t, Csr...>) {
  bool found = ((number == Csr && (f(h::Precompile<Csr>{}), true)) || ...);
  if (!found) zisk::fail("precompile CSR " + rvtrace::hex64(number) + " is not one the driver knows");
}
template <class F>
void with_precompile(std::uint32_t number, F&& f) {
  with_precompile_of(number, f,
                     std::integer_sequence<std::uint32_t, 0x800, 0x801, 0x802, 0x803, 0x804, 0x805, 0x806, 0x807, 0x808,
                                           0x809, 0x80A, 0x80B, 0x80C, 0x80D, 0x80E, 0x80F, 0x810, 0x812, 0x817,
                                           0x818, 0x819>{});
}

// One request's program: set up a host (registers, code), run it; the same in record and replay.
using Program = void (*)(MockHost<>&, const std::vector<u64>& args);

struct Outcome {
  std::vector<zisk_test::Access> accesses;
  std::array<u64, 32> regs;
  SparseMemory memory;
  u64 pc;
};

template <class Run>
Outcome run_twice(const SparseMemory& initial, Run&& run, std::string& replay_error) {
  zisk::ZiskState state;
  std::vector<u64> log;
  SparseMemory m1 = initial, m2 = initial;
  MockHost<> rec(m1, &state, &log), rep(m2, nullptr, &log);
  run(rec, &state);
  run(rep, nullptr);
  if (rep.accesses != rec.accesses || rep.regs != rec.regs || m1.bytes != m2.bytes || rep.pc_ != rec.pc_ ||
      rep.externals_used() != log.size())
    replay_error = "replay differs from the recorded run";
  return {rec.accesses, rec.regs, m1, rec.pc_};
}

void reply(std::ostream& out, const std::string& replay_error, const std::string& rd, const std::vector<u64>& words) {
  if (!replay_error.empty()) out << "err " << replay_error << '\n';
  else print_words(out, rd, words);
}

void precompile(std::istream& in, std::ostream& out) {
  const auto number = static_cast<std::uint32_t>(next_hex(in));
  const u64 block = next_hex(in);
  const SparseMemory initial = read_window(in);
  const bool add256 = number == zisk::csr::add256;
  std::string replay_error;
  Outcome o = run_twice(initial, [&](MockHost<>& host, zisk::ZiskState*) {
    host.regs[a0] = block;
    if (add256) host.run(h::Add256{}, {a1, a0, 0, 4, 0});
    else with_precompile(number, [&](auto handler) { host.run(handler, {0, a0, 0, 4, 0}); });
  }, replay_error);
  reply(out, replay_error, add256 ? to_hex(o.regs[a1]) : "-", window_words(o.memory));
}

void dma(std::istream& in, std::ostream& out) {
  std::string op;
  in >> op;
  const u64 dst = next_hex(in), src = next_hex(in), len = next_hex(in);
  const SparseMemory initial = read_window(in);
  namespace isa = rvtrace::isa;
  std::string replay_error;
  Outcome o = run_twice(initial, [&](MockHost<>& host, zisk::ZiskState*) {
    host.regs[a0] = dst, host.regs[a1] = src, host.regs[a2] = len;
    if (op == "m") {
      host.code = {zisk::CsrSetX0Type<zisk::csr::dma_memcpy>::encode(a1), isa::Add::encode(0, a0, a2)};
      host.run(h::Memcpy{}, {0, a1, 0, 4, 0});
    } else if (op == "c") {
      host.code = {zisk::CsrSetX0Type<zisk::csr::dma_memcmp>::encode(a1), isa::Add::encode(a3, a0, a2)};
      host.run(h::Memcmp{}, {0, a1, 0, 4, 0});
    } else {
      host.code = {zisk::CsrSetX0Type<zisk::csr::dma_memset>::encode(a0), isa::Addi::encode(0, a2, std::int64_t(src))};
      host.run(h::Memset{}, {0, a0, 0, 4, 0});
    }
    if (host.pc_ != zisk_test::code_base + 8) zisk::fail("the DMA pair did not continue past its companion");
  }, replay_error);
  // The mock's data memory is the window only; the progress and count words are outside it, so
  // the memory here is the window as ZisK leaves it.
  reply(out, replay_error, op == "c" ? to_hex(o.regs[a3]) : "-", window_words(o.memory));
}

// The fcall protocol as a guest drives it: the parameters from memory in the widest pushes that
// fit (a last single word by value), the call, one result read, the rest by inputcpy.
void fcall(std::istream& in, std::ostream& out) {
  const auto id = static_cast<std::uint32_t>(next_hex(in));
  const u64 input_len = next_hex(in);
  const u64 n = next_hex(in);
  constexpr u64 params_at = 0x10000, results_at = params_at + 8 * zisk::FcallChannel::max_params;
  std::vector<u64> params(n);
  for (auto& p : params) p = next_hex(in);
  SparseMemory initial;
  initial.lo = params_at, initial.hi = results_at + 8 * zisk::FcallChannel::max_results;
  for (u64 i = 0; i < n; ++i) initial.store(params_at + 8 * i, params[i], 8);
  namespace isa = rvtrace::isa;
  u64 results = 0;
  std::string replay_error;
  Outcome o = run_twice(initial, [&](MockHost<>& host, zisk::ZiskState* state) {
    if (state) state->context.input_len = input_len;
    for (u64 done = 0; done < n;) {
      unsigned k = 15;
      while (k > 0 && zisk::FcallChannel::push_width(k) > n - done) --k;
      host.regs[a0] = k ? params_at + 8 * done : params[done];
      host.run(h::FcallParam{}, {0, a0, 0, 4, static_cast<std::int32_t>(k)});
      done += k ? zisk::FcallChannel::push_width(k) : 1;
    }
    host.run(h::FcallCall{}, {0, 0, 0, 4, static_cast<std::int32_t>(id)});
    if (state) results = state->fcall.results_left();
    if (results == 0) return;
    host.run(h::FcallGet{}, {a1, 0, 0, 4, 0});
    if (results == 1) return;
    host.regs[a0] = results_at, host.regs[a2] = 8 * (results - 1);
    host.code = {zisk::CsrSetX0Type<zisk::csr::dma_inputcpy>::encode(a0), isa::Add::encode(0, a0, a2)};
    host.pc_ = zisk_test::code_base;
    host.run(h::Inputcpy{}, {0, a0, 0, 4, 0});
  }, replay_error);
  std::vector<u64> words;
  if (results) words.push_back(o.regs[a1]);
  for (u64 i = 1; i < results; ++i) words.push_back(o.memory.load(results_at + 8 * (i - 1), 8));
  reply(out, replay_error, "-", words);
}

void handle(const std::string& line, std::ostream& out) {
  std::istringstream in(line);
  std::string kind;
  in >> kind;
  if (kind == "P") precompile(in, out);
  else if (kind == "D") dma(in, out);
  else if (kind == "F") fcall(in, out);
  else out << "err unknown request " << kind << '\n';
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
