#pragma once
// Replay over an explicit chunk range, for schedulers that spread a trace's chunks over
// processes or machines: the merged policy of chunks [first, first + count) and the header that
// names the range (partial.hpp), so the result can be saved and merged with its neighbours'.
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "rvtrace/guest/fault.hpp"
#include "rvtrace/trace/partial.hpp"
#include "rvtrace/trace/replay.hpp"

namespace rvtrace::trace {

struct ChunkRange {
  std::uint64_t first = 0, count = 0;
  std::uint64_t end() const { return first + count; }
};

// "A:B" = chunks A .. B-1 (either side may be omitted: 0 and num_chunks); checked against num_chunks.
inline ChunkRange parse_chunk_range(std::string_view s, std::uint64_t num_chunks) {
  const auto colon = s.find(':');
  auto fail = [&](const std::string& why) { throw InputError("--chunks " + std::string(s) + ": " + why); };
  if (colon == std::string_view::npos) fail("expected A:B (chunks A to B-1)");
  auto number = [&](std::string_view t, std::uint64_t dflt) {
    if (t.empty()) return dflt;
    std::uint64_t v = 0;
    const auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc{} || p != t.data() + t.size()) fail("'" + std::string(t) + "' is not a chunk number");
    return v;
  };
  const std::uint64_t a = number(s.substr(0, colon), 0), b = number(s.substr(colon + 1), num_chunks);
  if (a > b || b > num_chunks)
    fail("not a range of the trace's " + std::to_string(num_chunks) + " chunks (A <= B <= " + std::to_string(num_chunks) + ")");
  return {a, b - a};
}

// A replayed range: the merged policy and the header naming what it covers.
template <class P>
struct RangeResult {
  PartialHeader header;
  P policy;
};

// Replays chunks `r` of `t` (a whole trace or a slice holding them) into `root`; returns the
// header of the result. opt.first_chunk/chunk_count are replaced by `r`.
template <class P, class Factory>
PartialHeader replay_range_into(P& root, const DecodedProgram& code, const TraceView& t, Factory&& make, ChunkRange r,
                                ReplayOptions opt = {}) {
  if (r.first < t.base_chunk || r.first > t.end_chunk() || r.count > t.end_chunk() - r.first)
    throw InputError("chunks " + std::to_string(r.first) + ":" + std::to_string(r.end()) + " are not in the trace" +
                     std::string(t.is_slice() ? " slice" : "") + " (chunks " + std::to_string(t.base_chunk) + ":" +
                     std::to_string(t.end_chunk()) + ")");
  opt.first_chunk = r.first;
  opt.chunk_count = r.count;
  replay_into(root, code, t, make, opt);
  const char* name = "";
  if constexpr (PartialPolicy<P>) name = P::partial_name;
  return PartialHeader::for_range(t, name, r.first, r.count);
}

template <class Factory>
auto replay_range(const DecodedProgram& code, const TraceView& t, Factory&& make, ChunkRange r, const ReplayOptions& opt = {}) {
  using P = decltype(make());
  RangeResult<P> out{{}, make()};
  out.header = replay_range_into(out.policy, code, t, make, r, opt);
  return out;
}

}  // namespace rvtrace::trace
