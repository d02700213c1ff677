#pragma once
// The .rvmt minimal-trace file (format: docs/trace-format.md). Little-endian throughout:
//
//   [0, 128)            header: 16 uint64_t words (below); word 15 = WordHash of words 0..14
//   [128, 128 + 8*L)    the memory-read log: L uint64_t words, chunk after chunk
//   then                the chunk index: num_chunks + 1 checkpoints of 37 uint64_t words each
//                       (checkpoint i locates chunk i's log; the last one is the final state);
//                       header word 13 = WordHash of all its words
//   end of file         exactly after the index (the header records the file size)
//
// Checksums: the header's (loader), the index's (loader), and one per chunk over its checkpoint
// and its log words (checked when the chunk is replayed or verified). So any changed byte is
// detected by opening the file or by `verify`.
//
// TraceFileWriter is a recorder sink: log words are written as they come (large sequential
// writes through a 1 MiB buffer), the index and the header at the end, into NAME.tmp.PID, renamed
// to NAME only when complete (never a half-written file under the final name).
// TraceFile maps a file read-only and validates the header and the index without reading the log.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "rvtrace/guest/elf.hpp"
#include "rvtrace/guest/fault.hpp"
#include "rvtrace/trace/checkpoint.hpp"
#include "rvtrace/trace/hash.hpp"
#include "rvtrace/trace/trace_view.hpp"

namespace rvtrace::trace {

static_assert(std::endian::native == std::endian::little, "the .rvmt reader/writer assumes a little-endian host");

namespace format {
inline constexpr std::uint32_t magic = 0x544d5652;  // "RVMT" as little-endian bytes
inline constexpr std::uint32_t version = 2;  // 2: first-touch log (each word once per chunk)
inline constexpr std::uint64_t header_bytes = 128;
inline constexpr std::uint64_t checkpoint_bytes = Checkpoint::words * 8;
inline constexpr std::uint64_t header_seed = 0x52564d54'48445231ull;  // "RVMTHDR1"
inline constexpr std::uint64_t index_seed = 0x52564d54'49445831ull;   // "RVMTIDX1"

// Header words.
enum : unsigned {
  w_magic_version = 0,   // magic (low 32 bits) | version << 32
  w_sizes = 1,           // header bytes (low 32) | checkpoint record bytes << 32
  w_chunk_steps = 2,
  w_total_steps = 3,
  w_num_chunks = 4,
  w_log_words = 5,
  w_stop = 6,            // stop reason (bits 0-7) | fault kind (8-15) | exit code as uint32 (32-63)
  w_fault_pc = 7,
  w_fault_addr = 8,
  w_program_hash = 9,
  w_log_offset = 10,     // bytes (= 128)
  w_index_offset = 11,   // bytes (= 128 + 8 * log words)
  w_file_size = 12,
  w_index_checksum = 13,
  w_platform = 14,       // platform tag (trace::platform_tag; 0 = linux) | max log words per step << 32 (0 = 2)
  w_header_checksum = 15,
  header_words = 16,
};

inline std::uint64_t header_checksum(const std::uint64_t* w) {
  WordHash h(header_seed);
  for (unsigned i = 0; i < w_header_checksum; ++i) h.add(w[i]);
  return h.digest();
}
}  // namespace format

class TraceFileWriter {
 public:
  // Refuses to replace an existing file unless `overwrite`.
  TraceFileWriter(std::string path, bool overwrite = false)
      : path_(std::move(path)), overwrite_(overwrite) {
    struct stat st;
    if (!overwrite_ && ::stat(path_.c_str(), &st) == 0)
      throw InputError(path_ + ": file exists (use --force to overwrite)");
    tmp_ = path_ + ".tmp." + std::to_string(::getpid());
    fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) throw InputError(tmp_ + ": cannot create: " + std::strerror(errno));
    buf_.reserve(buffer_bytes);
    const std::uint64_t zero[format::header_words] = {};
    put(zero, sizeof zero);  // patched by finish()
  }
  TraceFileWriter(const TraceFileWriter&) = delete;
  TraceFileWriter& operator=(const TraceFileWriter&) = delete;
  ~TraceFileWriter() {
    if (fd_ >= 0) ::close(fd_);
    if (!done_) ::unlink(tmp_.c_str());
  }

  void chunk(const Checkpoint& c, std::span<const std::uint64_t> log) {
    put(log.data(), log.size_bytes());
    index_.push_back(c);
  }

  void finish(const TraceInfo& info, const Checkpoint& final_state) {
    index_.push_back(final_state);
    std::vector<std::uint64_t> index;
    index.reserve(index_.size() * Checkpoint::words);
    for (const Checkpoint& c : index_) {
      const auto w = c.to_words();
      index.insert(index.end(), w.begin(), w.end());
    }
    flush();
    write_all(index.data(), index.size() * 8);
    written_ += index.size() * 8;
    WordHash ih(format::index_seed);  // word by word, as the reader checks it
    for (std::uint64_t v : index) ih.add(v);
    using namespace format;
    std::uint64_t h[header_words] = {};
    h[w_magic_version] = magic | std::uint64_t{version} << 32;
    h[w_sizes] = header_bytes | checkpoint_bytes << 32;
    h[w_chunk_steps] = info.chunk_steps;
    h[w_total_steps] = info.total_steps;
    h[w_num_chunks] = info.num_chunks;
    h[w_log_words] = info.log_words;
    h[w_stop] = std::uint64_t(info.stop) | std::uint64_t(info.fault_kind) << 8 |
                std::uint64_t(static_cast<std::uint32_t>(info.exit_code)) << 32;
    h[w_fault_pc] = info.fault_pc;
    h[w_fault_addr] = info.fault_addr;
    h[w_program_hash] = info.program_hash;
    h[w_platform] = info.platform | std::uint64_t{info.max_log_words_per_step} << 32;
    h[w_log_offset] = header_bytes;
    h[w_index_offset] = header_bytes + 8 * info.log_words;
    h[w_file_size] = written_;
    h[w_index_checksum] = ih.digest();
    h[w_header_checksum] = header_checksum(h);
    if (h[w_index_offset] + index_.size() * checkpoint_bytes != written_)
      throw std::logic_error("trace writer: the log size differs from the header's");
    if (::pwrite(fd_, h, sizeof h, 0) != static_cast<ssize_t>(sizeof h)) fail("cannot write the header");
    if (::close(fd_) != 0) {
      fd_ = -1;
      fail("cannot close");
    }
    fd_ = -1;
    if (overwrite_) {
      if (::rename(tmp_.c_str(), path_.c_str()) != 0) fail("cannot rename to " + path_);
    } else {  // link fails if the name appeared meanwhile: never replaces a file
      if (::link(tmp_.c_str(), path_.c_str()) != 0) fail("cannot create " + path_);
      ::unlink(tmp_.c_str());
    }
    done_ = true;
  }

  const std::string& path() const { return path_; }
  std::uint64_t bytes_written() const { return written_; }

 private:
  static constexpr std::size_t buffer_bytes = std::size_t{1} << 20;
  [[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error(tmp_ + ": " + what + ": " + std::strerror(errno));
  }
  void write_all(const void* p, std::size_t n) {
    const char* c = static_cast<const char*>(p);
    while (n > 0) {
      const ssize_t k = ::write(fd_, c, n);
      if (k < 0 && errno == EINTR) continue;
      if (k <= 0) fail("write failed");
      c += k;
      n -= static_cast<std::size_t>(k);
    }
  }
  void put(const void* p, std::size_t n) {
    written_ += n;
    if (buf_.size() + n <= buffer_bytes && n < buffer_bytes / 16) {
      const auto* c = static_cast<const unsigned char*>(p);
      buf_.insert(buf_.end(), c, c + n);
      return;
    }
    flush();
    if (n >= buffer_bytes / 16) write_all(p, n);  // large pieces (chunk logs) go straight out
    else buf_.insert(buf_.end(), static_cast<const unsigned char*>(p), static_cast<const unsigned char*>(p) + n);
  }
  void flush() {
    if (!buf_.empty()) write_all(buf_.data(), buf_.size());
    buf_.clear();
  }

  std::string path_, tmp_;
  bool overwrite_;
  int fd_ = -1;
  std::vector<unsigned char> buf_;
  std::vector<Checkpoint> index_;
  std::uint64_t written_ = 0;
  bool done_ = false;
};

// A .rvmt file mapped read-only; the header and the index are validated on open.
class TraceFile {
 public:
  explicit TraceFile(std::string path) : path_(std::move(path)) {
    const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw InputError(path_ + ": cannot open: " + std::strerror(errno));
    struct stat st;
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd);
      throw InputError(path_ + ": not a regular file");
    }
    size_ = static_cast<std::uint64_t>(st.st_size);
    if (size_ > 0) {
      void* m = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (m == MAP_FAILED) {
        ::close(fd);
        throw InputError(path_ + ": cannot map: " + std::strerror(errno));
      }
      map_ = static_cast<const unsigned char*>(m);
    }
    ::close(fd);
    try {
      load();
    } catch (...) {
      unmap();
      throw;
    }
  }
  TraceFile(const TraceFile&) = delete;
  TraceFile& operator=(const TraceFile&) = delete;
  ~TraceFile() { unmap(); }

  const std::string& path() const { return path_; }
  const TraceInfo& info() const { return info_; }
  std::uint64_t file_size() const { return size_; }
  TraceView view() const {
    return {info_, index_, {reinterpret_cast<const std::uint64_t*>(map_ + format::header_bytes), info_.log_words}};
  }

  // Rejects a trace recorded for another program.
  void check_program(const guest::Program& p, const std::string& elf_path) const {
    if (p.hash != info_.program_hash) {
      char b[200];
      std::snprintf(b, sizeof b, ": recorded for a different program (program hash 0x%016llx), %s has hash 0x%016llx",
                    (unsigned long long)info_.program_hash, elf_path.c_str(), (unsigned long long)p.hash);
      throw InputError(path_ + b);
    }
  }

 private:
  [[noreturn]] void fail(const std::string& what) const { throw InputError(path_ + ": " + what); }
  std::uint64_t word(std::uint64_t byte_offset) const {
    std::uint64_t v;
    std::memcpy(&v, map_ + byte_offset, 8);
    return v;
  }

  void load() {
    using namespace format;
    if (size_ < header_bytes)
      fail("truncated: " + std::to_string(size_) + " bytes, a header alone is " + std::to_string(header_bytes));
    std::uint64_t h[header_words];
    std::memcpy(h, map_, sizeof h);
    if (static_cast<std::uint32_t>(h[w_magic_version]) != magic) fail("not an rvtrace trace (bad magic at offset 0)");
    if ((h[w_magic_version] >> 32) != version)
      fail("unsupported version " + std::to_string(h[w_magic_version] >> 32) + " (this rvtrace reads version " +
           std::to_string(version) + ")");
    if (h[w_header_checksum] != header_checksum(h)) fail("header checksum mismatch (header corrupted, bytes 0..127)");
    if (h[w_sizes] != (header_bytes | checkpoint_bytes << 32)) fail("bad header/record sizes (offset 8)");
    if (h[w_file_size] != size_)
      fail((size_ < h[w_file_size] ? "truncated: " : "trailing bytes: ") + std::to_string(size_) +
           " bytes, the header says " + std::to_string(h[w_file_size]));
    info_.chunk_steps = h[w_chunk_steps];
    info_.total_steps = h[w_total_steps];
    info_.num_chunks = h[w_num_chunks];
    info_.log_words = h[w_log_words];
    info_.stop = static_cast<TraceStop>(h[w_stop] & 0xff);
    info_.fault_kind = static_cast<FaultKind>((h[w_stop] >> 8) & 0xff);
    info_.exit_code = static_cast<std::int32_t>(static_cast<std::uint32_t>(h[w_stop] >> 32));
    info_.fault_pc = h[w_fault_pc];
    info_.fault_addr = h[w_fault_addr];
    info_.program_hash = h[w_program_hash];
    info_.platform = static_cast<std::uint32_t>(h[w_platform]);
    if (const auto bound = static_cast<std::uint32_t>(h[w_platform] >> 32)) info_.max_log_words_per_step = bound;
    if ((h[w_stop] & 0xffff0000ull) != 0) fail("bad stop word (offset 48)");
    try {
      check_chunk_steps(info_.chunk_steps);
    } catch (const InputError& e) {
      fail(e.what());
    }
    // Sizes, with overflow checks: log, then num_chunks + 1 records, then the end of the file.
    const std::uint64_t avail = size_ - header_bytes;
    if (h[w_log_offset] != header_bytes) fail("bad log offset (header offset 80)");
    if (info_.log_words > avail / 8) fail("log of " + std::to_string(info_.log_words) + " words exceeds the file");
    const std::uint64_t index_at = header_bytes + 8 * info_.log_words;
    if (h[w_index_offset] != index_at) fail("bad index offset (header offset 88)");
    if (info_.num_chunks >= (size_ - index_at) / checkpoint_bytes + 1 ||
        index_at + (info_.num_chunks + 1) * checkpoint_bytes != size_)
      fail("the index of " + std::to_string(info_.num_chunks) + " chunks does not end the file at byte " +
           std::to_string(size_));
    WordHash ih(index_seed);
    ih.add_bytes_as_words(map_ + index_at, (info_.num_chunks + 1) * Checkpoint::words);
    if (ih.digest() != h[w_index_checksum])
      fail("chunk index checksum mismatch (bytes " + std::to_string(index_at) + ".." + std::to_string(size_ - 1) + ")");
    index_.resize(static_cast<std::size_t>(info_.num_chunks + 1));
    for (std::uint64_t i = 0; i <= info_.num_chunks; ++i) {
      std::array<std::uint64_t, Checkpoint::words> w;
      std::memcpy(w.data(), map_ + index_at + i * checkpoint_bytes, sizeof w);
      index_[i] = Checkpoint::from_words(w);
    }
    try {
      validate_structure(view());
    } catch (const InputError& e) {
      fail(e.what());
    }
  }
  void unmap() {
    if (map_) ::munmap(const_cast<unsigned char*>(map_), size_);
    map_ = nullptr;
  }

  std::string path_;
  const unsigned char* map_ = nullptr;
  std::uint64_t size_ = 0;
  TraceInfo info_;
  std::vector<Checkpoint> index_;
};

}  // namespace rvtrace::trace
