#pragma once
// A guest process ready to run: the validated program mapped into a fresh guest memory, its initial
// registers, and its environment (ecalls, MMIO). The default is a Linux-user process (Linux-style
// initial stack, the syscall subset); a platform (platform/platform.hpp) builds its own with the
// second constructor. Engines take the initial registers and entry from here.
#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "rvtrace/guest/elf.hpp"
#include "rvtrace/guest/environment.hpp"
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
  LinuxSyscalls syscalls;               // the linux platform's environment
  std::uint64_t initial_sp;
  std::vector<std::string> argv, envp;  // as given (a trace is bound to them)
  std::array<std::uint64_t, 32> initial_regs{};  // at entry (linux: x2 = sp, the rest 0)
  std::string platform = "linux";
  std::unique_ptr<Environment> platform_env;      // another platform's environment (else syscalls)
  ExitRule exit_rule = &linux_exit_status;        // which ecall ends the run (pure: replay applies it too)
  // Another platform's input is fixed when it boots (e.g. placed in memory): its identity for the
  // trace header. (linux: the bytes the guest reads, hashed as it reads them.)
  bool input_fixed = false;
  std::uint64_t input_hash = 0, input_bytes = 0;

  Environment& environment() { return platform_env ? *platform_env : static_cast<Environment&>(syscalls); }

  // argv[0] is the program name the guest sees; envp is passed as given (nothing is inherited).
  Process(Program prog, std::span<const std::string> argv, std::span<const std::string> envp = {},
          std::uint64_t guest_size = default_guest_size)
      : program(std::move(prog)),
        memory(guest_size),
        image(map_program(program, memory)),
        syscalls(memory, image.brk_start),
        initial_sp(setup_stack(memory, program, argv, envp)),
        argv(argv.begin(), argv.end()),
        envp(envp.begin(), envp.end()) {
    initial_regs[2] = initial_sp;
  }

  // A platform's process: `mem` already holds the image; `env` handles its ecalls and MMIO.
  Process(Program prog, GuestMemory&& mem, LoadedImage img, std::unique_ptr<Environment> env,
          const std::array<std::uint64_t, 32>& regs, std::string platform_name, ExitRule rule,
          std::span<const std::string> args = {})
      : program(std::move(prog)),
        memory(std::move(mem)),
        image(img),
        syscalls(memory, image.brk_start),
        initial_sp(regs[2]),
        argv(args.begin(), args.end()),
        initial_regs(regs),
        platform(std::move(platform_name)),
        platform_env(std::move(env)),
        exit_rule(rule) {}
};

}  // namespace rvtrace::guest
