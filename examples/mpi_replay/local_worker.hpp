// Rank 0's own share of the replay: a thread that replays the ranges the coordinator gives it
// (straight from the mapped trace) while rank 0's main thread does all the MPI calls
// (MPI_THREAD_FUNNELED). Results wait, at most `window` of them, until the coordinator merges them.
#pragma once
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "rvtrace/trace/builtin_policies.hpp"
#include "rvtrace/trace/chunk_range.hpp"

namespace mpi_replay {

template <class P>
class LocalWorker {
 public:
  LocalWorker(const rvtrace::DecodedProgram& code, const rvtrace::trace::TraceView& view,
              rvtrace::trace::ReplayOptions opt, std::size_t window)
      : code_(code), view_(view), opt_(opt), window_(window), thread_([this] { loop(); }) {}
  ~LocalWorker() {
    {
      std::lock_guard lk(mu_);
      quit_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

  // Can it take a range now? (idle and not too far ahead of the merge)
  bool wants_work() {
    std::lock_guard lk(mu_);
    return !todo_ && !busy_ && done_.size() < window_ && !error_;
  }
  void give(rvtrace::trace::ChunkRange r) {
    {
      std::lock_guard lk(mu_);
      todo_ = r;
    }
    cv_.notify_all();
  }
  // The oldest finished result, if any (in the order given).
  std::optional<P> take() {
    std::lock_guard lk(mu_);
    if (done_.empty()) return std::nullopt;
    std::optional<P> p(std::move(done_.front()));
    done_.pop_front();
    cv_.notify_all();
    return p;
  }
  std::exception_ptr error() {
    std::lock_guard lk(mu_);
    return error_;
  }

 private:
  void loop() {
    for (;;) {
      rvtrace::trace::ChunkRange r;
      {
        std::unique_lock lk(mu_);
        cv_.wait(lk, [&] { return quit_ || todo_; });
        if (quit_) return;
        r = *todo_;
        todo_.reset();
        busy_ = true;
      }
      try {
        auto make = [&] { return rvtrace::trace::make_chunk_policy<P>(code_); };
        P p = make();
        rvtrace::trace::replay_range_into(p, code_, view_, make, r, opt_);
        std::lock_guard lk(mu_);
        done_.push_back(std::move(p));
        busy_ = false;
      } catch (...) {
        std::lock_guard lk(mu_);
        error_ = std::current_exception();
        busy_ = false;
        return;
      }
    }
  }

  const rvtrace::DecodedProgram& code_;
  const rvtrace::trace::TraceView view_;
  const rvtrace::trace::ReplayOptions opt_;
  const std::size_t window_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<rvtrace::trace::ChunkRange> todo_;
  std::deque<P> done_;
  std::exception_ptr error_;
  bool busy_ = false, quit_ = false;
  std::thread thread_;  // last: starts after the members it uses
};

}  // namespace mpi_replay
