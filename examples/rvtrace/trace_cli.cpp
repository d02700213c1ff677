// The trace subcommands of the rvtrace CLI: see trace_cli.hpp.
#include "trace_cli.hpp"

#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <thread>

#include "rvtrace/aot/runtime.hpp"
#include "rvtrace/guest/elf.hpp"
#include "rvtrace/guest/fault.hpp"
#include "rvtrace/trace/aot_engine.hpp"
#include "rvtrace/trace/digest_policy.hpp"
#include "rvtrace/trace/file.hpp"
#include "rvtrace/trace/histogram_policy.hpp"
#include "rvtrace/trace/memops_policy.hpp"
#include "rvtrace/trace/recorder.hpp"
#include "rvtrace/trace/output_file.hpp"
#include "rvtrace/trace/replay.hpp"
#include "rvtrace/trace/run_start.hpp"
#include "rvtrace/trace/sequential.hpp"
#include "rvtrace/trace/text_policy.hpp"
#include "rvtrace/trace/witness_policy.hpp"
#include "platform_cli.hpp"

namespace rvtrace_cli {

using namespace rvtrace;
using namespace rvtrace::trace;

CLI::Option* add_count_option(CLI::App* cmd, const std::string& name, std::uint64_t& value, const std::string& help) {
  return cmd->add_option_function<std::string>(
      name,
      [&value, name](const std::string& text) {
        std::uint64_t v = 0;
        const char* end = text.data() + text.size();
        const auto [p, ec] = std::from_chars(text.data(), end, v);
        if (text.empty() || ec != std::errc{} || p != end || text[0] == '+' || text[0] == '-')
          throw CLI::ValidationError(name, "'" + text + "' is not a count from 0 to 18446744073709551615");
        value = v;
      },
      help);
}

Status& status() {
  static Status s;
  return s;
}

void write_status_file(const std::string& path, int exit_code, const std::vector<std::string>& inputs) {
  OutputFile f(path, false, inputs);
  std::string json = "{\"status\": \"" + status().kind + "\", \"exit_code\": " + std::to_string(exit_code);
  if (status().kind == "exited") json += ", \"guest_exit_code\": " + std::to_string(status().guest_exit_code);
  json += "}\n";
  if (::write(f.fd(), json.data(), json.size()) != static_cast<ssize_t>(json.size()))
    throw std::runtime_error(path + ": cannot write the status");
  f.commit();
}

struct Output::File {
  OutputFile file;
};

Output::Output(const std::string& p, bool overwrite, const std::vector<std::string>& inputs) : path(p) {
  if (p.empty() || p == "-") return;
  file_ = new File{OutputFile(p, overwrite, inputs)};
  f = ::fdopen(::dup(file_->file.fd()), "wb");
  if (!f) {
    delete file_;
    throw InputError(p + ": cannot open for writing");
  }
}
void Output::close() {
  const bool bad = std::fflush(f) != 0 || std::ferror(f);
  if (f != stdout) std::fclose(f);
  f = nullptr;
  if (bad) throw std::runtime_error((path.empty() ? "stdout" : path) + ": write error");
  if (file_) file_->file.commit();
}
Output::~Output() {
  if (f && f != stdout) std::fclose(f);
  delete file_;  // removes the temporary unless committed
}

namespace {

const std::vector<std::string> policy_names{"digest", "histogram", "witness", "memops", "text", "zisk-steps"};

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Runs `policy` over the trace (replay) or sequentially, writing its output. Platform P's own step
// count (platform_cli.hpp) is the policy "P-steps".
template <class P, class Run>
void with_policy(const std::string& name, const DecodedProgram& code, std::FILE* out, Run&& run) {
  if constexpr (has_step_count<P>) {
    if (name == std::string(P::name) + "-steps") {
      using Count = typename P::step_count;
      Count root(code);
      run(root, [&] { return Count(code); });
      std::fprintf(out, "%s steps: %llu\n", std::string(P::name).c_str(), (unsigned long long)root.zisk_steps());
      return;
    }
  }
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
  } else {
    throw InputError("unknown policy '" + name + "' (digest, histogram, witness, memops, text" +
                     (has_step_count<P> ? ", " + std::string(P::name) + "-steps" : std::string()) + ")");
  }
}

unsigned default_threads(std::uint64_t t) {
  if (t > 1024) throw InputError("--threads " + std::to_string(t) + ": at most 1024");
  if (t) return static_cast<unsigned>(t);
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
  const std::string budget = std::to_string(default_step_budget);
  trace_ = app.add_subcommand("trace", "Run a program and record its minimal trace (.rvmt); guest output passes through");
  trace_->add_option("-o,--output", out, "Trace file to write")->required();
  add_count_option(trace_, "--chunk-steps", chunk_steps, "Steps per chunk: a power of two, 2^4..2^40 (default 2^18)");
  trace_->add_option("--engine", engine, "Execution engine: aot (x86_64 translation) or interp")->capture_default_str();
  trace_->add_flag("--force", force, "Overwrite an existing trace file");
  trace_->add_flag("--stats", stats, "Print steps, steps/s and trace size to stderr");
  add_count_option(trace_, "--max-steps", max_steps,
                   "Stop (exit 122, recording a step-limit trace) after this many steps (default " + budget + ")");
  trace_->add_option("--platform", platform, std::string("Guest platform: ") + platform_names)->capture_default_str();
  trace_->add_flag("--outputs", outputs, "At the end, print the platform's public outputs (zisk: as ziskemu -c)");
  add_count_option(trace_, "--max-bytes", max_bytes,
                   "Stop (exit 122, no trace) when the trace file would exceed this size (default " +
                       std::to_string(default_max_trace_bytes) + ")");
  trace_->add_option("--input", input, "File the guest reads as its standard input (zisk: the input placed in memory)");
  trace_->add_option("program", elf, "RISC-V ELF executable")->required();
  trace_->add_option("args", args, "Arguments passed to the guest");
  trace_->prefix_command(false);

  replay_ = app.add_subcommand("replay", "Replay a trace in parallel, memoryless, through a trace policy");
  replay_->add_option("trace", trace_path, "Trace file (.rvmt)")->required();
  replay_->add_option("--elf", elf, "The traced RISC-V ELF executable")->required();
  add_count_option(replay_, "--threads", threads, "Worker threads (default: all cores)");
  replay_->add_option("--policy", policy, "digest, histogram, witness (binary columns), memops, text or zisk-steps")
      ->capture_default_str()
      ->check(CLI::IsMember(policy_names));
  replay_->add_option("-o,--output", out, "Output file (default: stdout)");
  // replay's --force (also for -o) is registered by partial_cli.cpp; cmd_replay reads its count.
  add_count_option(replay_, "--max-steps", max_steps, "Refuse traces of more steps (exit 122; default " + budget + ")");
  replay_->add_flag("--progress", progress, "Progress on stderr (default: when stderr is a terminal)");
  replay_->add_flag("--stats", stats, "Print steps and steps/s to stderr");

  verify_ = app.add_subcommand(
      "verify",
      "Prove a trace is a run of the program on these arguments and input; prints OK or the first error (exit 0/1)");
  verify_->add_option("trace", trace_path, "Trace file (.rvmt)")->required();
  verify_->add_option("--elf", elf, "The traced RISC-V ELF executable (the same path as given to trace: it is argv[0])")
      ->required();
  verify_->add_option("--input", input,
                      "The file the traced run read as stdin (default: our stdin, if it read any); zisk: its input");
  add_count_option(verify_, "--threads", threads, "Worker threads (default: all cores)");
  add_count_option(verify_, "--max-steps", max_steps, "Refuse traces of more steps (exit 122; default " + budget + ")");
  verify_->add_flag("--progress", progress, "Progress on stderr (default: when stderr is a terminal)");
  verify_->add_option("args", args, "The arguments the program was traced with");
  verify_->prefix_command(false);

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

int TraceCommands::cmd_trace(const Finish& finish) {
  if (engine != "aot" && engine != "interp") throw InputError("unknown engine '" + engine + "' (aot, interp)");
  check_chunk_steps(chunk_steps);
  check_outputs_flag(platform, outputs);
  return with_platform(platform, [&](auto p) { return cmd_trace<typename decltype(p)::type>(finish); });
}

template <class P>
int TraceCommands::cmd_trace(const Finish& finish) {
  using Isa = typename P::isa;
  guest::Process proc = boot<P>({platform, elf, input, args});
  const DecodedProgram code = decode_program<Isa>(proc.program);
  const std::vector<std::string> ins = inputs();
  TraceFileWriter writer(out, force, ins, max_bytes);
  RecordOptions opt;
  opt.chunk_steps = chunk_steps;
  opt.max_steps = max_steps;
  const auto t0 = std::chrono::steady_clock::now();
  RunResult r;
  if (engine == "aot") {
    const aot::CompiledProgram compiled(code, proc.memory, true, aot::isa_tag<Isa>);
    AotEngine<Isa> e(compiled);
    r = record(proc, code, writer, e, opt);
  } else {
    r = record<Isa>(proc, code, writer, opt);
  }
  const double secs = seconds_since(t0);
  std::fflush(stdout);
  print_outputs<P>(proc, r, outputs);
  if (stats)
    std::fprintf(stderr, "rvtrace: traced %llu steps in %.3f s (%.1f M steps/s, engine %s), %llu bytes (%.3g bytes/step)\n",
                 (unsigned long long)r.steps, secs, r.steps / secs / 1e6, engine.c_str(),
                 (unsigned long long)writer.bytes_written(), r.steps ? double(writer.bytes_written()) / r.steps : 0.0);
  if constexpr (has_step_count<P>)
    if (stats && r.reason != StopReason::fault) {  // the platform's own count, by a replay of the trace just written
      const TraceFile written(out);
      ReplayOptions ro;
      ro.threads = default_threads(0);
      ro.platform = std::string(P::name);
      ro.exit_rule = &P::exit_status;
      const auto count = replay<Isa>(code, written.view(), [&] { return typename P::step_count(code); }, ro);
      std::fprintf(stderr, "rvtrace: %s steps: %llu\n", std::string(P::name).c_str(),
                   (unsigned long long)count.zisk_steps());
    }
  return finish(r, max_steps);
}

// What replay and verify both start from: the trace file, checked against its ELF.
struct TraceCommands::Opened {
  TraceFile file;
  guest::Program program;
  DecodedProgram code;
  ReplayOptions opt;
  explicit Opened(const TraceCommands& c) : file(c.trace_path), program(guest::load_elf_file(c.elf)) {
    file.check_program(program, c.elf);
    opt.threads = default_threads(c.threads);
    opt.progress = c.progress || ::isatty(2);
    opt.max_steps = c.max_steps;
  }
};

// The trace names its platform: replay runs that platform's instruction set.
int TraceCommands::cmd_replay() {
  Opened opened(*this);
  const std::string name = opened.file.info().platform;
  return with_platform(name, [&](auto p) {
    using P = typename decltype(p)::type;
    opened.code = decode_program<typename P::isa>(opened.program);
    opened.opt.platform = name;
    opened.opt.exit_rule = &P::exit_status;
    return cmd_replay<P>(opened);
  });
}

template <class P>
int TraceCommands::cmd_replay(const Opened& opened) {
  using Isa = typename P::isa;
  const auto& file = opened.file;
  const auto& code = opened.code;
  const auto& opt = opened.opt;
  const auto* force_opt = replay_->get_option_no_throw("--force");
  Output output(out, force_opt && force_opt->count() > 0, inputs());
  const auto t0 = std::chrono::steady_clock::now();
  try {
    with_policy<P>(policy, code, output.f,
                   [&](auto& root, auto make) { replay_into<Isa>(root, code, file.view(), make, opt); });
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

// Exit 0: the trace is a run of the program; 1: it is not (FAILED: the first failing check);
// 120: an input cannot be read or is malformed (no verdict).
int TraceCommands::cmd_verify() {
  const std::string name = TraceFile(trace_path).info().platform;
  return with_platform(name, [&](auto p) { return cmd_verify<typename decltype(p)::type>(); });
}

// The start state of the traced run: a Linux process reads its stdin as it goes (the input is
// checked as verify reaches its reads); another platform's process has its input in memory.
template <class P>
int TraceCommands::cmd_verify() {
  using Isa = typename P::isa;
  const TraceFile file(trace_path);
  const guest::Program program = guest::load_elf_file(elf);
  constexpr bool linux = std::is_same_v<P, LinuxPlatform>;
  guest::Process proc = boot<P>({std::string(P::name), elf, linux ? std::string() : input, args});
  const int input_fd = input.empty() || !linux ? 0 : guest::open_regular_file(input, "input");
  struct CloseInput {
    int fd;
    ~CloseInput() {
      if (fd > 0) ::close(fd);
    }
  } close_input{input_fd};
  ReplayOptions opt;
  opt.threads = default_threads(threads);
  opt.progress = progress || ::isatty(2);
  opt.max_steps = max_steps;
  try {
    file.check_program(program, elf);
    const DecodedProgram code = decode_program<Isa>(program);
    InputStream in(input_fd);
    RunStart start = linux ? run_start(proc, in) : platform_run_start(proc, Isa::name);
    try {
      verify<Isa>(code, file.view(), start, opt);
    } catch (const InputError& e) {
      rethrow_with(trace_path, e);
    }
    const TraceInfo& info = file.info();
    std::printf("OK: %s: %llu steps in %llu chunks verified: a run of %s%s\n", trace_path.c_str(),
                (unsigned long long)info.total_steps, (unsigned long long)info.num_chunks, elf.c_str(),
                info.stop == TraceStop::step_limit ? " (its first steps: the trace stopped at a step limit)" : "");
    return 0;
  } catch (const InputError& e) {
    std::printf("FAILED: %s\n", e.what());
    status().kind = "verify_failed";
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
  std::printf("args hash     %016llx\n", (unsigned long long)in.args_hash);
  std::printf("input         %llu bytes, hash %016llx\n", (unsigned long long)in.input_bytes,
              (unsigned long long)in.input_hash);
  std::printf("platform      %s\n", in.platform.c_str());
  std::printf("isa           %s\n", in.isa.c_str());
  return 0;
}

template <class P>
RunResult witness_policy(guest::Process& proc, const DecodedProgram& code, const std::string& policy, Output& output,
                         std::uint64_t max_steps) {
  if (output.f == stdout) proc.syscalls.set_stdout_fd(2);  // keep stdout for the policy's output
  RunResult r;
  with_policy<P>(policy, code, output.f, [&](auto& root, auto) {
    r = run_sequential<std::remove_reference_t<decltype(root)>, typename P::isa>(proc, code, root, max_steps);
  });
  output.close();
  return r;
}

template RunResult witness_policy<LinuxPlatform>(guest::Process&, const DecodedProgram&, const std::string&, Output&,
                                                 std::uint64_t);
template RunResult witness_policy<platform::zisk::ZiskPlatform>(guest::Process&, const DecodedProgram&,
                                                                const std::string&, Output&, std::uint64_t);

}  // namespace rvtrace_cli
