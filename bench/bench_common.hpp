#pragma once
// Shared by the benchmark suites: the benchmark guests, loading them, timing external commands
// (qemu-riscv64, the natively compiled C), and reporting guest steps per second.
#include <benchmark/benchmark.h>
#include <spawn.h>
#include <sys/wait.h>
#include <fcntl.h>

#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "rvtrace/guest/elf.hpp"
#include "rvtrace/guest/process.hpp"
#include "rvtrace/interp/run.hpp"

namespace rvbench {

struct Guest {
  const char* name;
  std::vector<std::string> args;  // sized for ~0.1-0.5 s of interpretation
};
// Compute-heavy guests (the keccak and SHA-256) and a branchy one (bytecode VM: indirect jumps).
inline const std::vector<Guest> guests = {
    {"keccak", {"1500000"}}, {"sha256", {"1500000"}}, {"bytecode", {"20000"}}};

inline std::string elf_path(const Guest& g) { return std::string(RVTRACE_GUEST_DIR) + "/" + g.name + "-rv64imac.elf"; }
inline std::string native_path(const Guest& g) { return std::string(RVTRACE_GUEST_DIR) + "/" + g.name + "-native"; }

inline std::vector<std::string> guest_argv(const Guest& g) {
  std::vector<std::string> argv{g.name};
  argv.insert(argv.end(), g.args.begin(), g.args.end());
  return argv;
}

// A fresh process of the guest (its output discarded).
inline rvtrace::guest::Process make_process(const rvtrace::guest::Program& prog, const Guest& g) {
  rvtrace::guest::Process p(prog, guest_argv(g));
  p.syscalls.capture_output();
  return p;
}

// Steps of one full run (interpreter), so external engines can be reported in steps/s too.
inline std::uint64_t count_steps(const Guest& g) {
  static std::vector<std::pair<std::string, std::uint64_t>> cache;
  for (auto& [k, v] : cache)
    if (k == g.name) return v;
  auto prog = rvtrace::guest::load_elf_file(elf_path(g));
  auto proc = make_process(prog, g);
  auto code = rvtrace::decode_program(proc.program);
  rvtrace::NoTrace none;
  auto r = rvtrace::interpret(proc, code, ~0ull, none);
  if (r.reason != rvtrace::StopReason::exited) throw std::runtime_error(std::string(g.name) + ": did not exit cleanly");
  cache.emplace_back(g.name, r.steps);
  return r.steps;
}

// Runs a command with stdout/stderr to /dev/null; returns wall seconds (throws if it fails).
inline double time_command(const std::vector<std::string>& cmd) {
  std::vector<char*> argv;
  for (auto& s : cmd) argv.push_back(const_cast<char*>(s.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  const auto t0 = std::chrono::steady_clock::now();
  pid_t pid;
  if (posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ) != 0)
    throw std::runtime_error("cannot run " + cmd[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  posix_spawn_file_actions_destroy(&fa);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw std::runtime_error(cmd[0] + " failed");
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

inline void report_steps(benchmark::State& state, std::uint64_t steps_per_iteration) {
  state.counters["steps/s"] =
      benchmark::Counter(static_cast<double>(steps_per_iteration), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["steps"] = static_cast<double>(steps_per_iteration);
}

}  // namespace rvbench
