#pragma once
// The fcall advice protocol (ABI.md §10): parameter pushes (csrrs x0, 0x8F0+k), the call
// (csrrwi x0, 0x8C0+(id>>5), id&31), result reads (csrr rd, 0xFFE), bulk reads (inputcpy), and the
// "free input" word an 8-byte load at 0x4000_0000 returns.
#include <cstdint>
#include <span>
#include <vector>

#include "fcall_functions.hpp"
#include "guest_words.hpp"

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

  // The same push, reading the words from memory.
  template <GuestWords M>
  void push(unsigned k, std::uint64_t rs1, M& m) {
    std::vector<std::uint64_t> words;
    if (k == 0) words.push_back(rs1);
    for (unsigned i = 0; k != 0 && i < push_width(k); ++i) words.push_back(m.load(rs1 + 8 * i, 8));
    push(words);
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

  // inputcpy: count bytes (a multiple of 8) of results from the cursor to dst.
  template <GuestWords M>
  void copy_results(std::uint64_t dst, std::uint64_t count, M& m) {
    if (count % 8) fail("inputcpy: byte count " + std::to_string(count) + " is not a multiple of 8");
    std::uint64_t words = count / 8;
    if (results_.empty() || cursor_ + words > results_.size())
      fail("inputcpy: " + std::to_string(words) + " words requested, " + std::to_string(results_.size() - cursor_) +
           " results left");
    for (std::uint64_t i = 0; i < words; ++i) m.store(dst + 8 * i, results_[cursor_ + i], 8);
    cursor_ += words;
  }

  std::size_t pending_params() const { return params_.size(); }

 private:
  std::vector<std::uint64_t> params_;
  std::vector<std::uint64_t> results_;
  std::size_t cursor_ = 0;
};

}  // namespace rvtrace::platform::zisk
