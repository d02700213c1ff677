// See progress.hpp.
#include "progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace rvtrace_cli {

namespace {
ProgressLine* active = nullptr;  // the line being drawn (one at a time; drawn from the main thread)

std::string duration(double s) {
  char b[32];
  if (s < 10) std::snprintf(b, sizeof b, "%.1f s", s);
  else if (s < 60) std::snprintf(b, sizeof b, "%.0f s", s);
  else if (s < 3600) std::snprintf(b, sizeof b, "%d:%02d", int(s) / 60, int(s) % 60);
  else std::snprintf(b, sizeof b, "%d:%02d:%02d", int(s) / 3600, int(s) / 60 % 60, int(s) % 60);
  return b;
}
}  // namespace

std::string si(double v) {
  const char* prefix[] = {"", " k", " M", " G", " T", " P"};
  int k = 0;
  while (v >= 1000 && k < 5) v /= 1000, ++k;
  char b[32];
  std::snprintf(b, sizeof b, k ? "%.3g%s" : "%.0f%s", v, prefix[k]);
  return b;
}

void ProgressFlags::add_to(CLI::App* cmd) {
  cmd->add_flag("--progress", on, "Show progress (rate, ETA) on stderr even when it is not a terminal");
  cmd->add_flag("--no-progress", off, "Never show progress (default: shown when stderr is a terminal)");
}
bool ProgressFlags::enabled() const { return !off && (on || ::isatty(2)); }

ProgressLine::ProgressLine(bool enabled, std::string verb, std::uint64_t total_steps)
    : enabled_(enabled), verb_(std::move(verb)), total_(total_steps), t0_(clock::now()), last_(t0_) {}

void ProgressLine::update(std::uint64_t steps, std::uint64_t total_steps) {
  if (!enabled_) return;
  if (total_steps) total_ = total_steps;
  const auto now = clock::now();
  if (now - last_ < std::chrono::milliseconds(250) && !(drawn_ && steps == total_)) return;  // 100% is always drawn
  last_ = now;
  draw(steps);
}

void ProgressLine::done(std::uint64_t steps) {
  if (!enabled_) return;
  if (drawn_) draw(steps);  // a command done within the first 250 ms never draws a line
  end();
}

void ProgressLine::end() {
  if (drawn_) std::fputc('\n', stderr);
  drawn_ = false;
  if (active == this) active = nullptr;
}

void ProgressLine::draw(std::uint64_t steps) {
  if (active && active != this) active->end();
  active = this;
  const double s = std::chrono::duration<double>(clock::now() - t0_).count();
  const double rate = s > 0 ? steps / s : 0;
  std::string line = "rvtrace: " + verb_ + " ";
  if (total_) {
    char pct[16];
    std::snprintf(pct, sizeof pct, "%.0f%%", 100.0 * double(steps) / double(total_));
    line += pct + std::string(" (") + si(double(steps)) + " of " + si(double(total_)) + " steps), ";
  } else {
    line += si(double(steps)) + " steps, ";
  }
  line += si(rate) + " steps/s, " + duration(s);
  if (total_ && rate > 0 && steps < total_) line += ", ETA " + duration(double(total_ - steps) / rate);
  // \r and erase-to-end-of-line: a shorter line leaves nothing of the previous one.
  std::fprintf(stderr, "\r%s\033[K", line.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void end_progress_line() {
  if (active) active->end();
}

}  // namespace rvtrace_cli
