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

namespace rvtrace_cli {

using namespace rvtrace;
using namespace rvtrace::trace;

namespace {

// The policy's output file (stdout for "" or "-"), closed with error checking.
class OutputFile {
 public:
  explicit OutputFile(const std::string& path) : path_(path.empty() || path == "-" ? "stdout" : path) {
    if (path_ != "stdout" && !(f_ = std::fopen(path.c_str(), "wb"))) throw InputError(path + ": cannot open for writing");
  }
  ~OutputFile() {
    if (f_ != stdout) std::fclose(f_);
  }
  std::FILE* get() const { return f_; }
  void close() {
    const bool bad = std::fflush(f_) != 0 || std::ferror(f_);
    if (f_ != stdout) std::fclose(f_);
    f_ = stdout;
    if (bad) throw std::runtime_error(path_ + ": write error");
  }

 private:
  std::string path_;
  std::FILE* f_ = stdout;
};

template <class T>
T option_value(CLI::App* cmd, const std::string& name) {
  return cmd->get_option(name)->as<T>();
}

}  // namespace

void PartialCommands::add_to(CLI::App& app) {
  replay_ = app.get_subcommand("replay");
  replay_->add_option("--chunks", chunks, "Replay only chunks A to B-1 (A:B; A: or :B for the rest)");
  replay_->add_option("--save-partial", save_partial,
                      "Save the mergeable result of the chunks to this file (rvtrace merge) instead of the output");
  if (!replay_->get_option_no_throw("--force"))  // replay may have its own (overwrite its output)
    replay_->add_flag("--force", force, "Overwrite an existing --save-partial file");

  merge_ = app.add_subcommand("merge", "Merge partial results (replay --save-partial), given in chunk order, into the policy's output");
  merge_->add_option("partials", inputs, "Partial result files, in chunk order")->required();
  merge_->add_option("-o,--output", out, "Output file (default: stdout); the partials must cover the whole trace");
  merge_->add_option("--save-partial", save_partial, "Save the merged result as a partial instead (any contiguous range)");
  merge_->add_flag("--force", force, "Overwrite an existing --save-partial file");
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
  opt.threads = option_value<unsigned>(replay_, "--threads");
  if (!opt.threads) opt.threads = std::max(1u, std::thread::hardware_concurrency());
  opt.progress = option_value<bool>(replay_, "--progress") || ::isatty(2);
  try {
    with_builtin_policy(policy, [&]<class P>(std::type_identity<P>) {
      auto make = [&] { return make_chunk_policy<P>(code); };
      if (!save_partial.empty()) {
        P root = make();
        const PartialHeader h = replay_range_into(root, code, view, make, range, opt);
        save_partial_file(save_partial, force, h, root);
      } else {
        OutputFile o(output);
        P root = make_output_root<P>(o.get(), &code);
        replay_range_into(root, code, view, make, range, opt);
        finish_output(root, o.get());
        o.close();
      }
    });
  } catch (const InputError& e) {
    const std::string what = e.what();
    if (what.rfind(trace_path, 0) == 0) throw;
    throw InputError(trace_path + ": " + what);
  }
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
      OutputFile o(out);
      P root = make_output_root<P>(o.get(), nullptr);
      for (const auto& f : files) root.merge(load_partial<P>(f->data(), f->path()));
      finish_output(root, o.get());
      o.close();
    }
  });
  return 0;
}

}  // namespace rvtrace_cli
