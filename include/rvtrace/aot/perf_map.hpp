#pragma once
// Opt-in symbols for translated code, for `perf report` (which reads /tmp/perf-PID.map: one line
// "START SIZE name" per symbol, hex addresses). Set RVTRACE_PERF_MAP=1 in the environment: every
// translated region then appends a line per guest block ("rv:0xPC", its fast and checked copies
// together), per kind of out-of-line code ("rv:cold ...", "rv:first touch") and for the glue.
// Off by default: the names cost memory and the file grows with every translation.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

namespace rvtrace::aot {

class PerfMap {
 public:
  static bool enabled() {
    static const bool on = [] {
      const char* v = std::getenv("RVTRACE_PERF_MAP");
      return v && *v && std::string(v) != "0";
    }();
    return on;
  }
  static std::string block_name(std::uint64_t pc) {
    char b[32];
    std::snprintf(b, sizeof b, "rv:0x%llx", static_cast<unsigned long long>(pc));
    return b;
  }
  // Code offsets where a named piece starts, in emission order (a piece ends where the next starts).
  void mark(std::size_t offset, std::string name) {
    if (!marks_.empty() && marks_.back().first == offset) marks_.back().second = std::move(name);
    else marks_.emplace_back(offset, std::move(name));
  }
  // Appends the pieces of the code at `base`, of `size` bytes, to /tmp/perf-PID.map.
  void write(const void* base, std::size_t size) const {
    static std::mutex lock;
    std::lock_guard<std::mutex> hold(lock);
    const std::string path = "/tmp/perf-" + std::to_string(::getpid()) + ".map";
    std::FILE* f = std::fopen(path.c_str(), "a");
    if (!f) return;  // a diagnostic aid: never fails the translation
    const auto start = reinterpret_cast<std::uintptr_t>(base);
    for (std::size_t i = 0; i < marks_.size(); ++i) {
      const std::size_t end = i + 1 < marks_.size() ? marks_[i + 1].first : size;
      if (end > marks_[i].first)
        std::fprintf(f, "%zx %zx %s\n", static_cast<std::size_t>(start + marks_[i].first), end - marks_[i].first,
                     marks_[i].second.c_str());
    }
    std::fclose(f);
  }

 private:
  std::vector<std::pair<std::size_t, std::string>> marks_;
};

}  // namespace rvtrace::aot
