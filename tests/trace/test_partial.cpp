// Replay over chunk ranges, trace slices and partial results (the library side of distribution):
// results of ranges replayed from slices, serialized, parsed and merged in order produce the same
// output bytes as one whole replay (the oracle: replay, itself checked against sequential runs),
// and everything that should not merge or load is refused.
#include <catch2/catch.hpp>
#include <cstdio>
#include <string>

#include "rvtrace/trace/builtin_policies.hpp"
#include "rvtrace/trace/chunk_range.hpp"
#include "rvtrace/trace/partial.hpp"
#include "rvtrace/trace/trace_slice.hpp"
#include "trace_test_util.hpp"

using namespace tt;

namespace {

// The output bytes of a root fed by `feed(root)`.
template <class P, class Feed>
std::string output_of(const DecodedProgram& code, Feed&& feed) {
  std::FILE* f = std::tmpfile();
  REQUIRE(f);
  {
    P root = make_output_root<P>(f, &code);
    feed(root);
    finish_output(root, f);
  }
  std::fflush(f);
  std::string s(static_cast<std::size_t>(std::ftell(f)), '\0');
  std::rewind(f);
  REQUIRE(std::fread(s.data(), 1, s.size(), f) == s.size());
  std::fclose(f);
  return s;
}

template <class P>
void check_split_equals_whole(const DecodedProgram& code, const TraceView& whole, std::vector<std::uint64_t> cuts) {
  auto make = [&] { return make_chunk_policy<P>(code); };
  const std::string want = output_of<P>(code, [&](P& root) { replay_into(root, code, whole, make); });
  const std::string got = output_of<P>(code, [&](P& root) {
    PartialHeader sofar = PartialHeader::for_range(whole, P::partial_name, 0, 0);
    for (std::size_t k = 0; k + 1 < cuts.size(); ++k) {
      // A worker's view: only the slice, shipped as words.
      const TraceSlice slice = TraceSlice::from_words(TraceSlice::cut(whole, cuts[k], cuts[k + 1] - cuts[k]).to_words());
      ReplayOptions opt;
      opt.threads = 1 + k % 2;
      auto r = replay_range(code, slice.view(), make, {cuts[k], cuts[k + 1] - cuts[k]}, opt);
      const std::vector<std::uint64_t> words = partial_to_words(r.header, r.policy);
      const PartialData d = PartialData::parse(words, "partial");
      check_continues(sofar, d.header, "partial");
      sofar = joined(sofar, d.header);
      root.merge(load_partial<P>(d, "partial"));
    }
    CHECK(sofar.whole_trace());
  });
  CHECK(got.size() == want.size());
  CHECK(got == want);
}

}  // namespace

TEST_CASE("partial: ranges replayed from slices and merged equal a whole replay, every built-in policy") {
  const GuestCase g{"keccak", {"300"}};
  const MemoryTrace t = record_trace(g, 256);
  const Guest x = load(g);
  const std::uint64_t n = t.info.num_chunks;
  REQUIRE(n >= 6);
  const std::vector<std::uint64_t> cuts{0, 1, n / 3, n / 3, n - 1, n};  // includes an empty range
  for (const char* name : {"digest", "histogram", "witness", "memops", "text"}) {
    INFO(name);
    with_builtin_policy(name, [&]<class P>(std::type_identity<P>) { check_split_equals_whole<P>(x.code, t.view(), cuts); });
  }
}

TEST_CASE("partial: merging refuses gaps, wrong order, other policies and other traces") {
  const GuestCase g{"sha256", {"2"}};
  const MemoryTrace t = record_trace(g, 1024), other = record_trace({"sha256", {"3"}}, 1024);
  const Guest x = load(g);
  const TraceView v = t.view();
  auto header = [&](const TraceView& tv, std::uint64_t a, std::uint64_t b, const char* p = "digest") {
    return PartialHeader::for_range(tv, p, a, b - a);
  };
  const PartialHeader h01 = header(v, 0, 1), h12 = header(v, 1, 2), h23 = header(v, 2, 3);
  CHECK_NOTHROW(check_continues(h01, h12, "p"));
  CHECK_THROWS_WITH(check_continues(h01, h23, "p"), Catch::Contains("does not continue"));
  CHECK_THROWS_WITH(check_continues(h12, h01, "p"), Catch::Contains("does not continue"));
  CHECK_THROWS_WITH(check_continues(h01, header(v, 1, 2, "witness"), "p"), Catch::Contains("policy witness"));
  CHECK_THROWS_WITH(check_continues(h01, header(other.view(), 1, 2), "p"), Catch::Contains("different trace"));
  PartialHeader forged = h12;
  forged.first_checksum ^= 1;  // same numbers, but not the checkpoint h01 ended at
  CHECK_THROWS_WITH(check_continues(h01, forged, "p"), Catch::Contains("first checkpoint differs"));
}

TEST_CASE("partial: corrupted or truncated results and slices are rejected") {
  const GuestCase g{"sha256", {"2"}};
  const MemoryTrace t = record_trace(g, 1024);
  const Guest x = load(g);
  auto make = [] { return MemopsPolicy{}; };
  auto r = replay_range(x.code, t.view(), make, {2, 3});
  std::vector<std::uint64_t> w = partial_to_words(r.header, r.policy);
  REQUIRE(w.size() > 20);
  CHECK_NOTHROW(load_partial<MemopsPolicy>(PartialData::parse(w, "p"), "p"));
  CHECK_THROWS_WITH(load_partial<DigestPolicy>(PartialData::parse(w, "p"), "p"), Catch::Contains("policy memops"));
  auto bad = w;
  bad[20] ^= 4;
  CHECK_THROWS_WITH(PartialData::parse(bad, "p"), Catch::Contains("payload checksum"));
  bad = w;
  bad[7] ^= 1;
  CHECK_THROWS_WITH(PartialData::parse(bad, "p"), Catch::Contains("header checksum"));
  CHECK_THROWS_WITH(PartialData::parse(std::span(w).first(w.size() - 1), "p"), Catch::Contains("truncated"));

  std::vector<std::uint64_t> s = TraceSlice::cut(t.view(), 1, 2).to_words();
  s[TraceSlice::head_words + 3] ^= 1;
  CHECK_THROWS_WITH(TraceSlice::from_words(s), Catch::Contains("checksum"));
  const TraceSlice slice = TraceSlice::cut(t.view(), 1, 2);
  CHECK_THROWS_WITH(replay_range(x.code, slice.view(), make, {0, 2}), Catch::Contains("not in the trace slice"));
  CHECK_THROWS(TraceSlice::cut(t.view(), 1, t.info.num_chunks));
}

TEST_CASE("partial: --chunks ranges") {
  CHECK(parse_chunk_range("3:5", 10).first == 3);
  CHECK(parse_chunk_range("3:5", 10).count == 2);
  CHECK(parse_chunk_range(":", 10).count == 10);
  CHECK(parse_chunk_range("4:", 10).count == 6);
  CHECK_THROWS_WITH(parse_chunk_range("5:3", 10), Catch::Contains("not a range"));
  CHECK_THROWS_WITH(parse_chunk_range("0:11", 10), Catch::Contains("not a range"));
  CHECK_THROWS_WITH(parse_chunk_range("x:1", 10), Catch::Contains("not a chunk number"));
  CHECK_THROWS_WITH(parse_chunk_range("7", 10), Catch::Contains("expected A:B"));
}
