// mpi_replay's options (parsed on every rank; rank 0's run-wide choices are broadcast so that all
// ranks agree even when they were started with different command lines, e.g. MPMD launches).
#pragma once
#include <mpi.h>

#include <cstdint>
#include <cstring>
#include <string>

namespace mpi_replay {

struct Settings {
  // Every rank's own.
  std::string trace, elf;      // shared mode: every rank opens them; ship mode: rank 0 only
  unsigned threads = 0;        // replay threads per rank (0: all cores)
  // Rank 0's, broadcast.
  std::string policy = "digest";
  std::string feed = "shared";      // shared | ship
  std::string schedule = "static";  // static | dynamic
  std::uint64_t grain = 0;          // chunks per range handed out (0: about 4 ranges per rank)
  unsigned window = 2;              // results a worker may have in flight to rank 0
  double timeout = 600;             // seconds without a message before a rank is declared lost
  int fault_rank = -1;              // testing: this rank fails as fault_kind says
  std::string fault_kind;           // kill | stall
  // Rank 0 only.
  std::string out;
  bool stats = false;

  bool ship() const { return feed == "ship"; }
  bool dynamic() const { return schedule == "dynamic"; }

  // Rank 0's run-wide choices to every rank.
  void broadcast() {
    char text[256] = {};
    std::uint64_t nums[4] = {grain, window, static_cast<std::uint64_t>(timeout * 1000),
                             static_cast<std::uint64_t>(static_cast<std::int64_t>(fault_rank))};
    const std::string joined = policy + ' ' + feed + ' ' + schedule + ' ' + (fault_kind.empty() ? "-" : fault_kind);
    std::strncpy(text, joined.c_str(), sizeof text - 1);
    MPI_Bcast(text, sizeof text, MPI_CHAR, 0, MPI_COMM_WORLD);
    MPI_Bcast(nums, 4, MPI_UINT64_T, 0, MPI_COMM_WORLD);
    char p[64] = {}, f[64] = {}, s[64] = {}, k[64] = {};
    std::sscanf(text, "%63s %63s %63s %63s", p, f, s, k);
    policy = p, feed = f, schedule = s, fault_kind = std::strcmp(k, "-") == 0 ? "" : k;
    grain = nums[0], window = static_cast<unsigned>(nums[1]), timeout = nums[2] / 1000.0;
    fault_rank = static_cast<int>(static_cast<std::int64_t>(nums[3]));
  }
};

}  // namespace mpi_replay
