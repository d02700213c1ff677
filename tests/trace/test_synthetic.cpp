// Small hand-made programs that put LR/SC, ecalls, an exit, an ebreak and a faulting AMO at
// every position relative to the chunk boundaries (chunk 2^4).
#include <catch2/catch.hpp>

#include <functional>
#include <set>

#include "../guest/elf_builder.hpp"
#include "rvtrace/aot/runtime.hpp"
#include "rvtrace/isa/decoder.hpp"
#include "rvtrace/trace/aot_engine.hpp"
#include "rvtrace/trace/digest_policy.hpp"
#include "rvtrace/trace/memops_policy.hpp"
#include "rvtrace/trace/replay.hpp"
#include "trace_test_util.hpp"

using namespace tt;
using namespace rvtrace::isa;

namespace {

constexpr unsigned a0 = 10, a1 = 11, a2 = 12, a7 = 17, t0 = 5, t1 = 6, t2 = 7;
constexpr std::uint64_t data = 0x11000;  // test_elf::default_segments: R+W data

std::vector<std::uint32_t> exit_with(unsigned reg) {
  return {encode<Addi>(a0, reg, 0), encode<Addi>(a7, 0, 93), encode<Ecall>()};
}

struct Synthetic {
  std::unique_ptr<guest::Process> proc;
  DecodedProgram code;
};

// `nops` no-ops, then `body`.
Synthetic make(unsigned nops, const std::vector<std::uint32_t>& body) {
  std::vector<std::uint8_t> text;
  auto put = [&](std::uint32_t w) {
    for (int k = 0; k < 4; ++k) text.push_back(static_cast<std::uint8_t>(w >> (8 * k)));
  };
  for (unsigned i = 0; i < nops; ++i) put(encode<Addi>(0, 0, 0));
  for (auto w : body) put(w);
  auto segs = test_elf::default_segments();
  segs[0].data = text;
  const auto elf = test_elf::build(0x10000, segs);
  Synthetic s;
  const std::vector<std::string> argv{"synthetic"};
  s.proc = std::make_unique<guest::Process>(guest::load_elf(elf, "synthetic"), argv);
  s.proc->syscalls.capture_output();
  s.code = decode_program(s.proc->program);
  return s;
}

// Records with chunk 16, checks verify (1 and 2 threads) and the digest against a sequential run.
MemoryTrace check(const std::function<Synthetic()>& build) {
  Synthetic r = build();
  MemoryTrace t;
  RecordOptions o;
  o.chunk_steps = 16;
  record(*r.proc, r.code, t, o);
  Synthetic s = build();
  DigestPolicy want;
  run_sequential(*s.proc, s.code, want);
  REQUIRE(t.info.total_steps == want.steps());
  for (unsigned threads : {1u, 2u}) {
    REQUIRE_NOTHROW(check_chunks_both(r.code, t.view(), {.threads = threads}));
    CHECK(replay(r.code, t.view(), [] { return DigestPolicy{}; }, threads).hex() == want.hex());
  }
  return t;
}

}  // namespace

TEST_CASE("synthetic: LR/SC with the boundary at every position", "[trace][synthetic]") {
  bool live = false;
  for (unsigned k = 0; k < 20; ++k) {
    INFO(k << " nops");
    std::vector<std::uint32_t> body = {encode<Lui>(a0, data), encode<LrD>(t0, a0), encode<Addi>(t0, t0, 1),
                                       encode<ScD>(t1, a0, t0), encode<Ld>(t2, a0, 0)};
    for (auto w : exit_with(t1)) body.push_back(w);
    const MemoryTrace t = check([&] { return make(k, body); });
    CHECK(t.info.stop == TraceStop::exited);
    CHECK(t.info.exit_code == 0);  // the SC succeeded
    for (const auto& c : t.checkpoints) live |= c.reservation != no_reservation;
  }
  CHECK(live);
}

TEST_CASE("synthetic: write and exit ecalls at every position", "[trace][synthetic]") {
  std::set<std::uint64_t> write_pos, exit_pos;
  for (unsigned k = 0; k < 20; ++k) {
    INFO(k << " nops");
    std::vector<std::uint32_t> body = {encode<Addi>(a7, 0, 64), encode<Addi>(a0, 0, 1), encode<Lui>(a1, data),
                                       encode<Addi>(a2, 0, 4), encode<Ecall>()};
    for (auto w : exit_with(0)) body.push_back(w);
    const MemoryTrace t = check([&] { return make(k, body); });
    CHECK(t.info.stop == TraceStop::exited);
    CHECK(t.info.log_words == 1);  // the write's a0
    write_pos.insert((k + 4) % 16);
    exit_pos.insert((t.info.total_steps - 1) % 16);
  }
  CHECK(write_pos.size() == 16);
  CHECK(exit_pos.size() == 16);
}

TEST_CASE("synthetic: ebreak at every position", "[trace][synthetic]") {
  for (unsigned k = 0; k < 18; ++k) {
    INFO(k << " nops");
    const MemoryTrace t = check([&] { return make(k, {encode<Ebreak>()}); });
    CHECK(t.info.stop == TraceStop::ebreak);
    CHECK(t.info.total_steps == k + 1);
  }
}

TEST_CASE("synthetic: an AMO that faults after its load logged a word", "[trace][synthetic]") {
  for (unsigned k = 0; k < 18; ++k) {
    INFO(k << " nops");
    // amoadd.d on the text: the load succeeds (logs a word), the store faults.
    const MemoryTrace t = check([&] {
      return make(k, {encode<Lui>(a0, 0x10000), encode<Ld>(t2, a0, 0), encode<AmoAddD>(t0, a0, t1)});
    });
    CHECK(t.info.stop == TraceStop::fault);
    CHECK(t.info.fault_kind == FaultKind::store_to_text);
    CHECK(t.info.total_steps == k + 2);
    CHECK(t.info.log_words == 1);  // only the ld's word: the faulting AMO's is dropped
    CHECK(t.checkpoints.back().pc == t.info.fault_pc);
  }
}

TEST_CASE("synthetic: a fault on the first step of a chunk leaves no empty chunk", "[trace][synthetic]") {
  // 15 nops + lui = 16 steps, then the faulting load is step 16 (first of chunk 1).
  const MemoryTrace t = check([&] { return make(15, {encode<Lui>(a0, -0x80000000LL), encode<Ld>(t0, a0, 0)}); });
  CHECK(t.info.stop == TraceStop::fault);
  CHECK(t.info.total_steps == 16);
  CHECK(t.info.num_chunks == 1);
  CHECK(t.checkpoints.size() == 2);
}

TEST_CASE("synthetic: the log holds each word at its first touch in the chunk (hand-computed)", "[trace][synthetic]") {
  // The data segment starts as bytes 1..8 then zeros: word 0x11000 = 0x0807060504030201.
  const std::vector<std::uint32_t> body = {
      encode<Lui>(a0, data),
      encode<Lw>(t0, a0, 4),         // first touch of word 0x11000: logs 0x0807060504030201; t0 = 0x08070605
      encode<Lb>(t1, a0, 0),         // same word: nothing
      encode<Sb>(a0, t1, 9),         // narrow store, first touch of 0x11008: logs its old value 0
      encode<Ld>(t2, a0, 8),         // known: nothing (t2 = 0x100)
      encode<Sd>(a0, t0, 16),        // aligned 8-byte store defines 0x11010: nothing
      encode<Sd>(a0, t2, 24),        // and 0x11018: nothing
      encode<Lw>(t1, a0, 20),        // known: nothing
      encode<AmoSwapD>(t1, a0, t0),  // load and store of the known 0x11000: nothing
      encode<Addi>(a7, 0, 64), encode<Addi>(a1, a0, 0), encode<Addi>(a0, 0, 1), encode<Addi>(a2, 0, 0),
      encode<Ecall>(),               // write(1, data, 0) returns 0: logs a0 = 0, forgets every word
      encode<Lui>(a0, data),
      encode<Lw>(t1, a0, 22),        // crosses 0x11010 | 0x11018, both forgotten: logs 0x08070605, 0x100
      encode<Srli>(t1, t1, 24),      // t1 = 0x01000000 >> 24 = 1
  };
  std::vector<std::uint32_t> program = body;
  for (auto w : exit_with(t1)) program.push_back(w);
  const std::vector<std::uint64_t> want = {0x0807060504030201, 0, 0, 0x08070605, 0x100};
  RecordOptions o;
  o.chunk_steps = 1024;

  Synthetic interp = make(0, program);
  MemoryTrace ti;
  record(*interp.proc, interp.code, ti, o);
  CHECK(ti.info.stop == TraceStop::exited);
  CHECK(ti.info.exit_code == 1);
  CHECK(std::vector<std::uint64_t>(ti.log.begin(), ti.log.end()) == want);

  Synthetic native = make(0, program);
  aot::CompiledProgram compiled(native.code, native.proc->memory, true);
  AotEngine engine(compiled);
  MemoryTrace ta;
  record(*native.proc, native.code, ta, engine, o);
  CHECK(ta.info.exit_code == 1);
  CHECK(std::vector<std::uint64_t>(ta.log.begin(), ta.log.end()) == want);

  REQUIRE_NOTHROW(check_chunks_both(interp.code, ti.view()));

  // With a chunk boundary before the lb (14 nops + lui + lw = chunk 0), the new chunk
  // logs word 0x11000 again at the lb.
  o.chunk_steps = 16;
  Synthetic split = make(14, program);
  MemoryTrace ts;
  record(*split.proc, split.code, ts, o);
  std::vector<std::uint64_t> want_split = want;
  want_split.insert(want_split.begin() + 1, 0x0807060504030201);
  CHECK(std::vector<std::uint64_t>(ts.log.begin(), ts.log.end()) == want_split);
  REQUIRE_NOTHROW(check_chunks_both(split.code, ts.view()));
}

TEST_CASE("synthetic: warm blocks (AOT fast copies) log exactly what the interpreter logs", "[trace][synthetic]") {
  // A loop whose body block accesses memory through bases s0 and s3 that it does not write (so it
  // gets a fast copy), with narrow, misaligned and conditional (SC) accesses. The bases move every
  // 8th iteration (the block's record no longer matches: new words must be logged again); every
  // 4th iteration an LR makes the next SC succeed. Chunk boundaries fall everywhere in the loop.
  constexpr unsigned s0 = 8, s1 = 9, s2 = 18, s3 = 19, t3 = 28, t4 = 29, t5 = 30, t6 = 31;
  const std::vector<std::uint32_t> program = {
      encode<Lui>(s0, data), encode<Addi>(s3, s0, 32), encode<Addi>(s1, 0, 200), encode<Addi>(s2, 0, 0),
      // loop (block A):
      encode<Ld>(t0, s0, 0), encode<Lw>(t1, s0, 12), encode<Sb>(s0, t0, 3), encode<Sd>(s0, t1, 16),
      encode<Lw>(t2, s0, 6),  // misaligned, crosses into the next word
      encode<Add>(t0, t0, t1), encode<Sw>(s0, t0, 24), encode<Lw>(t6, s3, 8), encode<ScW>(t3, s3, t0),
      encode<Addi>(s2, s2, 1), encode<Andi>(t4, s2, 3), encode<Bne>(t4, 0, 24),
      // every 4th iteration (block B): a reservation on s3's word
      encode<LrW>(t5, s3), encode<Andi>(t4, s2, 7), encode<Bne>(t4, 0, 12),
      // every 8th iteration (block D): move the bases
      encode<Addi>(s0, s0, 8), encode<Addi>(s3, s3, 8),
      // block C:
      encode<Blt>(s2, s1, -4 * 17),
  };
  std::vector<std::uint32_t> full = program;
  for (auto w : exit_with(0)) full.push_back(w);
  for (const std::uint64_t chunk : {16u, 64u, 1024u}) {
    INFO("chunk " << chunk);
    RecordOptions o;
    o.chunk_steps = chunk;
    Synthetic interp = make(0, full);
    MemoryTrace ti;
    record(*interp.proc, interp.code, ti, o);
    REQUIRE(ti.info.stop == TraceStop::exited);
    Synthetic native = make(0, full);
    aot::CompiledProgram compiled(native.code, native.proc->memory, true);
    REQUIRE(compiled.warm_words() > 0);  // the loop body is a warm block
    AotEngine engine(compiled);
    MemoryTrace ta;
    record(*native.proc, native.code, ta, engine, o);
    CHECK(ta.info.total_steps == ti.info.total_steps);
    CHECK(std::vector<std::uint64_t>(ta.log.begin(), ta.log.end()) == std::vector<std::uint64_t>(ti.log.begin(), ti.log.end()));
    CHECK(ta.checkpoints == ti.checkpoints);
    REQUIRE_NOTHROW(check_chunks_both(interp.code, ta.view(), {.threads = 2}));
  }
}
