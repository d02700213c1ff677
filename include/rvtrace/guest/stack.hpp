#pragma once
// The Linux initial process stack (what the kernel leaves for _start), built deterministically so
// every run of the same program with the same arguments is identical.
//
// From sp upward:  argc | argv[0..argc) | NULL | envp[...] | NULL | auxv pairs ... AT_NULL 0 |
//                  padding | 16 AT_RANDOM bytes | argv/envp strings | ... stack_top(size)
//
// Initial registers: every register is zero except sp (x2) = the value setup_stack returns, and
// pc = Program::entry. (Linux also leaves a0 = 0 for "no rtld_fini"; zero matches that.)
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "rvtrace/guest/elf.hpp"
#include "rvtrace/guest/fault.hpp"
#include "rvtrace/guest/layout.hpp"
#include "rvtrace/guest/memory.hpp"

namespace rvtrace::guest {

namespace auxv {
inline constexpr std::uint64_t at_null = 0, at_phdr = 3, at_phent = 4, at_phnum = 5, at_pagesz = 6,
                               at_entry = 9, at_uid = 11, at_euid = 12, at_gid = 13, at_egid = 14,
                               at_secure = 23, at_random = 25;
// Fixed, so runs are reproducible (guests use these bytes to seed stack canaries and the like).
inline constexpr std::array<std::uint8_t, 16> random_bytes = {
    0x72, 0x76, 0x74, 0x72, 0x61, 0x63, 0x65, 0x2d, 0x41, 0x54, 0x5f, 0x52, 0x41, 0x4e, 0x44, 0x4d};
}  // namespace auxv

// Writes argc/argv/envp/auxv below stack_top(mem.size()) and returns the initial sp (16-byte
// aligned). Throws InputError when the arguments and environment do not fit in the stack region.
inline std::uint64_t setup_stack(GuestMemory& mem, const Program& prog,
                                 std::span<const std::string> argv,
                                 std::span<const std::string> envp) {
  std::uint64_t sp = stack_top(mem.size());
  // Strings and pointers may use at most a quarter of the stack region; the rest is for the program.
  const std::uint64_t floor = stack_top(mem.size()) - stack_reserve / 4;
  auto push = [&](std::span<const std::uint8_t> bytes) {
    if (sp < floor || sp - floor < bytes.size() || !mem.copy_in(sp - bytes.size(), bytes))
      throw InputError(prog.name + ": arguments and environment do not fit on the guest stack (" +
                       std::to_string(stack_reserve / 4) + " bytes)");
    sp -= bytes.size();
    return sp;
  };
  auto push_string = [&](const std::string& s) {
    return push({reinterpret_cast<const std::uint8_t*>(s.c_str()), s.size() + 1});  // with NUL
  };

  std::vector<std::uint64_t> words;  // everything from argc up to AT_NULL, in address order
  words.push_back(argv.size());
  std::vector<std::uint64_t> argv_ptrs, envp_ptrs;
  for (const auto& s : argv) argv_ptrs.push_back(push_string(s));
  for (const auto& s : envp) envp_ptrs.push_back(push_string(s));
  const std::uint64_t random_addr = push(auxv::random_bytes);

  words.insert(words.end(), argv_ptrs.begin(), argv_ptrs.end());
  words.push_back(0);
  words.insert(words.end(), envp_ptrs.begin(), envp_ptrs.end());
  words.push_back(0);
  auto aux = [&](std::uint64_t key, std::uint64_t value) {
    words.push_back(key);
    words.push_back(value);
  };
  if (prog.phdr_vaddr != 0) aux(auxv::at_phdr, prog.phdr_vaddr);
  aux(auxv::at_phent, prog.phentsize);
  aux(auxv::at_phnum, prog.phnum);
  aux(auxv::at_pagesz, page_size);
  aux(auxv::at_entry, prog.entry);
  aux(auxv::at_random, random_addr);
  aux(auxv::at_uid, 0);
  aux(auxv::at_euid, 0);
  aux(auxv::at_gid, 0);
  aux(auxv::at_egid, 0);
  aux(auxv::at_secure, 0);
  aux(auxv::at_null, 0);

  // Align so that sp (pointing at argc) ends up 16-byte aligned, as the psABI requires at entry.
  const std::uint64_t block = words.size() * 8;
  const std::uint64_t pad = (sp - block) % 16;
  sp -= pad;
  push({reinterpret_cast<const std::uint8_t*>(words.data()), block});
  return sp;
}

}  // namespace rvtrace::guest
