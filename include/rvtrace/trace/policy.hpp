#pragma once
// Trace policies: what replay (and the sequential interpreter) feeds every retired step to.
//
// A policy is a movable class with
//
//   void on_step(const Step& s);                 // required; Step is StepRecord, or TraceStep
//                                                //   when the policy declares reads_log
//   void merge(Policy&& later);                  // required: append the results of the chunk(s)
//                                                //   that come right after this one's
//   void on_chunk_begin(const Checkpoint& c);    // optional: before the chunk's first step
//   void on_chunk_end(const Checkpoint& next);   // optional: after its last step (next = the
//                                                //   checkpoint the chunk ended at)
//   static constexpr bool reads_operands = true; // optional: fill StepRecord::rs1_value/rs2_value
//   static constexpr bool reads_log = true;      // optional: pass TraceStep (the memory words
//                                                //   the step used) instead of StepRecord
//
// Replay gives every chunk a fresh instance (from the factory), feeds it that chunk's steps,
// then merges the instances in chunk order into a root instance: result = root.merge(c0),
// .merge(c1), ... So the result is the same for any number of threads, as long as merge is
// "append". What a policy does not declare it does not pay for.
//
// Example: count the taken branches (code: the DecodedProgram, trace: a TraceFile or MemoryTrace).
//
//   struct Taken {
//     std::uint64_t taken = 0;
//     template <class Step> void on_step(const Step& s) {
//       taken += s.next_pc != s.pc + s.insn->ops.len;
//     }
//     void merge(Taken&& later) { taken += later.taken; }
//   };
//   Taken t = rvtrace::trace::replay(code, trace.view(), [] { return Taken{}; }, {.threads = 4});
#include <concepts>
#include <cstdint>
#include <span>
#include <utility>

#include "rvtrace/interp/step.hpp"
#include "rvtrace/trace/checkpoint.hpp"

namespace rvtrace::trace {

// A step as policies that declare reads_log see it: the StepRecord plus the aligned memory words
// the step used, valued before the step (its load's words, then a narrow or misaligned store's
// words; or an ecall's a0): see interp/step_words.hpp. Every access has its words here, whether or
// not the compact log had to record them.
struct TraceStep : StepRecord {
  std::span<const std::uint64_t> words;
};

template <class P>
inline constexpr bool reads_log_v = requires { requires P::reads_log; };

template <class P>
using step_type_t = std::conditional_t<reads_log_v<P>, TraceStep, StepRecord>;

template <class P>
concept TracePolicy = std::movable<P> && requires(P& p, P&& later, const step_type_t<P>& s) {
  p.on_step(s);
  p.merge(std::move(later));
};

// The checks replay(), replay_into() and run_sequential() make, one static_assert per requirement
// so the compiler names the one that is missing (a policy that silently received no step, because
// on_step took a non-const StepRecord& or was misspelled, is the mistake this prevents).
template <class P>
constexpr bool check_trace_policy() {
  static_assert(requires(P& p, const step_type_t<P>& s) { p.on_step(s); },
                "rvtrace: this trace policy has no usable on_step: it needs a public member "
                "`void on_step(const rvtrace::StepRecord& s)` (or `const rvtrace::trace::TraceStep&` when it "
                "declares `static constexpr bool reads_log = true`, or a template `on_step(const Step&)`), "
                "callable with a const step (see rvtrace/trace/policy.hpp)");
  static_assert(requires(P& p, P&& later) { p.merge(std::move(later)); },
                "rvtrace: this trace policy has no usable merge: it needs a public member "
                "`void merge(Policy&& later)` that appends the results of the chunks after its own "
                "(see rvtrace/trace/policy.hpp)");
  static_assert(std::move_constructible<P>,
                "rvtrace: a trace policy must be move-constructible (replay moves per-chunk instances)");
  return true;
}

template <class P>
void chunk_begin(P& p, const Checkpoint& c) {
  if constexpr (requires { p.on_chunk_begin(c); }) p.on_chunk_begin(c);
}
template <class P>
void chunk_end(P& p, const Checkpoint& c) {
  if constexpr (requires { p.on_chunk_end(c); }) p.on_chunk_end(c);
}

// The interpreter-side policy that forwards each step to a user policy. Memory is the machine's
// memory policy (ReplayMemory, or LoggingMemory for a sequential run of a reads_log policy), which
// collects the words of each step (step_words()).
template <class P, class Memory>
class StepAdapter {
 public:
  static constexpr bool reads_operands = reads_operands_v<P>;

  explicit StepAdapter(Memory* mem = nullptr) : mem_(mem) {}
  void bind(P* p) {
    p_ = p;
    if constexpr (reads_log_v<P>) mem_->step_words().clear(), mem_->step_words().keep_all(true);
  }

  void on_step(const StepRecord& r) {
    if constexpr (reads_log_v<P>) {
      TraceStep t;
      static_cast<StepRecord&>(t) = r;
      t.words = mem_->step_words().view();
      p_->on_step(static_cast<const TraceStep&>(t));
      mem_->step_words().clear();
    } else {
      p_->on_step(r);
    }
  }

 private:
  P* p_ = nullptr;
  Memory* mem_;
};

}  // namespace rvtrace::trace
