#pragma once
// A byte buffer that is either kept (a per-chunk policy instance: merged later) or streamed to a
// FILE* in large writes (the root instance of a replay, or a sequential run).
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace rvtrace::trace {

class OutputBuffer {
 public:
  static constexpr std::size_t flush_bytes = std::size_t{1} << 20;
  OutputBuffer() = default;
  explicit OutputBuffer(std::FILE* out) : out_(out) { buf_.reserve(flush_bytes + 4096); }
  OutputBuffer(OutputBuffer&& o) noexcept : out_(std::exchange(o.out_, nullptr)), buf_(std::move(o.buf_)) {}
  OutputBuffer& operator=(OutputBuffer&& o) noexcept {
    if (this != &o) {
      flush_noexcept();
      out_ = std::exchange(o.out_, nullptr);
      buf_ = std::move(o.buf_);
    }
    return *this;
  }
  ~OutputBuffer() { flush_noexcept(); }

  std::string& buf() { return buf_; }
  const std::string& str() const { return buf_; }
  bool streaming() const { return out_ != nullptr; }
  // After appending to buf(): write out when large (streaming only).
  void maybe_flush() {
    if (out_ && buf_.size() >= flush_bytes) flush();
  }
  void append(std::string_view s) {
    if (out_ && buf_.size() + s.size() >= flush_bytes) {
      flush();
      if (s.size() >= flush_bytes) return write(s);
    }
    buf_.append(s);
  }
  void flush() {
    if (!out_) return;
    if (!buf_.empty()) write(buf_);
    buf_.clear();
    if (std::fflush(out_) != 0) throw std::runtime_error("write error on the output");
  }

 private:
  void write(std::string_view s) {
    if (std::fwrite(s.data(), 1, s.size(), out_) != s.size()) throw std::runtime_error("write error on the output");
  }
  void flush_noexcept() {
    try {
      flush();
    } catch (...) {
    }
  }
  std::FILE* out_ = nullptr;
  std::string buf_;
};

}  // namespace rvtrace::trace
