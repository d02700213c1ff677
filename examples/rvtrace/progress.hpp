// The progress line of long rvtrace commands (run --stats, trace, witness, replay, verify), on
// stderr: steps done, rate and elapsed time, and with a known total the percentage and the ETA.
// Shown when stderr is a terminal, or when forced with --progress (--no-progress: never). It is
// redrawn at most 4 times a second, and ended (a newline) before anything else is printed on
// stderr (print_error, --stats): end_progress_line().
#pragma once
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <string>

namespace rvtrace_cli {

// --progress / --no-progress on a command.
struct ProgressFlags {
  bool on = false, off = false;
  void add_to(CLI::App* cmd);
  bool enabled() const;  // forced, or stderr is a terminal
};

class ProgressLine {
 public:
  // `verb` starts the line ("traced", "replayed"); total_steps 0: unknown (no percentage, no ETA).
  ProgressLine(bool enabled, std::string verb, std::uint64_t total_steps = 0);
  ~ProgressLine() { end(); }
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  bool enabled() const { return enabled_; }
  // `total_steps` (when not 0) sets the total: a replay learns it from the library's callback.
  void update(std::uint64_t steps, std::uint64_t total_steps = 0);
  // For ReplayOptions::on_progress (replay.hpp).
  auto replay_callback() {
    return [this](std::uint64_t done, std::uint64_t total) { update(done, total); };
  }
  // Draws the final state and ends the line (the work is done).
  void done(std::uint64_t steps);
  // Ends the line as it is (an error follows, or the command is over).
  void end();

 private:
  void draw(std::uint64_t steps);
  using clock = std::chrono::steady_clock;
  bool enabled_, drawn_ = false;
  std::string verb_;
  std::uint64_t total_;
  clock::time_point t0_, last_;
};

// Ends the progress line being drawn, if any (before an error message).
void end_progress_line();

// "1.23 G": a step count or rate with an SI prefix.
std::string si(double v);

}  // namespace rvtrace_cli

#include <algorithm>

#include "rvtrace/interp/machine.hpp"

namespace rvtrace_cli {

// Runs an engine that can stop at any step and resume there: `run_until(until)` runs up to step
// `until` (returning paused there), `steps()` is the steps retired so far. With the line drawn the
// run goes in slices of `slice` steps with an update after each; otherwise it is one call.
template <class RunUntil, class Steps>
rvtrace::RunResult run_with_progress(ProgressLine& line, std::uint64_t limit, std::uint64_t slice, RunUntil&& run_until,
                                     Steps&& steps) {
  if (!line.enabled()) return run_until(limit);
  for (;;) {
    const std::uint64_t at = steps();
    const rvtrace::RunResult r = run_until(at + std::min(slice, limit - at));
    if (r.reason != rvtrace::StopReason::paused || steps() >= limit) {
      line.done(steps());
      return r;
    }
    line.update(steps());
  }
}

// An engine for rvtrace::trace::record (recorder.hpp) that updates `line` after every chunk (and
// runs the wrapped engine's instruction set).
template <class Engine>
struct ProgressEngine {
  using instruction_set = typename Engine::instruction_set;
  Engine& engine;
  ProgressLine& line;
  template <class State, class Memory>
  rvtrace::RunResult operator()(State& state, std::uint64_t& steps, std::uint64_t until, Memory& mem) {
    const rvtrace::RunResult r = engine(state, steps, until, mem);
    line.update(steps);
    return r;
  }
};
template <class Engine>
ProgressEngine<Engine> with_progress(Engine& engine, ProgressLine& line) {
  return {engine, line};
}

}  // namespace rvtrace_cli
