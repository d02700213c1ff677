// Native replay (trace/native_replay.hpp) against the interpreter replay, the reference: the same
// memory effects (verify's first-touch reads, written words, ecall records, segments) chunk by
// chunk, and the same verdict and message, on the test guests and on random programs
// (tests/aot/fuzz_program.hpp), genuine and forged (a changed log word, a changed checkpoint
// register, a chunk's log cut short).
#include <catch2/catch.hpp>

#include <random>
#include <sstream>

#include "../aot/fuzz_program.hpp"
#include "rvtrace/isa/decoder.hpp"
#include "trace_test_util.hpp"

using namespace tt;

namespace {

// Every chunk's memory effects, in chunk order.
struct EffectsLog {
  static constexpr bool collects_effects = true;
  MemoryEffects& effects() { return effects_; }
  void set_chunk(std::uint64_t i) { chunk_ = i; }
  void merge(EffectsLog&& later) { chunks.emplace_back(later.chunk_, std::move(later.effects_)); }
  std::vector<std::pair<std::uint64_t, MemoryEffects>> chunks;

 private:
  MemoryEffects effects_;
  std::uint64_t chunk_ = 0;
};

// The effects as text (a readable diff when the engines differ).
std::string describe(const EffectsLog& log) {
  std::ostringstream s;
  for (const auto& [chunk, e] : log.chunks) {
    s << "chunk " << chunk << "\n";
    std::size_t r = 0, w = 0;
    for (const MemoryEffects::Segment& seg : e.segments) {
      s << " segment from step " << seg.first_step << "\n";
      for (; r < seg.reads_end; ++r) s << "  read " << hex64(e.reads[r].addr) << " = " << hex64(e.reads[r].value) << "\n";
      for (; w < seg.writes_end; ++w) s << "  write " << hex64(e.writes[w].addr) << " = " << hex64(e.writes[w].value) << "\n";
      if (seg.has_ecall) {
        s << "  ecall at step " << seg.ecall.step << " a7=" << seg.ecall.number << " ->" << hex64(seg.ecall.result);
        for (auto a : seg.ecall.args) s << " " << hex64(a);
        s << "\n";
      }
    }
    s << " reads " << e.reads.size() << " writes " << e.writes.size() << "\n";
  }
  return s.str();
}

struct Outcome {
  std::string effects, error;
};

// Replays `t` collecting effects, with the traced run's windows (as verify does).
Outcome replay_effects(const DecodedProgram& code, const TraceView& t, const guest::GuestMemory& m, Engine e,
                       unsigned threads = 1, bool checksums = true) {
  ReplayOptions o;
  o.engine = e;
  o.threads = threads;
  o.check_checksums = checksums;
  o.read_lo = m.read_lo(), o.write_lo = m.write_lo();
  o.mmio_lo = m.mmio_lo(), o.mmio_hi = m.mmio_hi();
  EffectsLog root;
  Outcome out;
  try {
    detail::replay_chunks<isa::Rv64imac>(root, code, t, [] { return EffectsLog{}; }, o);
  } catch (const InputError& x) {
    out.error = x.what();
  }
  out.effects = describe(root);
  return out;
}

// Both engines, effects and check_chunks: identical. Returns the reference's error ("" if none).
std::string compare(const DecodedProgram& code, const TraceView& t, const guest::GuestMemory& m,
                    const std::string& what, bool checksums = true) {
  INFO(what);
  const Outcome interp = replay_effects(code, t, m, Engine::interp, 1, checksums);
  const Outcome aot = replay_effects(code, t, m, Engine::aot, 1, checksums);
  CHECK(aot.error == interp.error);
  CHECK(aot.effects == interp.effects);
  const Outcome aot2 = replay_effects(code, t, m, Engine::aot, 2, checksums);
  CHECK(aot2.error == interp.error);
  std::string chunks_interp, chunks_aot;
  for (Engine e : {Engine::interp, Engine::aot}) {
    ReplayOptions o;
    o.engine = e;
    o.check_checksums = checksums;
    try {
      check_chunks(code, t, o);
    } catch (const InputError& x) {
      (e == Engine::aot ? chunks_aot : chunks_interp) = x.what();
    }
  }
  CHECK(chunks_aot == chunks_interp);
  return interp.error;
}

// The forgeries of a trace: each compared on both engines (checksums off, so replay sees them).
// Returns how many the reference rejected.
int compare_forgeries(const DecodedProgram& code, const MemoryTrace& t, const guest::GuestMemory& m,
                      std::uint64_t seed, const std::string& what) {
  std::mt19937_64 rng(seed);
  int rejected = 0;
  const std::uint64_t chunks = t.info.num_chunks;
  if (chunks == 0) return 0;
  if (t.log.size() > 0) {
    MemoryTrace f = t;
    const std::size_t k = rng() % t.log.size();
    f.log[k] ^= std::uint64_t{1} << (rng() % 64);
    rejected += !compare(code, f.view(), m, what + ": log word " + std::to_string(k) + " changed", false).empty();
  }
  {
    MemoryTrace f = t;
    const std::size_t c = 1 + rng() % chunks;
    const unsigned reg = rng() % 31;
    f.checkpoints[c].x[reg] ^= 1 + rng() % 255;
    rejected += !compare(code, f.view(), m,
                         what + ": checkpoint " + std::to_string(c) + " register x" + std::to_string(reg + 1) + " changed",
                         false)
                     .empty();
  }
  // The last chunk that has log words loses its last one.
  for (std::uint64_t c = chunks; c-- > 0;)
    if (t.checkpoints[c].log_words > 0) {
      MemoryTrace f = t;
      f.checkpoints[c].log_words -= 1;
      for (std::uint64_t d = c + 1; d <= chunks; ++d) f.checkpoints[d].log_offset -= 1;
      for (std::size_t k = t.checkpoints[c].log_offset + t.checkpoints[c].log_words - 1; k + 1 < t.log.size(); ++k)
        f.log[k] = t.log[k + 1];
      f.log.set_size(t.log.size() - 1);
      const std::string e = compare(code, f.view(), m, what + ": chunk " + std::to_string(c) + " log cut short", false);
      rejected += !e.empty();
      break;
    }
  return rejected;
}

// A random program (fuzz_program.hpp) as a guest process: a prologue loads its random registers
// (from a read-only segment) and falls through into its text.
struct RandomGuest {
  std::unique_ptr<guest::Process> proc;
  DecodedProgram code;
};
RandomGuest random_guest(std::uint64_t seed) {
  using namespace aot_fuzz;
  Rng rng(seed);
  Case c = make_case(rng, testgen::view_of<isa::Rv64imac>());
  constexpr std::uint64_t regs_at = 0x8000;  // (read-only memory lies below the writable)
  std::vector<std::uint8_t> prologue;
  auto put = [&](std::uint32_t w) {
    for (int k = 0; k < 4; ++k) prologue.push_back(static_cast<std::uint8_t>(w >> (8 * k)));
  };
  put(isa::encode<isa::Lui>(31, regs_at));
  for (unsigned r = 1; r < 32; ++r) put(isa::encode<isa::Ld>(r, 31, 8 * r));
  guest::Segment& text = c.prog.segments[0];
  text.bytes.insert(text.bytes.begin(), prologue.begin(), prologue.end());
  text.vaddr -= prologue.size(), text.memsz += prologue.size();
  c.prog.entry = text.vaddr;
  guest::Segment regs;
  regs.vaddr = regs_at, regs.read = true;
  for (unsigned r = 0; r < 32; ++r)
    for (int k = 0; k < 8; ++k) regs.bytes.push_back(static_cast<std::uint8_t>(c.init.x[r] >> (8 * k)));
  regs.memsz = regs.bytes.size();
  c.prog.segments.insert(c.prog.segments.begin(), std::move(regs));
  RandomGuest g;
  const std::vector<std::string> argv{"fuzz"};
  g.proc = std::make_unique<guest::Process>(c.prog, argv);
  g.proc->syscalls.capture_output();
  g.code = decode_program(g.proc->program);
  return g;
}

}  // namespace

TEST_CASE("native replay: the guests' memory effects and verdicts equal the interpreter's", "[trace][native]") {
  int rejected = 0;
  for (const GuestCase& g : small_guests())
    for (std::uint64_t chunk : {std::uint64_t{64}, std::uint64_t{4096}}) {
      const MemoryTrace t = record_trace(g, chunk);
      Guest x = load(g);
      const std::string what = label(g) + " chunk " + std::to_string(chunk);
      CHECK(compare(x.code, t.view(), x.proc->memory, what).empty());
      rejected += compare_forgeries(x.code, t, x.proc->memory, chunk, what);
    }
  CHECK(rejected > 0);  // (the forgeries are seen at all)
}

TEST_CASE("native replay: random programs, genuine and forged", "[trace][native]") {
  const std::uint64_t count = aot_fuzz::env_or("RVTRACE_NATIVE_REPLAY_COUNT", 150);
  int rejected = 0, nonempty = 0;
  for (std::uint64_t n = 0; n < count; ++n) {
    const std::uint64_t seed = 0x5eed + n * 0x9e3779b97f4a7c15ull;
    RandomGuest r = random_guest(seed);
    MemoryTrace t;
    RecordOptions o;
    o.chunk_steps = 16u << (n % 4);
    o.max_steps = 20000;
    record(*r.proc, r.code, t, o);
    RandomGuest fresh = random_guest(seed);
    const std::string what = "random program " + std::to_string(n) + " seed " + std::to_string(seed);
    CHECK(compare(fresh.code, t.view(), fresh.proc->memory, what).empty());
    nonempty += t.log.size() > 0;
    rejected += compare_forgeries(fresh.code, t, fresh.proc->memory, seed, what);
  }
  CHECK(nonempty > 0);
  CHECK(rejected > 0);
}
