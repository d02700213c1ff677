#pragma once
// Shared by the benchmark suites: the benchmark guests, loading them, timing external commands
// (qemu-riscv64, the natively compiled C), and reporting guest steps per second.
#include <benchmark/benchmark.h>
#include <spawn.h>
#include <sys/wait.h>
#include <fcntl.h>

#include <chrono>
#include <cstdio>
#include <map>
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
// Compute-heavy guests (the keccak and SHA-256), a branchy one (bytecode VM: indirect jumps),
// big-number and allocator-style ones (Montgomery modexp, qsort/merge sort), and the real-world-style
// memory-heavy ones: a deflate-like round trip streaming through 1 MB buffers and secp256k1's
// verification hot path (mul/mulhu, carry chains). 1-2e8 steps each (tests/guests/README.md).
// bench/whole_process.py reads this list (keep one entry per line in this form).
inline const std::vector<Guest> guests = {
    {"keccak", {"1500000"}},
    {"sha256", {"1500000"}},
    {"bytecode", {"20000"}},
    {"bignum", {"10", "1024"}},
    {"sort", {"100000", "1"}},
    {"deflate", {"1000000"}},
    {"ecc", {"64", "256"}},
};

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

// Steps/s measured by the benchmarks of this run, by benchmark name ("qemu/keccak", ...), so later
// benchmarks can report ratios to earlier ones measured in the same run.
inline std::map<std::string, double>& measured() {
  static std::map<std::string, double> m;
  return m;
}

// The qemu-riscv64 (user mode) command line running the guest.
inline std::vector<std::string> qemu_command(const Guest& g) {
  std::vector<std::string> cmd{RVTRACE_QEMU, elf_path(g)};
  cmd.insert(cmd.end(), g.args.begin(), g.args.end());
  return cmd;
}

// The guest under qemu-riscv64 (register with UseManualTime()); records measured()["qemu/NAME"].
inline void BM_Qemu(benchmark::State& state, const Guest& g) {
  const std::uint64_t steps = count_steps(g);
  const auto cmd = qemu_command(g);
  double total = 0;
  for (auto _ : state) {
    const double t = time_command(cmd);
    total += t;
    state.SetIterationTime(t);
  }
  report_steps(state, steps);
  if (state.iterations() > 0) measured()["qemu/" + std::string(g.name)] = steps * state.iterations() / total;
}

// qemu steps/s of the guest: measured earlier in this run by BM_Qemu, else now (mean of 3 runs).
inline double qemu_steps_per_second(const Guest& g) {
  const std::string key = "qemu/" + std::string(g.name);
  if (auto it = measured().find(key); it != measured().end()) return it->second;
  const auto cmd = qemu_command(g);
  double total = 0;
  for (int i = 0; i < 3; ++i) total += time_command(cmd);
  return measured()[key] = 3.0 * count_steps(g) / total;
}

}  // namespace rvbench
