#pragma once
// The fcall advice protocol (ABI.md §10): parameter pushes (csrrs x0, 0x8F0+k), the call
// (csrrwi x0, 0x8C0+(id>>5), id&31), result reads (csrr rd, 0xFFE), bulk reads (inputcpy), and the
// "free input" word an 8-byte load at 0x4000_0000 returns. This is the state the run keeps; guest
// memory is the handlers' business (handlers.hpp).
#include <cstdint>
#include <span>
#include <vector>

#include "fcall_functions.hpp"

namespace rvtrace::platform::zisk {

class FcallChannel {
 public:
  static constexpr unsigned push_widths[16] = {1, 2, 4, 8, 12, 16, 20, 24, 28, 32, 48, 64, 80, 96, 128, 256};
  static constexpr std::size_t max_params = 386;
  static constexpr std::size_t max_results = 8193;

  // Number of words `csrrs x0, 0x8F0 + k, rs1` appends (k = 0: the value of rs1 itself).
  static constexpr unsigned push_width(unsigned k) { return push_widths[k & 15]; }

  // Appends pushed words (read from guest memory by the caller, or the value itself for k = 0).
  void push(std::span<const std::uint64_t> words) {
    if (params_.size() + words.size() > max_params)
      fail("fcall: more than " + std::to_string(max_params) + " parameter words pushed");
    params_.insert(params_.end(), words.begin(), words.end());
  }

  // The call: runs the function, clears the parameters, rewinds the result cursor.
  void call(std::uint32_t id, const FcallContext& ctx) {
    std::vector<std::uint64_t> r = compute_fcall(id, params_, ctx);
    if (r.size() > max_results) fail("fcall " + std::to_string(id) + ": more than 8193 results");
    params_.clear();
    results_ = std::move(r);
    cursor_ = 0;
  }

  // csrr rd, 0xFFE
  std::uint64_t next_result() {
    if (cursor_ >= results_.size()) fail("fcall: result read past the " + std::to_string(results_.size()) + " results");
    return results_[cursor_++];
  }

  // What an 8-byte load at exactly 0x4000_0000 returns: result[0], or 0 without results.
  std::uint64_t free_input() const { return results_.empty() ? 0 : results_[0]; }

  // Results left to read.
  std::size_t results_left() const { return results_.size() - cursor_; }
  bool has_results() const { return !results_.empty(); }

  // What inputcpy checks before it copies anything: count is whole words, all of them unread results.
  void require_copy(std::uint64_t count) const {
    if (count % 8) fail("inputcpy: byte count " + std::to_string(count) + " is not a multiple of 8");
    const std::uint64_t words = count / 8;
    if (results_.empty() || words > results_.size() - cursor_)
      fail("inputcpy: " + std::to_string(words) + " words requested, " + std::to_string(results_.size() - cursor_) +
           " results left");
  }

  std::size_t pending_params() const { return params_.size(); }

 private:
  std::vector<std::uint64_t> params_;
  std::vector<std::uint64_t> results_;
  std::size_t cursor_ = 0;
};

}  // namespace rvtrace::platform::zisk
