// The recorder's plumbing: the in-memory log arena, in-place vs copying sinks, errors from sinks.
#include <catch2/catch.hpp>

#include <stdexcept>

#include "rvtrace/aot/runtime.hpp"
#include "rvtrace/trace/aot_engine.hpp"
#include "rvtrace/trace/digest_policy.hpp"
#include "trace_test_util.hpp"

using namespace tt;

namespace {
// A sink that keeps copies (the recorder's copying path: no log_arena()).
struct CopyingSink {
  std::vector<Checkpoint> checkpoints;
  std::vector<std::uint64_t> log;
  TraceInfo info;
  void chunk(const Checkpoint& c, std::span<const std::uint64_t> w) {
    checkpoints.push_back(c);
    log.insert(log.end(), w.begin(), w.end());
  }
  void finish(const TraceInfo& i, const Checkpoint& last) {
    info = i;
    checkpoints.push_back(last);
  }
};
static_assert(!InPlaceSink<CopyingSink> && InPlaceSink<MemoryTrace>);

struct FailingSink {
  std::uint64_t fail_at;
  std::uint64_t seen = 0;
  void chunk(const Checkpoint&, std::span<const std::uint64_t>) {
    if (seen++ == fail_at) throw std::runtime_error("disk full (test)");
  }
  void finish(const TraceInfo&, const Checkpoint&) {}
};

template <class Sink>
RunResult record_aot(const GuestCase& g, Sink& sink, std::uint64_t chunk) {
  Guest x = load(g);
  aot::CompiledProgram compiled(x.code, x.proc->memory, true);
  AotEngine engine(compiled);
  RecordOptions o;
  o.chunk_steps = chunk;
  return record(*x.proc, x.code, sink, engine, o);
}
}  // namespace

TEST_CASE("LogWords: grows, copies, moves, keeps its memory when cleared", "[trace][recorder]") {
  LogWords a;
  CHECK(a.empty());
  // More than one growth step of the arena (32 MiB = 4 Mi words).
  const std::size_t n = (std::size_t{5} << 20) + 3;
  for (std::size_t i = 0; i < n; ++i) a.push_back(i * 0x9E3779B97F4A7C15ull);
  REQUIRE(a.size() == n);
  CHECK(a[0] == 0);
  CHECK(a[n - 1] == (n - 1) * 0x9E3779B97F4A7C15ull);
  const LogWords b = a;  // a copy owns its own words
  a[7] = 1;
  CHECK(b[7] == 7 * 0x9E3779B97F4A7C15ull);
  CHECK(std::equal(b.begin() + 8, b.end(), a.begin() + 8, a.end()));
  const std::uint64_t* at = a.data();
  a.clear();
  CHECK(a.empty());
  a.push_back(42);
  CHECK(a.data() == at);  // same memory: no new page faults for the next recording
  LogWords c = std::move(a);
  CHECK(c.size() == 1);
  CHECK(c[0] == 42);
  CHECK(a.empty());  // moved from: empty and usable
  a.push_back(5);
  CHECK(a[0] == 5);
}

TEST_CASE("AOT recording: in-place (MemoryTrace) and copying sinks get the same trace", "[trace][recorder]") {
  // Merge-sorting 100000 keys: ~130 M steps, each chunk reading keys it has not seen: more than
  // 4 Mi log words, more than one arena growth step.
  const GuestCase g{"sort", {"100000", "1"}};
  MemoryTrace m;
  CopyingSink c;
  const RunResult rm = record_aot(g, m, 1u << 14);
  const RunResult rc = record_aot(g, c, 1u << 14);
  REQUIRE(rm.reason == StopReason::exited);
  REQUIRE(rc.steps == rm.steps);
  REQUIRE(m.log.size() > (std::size_t{4} << 20));
  CHECK(m.log.size() == c.log.size());
  CHECK(std::equal(m.log.begin(), m.log.end(), c.log.begin(), c.log.end()));
  CHECK(m.checkpoints == c.checkpoints);
  const Guest x = load(g);
  CHECK(verify_error(x.code, m.view(), 2).empty());

  // Recording again into the cleared trace gives the same trace.
  const std::vector<Checkpoint> first = m.checkpoints;
  m.clear();
  record_aot(g, m, 1u << 14);
  CHECK(m.checkpoints == first);
  CHECK(std::equal(m.log.begin(), m.log.end(), c.log.begin(), c.log.end()));
}

TEST_CASE("recorder errors: a failing sink and a non-empty MemoryTrace stop the recording", "[trace][recorder]") {
  const GuestCase g{"sha256", {"2"}};
  for (std::uint64_t at : {0u, 3u}) {
    FailingSink f{at};
    CHECK_THROWS_WITH(record_aot(g, f, 64), "disk full (test)");
  }
  MemoryTrace m;
  record_aot(g, m, 64);
  CHECK_THROWS_AS(record_aot(g, m, 64), std::logic_error);  // not cleared
}
