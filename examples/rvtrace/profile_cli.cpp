// rvtrace profile: see profile_cli.hpp. The cost model file is JSON, read with nlohmann/json (the
// Debian-packaged parser; the library's headers stay free of it):
//   {"unit": "rows", "default": 1, "weights": {"muldiv": 4, "load": 2, "store": 2, "ecall": 100}}
// Classes: see rvtrace/trace/cost_model.hpp (insn_class_names). Weights are non-negative integers.
#include "profile_cli.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "rvtrace/guest/elf.hpp"
#include "rvtrace/guest/fault.hpp"
#include "rvtrace/guest/symbols.hpp"
#include "rvtrace/trace/cost_model.hpp"
#include "rvtrace/trace/file.hpp"
#include "rvtrace/trace/flame_graph.hpp"
#include "rvtrace/trace/profile_policy.hpp"
#include "rvtrace/trace/profile_report.hpp"
#include "rvtrace/trace/replay.hpp"
#include "rvtrace/trace/sequential.hpp"
#include "cli_stats.hpp"

namespace rvtrace_cli {

using namespace rvtrace;
using namespace rvtrace::trace;

namespace {

const char* const formats = "text, folded, speedscope, svg, classes";

CostModel read_cost_model(const std::string& path) {
  CostModel m;
  if (path.empty()) return m;
  std::ifstream in(path);
  if (!in) throw InputError(path + ": cannot open the cost model");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError(path + ": not valid JSON (" + e.what() + ")");
  }
  auto weight = [&](const nlohmann::json& v, const std::string& what) -> std::uint64_t {
    if (!v.is_number_unsigned()) throw InputError(path + ": " + what + " must be a non-negative integer");
    return v.get<std::uint64_t>();
  };
  if (!j.is_object()) throw InputError(path + ": the cost model must be a JSON object");
  for (auto& [key, v] : j.items())
    if (key != "unit" && key != "default" && key != "weights")
      throw InputError(path + ": unknown key '" + key + "' (unit, default, weights)");
  if (j.contains("unit")) {
    if (!j["unit"].is_string() || j["unit"].get<std::string>().empty())
      throw InputError(path + ": \"unit\" must be a non-empty string");
    m.unit = j["unit"].get<std::string>();
  }
  if (j.contains("default")) m.weight.fill(weight(j["default"], "\"default\""));
  if (j.contains("weights")) {
    if (!j["weights"].is_object()) throw InputError(path + ": \"weights\" must be an object of class: weight");
    for (auto& [key, v] : j["weights"].items()) {
      std::size_t k = 0;
      while (k < insn_class_count && insn_class_names[k] != key) ++k;
      if (k == insn_class_count) {
        std::string all;
        for (auto n : insn_class_names) all += (all.empty() ? "" : ", ") + std::string(n);
        throw InputError(path + ": unknown instruction class '" + key + "' (" + all + ")");
      }
      m.weight[k] = weight(v, "the weight of " + key);
    }
  }
  if (m.unit == "steps" && !m.counts_steps())
    throw InputError(path + ": a model whose weights are not all 1 needs its own \"unit\"");
  return m;
}

void check_format(const std::string& f) {
  if (f != "text" && f != "folded" && f != "speedscope" && f != "svg" && f != "classes")
    throw InputError("unknown profile format '" + f + "' (" + formats + ")");
}

void write_profile(std::FILE* out, const std::string& format, const ProfilePolicy& p, const guest::FunctionTable& fns,
                   const guest::Program& prog, std::size_t top) {
  const ProfileReport r = make_report(p, fns, prog);
  const bool cost = !r.cost_is_steps;
  const std::string name = std::filesystem::path(prog.name).filename().string();
  if (format == "text") write_profile_text(out, r, top);
  else if (format == "folded") write_profile_folded(out, r, cost);
  else if (format == "speedscope") write_profile_speedscope(out, r, name);
  else write_flame_graph_svg(out, r, {.title = name + (cost ? " (" + r.unit + ")" : std::string(" (steps)")), .cost = cost});
}

}  // namespace

void ProfileCommand::add_to(CLI::App& app, CLI::App* witness) {
  profile_ = app.add_subcommand("profile", "Profile the guest from its trace: per-function steps and cost, call tree, flame graph");
  profile_->add_option("trace", trace_path, "Trace file (.rvmt)")->required();
  profile_->add_option("--elf", elf, "The traced ELF (its symbols name the functions)")->required();
  add_count_option(profile_, "--threads", threads, "Replay threads (default: all cores)");
  profile_->add_option("-o,--output", out, "Output file (default: stdout)");
  profile_->add_flag("--stats", stats, "Print replay speed to stderr");
  profile_->add_flag("--json", json, "With --stats: print them as one JSON object on stderr");
  profile_->add_flag("--force", force, "Overwrite an existing output file");
  for (CLI::App* c : {profile_, witness}) {
    c->add_option("--format", format, std::string("Profile output: ") + formats)->capture_default_str();
    c->add_option("--cost-model", cost_model, "JSON cost model (weights per instruction class)")->check(CLI::ExistingFile);
    add_count_option(c, "--top", top, "Functions in the text table (0: all; default 20)");
  }
}

std::optional<int> ProfileCommand::run() {
  if (!profile_ || !*profile_) return std::nullopt;
  check_format(format);
  const CostModel model = read_cost_model(cost_model);
  const guest::Program prog = guest::load_elf_file(elf);
  TraceFile file(trace_path);
  file.check_program(prog, elf);
  const DecodedProgram code = decode_program(prog);
  ReplayOptions opt;
  if (threads > 1024) throw InputError("--threads " + std::to_string(threads) + ": at most 1024");
  opt.threads = threads ? static_cast<unsigned>(threads) : std::max(1u, std::thread::hardware_concurrency());
  Output output(out, force, {trace_path, elf, cost_model});
  const auto t0 = std::chrono::steady_clock::now();
  try {
    if (format == "classes") {
      replay(code, file.view(), [&] { return ClassCountPolicy(code); }, opt).write(output.f);
    } else {
      const guest::FunctionTable fns(prog);
      const auto pcode = std::make_shared<const ProfileCode>(code, fns, model);
      const ProfilePolicy p = replay(code, file.view(), [&] { return ProfilePolicy(pcode); }, opt);
      write_profile(output.f, format, p, fns, prog, top);
    }
  } catch (const InputError& e) {
    throw InputError(trace_path + ": " + e.what());
  }
  output.close();
  if (stats) {
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const std::uint64_t n = file.info().total_steps;
    char text[160];
    std::snprintf(text, sizeof text, "profiled %llu steps in %.3f s on %u threads (%.1f M steps/s)",
                  (unsigned long long)n, s, opt.threads, n / s / 1e6);
    print_stats(json,
                {{"command", "profile"}, {"steps", n}, {"seconds", s}, {"threads", opt.threads},
                 {"steps_per_second", n / s}, {"format", format}},
                text);
  }
  return 0;
}

RunResult ProfileCommand::witness(guest::Process& proc, const DecodedProgram& code, Output& output,
                                  std::uint64_t max_steps, const std::function<void(std::uint64_t)>& on_progress) {
  check_format(format);
  const CostModel model = read_cost_model(cost_model);
  if (output.f == stdout) proc.syscalls.set_stdout_fd(2);  // keep stdout for the profile
  RunResult r;
  if (format == "classes") {
    ClassCountPolicy p(code);
    r = run_sequential(proc, code, p, max_steps, on_progress);
    p.write(output.f);
  } else {
    const guest::FunctionTable fns(proc.program);
    ProfilePolicy p(std::make_shared<const ProfileCode>(code, fns, model));
    r = run_sequential(proc, code, p, max_steps, on_progress);
    write_profile(output.f, format, p, fns, proc.program, top);
  }
  output.close();
  return r;
}

}  // namespace rvtrace_cli
