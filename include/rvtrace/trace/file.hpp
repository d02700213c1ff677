#pragma once
// The .rvmt minimal-trace file (format: docs/trace-format.md). Little-endian throughout:
//
//   [0, 256)            header: 32 uint64_t words (below); word 31 = WordHash of words 0..30
//   [256, 256 + 8*L)    the memory-read log: L uint64_t words, chunk after chunk
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
// writes through a 1 MiB buffer), the index (kept in an unnamed temporary meanwhile) and the header
// at the end, into an exclusive temporary given the final name only when complete (output_file.hpp).
// TraceFile maps a file read-only and validates the header and the index without reading the log;
// neither side holds per-chunk state in memory.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
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
#include "rvtrace/trace/output_file.hpp"
#include "rvtrace/trace/trace_view.hpp"

namespace rvtrace::trace {

static_assert(std::endian::native == std::endian::little, "the .rvmt reader/writer assumes a little-endian host");

namespace format {
inline constexpr std::uint32_t magic = 0x544d5652;  // "RVMT" as little-endian bytes
inline constexpr std::uint32_t version = 3;  // 3: binds input, arguments, platform, ISA; 2: first-touch log
inline constexpr std::uint64_t header_bytes = 256;
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
  w_log_offset = 10,     // bytes (= header_bytes)
  w_index_offset = 11,   // bytes (= header_bytes + 8 * log words)
  w_file_size = 12,
  w_index_checksum = 13,
  w_args_hash = 14,      // hash_arguments(argv, envp)
  w_input_hash = 15,     // ByteStreamHash(input_hash_seed) of the input bytes the guest read
  w_input_bytes = 16,    // how many it read
  w_platform = 17,       // 2 words: platform name, ASCII, NUL-padded (16 bytes)
  w_isa = 19,            // 2 words: ISA name, ASCII, NUL-padded (16 bytes)
  w_max_log_words = 21,  // the instruction set's bound on log words per step; 0 = 2 (RV64IMAC's)
  w_reserved = 22,       // words 22..30: 0
  w_header_checksum = 31,
  header_words = 32,
};
static_assert(header_words * 8 == header_bytes);

inline std::uint64_t header_checksum(const std::uint64_t* w) {
  WordHash h(header_seed);
  for (unsigned i = 0; i < w_header_checksum; ++i) h.add(w[i]);
  return h.digest();
}

// A short identifier in two header words (NUL-padded, at most 16 bytes).
inline void put_identifier(std::uint64_t* w, const std::string& s) {
  if (s.size() > max_identifier_bytes) throw std::invalid_argument("trace identifier '" + s + "' is longer than 16 bytes");
  char b[max_identifier_bytes] = {};
  std::memcpy(b, s.data(), s.size());
  std::memcpy(w, b, sizeof b);
}
inline std::string get_identifier(const std::uint64_t* w) {
  char b[max_identifier_bytes + 1] = {};
  std::memcpy(b, w, max_identifier_bytes);
  return b;
}
}  // namespace format

// The words of a file written in large pieces through a 1 MiB buffer.
class BufferedFd {
 public:
  explicit BufferedFd(std::string name) : name_(std::move(name)) { buf_.reserve(buffer_bytes); }
  void attach(int fd) { fd_ = fd; }
  void put(const void* p, std::size_t n) {
    written_ += n;
    const auto* c = static_cast<const unsigned char*>(p);
    if (n >= buffer_bytes / 16) {  // large pieces (chunk logs) go straight out
      flush();
      return write_all(c, n);
    }
    if (buf_.size() + n > buffer_bytes) flush();
    buf_.insert(buf_.end(), c, c + n);
  }
  void flush() {
    if (!buf_.empty()) write_all(buf_.data(), buf_.size());
    buf_.clear();
  }
  std::uint64_t written() const { return written_; }
  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error(name_ + ": " + what + ": " + std::strerror(errno));
  }

 private:
  static constexpr std::size_t buffer_bytes = std::size_t{1} << 20;
  void write_all(const unsigned char* c, std::size_t n) {
    while (n > 0) {
      const ssize_t k = ::write(fd_, c, n);
      if (k < 0 && errno == EINTR) continue;
      if (k <= 0) fail("write failed");
      c += k;
      n -= static_cast<std::size_t>(k);
    }
  }
  std::string name_;
  int fd_ = -1;
  std::vector<unsigned char> buf_;
  std::uint64_t written_ = 0;
};

class TraceFileWriter {
 public:
  // Refuses to replace an existing file unless `overwrite`, and never writes over one of `inputs`
  // (output_file.hpp). Stops with LimitError when the file would exceed `max_bytes`.
  TraceFileWriter(std::string path, bool overwrite = false, std::span<const std::string> inputs = {},
                  std::uint64_t max_bytes = ~std::uint64_t{0})
      : file_(std::move(path), overwrite, inputs), out_(file_.path()), index_(file_.path() + " (index)"),
        max_bytes_(max_bytes) {
    out_.attach(file_.fd());
    // The index grows with the number of chunks: it waits in an unnamed temporary file, not in memory.
    index_fd_ = open_unnamed_temp(file_.temp_path());
    index_.attach(index_fd_);
    const std::uint64_t zero[format::header_words] = {};
    out_.put(zero, sizeof zero);  // patched by finish()
  }
  TraceFileWriter(const TraceFileWriter&) = delete;
  TraceFileWriter& operator=(const TraceFileWriter&) = delete;
  ~TraceFileWriter() {
    if (index_fd_ >= 0) ::close(index_fd_);
  }

  void chunk(const Checkpoint& c, std::span<const std::uint64_t> log) {
    if (out_.written() + log.size_bytes() + index_.written() + 2 * format::checkpoint_bytes > max_bytes_)
      throw LimitError("the trace would exceed " + std::to_string(max_bytes_) + " bytes (--max-bytes) at chunk " +
                       std::to_string(index_.written() / format::checkpoint_bytes) + ", step " +
                       std::to_string(c.step) + "; no trace written");
    out_.put(log.data(), log.size_bytes());
    add_checkpoint(c);
  }

  void finish(const TraceInfo& info, const Checkpoint& final_state) {
    add_checkpoint(final_state);
    index_.flush();
    out_.flush();
    copy_index();
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
    h[w_log_offset] = header_bytes;
    h[w_index_offset] = header_bytes + 8 * info.log_words;
    h[w_file_size] = out_.written();
    h[w_index_checksum] = index_hash_.digest();
    h[w_args_hash] = info.args_hash;
    h[w_input_hash] = info.input_hash;
    h[w_input_bytes] = info.input_bytes;
    put_identifier(h + w_platform, info.platform);
    put_identifier(h + w_isa, info.isa);
    h[w_max_log_words] = info.max_log_words_per_step == isa::base_log_words_per_step ? 0 : info.max_log_words_per_step;
    h[w_header_checksum] = header_checksum(h);
    if (h[w_index_offset] + (info.num_chunks + 1) * checkpoint_bytes != out_.written())
      throw std::logic_error("trace writer: the log size differs from the header's");
    if (::pwrite(file_.fd(), h, sizeof h, 0) != static_cast<ssize_t>(sizeof h)) out_.fail("cannot write the header");
    file_.commit();
  }

  const std::string& path() const { return file_.path(); }
  std::uint64_t bytes_written() const { return out_.written(); }

 private:
  static int open_unnamed_temp(const std::string& near) {
    const std::string dir = near.find('/') == std::string::npos ? "." : near.substr(0, near.rfind('/') + 1);
    int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0) return fd;
    std::string pattern = near + ".index.XXXXXX";  // file systems without O_TMPFILE
    fd = ::mkostemp(pattern.data(), O_CLOEXEC);
    if (fd < 0) throw InputError(near + ": cannot create a temporary file for the index: " + std::strerror(errno));
    ::unlink(pattern.c_str());
    return fd;
  }
  void add_checkpoint(const Checkpoint& c) {
    const auto w = c.to_words();
    for (std::uint64_t v : w) index_hash_.add(v);  // word by word, as the reader checks it
    index_.put(w.data(), sizeof w);
  }
  void copy_index() {
    std::vector<unsigned char> buf(std::size_t{1} << 20);
    for (off_t at = 0;;) {
      const ssize_t n = ::pread(index_fd_, buf.data(), buf.size(), at);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) index_.fail("cannot read back");
      if (n == 0) break;
      out_.put(buf.data(), static_cast<std::size_t>(n));
      at += n;
    }
    out_.flush();
  }

  OutputFile file_;
  BufferedFd out_, index_;
  int index_fd_ = -1;
  WordHash index_hash_{format::index_seed};
  std::uint64_t max_bytes_;
};

// A .rvmt file mapped read-only; the header and the index are validated on open.
class TraceFile {
 public:
  explicit TraceFile(std::string path) : path_(std::move(path)) {
    struct stat st;
    const int fd = guest::open_regular_file(path_, "trace", st);
    size_ = static_cast<std::uint64_t>(st.st_size);
    id_ = guest::file_id(st);
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
  // The file's device and inode (outputs must not be this file).
  guest::FileId id() const { return id_;
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
    for (unsigned i = w_reserved; i < w_header_checksum; ++i)
      if (h[i] != 0) fail("reserved header word " + std::to_string(i) + " is not zero (offset " + std::to_string(8 * i) + ")");
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
    info_.args_hash = h[w_args_hash];
    info_.input_hash = h[w_input_hash];
    info_.input_bytes = h[w_input_bytes];
    info_.platform = get_identifier(h + w_platform);
    info_.isa = get_identifier(h + w_isa);
    info_.max_log_words_per_step = h[w_max_log_words] ? h[w_max_log_words] : isa::base_log_words_per_step;
    if (info_.max_log_words_per_step > (std::uint64_t{1} << 20))
      fail("bad log words per step bound " + std::to_string(info_.max_log_words_per_step) + " (offset 168)");
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
    // The index is read in place: Checkpoint is exactly its 37 words, in file order (checkpoint.hpp),
    // and the index starts 8-aligned in a page-aligned mapping.
    index_ = {reinterpret_cast<const Checkpoint*>(map_ + index_at), static_cast<std::size_t>(info_.num_chunks + 1)};
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
  guest::FileId id_;
  TraceInfo info_;
  std::span<const Checkpoint> index_;  // in the mapping: memory does not grow with the chunk count
};

}  // namespace rvtrace::trace
