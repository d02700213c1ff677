// A user-written trace policy: the memory "heat map" of a run (loads and stores per 4 KiB page)
// computed by replaying a minimal trace in parallel, with no memory image.
//
//   build/bin/rvtrace trace -o k.rvmt build/guests/keccak-rv64imac.elf 20000
//   build/bin/custom_policy k.rvmt build/guests/keccak-rv64imac.elf
#include <cstdio>
#include <map>
#include <thread>

#include "rvtrace/rvtrace.hpp"

namespace {

// Everything a policy needs: on_step, and merge (results of the chunk that comes next).
struct PageHeat {
  struct Count {
    std::uint64_t loads = 0, stores = 0;
  };
  std::map<std::uint64_t, Count> pages;  // page number -> accesses

  void on_step(const rvtrace::StepRecord& s) {
    if (s.load.width) ++pages[s.load.addr >> 12].loads;
    if (s.store.width) ++pages[s.store.addr >> 12].stores;
  }
  void merge(PageHeat&& later) {
    for (const auto& [page, c] : later.pages) {
      pages[page].loads += c.loads;
      pages[page].stores += c.stores;
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s TRACE.rvmt PROGRAM.elf\n", argv[0]);
    return 2;
  }
  try {
    rvtrace::trace::TraceFile trace(argv[1]);
    const auto program = rvtrace::guest::load_elf_file(argv[2]);
    trace.check_program(program, argv[2]);  // a trace only replays with the program it came from
    const auto code = rvtrace::decode_program(program);
    const PageHeat heat = rvtrace::trace::replay(code, trace.view(), [] { return PageHeat{}; },
                                                 std::max(1u, std::thread::hardware_concurrency()));
    std::printf("%-18s %12s %12s\n", "page", "loads", "stores");
    for (const auto& [page, c] : heat.pages)
      std::printf("0x%016llx %12llu %12llu\n", static_cast<unsigned long long>(page << 12),
                  static_cast<unsigned long long>(c.loads), static_cast<unsigned long long>(c.stores));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "custom_policy: error: %s\n", e.what());
    return 1;
  }
}
