// A rank other than 0: asks rank 0 for chunk ranges, replays each with its local thread pool and
// sends back the range's partial result (trace/partial.hpp), until rank 0 says done or stop.
// Shared mode: it maps the trace and loads the ELF itself. Ship mode: it opens no file; rank 0
// sends the program once and, with every range, the range's TraceSlice (checkpoints and log).
#pragma once
#include <mpi.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "mpi_link.hpp"
#include "rvtrace/guest/elf.hpp"
#include "rvtrace/interp/program.hpp"
#include "rvtrace/trace/builtin_policies.hpp"
#include "rvtrace/trace/chunk_range.hpp"
#include "rvtrace/trace/file.hpp"
#include "rvtrace/trace/partial.hpp"
#include "rvtrace/trace/trace_slice.hpp"
#include "settings.hpp"

namespace mpi_replay {

using namespace rvtrace;
using namespace rvtrace::trace;

// Rank 0 said stop (another rank failed).
struct Stopped {};

inline std::string range_name(std::uint64_t first, std::uint64_t count) {
  return "chunks " + std::to_string(first) + ":" + std::to_string(first + count);
}

// Testing hook (--test-fault): this rank dies or stops answering once it has work.
inline void inject_fault(const Settings& s, int rank) {
  if (rank != s.fault_rank) return;
  if (s.fault_kind == "kill") ::raise(SIGKILL);
  if (s.fault_kind == "stall")
    for (;;) ::pause();
}

inline unsigned replay_threads(const Settings& s) {
  return s.threads ? s.threads : std::max(1u, std::thread::hardware_concurrency());
}

template <class P>
class Worker {
 public:
  Worker(const Settings& s, int rank) : s_(s), rank_(rank) { opt_.threads = replay_threads(s); }

  // Returns this rank's exit code.
  int run() {
    int rc = 0;
    try {
      try {
        setup();
        work();
      } catch (const Stopped&) {
        rc = exit_code::bad_input;
      } catch (const Timeout&) {
        throw;
      } catch (const std::exception& e) {
        send_text(0, tag_error, e.what());
        recv_words(wait_for(0, {tag_stop}, timeout(), "rank 0 to stop the run"));
        stopped_ = true;
        rc = exit_code::bad_input;
      }
      drain();
      send_words(0, tag_stopped, {});
    } catch (const Timeout& e) {
      std::fprintf(stderr, "mpi_replay: rank %d: %s\n", rank_, e.what());
      abandon_job(exit_code::bad_input);
    }
    return rc;
  }

 private:
  std::chrono::duration<double> timeout() const { return std::chrono::duration<double>(s_.timeout); }

  void setup() {
    if (s_.ship()) {
      const std::vector<std::uint64_t> w = recv_words(wait_rank0(tag_program, "the program from rank 0"));
      if (w.empty() || w[0] > 8 * (w.size() - 1)) throw InputError("program from rank 0: bad message");
      const auto* bytes = reinterpret_cast<const std::uint8_t*>(w.data() + 1);
      code_ = decode_program(guest::load_elf({bytes, static_cast<std::size_t>(w[0])}, "program from rank 0"));
    } else {
      file_.emplace(s_.trace);
      const guest::Program prog = guest::load_elf_file(s_.elf);
      file_->check_program(prog, s_.elf);
      code_ = decode_program(prog);
    }
  }

  MPI_Status wait_rank0(Tag tag, const std::string& what) {
    const MPI_Status st = wait_for(0, {tag, tag_stop}, timeout(), what);
    if (st.MPI_TAG == tag_stop) stop(st);
    return st;
  }
  [[noreturn]] void stop(const MPI_Status& st) {
    recv_words(st);
    stopped_ = true;
    throw Stopped{};
  }

  void work() {
    for (;;) {
      send_words(0, tag_request, {});
      const std::vector<std::uint64_t> w = recv_words(wait_rank0(tag_work, "work from rank 0"));
      if (w.size() != 3) break;  // [done]
      const ChunkRange r{w[1], w[2]};
      std::optional<TraceSlice> slice;
      if (s_.ship())
        slice = TraceSlice::from_words(recv_words(wait_rank0(tag_slice, "the trace slice from rank 0")),
                                       range_name(r.first, r.count) + " from rank 0");
      inject_fault(s_, rank_);
      const TraceView view = slice ? slice->view() : file_->view();
      auto make = [&] { return make_chunk_policy<P>(code_); };
      P result = make();
      const PartialHeader h = replay_range_into(result, code_, view, make, r, opt_);
      outbox_.post(0, tag_result, partial_to_words(h, result));
      wait_outbox(s_.window);
    }
  }

  // Waits until at most `pending` results are in flight (rank 0 takes them in chunk order).
  void wait_outbox(std::size_t pending) {
    const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(timeout());
    MPI_Status st;
    while (outbox_.progress() > pending) {
      if (!stopped_ && probe(0, tag_stop, &st)) stop(st);
      if (Clock::now() > deadline) throw Timeout("rank 0 took no result for " + std::to_string(long(s_.timeout)) + " s");
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  }
  void drain() {
    try {
      wait_outbox(0);
    } catch (const Stopped&) {  // rank 0 discards what is in flight
      wait_outbox(0);
    }
  }

  const Settings& s_;
  int rank_;
  ReplayOptions opt_;
  std::optional<TraceFile> file_;
  DecodedProgram code_;
  Outbox outbox_;
  bool stopped_ = false;
};

}  // namespace mpi_replay
