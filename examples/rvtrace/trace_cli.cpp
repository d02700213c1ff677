// The trace subcommands of the rvtrace CLI: see trace_cli.hpp.
#include "trace_cli.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <thread>
#include <type_traits>

#include "rvtrace/aot/runtime.hpp"
#include "rvtrace/guest/elf.hpp"
#include "rvtrace/guest/fault.hpp"
#include "rvtrace/trace/aot_engine.hpp"
#include "rvtrace/trace/digest_policy.hpp"
#include "rvtrace/trace/file.hpp"
#include "rvtrace/trace/histogram_policy.hpp"
#include "rvtrace/trace/memops_policy.hpp"
#include "rvtrace/trace/recorder.hpp"
#include "rvtrace/trace/replay.hpp"
#include "rvtrace/trace/sequential.hpp"
#include "rvtrace/trace/text_policy.hpp"
#include "rvtrace/trace/witness_policy.hpp"
#include "zisk_cli.hpp"

namespace rvtrace_cli {

using namespace rvtrace;
using namespace rvtrace::trace;

namespace {

const std::vector<std::string> policy_names{"digest", "histogram", "witness", "memops", "text", "zisk-steps"};

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// An output file (or stdout), closed with error checking.
struct Output {
  std::FILE* f = stdout;
  std::string path;
  explicit Output(const std::string& p) : path(p) {
    if (!p.empty() && p != "-") {
      f = std::fopen(p.c_str(), "wb");
      if (!f) throw InputError(p + ": cannot open for writing");
    }
  }
  void close() {
    const bool bad = std::fflush(f) != 0 || std::ferror(f);
    if (f != stdout) std::fclose(f);
    f = nullptr;
    if (bad) throw std::runtime_error((path.empty() ? "stdout" : path) + ": write error");
  }
  ~Output() {
    if (f && f != stdout) std::fclose(f);
  }
};

// Runs `policy` over the trace (replay) or sequentially (sequential != nullptr), writing its output.
template <class Run>
void with_policy(const std::string& name, const DecodedProgram& code, std::FILE* out, Run&& run) {
  if (name == "digest") {
    DigestPolicy root;
    run(root, [] { return DigestPolicy{}; });
    root.write(out);
  } else if (name == "histogram") {
    HistogramPolicy root(code);
    run(root, [&] { return HistogramPolicy(code); });
    root.write(out);
  } else if (name == "witness") {
    WitnessPolicy root(out);
    run(root, [] { return WitnessPolicy{}; });
    root.finish();
  } else if (name == "memops") {
    MemopsPolicy root(out);
    run(root, [] { return MemopsPolicy{}; });
    root.flush();
  } else if (name == "text") {
    TextPolicy root(out);
    run(root, [] { return TextPolicy{}; });
    root.flush();
  } else if (name == "zisk-steps") {
    if (code.isa != zisk::ZiskIsa::name) throw InputError("policy zisk-steps needs a program of the zisk platform");
    zisk::ZiskStepCount root;
    run(root, [] { return zisk::ZiskStepCount{}; });
    std::fprintf(out, "zisk steps: %llu\n", (unsigned long long)root.total());
  } else {
    throw InputError("unknown policy '" + name + "' (digest, histogram, witness, memops, text)");
  }
}

unsigned default_threads(unsigned t) {
  if (t) return t;
  const unsigned h = std::thread::hardware_concurrency();
  return h ? h : 1;
}

// Prefixes replay errors (which name chunks) with the trace file.
[[noreturn]] void rethrow_with(const std::string& path, const InputError& e) {
  const std::string what = e.what();
  if (what.rfind(path, 0) == 0) throw e;
  throw InputError(path + ": " + what);
}

}  // namespace

void TraceCommands::add_to(CLI::App& app) {
  trace_ = app.add_subcommand("trace", "Run a program and record its minimal trace (.rvmt); guest output passes through");
  trace_->add_option("-o,--output", out, "Trace file to write")->required();
  trace_->add_option("--chunk-steps", chunk_steps, "Steps per chunk: a power of two, 2^4..2^40")->capture_default_str();
  trace_->add_option("--engine", engine, "Execution engine: aot (x86_64 translation) or interp")->capture_default_str();
  trace_->add_flag("--force", force, "Overwrite an existing trace file");
  trace_->add_flag("--stats", stats, "Print steps, steps/s and trace size to stderr");
  trace_->add_option("--max-steps", max_steps, "Stop (and record a step-limit trace) after this many steps");
  trace_->add_option("--input", input, "Linux: file the guest reads as stdin; zisk: the input (ziskemu -i)")
      ->check(CLI::ExistingFile);
  trace_->add_option("--platform", platform, "linux (Linux-user ELF) or zisk (ZisK zkVM guest)")->capture_default_str();
  trace_->add_flag("--outputs", outputs, "zisk: print the 64 public outputs at the end, as ziskemu -c");
  trace_->add_option("program", elf, "RISC-V ELF executable")->required();
  trace_->add_option("args", args, "Arguments passed to the guest");
  trace_->prefix_command(false);

  replay_ = app.add_subcommand("replay", "Replay a trace in parallel, memoryless, through a trace policy");
  replay_->add_option("trace", trace_path, "Trace file (.rvmt)")->required()->check(CLI::ExistingFile);
  replay_->add_option("--elf", elf, "The traced RISC-V ELF executable")->required()->check(CLI::ExistingFile);
  replay_->add_option("--threads", threads, "Worker threads (default: all cores)");
  replay_->add_option("--policy", policy, "digest, histogram, witness (binary columns), memops, text, zisk-steps")
      ->capture_default_str()
      ->check(CLI::IsMember(policy_names));
  replay_->add_option("-o,--output", out, "Output file (default: stdout)");
  replay_->add_flag("--progress", progress, "Progress on stderr (default: when stderr is a terminal)");
  replay_->add_flag("--stats", stats, "Print steps and steps/s to stderr");

  verify_ = app.add_subcommand("verify", "Check a trace: every chunk replays to the next checkpoint; prints OK or the first error (exit 0/1)");
  verify_->add_option("trace", trace_path, "Trace file (.rvmt)")->required();
  verify_->add_option("--elf", elf, "The traced RISC-V ELF executable")->required();
  verify_->add_option("--threads", threads, "Worker threads (default: all cores)");
  verify_->add_flag("--progress", progress, "Progress on stderr (default: when stderr is a terminal)");

  info_ = app.add_subcommand("info", "Describe a trace file: steps, chunks, log words, bytes per step");
  info_->add_option("trace", trace_path, "Trace file (.rvmt)")->required();
}

std::optional<int> TraceCommands::run(const Finish& finish) {
  if (trace_ && *trace_) return cmd_trace(finish);
  if (replay_ && *replay_) return cmd_replay();
  if (verify_ && *verify_) return cmd_verify();
  if (info_ && *info_) return cmd_info();
  return std::nullopt;
}

namespace {
// Records proc's run on the chosen engine into a trace file; prints --stats.
template <class Isa, class G>
RunResult record_file(G& proc, const DecodedProgram& code, const std::string& engine, const std::string& out,
                      bool force, const RecordOptions& opt, bool stats) {
  TraceFileWriter writer(out, force);
  const auto t0 = std::chrono::steady_clock::now();
  RunResult r;
  if (engine == "aot") {
    const aot::CompiledProgram compiled(code, proc.memory, true, aot::isa_tag<Isa>);
    AotEngine<Isa> e(compiled);
    r = record<Isa>(proc, code, writer, e, opt);
  } else {
    r = record<Isa>(proc, code, writer, opt);
  }
  const double secs = seconds_since(t0);
  std::fflush(stdout);
  if (stats)
    std::fprintf(stderr, "rvtrace: traced %llu steps in %.3f s (%.1f M steps/s, engine %s), %llu bytes (%.3g bytes/step)\n",
                 (unsigned long long)r.steps, secs, r.steps / secs / 1e6, engine.c_str(),
                 (unsigned long long)writer.bytes_written(), r.steps ? double(writer.bytes_written()) / r.steps : 0.0);
  return r;
}
}  // namespace

int TraceCommands::cmd_trace(const Finish& finish) {
  if (engine != "aot" && engine != "interp") throw InputError("unknown engine '" + engine + "' (aot, interp)");
  check_chunk_steps(chunk_steps);
  RecordOptions opt;
  opt.chunk_steps = chunk_steps;
  opt.max_steps = max_steps;
  if (is_zisk(platform)) return cmd_trace_zisk(finish);
  if (outputs) throw InputError("--outputs needs --platform zisk");
  std::vector<std::string> argv{elf};
  argv.insert(argv.end(), args.begin(), args.end());
  guest::Process proc(guest::load_elf_file(elf), argv);
  if (!input.empty()) proc.syscalls.set_input_file(input);
  const DecodedProgram code = decode_program(proc.program);
  return finish(record_file<isa::Rv64imac>(proc, code, engine, out, force, opt, stats), max_steps);
}

// zisk: the trace names the platform; --stats adds ZisK's step count, by memoryless replay.
int TraceCommands::cmd_trace_zisk(const Finish& finish) {
  RecordOptions opt;
  opt.chunk_steps = chunk_steps;
  opt.max_steps = max_steps;
  auto proc = load_zisk(elf, input);
  const DecodedProgram code = decode_program<zisk::ZiskIsa>(proc->program);
  const RunResult r = record_file<zisk::ZiskIsa>(*proc, code, engine, out, force, opt, stats);
  proc->platform.finish(r, proc->memory);
  if (outputs) print_outputs(*proc);
  if (stats && r.reason == StopReason::exited) {
    const TraceFile file(out);
    ReplayOptions ro = platform::replay_options_for<zisk::ZiskPlatform>();
    ro.threads = default_threads(threads);
    print_zisk_steps(replay<zisk::ZiskIsa>(code, file.view(), [] { return zisk::ZiskStepCount{}; }, ro).total());
  }
  return finish(r, max_steps);
}

// What replay and verify both start from: the trace file, checked against its ELF, and the
// instruction set and rules of the platform the trace names.
struct TraceCommands::Opened {
  TraceFile file;
  DecodedProgram code;
  ReplayOptions opt;
  bool on_zisk = false;
  explicit Opened(const TraceCommands& c) : file(c.trace_path) {
    const guest::Program prog = guest::load_elf_file(c.elf);
    file.check_program(prog, c.elf);
    on_zisk = file.info().platform == zisk_tag;
    if (!on_zisk && file.info().platform != 0)
      throw InputError(c.trace_path + ": recorded on an unknown platform (tag " + zisk::hex(file.info().platform) + ")");
    code = on_zisk ? decode_program<zisk::ZiskIsa>(prog) : decode_program(prog);
    if (on_zisk) opt = platform::replay_options_for<zisk::ZiskPlatform>();
    opt.threads = default_threads(c.threads);
    opt.progress = c.progress || ::isatty(2);
  }
  // f(isa tag): runs f with the trace's instruction set.
  template <class F>
  void with_isa(F&& f) const {
    if (on_zisk)
      f(std::type_identity<zisk::ZiskIsa>{});
    else
      f(std::type_identity<isa::Rv64imac>{});
  }
};

int TraceCommands::cmd_replay() {
  const Opened opened(*this);
  const auto& file = opened.file;
  const auto& code = opened.code;
  const auto& opt = opened.opt;
  Output output(out);
  const auto t0 = std::chrono::steady_clock::now();
  try {
    opened.with_isa([&](auto tag) {
      using Isa = typename decltype(tag)::type;
      with_policy(policy, code, output.f,
                  [&](auto& root, auto make) { replay_into<Isa>(root, code, file.view(), make, opt); });
    });
  } catch (const InputError& e) {
    rethrow_with(trace_path, e);
  }
  output.close();
  const double secs = seconds_since(t0);
  if (stats) {
    const std::uint64_t n = file.info().total_steps;
    std::fprintf(stderr, "rvtrace: replayed %llu steps (%llu chunks) in %.3f s on %u threads (%.1f M steps/s), policy %s\n",
                 (unsigned long long)n, (unsigned long long)file.info().num_chunks, secs, opt.threads, n / secs / 1e6,
                 policy.c_str());
  }
  return 0;
}

int TraceCommands::cmd_verify() {
  try {
    const Opened opened(*this);
    const auto& file = opened.file;
    try {
      opened.with_isa([&](auto tag) {
        using Isa = typename decltype(tag)::type;
        verify<Isa>(opened.code, file.view(), opened.opt);
      });
    } catch (const InputError& e) {
      rethrow_with(trace_path, e);
    }
    std::printf("OK: %s: %llu steps in %llu chunks verified\n", trace_path.c_str(),
                (unsigned long long)file.info().total_steps, (unsigned long long)file.info().num_chunks);
    return 0;
  } catch (const InputError& e) {
    std::printf("FAILED: %s\n", e.what());
    return 1;
  }
}

int TraceCommands::cmd_info() {
  TraceFile file(trace_path);
  const TraceInfo& in = file.info();
  std::printf("file          %s (%llu bytes)\n", trace_path.c_str(), (unsigned long long)file.file_size());
  std::printf("steps         %llu\n", (unsigned long long)in.total_steps);
  std::printf("chunk steps   %llu\n", (unsigned long long)in.chunk_steps);
  std::printf("chunks        %llu\n", (unsigned long long)in.num_chunks);
  std::printf("log words     %llu (%.2g per step)\n", (unsigned long long)in.log_words,
              in.total_steps ? double(in.log_words) / in.total_steps : 0.0);
  std::printf("bytes/step    %.3g\n", in.total_steps ? double(file.file_size()) / in.total_steps : 0.0);
  switch (in.stop) {
    case TraceStop::exited: std::printf("stop          exited with code %d\n", in.exit_code); break;
    case TraceStop::ebreak: std::printf("stop          ebreak\n"); break;
    case TraceStop::fault: std::printf("stop          fault: %s\n", in.fault().message().c_str()); break;
    case TraceStop::step_limit: std::printf("stop          step limit\n"); break;
  }
  std::printf("program hash  %016llx\n", (unsigned long long)in.program_hash);
  std::printf("platform      %s\n", in.platform == 0 ? "linux" : in.platform == zisk_tag ? "zisk" : "unknown");
  return 0;
}

RunResult witness_policy(guest::Process& proc, const DecodedProgram& code, const std::string& policy,
                         const std::string& out, std::uint64_t max_steps) {
  Output output(out);
  if (output.f == stdout) proc.syscalls.set_stdout_fd(2);  // keep stdout for the policy's output
  RunResult r;
  with_policy(policy, code, output.f, [&](auto& root, auto) { r = run_sequential(proc, code, root, max_steps); });
  output.close();
  return r;
}

RunResult witness_policy_zisk(ZiskGuest& proc, const DecodedProgram& code, const std::string& policy,
                              const std::string& out, std::uint64_t max_steps) {
  Output output(out);
  if (output.f == stdout) proc.platform.uart = stderr;  // keep stdout for the policy's output
  RunResult r;
  with_policy(policy, code, output.f,
              [&](auto& root, auto) { r = run_sequential<zisk::ZiskIsa>(proc, code, root, max_steps); });
  output.close();
  return r;
}

}  // namespace rvtrace_cli
