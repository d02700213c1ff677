// Trace policies under replay equal the sequential run (memops, histogram, witness, streamed
// outputs), and verify names the chunk (and register/step) of an inconsistent trace.
#include <catch2/catch.hpp>

#include <cstdio>

#include "rvtrace/trace/digest_policy.hpp"
#include "rvtrace/trace/histogram_policy.hpp"
#include "rvtrace/trace/memops_policy.hpp"
#include "rvtrace/trace/replay.hpp"
#include "rvtrace/trace/text_policy.hpp"
#include "rvtrace/trace/witness_policy.hpp"
#include "trace_test_util.hpp"

using namespace tt;

namespace {

// Output of a streaming policy, via a memory FILE*.
template <class Make>
std::string capture(Make&& run) {
  char* data = nullptr;
  std::size_t size = 0;
  std::FILE* f = open_memstream(&data, &size);
  run(f);
  std::fclose(f);
  std::string s(data, size);
  std::free(data);
  return s;
}

std::string verify_error(const DecodedProgram& code, const MemoryTrace& t, unsigned threads = 1) {
  return tt::verify_error(code, t.view(), threads);
}

void reseal(MemoryTrace& t, std::size_t i) {
  t.checkpoints[i].checksum = chunk_checksum(t.checkpoints[i], t.view().chunk_log(i));
}

}  // namespace

TEST_CASE("memops, histogram and witness replay equal the sequential run", "[trace][policies]") {
  for (const GuestCase& g : {GuestCase{"misaligned", {}}, GuestCase{"atomics", {}}, GuestCase{"readinput", {}, "abc\ndef"},
                             GuestCase{"sort", {"100"}}}) {
    INFO(label(g));
    const Guest x = load(g);
    const MemopsPolicy mem_seq = sequential(g, MemopsPolicy{});
    const HistogramPolicy hist_seq = sequential(g, HistogramPolicy(x.code));
    const WitnessPolicy wit_seq = sequential(g, WitnessPolicy{});
    REQUIRE(!mem_seq.ops().empty());
    for (std::uint64_t chunk : {16u, 1024u}) {
      const MemoryTrace t = record_trace(g, chunk);
      for (unsigned threads : {1u, 2u}) {
        INFO("chunk " << chunk << " threads " << threads);
        const auto m = replay(x.code, t.view(), [] { return MemopsPolicy{}; }, threads);
        CHECK(m.ops() == mem_seq.ops());
        const auto h = replay(x.code, t.view(), [&] { return HistogramPolicy(x.code); }, threads);
        CHECK(h.opcode_counts() == hist_seq.opcode_counts());
        const auto w = replay(x.code, t.view(), [] { return WitnessPolicy{}; }, threads);
        REQUIRE(w.rows() == wit_seq.rows());
        for (unsigned c = 0; c < WitnessPolicy::columns_count; ++c) {
          INFO("column " << WitnessPolicy::column_names[c]);
          CHECK(w.column(WitnessPolicy::Column(c)) == wit_seq.column(WitnessPolicy::Column(c)));
        }
      }
    }
  }
}

TEST_CASE("memops: full-word operations of narrow and misaligned stores", "[trace][policies]") {
  const GuestCase g{"misaligned", {}};
  const MemopsPolicy m = sequential(g, MemopsPolicy{});
  // Every operation is on an aligned word, and a write of a narrow store follows its read.
  std::size_t rmw = 0;
  for (std::size_t i = 0; i < m.ops().size(); ++i) {
    CHECK((m.ops()[i].addr & 7) == 0);
    if (m.ops()[i].write && i > 0 && !m.ops()[i - 1].write && m.ops()[i - 1].addr == m.ops()[i].addr &&
        m.ops()[i - 1].step == m.ops()[i].step)
      ++rmw;
  }
  CHECK(rmw > 0);
}

TEST_CASE("streamed outputs do not depend on chunk size or threads", "[trace][policies]") {
  const GuestCase g{"sha256", {"2"}};
  const Guest x = load(g);
  const std::string text_seq = capture([&](std::FILE* f) {
    TextPolicy p(f);
    sequential(g, std::move(p));
  });
  const std::string wit_seq = capture([&](std::FILE* f) {
    WitnessPolicy p(f);
    WitnessPolicy q = sequential(g, std::move(p));
    q.finish();
  });
  const std::string mem_seq = capture([&](std::FILE* f) {
    MemopsPolicy p(f);
    sequential(g, std::move(p));
  });
  REQUIRE(text_seq.size() > 1000);
  REQUIRE(wit_seq.size() > 16 + 16 + 96 * 1000);
  for (std::uint64_t chunk : {16u, 4096u}) {
    const MemoryTrace t = record_trace(g, chunk);
    for (unsigned threads : {1u, 2u}) {
      INFO("chunk " << chunk << " threads " << threads);
      CHECK(capture([&](std::FILE* f) {
              TextPolicy root(f);
              replay_into(root, x.code, t.view(), [] { return TextPolicy{}; }, {.threads = threads});
            }) == text_seq);
      CHECK(capture([&](std::FILE* f) {
              WitnessPolicy root(f);
              replay_into(root, x.code, t.view(), [] { return WitnessPolicy{}; }, {.threads = threads});
              root.finish();
            }) == wit_seq);
      CHECK(capture([&](std::FILE* f) {
              MemopsPolicy root(f);
              replay_into(root, x.code, t.view(), [] { return MemopsPolicy{}; }, {.threads = threads});
            }) == mem_seq);
    }
  }
}

TEST_CASE("verify names the chunk of a corrupted log word or checkpoint register", "[trace][verify]") {
  const GuestCase g{"sha256", {"2"}};
  const Guest x = load(g);
  const MemoryTrace good = record_trace(g, 1024);
  REQUIRE(good.info.num_chunks > 5);
  REQUIRE(verify_error(x.code, good).empty());
  for (unsigned threads : {1u, 2u}) {
    // Without resealing: the chunk checksum catches it.
    MemoryTrace t = good;
    const std::uint64_t word = t.checkpoints[3].log_offset + t.checkpoints[3].log_words / 2;
    t.log[word] ^= 0x100;
    CHECK_THAT(verify_error(x.code, t, threads), Catch::StartsWith("chunk 3 ") && Catch::Contains("checksum"));
    // Resealed (as a buggy engine would write it): replay catches it when the loaded value
    // reaches a register by the chunk's end; otherwise (a byte no load of the chunk uses, or a
    // value only stored back to memory) the trace is consistent and describes other memory
    // contents: every logged word is a read in the memory operations.
    reseal(t, 3);
    const std::string e3 = verify_error(x.code, t, threads);
    if (e3.empty())
      CHECK(replay(x.code, t.view(), [] { return MemopsPolicy{}; }, threads).ops() !=
            replay(x.code, good.view(), [] { return MemopsPolicy{}; }, threads).ops());
    else
      CHECK_THAT(e3, Catch::StartsWith("chunk 3 "));
    // A word that a register-bound load reads: the first log word of chunk 3 whose corruption
    // verify catches exists, and is reported in chunk 3.
    bool caught = false;
    for (std::uint64_t w = t.checkpoints[3].log_offset; w < t.checkpoints[4].log_offset && !caught; ++w) {
      MemoryTrace u = good;
      u.log[w] ^= 0xff00ff;
      reseal(u, 3);
      const std::string e = verify_error(x.code, u, threads);
      if (!e.empty()) {
        CHECK_THAT(e, Catch::StartsWith("chunk 3 "));
        caught = true;
      }
    }
    CHECK(caught);

    MemoryTrace r = good;
    r.checkpoints[4].x[4] ^= 1;  // x5 at the start of chunk 4 = the end of chunk 3
    // (chunk 3's end state no longer matches: reported before chunk 4's checksum)
    CHECK_THAT(verify_error(x.code, r, threads), Catch::StartsWith("chunk 3 ") && Catch::Contains("register x5"));
    reseal(r, 4);
    CHECK_THAT(verify_error(x.code, r, threads),
               Catch::StartsWith("chunk 3 (steps 3072..4095)") && Catch::Contains("register x5") &&
                   Catch::Contains("step 4095"));

    MemoryTrace p = good;
    p.checkpoints[2].pc += 4;
    reseal(p, 2);
    CHECK_THAT(verify_error(x.code, p, threads), Catch::StartsWith("chunk 1 ") && Catch::Contains("pc"));

    MemoryTrace l = good;  // one log word too many in the last chunk
    l.log.push_back(0);
    l.checkpoints.back().log_offset += 0;
    l.checkpoints[l.info.num_chunks - 1].log_words += 1;
    l.checkpoints.back().log_offset += 1;
    l.checkpoints.back().checksum = chunk_checksum(l.checkpoints.back(), {});
    l.info.log_words += 1;
    reseal(l, l.info.num_chunks - 1);
    CHECK_THAT(verify_error(x.code, l, threads),
               Catch::StartsWith("chunk " + std::to_string(l.info.num_chunks - 1)) && Catch::Contains("consumed"));

    MemoryTrace e = good;  // wrong exit code
    e.info.exit_code = 3;
    CHECK_THAT(verify_error(x.code, e, threads), Catch::Contains("exited with code 0"));
  }
}
