// mpi_replay: replay a minimal trace (.rvmt) over MPI ranks, each with its own thread pool,
// through a built-in policy; rank 0 merges the ranges' results in chunk order, so the output is
// byte-identical to `rvtrace replay` for any rank and thread count. See README ("Distributed
// replay over MPI") and docs/partial-format.md.
//
//   mpirun -np 3 mpi_replay TRACE.rvmt --elf PROGRAM.elf --policy witness -o w.bin
//          [--feed shared|ship] [--schedule static|dynamic] [--grain CHUNKS] [--threads N]
//
// Exit codes: 0, or 120 (bad input, a rank's error, a lost rank); mpirun adds its own report
// when a rank dies.
#include <mpi.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>

#include "coordinator.hpp"
#include "settings.hpp"
#include "worker.hpp"

namespace {

using namespace mpi_replay;

// Parses argv; returns false (message printed) on bad arguments.
bool parse(int argc, char** argv, Settings& s, int rank, int& rc) {
  CLI::App app{"mpi_replay: replay a minimal trace over MPI ranks (see README)"};
  app.add_option("trace", s.trace, "Trace file (.rvmt); in ship mode only rank 0 reads it")->required();
  app.add_option("--elf", s.elf, "The traced RISC-V ELF; in ship mode only rank 0 reads it")->required();
  app.add_option("--policy", s.policy, "digest, histogram, witness, memops or text")
      ->capture_default_str()
      ->check(CLI::IsMember({"digest", "histogram", "witness", "memops", "text"}));
  app.add_option("-o,--output", s.out, "Output file (rank 0; default: stdout)");
  app.add_option("--threads", s.threads, "Replay threads per rank (default: all cores)");
  app.add_option("--feed", s.feed, "shared: every rank maps the trace; ship: rank 0 sends each rank its chunks")
      ->capture_default_str()
      ->check(CLI::IsMember({"shared", "ship"}));
  app.add_option("--schedule", s.schedule, "static: one block of chunks per rank; dynamic: ranges as ranks ask")
      ->capture_default_str()
      ->check(CLI::IsMember({"static", "dynamic"}));
  app.add_option("--grain", s.grain, "Chunks per range handed out (default: about 4 ranges per rank)");
  app.add_option("--window", s.window, "Results a rank may have in flight to rank 0")->capture_default_str()->check(CLI::Range(1u, 64u));
  app.add_option("--timeout", s.timeout, "Seconds a rank may stay silent while its result is due")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_flag("--stats", s.stats, "Time, ranges and bytes shipped per rank, on stderr");
  std::string fault;
  app.add_option("--test-fault", fault, "Testing: RANK:kill or RANK:stall makes that rank die or hang once it has work");
  try {
    app.parse(argc, argv);
    if (!fault.empty()) {
      const auto colon = fault.find(':');
      if (colon == std::string::npos) throw CLI::ValidationError("--test-fault", "expected RANK:kill or RANK:stall");
      s.fault_rank = std::stoi(fault.substr(0, colon));
      s.fault_kind = fault.substr(colon + 1);
      if (s.fault_kind != "kill" && s.fault_kind != "stall") throw CLI::ValidationError("--test-fault", "kill or stall");
    }
  } catch (const CLI::ParseError& e) {
    if (rank == 0) rc = app.exit(e) == 0 ? 0 : exit_code::bad_input;
    else rc = e.get_exit_code() == 0 ? 0 : exit_code::bad_input;
    return false;
  } catch (const std::exception& e) {  // stoi
    if (rank == 0) std::fprintf(stderr, "mpi_replay: error: --test-fault %s: %s\n", fault.c_str(), e.what());
    rc = exit_code::bad_input;
    return false;
  }
  return true;
}

int run(Settings& s, int rank, int ranks) {
  return rvtrace::trace::with_builtin_policy(s.policy, [&]<class P>(std::type_identity<P>) {
    if (rank == 0) return Coordinator<P>(s, ranks).run();
    return Worker<P>(s, rank).run();
  });
}

}  // namespace

int main(int argc, char** argv) {
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);  // only the main thread calls MPI
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  Settings s;
  int rc = 0;
  int ok = parse(argc, argv, s, rank, rc) ? 1 : 0;
  MPI_Allreduce(MPI_IN_PLACE, &ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  if (ok) {
    s.broadcast();
    try {
      rc = run(s, rank, ranks);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "mpi_replay: error: rank %d: %s\n", rank, e.what());
      abandon_job(rvtrace::exit_code::bad_input);
    }
  } else if (rc == 0) {
    rc = rvtrace::exit_code::bad_input;  // another rank's arguments were bad
    if (rank == 0) std::fprintf(stderr, "mpi_replay: error: bad arguments on another rank\n");
  }
  std::fflush(nullptr);
  MPI_Finalize();
  std::_Exit(rc);  // rank 0 may leave its replay thread mid-range after an error
}
