// The few MPI operations mpi_replay uses: tagged word/text messages, non-blocking probes, a
// bounded queue of non-blocking sends, and waiting with a deadline (MPI has no receive timeout:
// every wait here polls, so a silent rank is reported instead of hanging the run).
#pragma once
#include <mpi.h>

#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstdint>
#include <deque>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace mpi_replay {

enum Tag : int {
  tag_request = 1,  // worker -> 0: give me a range (empty)
  tag_work,         // 0 -> worker: [range id, first chunk, chunk count], or [done]
  tag_slice,        // 0 -> worker (ship mode): the range's TraceSlice words
  tag_program,      // 0 -> worker (ship mode): the ELF file's bytes
  tag_result,       // worker -> 0: a range's partial result (partial.hpp words)
  tag_error,        // worker -> 0: one-line error text
  tag_stop,         // 0 -> worker: stop now (after an error)
  tag_stopped,      // worker -> 0: stopped, about to finalize
};
inline constexpr std::uint64_t work_done = ~std::uint64_t{0};

using Clock = std::chrono::steady_clock;

// Thrown when a wait passes its deadline.
struct Timeout : std::runtime_error {
  using std::runtime_error::runtime_error;
};

inline void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw std::runtime_error(std::string("MPI error in ") + what);
}

inline int word_count(std::size_t n) {
  if (n > static_cast<std::size_t>(INT_MAX)) throw std::runtime_error("message of " + std::to_string(n) + " words is too large");
  return static_cast<int>(n);
}

inline void send_words(int dest, Tag tag, std::span<const std::uint64_t> w) {
  check(MPI_Send(w.data(), word_count(w.size()), MPI_UINT64_T, dest, tag, MPI_COMM_WORLD), "MPI_Send");
}
inline void send_text(int dest, Tag tag, const std::string& s) {
  check(MPI_Send(s.data(), word_count(s.size()), MPI_CHAR, dest, tag, MPI_COMM_WORLD), "MPI_Send");
}

// Is a message from `src` (or MPI_ANY_SOURCE) with `tag` waiting? Fills *st.
inline bool probe(int src, int tag, MPI_Status* st) {
  int flag = 0;
  check(MPI_Iprobe(src, tag, MPI_COMM_WORLD, &flag, st), "MPI_Iprobe");
  return flag != 0;
}

// Receives the message `st` describes (after probe).
inline std::vector<std::uint64_t> recv_words(const MPI_Status& st) {
  int n = 0;
  check(MPI_Get_count(&st, MPI_UINT64_T, &n), "MPI_Get_count");
  std::vector<std::uint64_t> w(static_cast<std::size_t>(n));
  check(MPI_Recv(w.data(), n, MPI_UINT64_T, st.MPI_SOURCE, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE), "MPI_Recv");
  return w;
}
inline std::string recv_text(const MPI_Status& st) {
  int n = 0;
  check(MPI_Get_count(&st, MPI_CHAR, &n), "MPI_Get_count");
  std::string s(static_cast<std::size_t>(n), '\0');
  check(MPI_Recv(s.data(), n, MPI_CHAR, st.MPI_SOURCE, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE), "MPI_Recv");
  return s;
}

// Polls until a message from `src` with one of `tags` arrives; returns its status. Throws
// Timeout (saying `waiting_for`) after `timeout`.
inline MPI_Status wait_for(int src, std::initializer_list<int> tags, std::chrono::duration<double> timeout,
                           const std::string& waiting_for) {
  const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(timeout);
  for (unsigned spins = 0;; ++spins) {
    MPI_Status st;
    for (int tag : tags)
      if (probe(src, tag, &st)) return st;
    if (Clock::now() > deadline)
      throw Timeout("nothing received for " + std::to_string(static_cast<long>(timeout.count())) + " s while waiting for " + waiting_for);
    if (spins > 100) std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
}

// Ends this process without MPI_Finalize, when a rank cannot be waited for: the MPI runtime then
// ends the whole job (mpirun reports the exit). MPI_Abort would do the same, but it made this
// OpenMPI's mpirun crash or hang in tests.
[[noreturn]] inline void abandon_job(int rc) {
  std::fflush(nullptr);
  std::_Exit(rc);
}

// Non-blocking sends whose buffers live until the send completes.
class Outbox {
 public:
  void post(int dest, Tag tag, std::vector<std::uint64_t>&& words) {
    sends_.emplace_back(std::move(words), MPI_REQUEST_NULL);
    auto& [w, req] = sends_.back();
    check(MPI_Isend(w.data(), word_count(w.size()), MPI_UINT64_T, dest, tag, MPI_COMM_WORLD, &req), "MPI_Isend");
  }
  // Drops completed sends; returns how many are still pending.
  std::size_t progress() {
    while (!sends_.empty()) {
      int done = 0;
      check(MPI_Test(&sends_.front().second, &done, MPI_STATUS_IGNORE), "MPI_Test");
      if (!done) break;
      sends_.pop_front();
    }
    return sends_.size();
  }

 private:
  std::deque<std::pair<std::vector<std::uint64_t>, MPI_Request>> sends_;
};

}  // namespace mpi_replay
