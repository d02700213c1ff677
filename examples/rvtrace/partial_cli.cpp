// Partial results on the rvtrace CLI: see partial_cli.hpp and docs/partial-format.md.
#include "partial_cli.hpp"

#include <unistd.h>

#include <cstdio>
#include <memory>
#include <thread>

#include "rvtrace/guest/elf.hpp"
#include "rvtrace/guest/fault.hpp"
#include "rvtrace/trace/builtin_policies.hpp"
#include "rvtrace/trace/chunk_range.hpp"
#include "rvtrace/trace/file.hpp"
#include "rvtrace/trace/partial.hpp"
#include "cli_counts.hpp"
#include "progress.hpp"
#include "trace_cli.hpp"

namespace rvtrace_cli {

using namespace rvtrace;
using namespace rvtrace::trace;

namespace {

template <class T>
T option_value(CLI::App* cmd, const std::string& name) {
  return cmd->get_option(name)->as<T>();
}

// A count option's value (cli_counts.hpp), or `otherwise` when it was not given.
std::uint64_t count_value(CLI::App* cmd, const std::string& name, std::uint64_t otherwise) {
  const CLI::Option* o = cmd->get_option(name);
  return o->count() ? parse_count(o->results().back()) : otherwise;
}

}  // namespace

void PartialCommands::add_to(CLI::App& app) {
  replay_ = app.get_subcommand("replay");
  replay_->add_option("--chunks", chunks, "Replay only chunks A to B-1 (A:B; A: or :B for the rest)");
  replay_->add_option("--save-partial", save_partial,
                      "Save the mergeable result of the chunks to this file (rvtrace merge) instead of the output");
  if (!replay_->get_option_no_throw("--force"))  // replay may have its own (overwrite its output)
    replay_->add_flag("--force", force, "Overwrite an existing output file (-o or --save-partial)");

  merge_ = app.add_subcommand("merge", "Merge partial results (replay --save-partial), given in chunk order, into the policy's output");
  merge_->add_option("partials", inputs, "Partial result files, in chunk order")->required();
  merge_->add_option("-o,--output", out, "Output file (default: stdout); the partials must cover the whole trace");
  merge_->add_option("--save-partial", save_partial, "Save the merged result as a partial instead (any contiguous range)");
  merge_->add_flag("--force", force, "Overwrite an existing output file (-o or --save-partial)");
}

std::optional<int> PartialCommands::run() {
  if (merge_ && *merge_) return cmd_merge();
  if (replay_ && *replay_ && (!chunks.empty() || !save_partial.empty())) return cmd_replay_range();
  return std::nullopt;
}

int PartialCommands::cmd_replay_range() {
  const auto trace_path = option_value<std::string>(replay_, "trace");
  const auto elf = option_value<std::string>(replay_, "--elf");
  const auto policy = option_value<std::string>(replay_, "--policy");
  const auto output = option_value<std::string>(replay_, "--output");
  if (!save_partial.empty() && !output.empty())
    throw InputError("--save-partial and -o: a partial replay writes only the partial result");
  force = force || option_value<bool>(replay_, "--force");
  if (!save_partial.empty() && !force && ::access(save_partial.c_str(), F_OK) == 0)  // fail before replaying
    throw InputError(save_partial + ": file exists (use --force to overwrite)");
  TraceFile file(trace_path);
  const guest::Program prog = guest::load_elf_file(elf);
  file.check_program(prog, elf);
  const DecodedProgram code = decode_program(prog);
  const TraceView view = file.view();
  const ChunkRange range = chunks.empty() ? ChunkRange{0, file.info().num_chunks} : parse_chunk_range(chunks, file.info().num_chunks);
  ReplayOptions opt;
  const std::uint64_t threads = count_value(replay_, "--threads", 0);
  if (threads > 1024) throw InputError("--threads " + std::to_string(threads) + ": at most 1024");
  opt.threads = threads ? static_cast<unsigned>(threads) : std::max(1u, std::thread::hardware_concurrency());
  const ProgressFlags flags{option_value<bool>(replay_, "--progress"), option_value<bool>(replay_, "--no-progress")};
  ProgressLine line(flags.enabled(), "replayed");
  opt.on_progress = line.replay_callback();
  try {
    with_builtin_policy(policy, [&]<class P>(std::type_identity<P>) {
      auto make = [&] { return make_chunk_policy<P>(code); };
      if (!save_partial.empty()) {
        P root = make();
        const PartialHeader h = replay_range_into(root, code, view, make, range, opt);
        save_partial_file(save_partial, force, h, root);
      } else {
        Output o(output, force, {trace_path, elf});
        P root = make_output_root<P>(o.f, &code);
        replay_range_into(root, code, view, make, range, opt);
        finish_output(root, o.f);
        o.close();
      }
    });
  } catch (const InputError& e) {
    line.end();
    const std::string what = e.what();
    if (what.rfind(trace_path, 0) == 0) throw;
    throw InputError(trace_path + ": " + what);
  }
  line.end();
  return 0;
}

int PartialCommands::cmd_merge() {
  if (!save_partial.empty() && !out.empty()) throw InputError("merge: --save-partial and -o: choose one output");
  std::vector<std::unique_ptr<PartialFile>> files;
  PartialHeader all;
  for (const std::string& path : inputs) {
    files.push_back(std::make_unique<PartialFile>(path));
    const PartialHeader& h = files.back()->header();
    if (files.size() == 1) all = h;
    else check_continues(all, h, path), all = joined(all, h);
  }
  if (save_partial.empty() && !all.whole_trace())
    throw InputError("merge: the results cover " + all.range_text() +
                     ", not the whole trace (add the missing ranges, or --save-partial to merge a part)");
  with_builtin_policy(all.policy, [&]<class P>(std::type_identity<P>) {
    if (!save_partial.empty()) {
      P root{};
      for (const auto& f : files) root.merge(load_partial<P>(f->data(), f->path()));
      save_partial_file(save_partial, force, all, root);
    } else {
      Output o(out, force, inputs);
      P root = make_output_root<P>(o.f, nullptr);
      for (const auto& f : files) root.merge(load_partial<P>(f->data(), f->path()));
      finish_output(root, o.f);
      o.close();
    }
  });
  return 0;
}

}  // namespace rvtrace_cli
