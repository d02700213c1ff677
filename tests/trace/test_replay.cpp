// Replay of recorded traces of the guests: check_chunks and the full verify (memory pass) pass, and the replayed digest and text
// witness equal the sequential interpreter's, for several chunk sizes and thread counts.
#include <catch2/catch.hpp>

#include "rvtrace/trace/digest_policy.hpp"
#include "rvtrace/trace/replay.hpp"
#include "rvtrace/trace/text_policy.hpp"
#include "trace_test_util.hpp"

using namespace tt;

TEST_CASE("replay reproduces the sequential run (digest, text) for every chunk size and thread count", "[trace][replay]") {
  for (const std::string flavour : {"rv64imac", "rv64im"}) {
    for (const GuestCase& g : small_guests()) {
      INFO(label(g) << " " << flavour);
      const DigestPolicy want_digest = sequential(g, DigestPolicy{}, flavour);
      TextPolicy want_text_p = sequential(g, TextPolicy{}, flavour);
      const std::string want_text = want_text_p.text();
      REQUIRE(want_digest.steps() > 0);
      REQUIRE(std::count(want_text.begin(), want_text.end(), '\n') == static_cast<std::ptrdiff_t>(want_digest.steps()));
      const Guest x = load(g, flavour);
      for (std::uint64_t chunk : {std::uint64_t{1} << 4, std::uint64_t{1} << 10, default_chunk_steps}) {
        const MemoryTrace t = record_trace(g, chunk, flavour);
        INFO("chunk " << chunk << ", " << t.info.num_chunks << " chunks, " << t.info.total_steps << " steps");
        REQUIRE(t.info.total_steps == want_digest.steps());
        REQUIRE(t.info.stop == TraceStop::exited);
        for (unsigned threads : {1u, 2u}) {
          INFO("threads " << threads);
          ReplayOptions o;
          o.threads = threads;
          REQUIRE_NOTHROW(check_chunks_both(x.code, t.view(), o));
          REQUIRE_NOTHROW(verify_run(g, t.view(), threads, flavour));
          const DigestPolicy d = replay(x.code, t.view(), [] { return DigestPolicy{}; }, o);
          CHECK(d.hex() == want_digest.hex());
          CHECK(d.steps() == want_digest.steps());
          const TextPolicy text = replay(x.code, t.view(), [] { return TextPolicy{}; }, o);
          CHECK(text.text() == want_text);
        }
      }
    }
  }
}

TEST_CASE("a digest detects a changed step", "[trace][digest]") {
  const GuestCase g{"hello", {}};
  const DigestPolicy a = sequential(g, DigestPolicy{});
  const DigestPolicy b = sequential(g, DigestPolicy{}, "rv64imac", a.steps() - 1);
  CHECK(a.hex() != b.hex());
  // Same records, one field different.
  StepRecord s;
  isa::Decoded insn;
  s.insn = &insn;
  DigestPolicy x, y;
  x.on_step(s);
  s.rd_value = 1;
  y.on_step(s);
  CHECK(x.hex() != y.hex());
  // Two steps swapped (their step numbers stay) differ.
  DigestPolicy p, q;
  StepRecord s0 = s, s1 = s;
  s0.step = 0, s1.step = 1, s1.pc = 4;
  p.on_step(s0), p.on_step(s1);
  s0.pc = 4, s1.pc = 0;
  q.on_step(s0), q.on_step(s1);
  CHECK(p.hex() != q.hex());
}
