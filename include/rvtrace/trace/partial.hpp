#pragma once
// Partial results: the merged policy of a range of chunks, saved so that another process (a job
// queue worker, an MPI rank, a later `rvtrace merge`) can merge it with the results of the
// neighbouring ranges. Format (docs/partial-format.md), little-endian uint64_t words:
//
//   16 header words (PartialHeader: policy, trace identity, chunk range and the checksums of its
//   first and end checkpoints; word 15 = WordHash of words 0..14), then the policy's payload
//   (its save_partial), whose WordHash is header word 12.
//
// A policy can be saved when it has
//   static constexpr const char* partial_name = "...";      // at most 16 bytes
//   template <class W> void save_partial(W& w) const;       // w.put(word), w.put(span), w.put_bytes(s)
//   template <class R> static P load_partial(R& r);         // r.get(), r.get(n), r.get_size(max, what),
//                                                           // r.get_bytes(), r.remaining()
// Results merge only when they name the same policy and trace, and the later one starts at the
// chunk (and the checkpoint) where the earlier one ends.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rvtrace/guest/fault.hpp"
#include "rvtrace/trace/hash.hpp"
#include "rvtrace/trace/output_file.hpp"
#include "rvtrace/trace/trace_identity.hpp"
#include "rvtrace/trace/trace_view.hpp"

namespace rvtrace::trace {

template <class P>
concept PartialPolicy = requires(const P& p) {
  { P::partial_name } -> std::convertible_to<const char*>;
};

namespace partial_format {
inline constexpr std::uint64_t magic_version = 0x52505652ull | std::uint64_t{1} << 32;  // "RVPR", version 1
inline constexpr std::uint64_t header_seed = 0x52565052'48445231ull;                   // "RVPRHDR1"
inline constexpr std::uint64_t payload_seed = 0x52565052'50415931ull;                  // "RVPRPAY1"
inline constexpr std::size_t header_words = 16;
inline constexpr std::size_t max_name = 16;
}  // namespace partial_format

struct PartialHeader {
  std::string policy;
  std::uint64_t trace_id = 0, program_hash = 0, chunk_steps = 0, num_chunks = 0;
  std::uint64_t first_chunk = 0, chunk_count = 0;
  std::uint64_t first_checksum = 0, end_checksum = 0;  // of checkpoints first_chunk and first_chunk + count
  std::uint64_t first_step = 0, end_step = 0;
  std::uint64_t payload_words = 0, payload_checksum = 0;

  std::uint64_t end_chunk() const { return first_chunk + chunk_count; }
  bool whole_trace() const { return first_chunk == 0 && chunk_count == num_chunks; }
  std::string range_text() const {
    return "chunks " + std::to_string(first_chunk) + ":" + std::to_string(end_chunk()) + " of " + std::to_string(num_chunks);
  }

  // The header of policy `policy`'s result over chunks [first, first + count) of `t`.
  static PartialHeader for_range(const TraceView& t, std::string_view policy, std::uint64_t first, std::uint64_t count) {
    PartialHeader h;
    h.policy = policy;
    h.trace_id = trace::trace_id(t.info);
    h.program_hash = t.info.program_hash;
    h.chunk_steps = t.info.chunk_steps;
    h.num_chunks = t.info.num_chunks;
    h.first_chunk = first;
    h.chunk_count = count;
    h.first_checksum = t.checkpoint(first).checksum;
    h.end_checksum = t.checkpoint(first + count).checksum;
    h.first_step = t.checkpoint(first).step;
    h.end_step = t.checkpoint(first + count).step;
    return h;
  }

  std::array<std::uint64_t, partial_format::header_words> to_words() const {
    std::array<std::uint64_t, partial_format::header_words> w{};
    w[0] = partial_format::magic_version;
    std::memcpy(&w[1], policy.data(), std::min(policy.size(), partial_format::max_name));
    w[3] = trace_id, w[4] = program_hash, w[5] = chunk_steps, w[6] = num_chunks;
    w[7] = first_chunk, w[8] = chunk_count, w[9] = first_checksum, w[10] = end_checksum;
    w[11] = payload_words, w[12] = payload_checksum, w[13] = first_step, w[14] = end_step;
    w[15] = hash_words(std::span(w).first(15), partial_format::header_seed);
    return w;
  }
  static PartialHeader from_words(std::span<const std::uint64_t> w, const std::string& what) {
    auto fail = [&](const std::string& why) { throw InputError(what + ": " + why); };
    if (w.size() < partial_format::header_words) fail("truncated: no complete partial-result header");
    if (static_cast<std::uint32_t>(w[0]) != static_cast<std::uint32_t>(partial_format::magic_version))
      fail("not an rvtrace partial result (bad magic)");
    if (w[0] != partial_format::magic_version)
      fail("unsupported partial-result version " + std::to_string(w[0] >> 32) + " (this rvtrace reads 1)");
    if (hash_words(w.first(15), partial_format::header_seed) != w[15]) fail("header checksum mismatch");
    PartialHeader h;
    char name[partial_format::max_name + 1] = {};
    std::memcpy(name, &w[1], partial_format::max_name);
    h.policy = name;
    h.trace_id = w[3], h.program_hash = w[4], h.chunk_steps = w[5], h.num_chunks = w[6];
    h.first_chunk = w[7], h.chunk_count = w[8], h.first_checksum = w[9], h.end_checksum = w[10];
    h.payload_words = w[11], h.payload_checksum = w[12], h.first_step = w[13], h.end_step = w[14];
    if (h.first_chunk > h.num_chunks || h.chunk_count > h.num_chunks - h.first_chunk) fail("bad chunk range");
    return h;
  }
};

// Throws InputError unless `next` continues `sofar` (same policy, trace and program; starts where
// it ends). `what` names `next` in the message.
inline void check_continues(const PartialHeader& sofar, const PartialHeader& next, const std::string& what) {
  auto fail = [&](const std::string& why) { throw InputError(what + ": " + why); };
  if (next.policy != sofar.policy) fail("policy " + next.policy + ", the others are " + sofar.policy);
  if (next.program_hash != sofar.program_hash) fail("result for a different program");
  if (next.trace_id != sofar.trace_id || next.chunk_steps != sofar.chunk_steps || next.num_chunks != sofar.num_chunks)
    fail("result for a different trace");
  if (next.first_chunk != sofar.end_chunk())
    fail(next.range_text() + " does not continue " + sofar.range_text() + " (results must be given in chunk order, with no gap)");
  if (next.first_checksum != sofar.end_checksum) fail("its first checkpoint differs from where the previous result ends");
}

inline PartialHeader joined(const PartialHeader& a, const PartialHeader& b) {
  PartialHeader h = a;
  h.chunk_count += b.chunk_count;
  h.end_checksum = b.end_checksum;
  h.end_step = b.end_step;
  h.payload_words = h.payload_checksum = 0;
  return h;
}

// A policy's payload being written, to a word vector (appended) or a file.
class PartialWriter {
 public:
  explicit PartialWriter(std::vector<std::uint64_t>& out) : vec_(&out) {}
  explicit PartialWriter(std::FILE* out) : file_(out) {}
  ~PartialWriter() = default;

  void put(std::uint64_t w) {
    hash_.add(w);
    ++words_;
    if (vec_) return vec_->push_back(w);
    buf_.push_back(w);
    if (buf_.size() >= 1 << 16) flush();
  }
  void put(std::span<const std::uint64_t> ws) {
    for (std::uint64_t w : ws) put(w);
  }
  // A byte string: its length, then its bytes in words (zero-padded).
  void put_bytes(std::string_view s) {
    put(s.size());
    for (std::size_t i = 0; i < s.size(); i += 8) {
      std::uint64_t w = 0;
      std::memcpy(&w, s.data() + i, std::min<std::size_t>(8, s.size() - i));
      put(w);
    }
  }
  void flush() {
    if (file_ && !buf_.empty() && std::fwrite(buf_.data(), 8, buf_.size(), file_) != buf_.size())
      throw std::runtime_error("write error on a partial result");
    buf_.clear();
  }
  std::uint64_t words() const { return words_; }
  std::uint64_t checksum() const { return hash_.digest(); }

 private:
  std::vector<std::uint64_t>* vec_ = nullptr;
  std::FILE* file_ = nullptr;
  std::vector<std::uint64_t> buf_;
  WordHash hash_{partial_format::payload_seed};
  std::uint64_t words_ = 0;
};

// A payload being read; every read is bounds-checked (InputError naming the partial).
class PartialReader {
 public:
  PartialReader(std::span<const std::uint64_t> payload, std::string what) : p_(payload), what_(std::move(what)) {}
  std::uint64_t get() {
    need(1);
    return p_[pos_++];
  }
  std::span<const std::uint64_t> get(std::uint64_t n) {
    need(n);
    const auto s = p_.subspan(pos_, n);
    pos_ += n;
    return s;
  }
  // A count or index that must be at most `max`.
  std::uint64_t get_size(std::uint64_t max, const char* name) {
    const std::uint64_t v = get();
    if (v > max) fail(std::string("bad ") + name + " " + std::to_string(v));
    return v;
  }
  std::string get_bytes() {
    const std::uint64_t n = get_size(8 * remaining(), "byte count");
    const auto ws = get((n + 7) / 8);
    std::string s(n, '\0');
    if (n) std::memcpy(s.data(), ws.data(), n);
    return s;
  }
  std::uint64_t remaining() const { return p_.size() - pos_; }
  void expect_end() const {
    if (remaining()) fail(std::to_string(remaining()) + " unexpected payload words at the end");
  }

 private:
  void need(std::uint64_t n) const {
    if (n > remaining()) fail("payload truncated");
  }
  [[noreturn]] void fail(const std::string& why) const { throw InputError(what_ + ": " + why); }
  std::span<const std::uint64_t> p_;
  std::size_t pos_ = 0;
  std::string what_;
};

// A complete partial result held in words: its header and payload (checked).
struct PartialData {
  PartialHeader header;
  std::span<const std::uint64_t> payload;

  static PartialData parse(std::span<const std::uint64_t> w, const std::string& what) {
    PartialData d;
    d.header = PartialHeader::from_words(w, what);
    if (w.size() - partial_format::header_words != d.header.payload_words)
      throw InputError(what + ": " + std::to_string(w.size() - partial_format::header_words) +
                       " payload words, the header says " + std::to_string(d.header.payload_words) +
                       " (truncated or trailing data)");
    d.payload = w.subspan(partial_format::header_words);
    WordHash h(partial_format::payload_seed);
    for (std::uint64_t v : d.payload) h.add(v);
    if (h.digest() != d.header.payload_checksum) throw InputError(what + ": payload checksum mismatch (corrupted)");
    return d;
  }
};

// The policy saved in `d`; `what` names it in errors.
template <PartialPolicy P>
P load_partial(const PartialData& d, const std::string& what) {
  if (d.header.policy != P::partial_name)
    throw InputError(what + ": a result of policy " + d.header.policy + ", not " + P::partial_name);
  PartialReader r(d.payload, what);
  P p = P::load_partial(r);
  r.expect_end();
  return p;
}

// Header and payload as one word vector (a message).
template <PartialPolicy P>
std::vector<std::uint64_t> partial_to_words(PartialHeader h, const P& p) {
  std::vector<std::uint64_t> w(partial_format::header_words);
  PartialWriter out(w);
  p.save_partial(out);
  h.policy = P::partial_name;
  h.payload_words = out.words();
  h.payload_checksum = out.checksum();
  const auto hw = h.to_words();
  std::copy(hw.begin(), hw.end(), w.begin());
  return w;
}

// Writes a partial result file by the one file rule (output_file.hpp): into a temporary next to
// PATH (removed on error and on SIGINT/SIGTERM), then given the name PATH; never replaces an
// existing file unless `overwrite`. Errors name PATH, never the temporary.
template <PartialPolicy P>
void save_partial_file(const std::string& path, bool overwrite, PartialHeader h, const P& p) {
  OutputFile file(path, overwrite);
  std::FILE* f = ::fdopen(::dup(file.fd()), "wb");
  if (!f) throw InputError(path + ": cannot open for writing: " + std::strerror(errno));
  try {
    const std::array<std::uint64_t, partial_format::header_words> zero{};
    if (std::fwrite(zero.data(), 8, zero.size(), f) != zero.size()) throw std::runtime_error("write error");
    PartialWriter out(f);
    p.save_partial(out);
    out.flush();
    h.policy = P::partial_name;
    h.payload_words = out.words();
    h.payload_checksum = out.checksum();
    const auto hw = h.to_words();
    if (std::fseek(f, 0, SEEK_SET) != 0 || std::fwrite(hw.data(), 8, hw.size(), f) != hw.size())
      throw std::runtime_error("write error");
  } catch (const std::runtime_error& e) {
    std::fclose(f);
    throw std::runtime_error(path + ": " + e.what());  // `file` removes the temporary
  }
  if (std::fclose(f) != 0) throw std::runtime_error(path + ": write error");
  file.commit();
}

// A partial result file mapped read-only and checked (header, size, payload checksum).
class PartialFile {
 public:
  explicit PartialFile(const std::string& path) : path_(path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw InputError(path + ": cannot open: " + std::strerror(errno));
    struct stat st;
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd);
      throw InputError(path + ": not a regular file");
    }
    size_ = static_cast<std::size_t>(st.st_size);
    if (size_ % 8 != 0) {
      ::close(fd);
      throw InputError(path + ": " + std::to_string(size_) + " bytes is not a whole number of words (truncated?)");
    }
    if (size_) {
      void* m = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (m == MAP_FAILED) {
        ::close(fd);
        throw InputError(path + ": cannot map: " + std::strerror(errno));
      }
      map_ = m;
    }
    ::close(fd);
    try {
      data_ = PartialData::parse({static_cast<const std::uint64_t*>(map_), size_ / 8}, path);
    } catch (...) {
      if (map_) ::munmap(map_, size_);
      throw;
    }
  }
  PartialFile(const PartialFile&) = delete;
  PartialFile& operator=(const PartialFile&) = delete;
  ~PartialFile() {
    if (map_) ::munmap(map_, size_);
  }
  const PartialData& data() const { return data_; }
  const PartialHeader& header() const { return data_.header; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  void* map_ = nullptr;
  std::size_t size_ = 0;
  PartialData data_;
};

}  // namespace rvtrace::trace
