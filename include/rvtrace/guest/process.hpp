#pragma once
// A guest process ready to run: the validated program mapped into a fresh guest memory, its
// Linux-style initial stack, and its syscall state. Engines take the initial sp and entry from here.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "rvtrace/guest/elf.hpp"
#include "rvtrace/guest/layout.hpp"
#include "rvtrace/guest/loader.hpp"
#include "rvtrace/guest/memory.hpp"
#include "rvtrace/guest/stack.hpp"
#include "rvtrace/guest/syscalls.hpp"

namespace rvtrace::guest {

struct Process {
  Program program;
  GuestMemory memory;
  LoadedImage image;
  LinuxSyscalls syscalls;
  std::uint64_t initial_sp;
  std::vector<std::string> argv, envp;  // as given (a trace is bound to them)

  // argv[0] is the program name the guest sees; envp is passed as given (nothing is inherited).
  Process(Program prog, std::span<const std::string> argv, std::span<const std::string> envp = {},
          std::uint64_t guest_size = default_guest_size)
      : program(std::move(prog)),
        memory(guest_size),
        image(map_program(program, memory)),
        syscalls(memory, image.brk_start),
        initial_sp(setup_stack(memory, program, argv, envp)),
        argv(argv.begin(), argv.end()),
        envp(envp.begin(), envp.end()) {}
};

}  // namespace rvtrace::guest
