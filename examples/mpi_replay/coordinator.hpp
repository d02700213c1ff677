// Rank 0: hands out chunk ranges (static blocks or dynamically, as ranks ask), ships slices in
// ship mode, replays its own ranges on a local thread, and merges every range's result in chunk
// order into the root policy, which streams the output. It receives a range's result only when
// that range is next to merge, so it holds one result at a time (ranks keep at most `window`
// in flight). Any rank's error, or a rank silent for --timeout seconds, ends the run: one message,
// the other ranks are told to stop, exit code 120.
#pragma once
#include <mpi.h>

#include <cstdio>
#include <deque>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "local_worker.hpp"
#include "mpi_link.hpp"
#include "settings.hpp"
#include "worker.hpp"

namespace mpi_replay {

// Bytes rank 0 sent to one rank, by kind.
struct Shipped {
  std::uint64_t program = 0, slices = 0, control = 0, chunks = 0;
  std::uint64_t total() const { return program + slices + control; }
};

class RunFailed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

template <class P>
class Coordinator {
 public:
  Coordinator(const Settings& s, int ranks) : s_(s), ranks_(ranks), shipped_(ranks), said_done_(ranks), said_bye_(ranks), heard_(ranks, Clock::now()) {}

  int run() {
    try {
      try {
        setup();
        plan();
        loop();
      } catch (const RunFailed&) {
        throw;
      } catch (const std::exception& e) {
        fail(e.what());
      }
    } catch (const RunFailed& e) {
      std::fprintf(stderr, "mpi_replay: error: %s\n", e.what());
      stop_all();
      local_.release();  // deliberately not joined: it may be mid-range; main exits right after MPI_Finalize
      return exit_code::bad_input;
    }
    finish_output(*root_, out_);
    if (out_ != stdout && std::fclose(std::exchange(out_, stdout)) != 0) throw std::runtime_error(s_.out + ": write error");
    if (s_.stats) print_stats();
    return 0;
  }

 private:
  using Seconds = std::chrono::duration<double>;
  [[noreturn]] void fail(const std::string& what) { throw RunFailed(what); }

  void setup() {
    t0_ = Clock::now();
    file_.emplace(s_.trace);
    std::ifstream in(s_.elf, std::ios::binary);
    if (!in) throw InputError(s_.elf + ": cannot open");
    elf_bytes_.assign(std::istreambuf_iterator<char>(in), {});
    prog_ = guest::load_elf({reinterpret_cast<const std::uint8_t*>(elf_bytes_.data()), elf_bytes_.size()}, s_.elf);
    file_->check_program(prog_, s_.elf);
    code_ = decode_program(prog_);
    if (!s_.out.empty() && s_.out != "-" && !(out_ = std::fopen(s_.out.c_str(), "wb")))
      throw InputError(s_.out + ": cannot open for writing");
    root_.emplace(make_output_root<P>(out_, &code_));
    sofar_ = PartialHeader::for_range(file_->view(), P::partial_name, 0, 0);
    if (s_.ship()) {  // the program, once per rank: its file bytes, length first
      std::vector<std::uint64_t> w(1 + (elf_bytes_.size() + 7) / 8);
      w[0] = elf_bytes_.size();
      std::memcpy(w.data() + 1, elf_bytes_.data(), elf_bytes_.size());
      for (int r = 1; r < ranks_; ++r) {
        outbox_.post(r, tag_program, std::vector<std::uint64_t>(w));
        shipped_[r].program += 8 * w.size();
      }
    }
    ReplayOptions opt;
    opt.threads = replay_threads(s_);
    local_ = std::make_unique<LocalWorker<P>>(code_, file_->view(), opt, s_.window);
  }

  // Cuts the trace into ranges; static: rank k owns the ranges of block k (chunks k*n/R ..).
  void plan() {
    const std::uint64_t n = file_->info().num_chunks, R = static_cast<std::uint64_t>(ranks_);
    const std::uint64_t grain = s_.grain ? s_.grain : std::max<std::uint64_t>(1, (n + 4 * R - 1) / (4 * R));
    queues_.resize(ranks_);
    auto cut = [&](std::deque<std::size_t>& queue, std::uint64_t a, std::uint64_t b) {
      for (std::uint64_t c = a; c < b; c += grain) {
        queue.push_back(ranges_.size());
        ranges_.push_back({c, std::min(grain, b - c)});
      }
    };
    if (s_.dynamic()) cut(queues_[0], 0, n);  // one queue: whoever asks first
    else
      for (std::uint64_t k = 0; k < R; ++k) cut(queues_[k], k * n / R, (k + 1) * n / R);
    owner_.assign(ranges_.size(), -1);
  }

  // The next range for `rank`, or none.
  std::optional<std::size_t> next_range(int rank) {
    auto& q = queues_[s_.dynamic() ? 0 : rank];
    if (q.empty()) return std::nullopt;
    const std::size_t id = q.front();
    q.pop_front();
    owner_[id] = rank;
    shipped_[rank].chunks += ranges_[id].count;
    return id;
  }

  void loop() {
    while (merged_ < ranges_.size() || !all_workers_done()) {
      bool busy = serve_requests();
      if (const auto e = local_->error()) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& x) {
          fail(x.what());
        }
      }
      if (local_->wants_work())
        if (const auto id = next_range(0)) local_->give(ranges_[*id]);
      busy |= merge_next();
      outbox_.progress();
      if (!busy) {
        check_silence();
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      }
    }
  }

  bool all_workers_done() const {
    for (int r = 1; r < ranks_; ++r)
      if (!said_bye_[r]) return false;
    return true;
  }

  bool serve_requests() {
    bool any = false;
    MPI_Status st;
    while (probe(MPI_ANY_SOURCE, tag_error, &st)) {
      const std::string what = recv_text(st);
      fail(prefixed(what) + " (on rank " + std::to_string(st.MPI_SOURCE) + ")");
    }
    while (probe(MPI_ANY_SOURCE, tag_stopped, &st)) {
      recv_words(st);
      said_bye_[st.MPI_SOURCE] = true;
      any = true;
    }
    while (probe(MPI_ANY_SOURCE, tag_request, &st)) {
      recv_words(st);
      const int r = st.MPI_SOURCE;
      heard_[r] = Clock::now();
      any = true;
      const auto id = next_range(r);
      if (!id) {
        send_words(r, tag_work, std::vector<std::uint64_t>{work_done});
        shipped_[r].control += 8;
        said_done_[r] = true;
        continue;
      }
      const ChunkRange& c = ranges_[*id];
      send_words(r, tag_work, std::vector<std::uint64_t>{*id, c.first, c.count});
      shipped_[r].control += 24;
      if (s_.ship()) {
        std::vector<std::uint64_t> w = TraceSlice::cut(file_->view(), c.first, c.count).to_words();
        shipped_[r].slices += 8 * w.size();
        outbox_.post(r, tag_slice, std::move(w));
      }
    }
    return any;
  }

  // Merges the next range if its result is here.
  bool merge_next() {
    if (merged_ >= ranges_.size() || owner_[merged_] < 0) return false;
    const int owner = owner_[merged_];
    const ChunkRange& c = ranges_[merged_];
    if (owner == 0) {
      std::optional<P> p = local_->take();
      if (!p) return false;
      root_->merge(std::move(*p));
      sofar_ = joined(sofar_, PartialHeader::for_range(file_->view(), P::partial_name, c.first, c.count));
    } else {
      MPI_Status st;
      if (!probe(owner, tag_result, &st)) return false;
      heard_[owner] = Clock::now();
      const std::vector<std::uint64_t> w = recv_words(st);
      const std::string what = "result of " + range_name(c.first, c.count) + " from rank " + std::to_string(owner);
      const PartialData d = PartialData::parse(w, what);
      check_continues(sofar_, d.header, what);
      if (d.header.chunk_count != c.count) fail(what + ": it covers " + d.header.range_text());
      root_->merge(load_partial<P>(d, what));
      sofar_ = joined(sofar_, d.header);
    }
    ++merged_;
    return true;
  }

  // A rank whose result is due and that has been silent too long is lost.
  void check_silence() {
    if (merged_ >= ranges_.size()) return;
    const int owner = owner_[merged_];
    if (owner <= 0) return;
    if (Seconds(Clock::now() - heard_[owner]).count() > s_.timeout)
      fail("rank " + std::to_string(owner) + " sent nothing for " + std::to_string(long(s_.timeout)) +
           " s; its result for " + range_name(ranges_[merged_].first, ranges_[merged_].count) + " is due (lost or stuck)");
  }

  // Replay errors name a chunk, not the trace: say which trace.
  std::string prefixed(const std::string& what) const {
    return what.rfind("chunk", 0) == 0 ? s_.trace + ": " + what : what;
  }

  // After a failure: tells the ranks still working to stop and waits (discarding their messages)
  // until every rank said bye, or aborts the job after --timeout (a rank that cannot answer).
  void stop_all() {
    for (int r = 1; r < ranks_; ++r)
      if (!said_done_[r] && !said_bye_[r]) send_words(r, tag_stop, {});
    const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(Seconds(s_.timeout));
    while (!all_workers_done()) {
      MPI_Status st;
      if (probe(MPI_ANY_SOURCE, MPI_ANY_TAG, &st)) {
        if (st.MPI_TAG == tag_error) recv_text(st);
        else recv_words(st);
        if (st.MPI_TAG == tag_stopped) said_bye_[st.MPI_SOURCE] = true;
        continue;
      }
      outbox_.progress();
      if (Clock::now() > deadline) {
        abandon_job(exit_code::bad_input);
      }
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  }

  void print_stats() {
    const double secs = Seconds(Clock::now() - t0_).count();
    const TraceInfo& in = file_->info();
    std::uint64_t image = 0;
    for (const auto& seg : prog_.segments) image += seg.memsz;
    std::fprintf(stderr, "mpi_replay: %d ranks x %u threads, feed %s, schedule %s, policy %s: %llu steps, %llu chunks in %zu ranges, %.3f s (%.1f M steps/s)\n",
                 ranks_, replay_threads(s_), s_.feed.c_str(), s_.schedule.c_str(), s_.policy.c_str(),
                 (unsigned long long)in.total_steps, (unsigned long long)in.num_chunks, ranges_.size(), secs,
                 in.total_steps / secs / 1e6);
    std::fprintf(stderr, "mpi_replay: trace file %llu bytes; a memory image is at least %llu bytes (the ELF's loaded segments, without heap and stack)\n",
                 (unsigned long long)file_->file_size(), (unsigned long long)image);
    for (int r = 0; r < ranks_; ++r) {
      const Shipped& b = shipped_[r];
      if (r == 0 || !s_.ship())
        std::fprintf(stderr, "mpi_replay: rank %d: %llu chunks, %s, received %llu bytes of control messages\n", r,
                     (unsigned long long)b.chunks, r == 0 ? "maps the trace" : "maps the shared trace", (unsigned long long)b.control);
      else
        std::fprintf(stderr, "mpi_replay: rank %d: %llu chunks, received %llu bytes (program %llu, checkpoints + log slices %llu, control %llu) = %.2f%% of the trace file\n",
                     r, (unsigned long long)b.chunks, (unsigned long long)b.total(), (unsigned long long)b.program,
                     (unsigned long long)b.slices, (unsigned long long)b.control, 100.0 * b.total() / file_->file_size());
    }
  }

  const Settings& s_;
  const int ranks_;
  Clock::time_point t0_;
  std::optional<TraceFile> file_;
  std::string elf_bytes_;
  guest::Program prog_;
  DecodedProgram code_;
  std::FILE* out_ = stdout;
  std::optional<P> root_;
  PartialHeader sofar_;
  std::unique_ptr<LocalWorker<P>> local_;
  std::vector<ChunkRange> ranges_;
  std::vector<std::deque<std::size_t>> queues_;
  std::vector<int> owner_;
  std::size_t merged_ = 0;
  std::vector<Shipped> shipped_;
  std::vector<bool> said_done_, said_bye_;
  std::vector<Clock::time_point> heard_;
  Outbox outbox_;
};

}  // namespace mpi_replay
