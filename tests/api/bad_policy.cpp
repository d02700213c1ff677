// Policies that must NOT compile (tests/api/CMakeLists.txt compiles this file once per CASE and
// expects the static_assert message); CASE good is the control that must compile.
#include "rvtrace/core.hpp"

using namespace rvtrace;

struct ConstlessStep {  // on_step takes a non-const StepRecord&: would see no step
  std::uint64_t n = 0;
  void on_step(StepRecord&) { ++n; }
  void merge(ConstlessStep&& o) { n += o.n; }
};
struct Misspelled {  // onStep: would see no step
  std::uint64_t n = 0;
  void onStep(const StepRecord&) { ++n; }
  void merge(Misspelled&& o) { n += o.n; }
};
struct NoMerge {
  std::uint64_t n = 0;
  void on_step(const StepRecord&) { ++n; }
};
struct Good {
  std::uint64_t n = 0;
  void on_step(const StepRecord&) { ++n; }
  void merge(Good&& o) { n += o.n; }
};

#define CASE_replay_constless 1
#define CASE_replay_misspelled 2
#define CASE_replay_no_merge 3
#define CASE_sequential_misspelled 4
#define CASE_interpret_constless 5
#define CASE_good 6

template <class P>
void replay_with(const DecodedProgram& code, const trace::TraceView& t) {
  (void)trace::replay(code, t, [] { return P{}; });
}

void use(guest::Process& proc, const DecodedProgram& code, const trace::TraceView& t) {
#if CASE == CASE_replay_constless
  replay_with<ConstlessStep>(code, t);
#elif CASE == CASE_replay_misspelled
  replay_with<Misspelled>(code, t);
#elif CASE == CASE_replay_no_merge
  replay_with<NoMerge>(code, t);
#elif CASE == CASE_sequential_misspelled
  Misspelled p;
  trace::run_sequential(proc, code, p);
#elif CASE == CASE_interpret_constless
  ConstlessStep p;
  interpret(proc, code, 100, p);
#elif CASE == CASE_good
  replay_with<Good>(code, t);
  Good p;
  trace::run_sequential(proc, code, p);
  interpret(proc, code, 100, p);
#else
#error "unknown CASE"
#endif
}
