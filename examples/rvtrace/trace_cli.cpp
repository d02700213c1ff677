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
#include "rvtrace/trace/output_file.hpp"
#include "rvtrace/trace/replay.hpp"
#include "rvtrace/trace/run_start.hpp"
#include "rvtrace/trace/sequential.hpp"
#include "rvtrace/trace/text_policy.hpp"
#include "rvtrace/trace/witness_policy.hpp"
#include "rvtrace/platform/platform.hpp"
#include "cli_errors.hpp"
#include "cli_stats.hpp"

namespace rvtrace_cli {

using namespace rvtrace;
using namespace rvtrace::trace;

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
// count (target.hpp) is the policy "P-steps".
template <class P, class Run>
void with_policy(const std::string& name, const DecodedProgram& code, std::FILE* out, Run&& run) {
  if constexpr (has_step_count<P>) {
    if (name == step_count_policy<P>()) {
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
    throw InputError("unknown policy '" + name + "' for platform " + std::string(P::name) +
                     " (digest, histogram, witness, memops, text" +
                     (has_step_count<P> ? ", " + step_count_policy<P>() : std::string()) + ")");
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


// How a trace's run ended, as `info` prints it.
std::string stop_text(const TraceInfo& in) {
  switch (in.stop) {
    case TraceStop::exited: return "exited with code " + std::to_string(in.exit_code);
    case TraceStop::ebreak: return "ebreak";
    case TraceStop::fault: return "fault: " + in.fault().message();
    case TraceStop::step_limit: return "step limit";
  }
  return "unknown";
}

std::string hex(std::uint64_t v) {
  char b[20];
  std::snprintf(b, sizeof b, "%016llx", (unsigned long long)v);
  return b;
}

// `info --json`: the fields of `info`, numbers as numbers, hashes as 16 hex digits.
nlohmann::json info_json(const TraceFile& file, const std::string& path) {
  const TraceInfo& in = file.info();
  static const char* const stops[] = {"exited", "ebreak", "fault", "step_limit"};
  nlohmann::json stop{{"reason", stops[static_cast<int>(in.stop)]}};
  if (in.stop == TraceStop::exited) stop["exit_code"] = in.exit_code;
  if (in.stop == TraceStop::fault) stop["fault"] = in.fault().message();
  return {{"file", path},
          {"file_bytes", file.file_size()},
          {"steps", in.total_steps},
          {"chunk_steps", in.chunk_steps},
          {"chunks", in.num_chunks},
          {"log_words", in.log_words},
          {"stop", stop},
          {"program_hash", hex(in.program_hash)},
          {"args_hash", hex(in.args_hash)},
          {"input_bytes", in.input_bytes},
          {"input_hash", hex(in.input_hash)},
          {"platform", in.platform},
          {"isa", in.isa}};
}

}  // namespace

void TraceCommands::print_trace_stats(const RunResult& r, double secs, std::uint64_t bytes, int rc) const {
  nlohmann::json j{{"command", "trace"}, {"steps", r.steps},      {"seconds", secs},     {"steps_per_second", r.steps / secs},
                   {"engine", engine},   {"trace_bytes", bytes}, {"exit_code", rc}};
  const std::string note = r.reason == StopReason::exited ? add_guest_exit(j, r.exit_code) : "";
  char text[200];
  std::snprintf(text, sizeof text, "traced %llu steps in %.3f s (%.1f M steps/s, engine %s), %llu bytes (%.3g bytes/step)",
                (unsigned long long)r.steps, secs, r.steps / secs / 1e6, engine.c_str(), (unsigned long long)bytes,
                r.steps ? double(bytes) / r.steps : 0.0);
  print_stats(json, j, text + note);
}

void TraceCommands::add_to(CLI::App& app) {
  const std::string budget = std::to_string(default_step_budget);
  trace_ = app.add_subcommand("trace", "Run a program and record its minimal trace (.rvmt); guest output passes through");
  trace_->add_option("-o,--output", out, "Trace file to write")->required();
  add_count_option(trace_, "--chunk-steps", chunk_steps, "Steps per chunk: a power of two, 2^4..2^40 (default 2^18)");
  trace_->add_option("--engine", engine, "Execution engine: aot (x86_64 translation) or interp")->capture_default_str();
  trace_->add_flag("--force", force, "Overwrite an existing trace file");
  trace_->add_flag("--stats", stats, "Print steps, steps/s and trace size to stderr");
  trace_->add_flag("--json", json, "With --stats: print them as one JSON object on stderr");
  trace_->add_flag("--outputs", outputs, "Print the platform's end-of-run outputs (zisk: the 64 public outputs)");
  progress.add_to(trace_);
  add_count_option(trace_, "--max-steps", max_steps,
                   "Stop (exit 122, recording a step-limit trace) after this many steps (default " + budget + ")");
  add_count_option(trace_, "--max-bytes", max_bytes,
                   "Stop (exit 122, no trace) when the trace file would exceed this size (default " +
                       std::to_string(default_max_trace_bytes) + ")");
  trace_->add_option("--input", input, "File the guest reads as its standard input (zisk: its input file)");
  target.add_to(trace_);
  trace_->add_option("program", elf, "RISC-V ELF executable")->required();
  trace_->add_option("args", args, "Arguments passed to the guest (put -- before them when one starts with -)");

  replay_ = app.add_subcommand("replay", "Replay a trace in parallel, memoryless, through a trace policy");
  replay_->add_option("trace", trace_path, "Trace file (.rvmt)")->required();
  replay_->add_option("--elf", elf, "The traced RISC-V ELF executable")->required();
  add_count_option(replay_, "--threads", threads, "Worker threads (default: all cores)");
  replay_->add_option("--policy", policy, "digest, histogram, witness (binary columns), memops or text")
      ->capture_default_str()
      ->check(CLI::IsMember(policy_names));
  replay_->add_option("-o,--output", out, "Output file (default: stdout)");
  // replay's --force (also for -o) is registered by partial_cli.cpp; cmd_replay reads its count.
  add_count_option(replay_, "--max-steps", max_steps, "Refuse traces of more steps (exit 122; default " + budget + ")");
  progress.add_to(replay_);
  replay_->add_flag("--stats", stats, "Print steps and steps/s to stderr");
  replay_->add_flag("--json", json, "With --stats: print them as one JSON object on stderr");

  verify_ = app.add_subcommand(
      "verify",
      "Prove a trace is a run of the program on these arguments and input; prints OK or the first error (exit 0/1)");
  verify_->add_option("trace", trace_path, "Trace file (.rvmt)")->required();
  verify_->add_option("--elf", elf, "The traced RISC-V ELF executable (the same path as given to trace: it is argv[0])")
      ->required();
  verify_->add_option("--input", input,
                      "The file the traced run read as stdin (default: our stdin, if it read any); zisk: its input file");
  add_count_option(verify_, "--threads", threads, "Worker threads (default: all cores)");
  verify_->add_option("--engine", engine, "Replay engine: aot (x86_64 translation) or interp (the reference)")
      ->capture_default_str();
  add_count_option(verify_, "--max-steps", max_steps, "Refuse traces of more steps (exit 122; default " + budget + ")");
  progress.add_to(verify_);
  verify_->add_flag("--json", json, "Print the verdict as one JSON object on stdout");
  verify_->add_option("args", args, "The arguments the program was traced with (after -- when one starts with -)");

  info_ = app.add_subcommand("info", "Describe a trace file: steps, chunks, log words, bytes per step");
  info_->add_option("trace", trace_path, "Trace file (.rvmt)")->required();
  info_->add_flag("--json", json, "Print the description as one JSON object");
}

std::optional<int> TraceCommands::run(const Finish& finish) {
  if (trace_ && *trace_) return cmd_trace(finish);
  if (replay_ && *replay_) return cmd_replay();
  if (verify_ && *verify_) return cmd_verify();
  if (info_ && *info_) return cmd_info();
  return std::nullopt;
}


int TraceCommands::cmd_trace(const Finish& finish) {
  return with_platform(target.platform, [&](auto p) { return trace_on<typename decltype(p)::type>(finish); });
}

template <class P>
int TraceCommands::trace_on(const Finish& finish) {
  using Isa = typename P::engine_isa;
  if (engine != "aot" && engine != "interp") throw InputError("unknown engine '" + engine + "' (aot, interp)");
  if (outputs && !P::has_outputs)
    throw InputError("--outputs: platform " + std::string(P::name) + " has no end-of-run outputs");
  check_chunk_steps(chunk_steps);
  platform::BootOptions boot;
  boot.argv = {elf};
  boot.argv.insert(boot.argv.end(), args.begin(), args.end());
  boot.input = input;
  guest::Process proc = P::boot(guest::load_elf_file(elf), boot);
  const DecodedProgram code = platform::isa_named<P>(target.isa).decode(proc.program);
  const std::vector<std::string> ins = inputs();
  TraceFileWriter writer(out, force, ins, max_bytes);
  RecordOptions opt;
  opt.chunk_steps = chunk_steps;
  opt.max_steps = max_steps;
  const auto t0 = std::chrono::steady_clock::now();
  ProgressLine line(progress.enabled(), "traced");
  RunResult r;
  if (engine == "aot") {
    const aot::CompiledProgram compiled(code, proc.memory, true, aot::isa_tag<Isa>, aot::translate_lazily);
    AotEngine<Isa> e(compiled);
    r = record(proc, code, writer, with_progress(e, line), opt);
  } else {
    InterpreterEngine<Isa> e(code);
    r = record(proc, code, writer, with_progress(e, line), opt);
  }
  line.done(r.steps);
  const double secs = seconds_since(t0);
  P::finish(proc, r, platform::FinishOptions{outputs});
  std::fflush(stdout);
  const int rc = finish(r, max_steps);
  if (stats) print_trace_stats(r, secs, writer.bytes_written(), rc);
  if constexpr (has_step_count<P>)
    if (stats && r.reason != StopReason::fault) {  // the platform's own count, by a replay of the trace just written
      const TraceFile written(out);
      ReplayOptions ro;
      ro.threads = default_threads(0);
      ro.platform = std::string(P::name);
      ro.exit_rule = P::exit_rule;
      const auto count = replay<Isa>(code, written.view(), [&] { return typename P::step_count(code); }, ro);
      std::fprintf(stderr, "rvtrace: %s steps: %llu\n", std::string(P::name).c_str(),
                   (unsigned long long)count.zisk_steps());
    }
  return rc;
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
    opt.max_steps = c.max_steps;
  }
  // Decodes the program as the trace says (its platform's decoding of its ISA), for platform P.
  template <class P>
  void decode_for() {
    code = platform::isa_named<P>(file.info().isa).decode(program);
    opt.platform = std::string(P::name);
    opt.exit_rule = P::exit_rule;
  }
};

int TraceCommands::cmd_replay() {
  Opened opened(*this);
  const auto& file = opened.file;
  const auto& code = opened.code;
  const auto& opt = opened.opt;
  const auto* force_opt = replay_->get_option_no_throw("--force");
  Output output(out, force_opt && force_opt->count() > 0, inputs());
  const auto t0 = std::chrono::steady_clock::now();
  ProgressLine line(progress.enabled(), "replayed", file.info().total_steps);
  ReplayOptions with_line = opt;
  with_line.on_progress = line.replay_callback();
  try {
    with_platform(file.info().platform, [&](auto p) {
      using P = typename decltype(p)::type;
      opened.decode_for<P>();
      with_line.platform = opened.opt.platform;
      with_line.exit_rule = opened.opt.exit_rule;
      with_policy<P>(policy, code, output.f, [&](auto& root, auto make) {
        replay_into<typename P::engine_isa>(root, code, file.view(), make, with_line);
      });
    });
  } catch (const InputError& e) {
    rethrow_with(trace_path, e);
  }
  line.done(file.info().total_steps);
  output.close();
  const double secs = seconds_since(t0);
  if (stats) {
    const std::uint64_t n = file.info().total_steps;
    char text[200];
    std::snprintf(text, sizeof text, "replayed %llu steps (%llu chunks) in %.3f s on %u threads (%.1f M steps/s), policy %s",
                  (unsigned long long)n, (unsigned long long)file.info().num_chunks, secs, opt.threads, n / secs / 1e6,
                  policy.c_str());
    print_stats(json,
                {{"command", "replay"}, {"steps", n}, {"chunks", file.info().num_chunks}, {"seconds", secs},
                 {"threads", opt.threads}, {"steps_per_second", n / secs}, {"policy", policy}},
                text);
  }
  return 0;
}

// Exit 0: the trace is a run of the program; 1: it is not (FAILED: the first failing check);
// 120: an input cannot be read or is malformed (no verdict).
int TraceCommands::cmd_verify() {
  if (engine != "aot" && engine != "interp") throw InputError("unknown engine '" + engine + "' (aot, interp)");
  const TraceFile file(trace_path);
  const guest::Program program = guest::load_elf_file(elf);
  const int input_fd = input.empty() ? 0 : guest::open_regular_file(input, "input");  // unreadable: 120
  struct CloseInput {
    int fd;
    ~CloseInput() {
      if (fd > 0) ::close(fd);
    }
  } close_input{input_fd};
  ReplayOptions opt;
  opt.threads = default_threads(threads);
  opt.max_steps = max_steps;
  opt.engine = engine == "aot" ? Engine::aot : Engine::interp;
  ProgressLine line(progress.enabled(), "verified", file.info().total_steps);
  opt.on_progress = line.replay_callback();
  try {
    file.check_program(program, elf);
    with_platform(file.info().platform,
                  [&](auto p) { verify_on<typename decltype(p)::type>(file, program, input_fd, opt); });
    line.done(file.info().total_steps);
    const TraceInfo& info = file.info();
    const bool prefix = info.stop == TraceStop::step_limit;
    if (json)
      std::printf("%s\n", nlohmann::json{{"verdict", "ok"}, {"trace", trace_path}, {"elf", elf}, {"steps", info.total_steps},
                                         {"chunks", info.num_chunks}, {"prefix_of_run", prefix}}
                               .dump()
                               .c_str());
    else
      std::printf("OK: %s: %llu steps in %llu chunks verified: a run of %s%s\n", trace_path.c_str(),
                  (unsigned long long)info.total_steps, (unsigned long long)info.num_chunks, elf.c_str(),
                  prefix ? " (its first steps: the trace stopped at a step limit)" : "");
    return 0;
  } catch (const InputError& e) {  // the verdict: not a run of the program (exit 1, not an error of ours)
    line.end();
    if (json)
      std::printf("%s\n", nlohmann::json{{"verdict", "failed"}, {"trace", trace_path}, {"elf", elf}, {"reason", e.what()}}
                               .dump()
                               .c_str());
    else
      std::printf("FAILED: %s\n", e.what());
    status().kind = "verify_failed";
    return exit_codes::verify_failed;
  }
}

// The run the trace claims, started as platform P starts it (the trace names P and its ISA).
template <class P>
void TraceCommands::verify_on(const TraceFile& file, const guest::Program& program, int input_fd,
                              const ReplayOptions& opt) {
  using Isa = typename P::engine_isa;
  constexpr bool linux = std::is_same_v<P, platform::Linux>;
  platform::BootOptions boot;
  boot.argv = {elf};
  boot.argv.insert(boot.argv.end(), args.begin(), args.end());
  if (!linux) boot.input = input;  // (linux: the ecall model reads it as a stream, below)
  guest::Process proc = P::boot(program, boot);
  const DecodedProgram code = platform::isa_named<P>(file.info().isa).decode(program);
  InputStream in(linux ? input_fd : 0);
  RunStart start = linux ? run_start(proc, in) : platform_run_start(proc, code.isa->name);
  if (linux) start.isa = std::string(code.isa->name);
  try {
    verify<Isa>(code, file.view(), start, opt);
  } catch (const InputError& e) {
    rethrow_with(trace_path, e);
  }
}

int TraceCommands::cmd_info() {
  TraceFile file(trace_path);
  const TraceInfo& in = file.info();
  if (json) {
    std::printf("%s\n", info_json(file, trace_path).dump(2).c_str());
    return 0;
  }
  std::printf("file          %s (%llu bytes)\n", trace_path.c_str(), (unsigned long long)file.file_size());
  std::printf("steps         %llu\n", (unsigned long long)in.total_steps);
  std::printf("chunk steps   %llu\n", (unsigned long long)in.chunk_steps);
  std::printf("chunks        %llu\n", (unsigned long long)in.num_chunks);
  std::printf("log words     %llu (%.2g per step)\n", (unsigned long long)in.log_words,
              in.total_steps ? double(in.log_words) / in.total_steps : 0.0);
  std::printf("bytes/step    %.3g\n", in.total_steps ? double(file.file_size()) / in.total_steps : 0.0);
  std::printf("stop          %s\n", stop_text(in).c_str());
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
                         std::uint64_t max_steps, const std::function<void(std::uint64_t)>& on_progress) {
  if (output.f == stdout) proc.syscalls.set_stdout_fd(2);  // keep stdout for the policy's output (linux)
  RunResult r;
  with_policy<P>(policy, code, output.f, [&](auto& root, auto) {
    r = run_sequential<std::remove_reference_t<decltype(root)>, typename P::engine_isa>(proc, code, root, max_steps,
                                                                                        on_progress);
  });
  output.close();
  return r;
}

template RunResult witness_policy<platform::Linux>(guest::Process&, const DecodedProgram&, const std::string&, Output&,
                                                   std::uint64_t, const std::function<void(std::uint64_t)>&);
template RunResult witness_policy<platform::zisk::ZiskPlatform>(guest::Process&, const DecodedProgram&,
                                                                const std::string&, Output&, std::uint64_t,
                                                                const std::function<void(std::uint64_t)>&);

}  // namespace rvtrace_cli
