#pragma once
// The built-in trace policies by name, for tools that pick one at run time (rvtrace replay/merge,
// examples/mpi_replay): the per-chunk instance, the root that writes the output, and how the
// output is finished. Roots stream what they merge (witness, memops, text) or write it at the
// end (digest, histogram), so output bytes do not depend on how the chunks were split.
#include <cstdio>
#include <string>
#include <string_view>
#include <type_traits>

#include "rvtrace/guest/fault.hpp"
#include "rvtrace/interp/program.hpp"
#include "rvtrace/trace/digest_policy.hpp"
#include "rvtrace/trace/histogram_policy.hpp"
#include "rvtrace/trace/memops_policy.hpp"
#include "rvtrace/trace/text_policy.hpp"
#include "rvtrace/trace/witness_policy.hpp"

namespace rvtrace::trace {

inline constexpr const char* builtin_policy_names = "digest, histogram, witness, memops, text";

// Calls fn(std::type_identity<Policy>{}) for the policy called `name`; throws InputError if none.
template <class Fn>
decltype(auto) with_builtin_policy(std::string_view name, Fn&& fn) {
  if (name == "digest") return fn(std::type_identity<DigestPolicy>{});
  if (name == "histogram") return fn(std::type_identity<HistogramPolicy>{});
  if (name == "witness") return fn(std::type_identity<WitnessPolicy>{});
  if (name == "memops") return fn(std::type_identity<MemopsPolicy>{});
  if (name == "text") return fn(std::type_identity<TextPolicy>{});
  throw InputError("unknown policy '" + std::string(name) + "' (" + builtin_policy_names + ")");
}

// A per-chunk (kept, not streaming) instance.
template <class P>
P make_chunk_policy(const DecodedProgram& code) {
  if constexpr (std::is_constructible_v<P, const DecodedProgram&>) return P(code);
  else return P{};
}

// The root that writes to `out`; without a program (merging saved results), a histogram root
// takes its pc table from the first result merged into it.
template <class P>
P make_output_root(std::FILE* out, const DecodedProgram* code) {
  if constexpr (std::is_constructible_v<P, std::FILE*>) return P(out);
  else if constexpr (std::is_constructible_v<P, const DecodedProgram&>) return code ? P(*code) : P{};
  else return P{};
}

// Writes what the root has not written yet.
template <class P>
void finish_output(P& root, std::FILE* out) {
  if constexpr (requires { root.write(out); }) root.write(out);
  else if constexpr (requires { root.finish(); }) root.finish();
  else root.flush();
}

}  // namespace rvtrace::trace
