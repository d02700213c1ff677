#pragma once
// A byte buffer that is either kept (a per-chunk policy instance: merged later) or streamed to a
// FILE* in large writes (the root instance of a replay, or a sequential run). A kept buffer that
// grows past spill_bytes moves its bytes to an unnamed temporary file (tmpfile), so a chunk's
// output costs bounded memory however many steps the chunk has; append(OutputBuffer&&) streams
// them back out in order.
#include <cerrno>
#include <cstdio>
#include <cstring>
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
  static constexpr std::size_t spill_bytes = std::size_t{8} << 20;
  OutputBuffer(OutputBuffer&& o) noexcept
      : out_(std::exchange(o.out_, nullptr)), spill_(std::exchange(o.spill_, nullptr)), buf_(std::move(o.buf_)) {}
  OutputBuffer& operator=(OutputBuffer&& o) noexcept {
    if (this != &o) {
      flush_noexcept();
      close_spill();
      out_ = std::exchange(o.out_, nullptr);
      spill_ = std::exchange(o.spill_, nullptr);
      buf_ = std::move(o.buf_);
    }
    return *this;
  }
  ~OutputBuffer() {
    flush_noexcept();
    close_spill();
  }

  std::string& buf() { return buf_; }
  // Everything kept, in order (brings spilled bytes back into memory: for in-memory uses).
  const std::string& str() const {
    if (spill_) {
      std::string all;
      read_spill([&](std::string_view piece) { all.append(piece); });
      buf_ = std::move(all.append(buf_));
    }
    return buf_;
  }
  bool streaming() const { return out_ != nullptr; }
  // After appending to buf(): write out when large (streaming), or spill (kept).
  void maybe_flush() {
    if (out_ && buf_.size() >= flush_bytes) flush();
    else if (!out_ && buf_.size() >= spill_bytes) spill();
  }
  // Appends everything `later` kept (spilled bytes first, then its buffer).
  void append(OutputBuffer&& later) {
    later.consume([this](std::string_view piece) { append(piece); });
  }
  // Hands every kept byte, in order, to f(std::string_view) in pieces, and forgets them.
  template <class F>
  void consume(F&& f) {
    if (spill_) {
      spill();  // its bytes, in order, all in the file
      read_spill(f);
    }
    if (!buf_.empty()) f(std::string_view(buf_));
    buf_.clear();
  }
  bool empty() const { return !spill_ && buf_.empty(); }
  void append(std::string_view s) {
    if (out_ && buf_.size() + s.size() >= flush_bytes) {
      flush();
      if (s.size() >= flush_bytes) return write(s);
    }
    buf_.append(s);
    if (!out_ && buf_.size() >= spill_bytes) spill();
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
  void spill() {
    if (buf_.empty()) return;
    if (!spill_ && !(spill_ = std::tmpfile()))
      throw std::runtime_error(std::string("cannot create an unnamed temporary file in /tmp for a chunk's output: ") +
                               std::strerror(errno));
    if (std::fwrite(buf_.data(), 1, buf_.size(), spill_) != buf_.size())
      throw std::runtime_error(std::string("cannot write a chunk's output to its unnamed temporary file in /tmp: ") +
                               std::strerror(errno));
    buf_.clear();
  }
  // Hands the spilled bytes to f in pieces and drops the file (buf_ is untouched).
  template <class F>
  void read_spill(F&& f) const {
    std::rewind(spill_);
    std::string piece(flush_bytes, '\0');
    for (;;) {
      const std::size_t n = std::fread(piece.data(), 1, piece.size(), spill_);
      if (n == 0) break;
      f(std::string_view(piece.data(), n));
    }
    if (std::ferror(spill_)) throw std::runtime_error("cannot read back a chunk's spilled output");
    close_spill();
  }
  void close_spill() const noexcept {
    if (spill_) std::fclose(std::exchange(spill_, nullptr));
  }
  void flush_noexcept() {
    try {
      flush();
    } catch (...) {
    }
  }
  std::FILE* out_ = nullptr;
  // Kept bytes beyond spill_bytes (unnamed temporary file). Mutable, like buf_: str() moves the
  // spilled bytes back into buf_.
  mutable std::FILE* spill_ = nullptr;
  mutable std::string buf_;
};

}  // namespace rvtrace::trace
