#pragma once
// The witness policy: the full per-step witness as columns (column-major, like a prover's main
// table): one row per step, 12 uint64_t columns
//
//   pc, insn (word as stored: 16 bits if compressed), rs1_value, rs2_value (before the step),
//   rd (0: none), rd_value, imm (sign-extended decoded immediate), mem_addr, mem_flags
//   (load width | store width << 4; an AMO has both, same address), load_value (raw, zero-extended),
//   store_value (the stored low bytes), next_pc.
//
// A default-made instance keeps its columns (columns()); one made with a FILE* streams them as a
// binary file: a 16-byte header (uint64 magic "RVWT" | version 1 << 32, uint64 column count 12),
// then row groups of up to 65536 rows: uint64 first step, uint64 rows, then each column's values
// (rows uint64 each, little-endian) in the order above. Groups are cut every 65536 rows from the
// first step, so the bytes do not depend on chunk size or threads.
//
// A per-chunk instance of a long chunk does not keep all its rows: past spill_rows it serializes
// its complete row groups (they are aligned to steps, so already final bytes) into an OutputBuffer
// that spills to a temporary file, keeping only the rows before its first group boundary (head) and
// after its last complete group (tail); merging writes head, groups, tail in order. So a chunk of
// 2^24 steps costs tens of MB, not 1.6 GB.
//
// on_step writes a row into a small column-major stage (stage_rows rows, in cache) and moves the
// stage to the columns when it is full, or before anything else looks at them: 12 plain stores per
// step instead of 12 vector appends.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <memory>
#include <mutex>
#include <span>
#include <stdexcept>
#include <utility>
#include <vector>

#include "rvtrace/interp/step.hpp"
#include "rvtrace/trace/output_buffer.hpp"

namespace rvtrace::trace {

class WitnessPolicy {
 public:
  static constexpr bool reads_operands = true;
  static constexpr std::size_t columns_count = 12;
  enum Column : unsigned { pc, insn, rs1_value, rs2_value, rd, rd_value, imm, mem_addr, mem_flags, load_value, store_value, next_pc };
  static constexpr const char* column_names[columns_count] = {
      "pc", "insn", "rs1_value", "rs2_value", "rd", "rd_value", "imm", "mem_addr", "mem_flags", "load_value", "store_value", "next_pc"};
  static constexpr std::uint64_t group_rows = 65536;

  WitnessPolicy() = default;
  explicit WitnessPolicy(std::FILE* out) : out_(out) {
    const std::uint64_t h[2] = {0x54575652ull | std::uint64_t{1} << 32, columns_count};
    write(h, sizeof h);
  }
  static constexpr std::uint64_t spill_rows = 8 * group_rows;  // a per-chunk instance keeps at most ~this many

  WitnessPolicy(WitnessPolicy&& o) noexcept
      : out_(std::exchange(o.out_, nullptr)), stage_(std::move(o.stage_)), staged_(std::exchange(o.staged_, 0)),
        cols_(std::move(o.cols_)), first_step_(o.first_step_),
        head_(std::move(o.head_)), head_first_(o.head_first_), groups_(std::move(o.groups_)),
        spilled_(std::exchange(o.spilled_, false)) {}
  WitnessPolicy& operator=(WitnessPolicy&& o) noexcept {
    finish_noexcept();
    out_ = std::exchange(o.out_, nullptr);
    stage_ = std::move(o.stage_);
    staged_ = std::exchange(o.staged_, 0);
    cols_ = std::move(o.cols_);
    first_step_ = o.first_step_;
    head_ = std::move(o.head_);
    head_first_ = o.head_first_;
    groups_ = std::move(o.groups_);
    spilled_ = std::exchange(o.spilled_, false);
    return *this;
  }
  ~WitnessPolicy() { finish_noexcept(); }

  template <class Step>
  void on_step(const Step& s) {
    if (staged_ == 0) {
      if (cols_[0].empty()) first_step_ = s.step;
      if (!stage_) stage_ = std::make_unique<std::uint64_t[]>(columns_count * stage_rows);
    }
    std::uint64_t* r = stage_.get() + staged_;
    r[pc * stage_rows] = s.pc;
    r[insn * stage_rows] = s.insn->word;
    r[rs1_value * stage_rows] = s.rs1_value;
    r[rs2_value * stage_rows] = s.rs2_value;
    r[rd * stage_rows] = s.rd;
    r[rd_value * stage_rows] = s.rd_value;
    r[imm * stage_rows] = static_cast<std::uint64_t>(static_cast<std::int64_t>(s.insn->ops.imm));
    r[mem_addr * stage_rows] = s.load.width ? s.load.addr : s.store.addr;
    r[mem_flags * stage_rows] = std::uint64_t{s.load.width} | std::uint64_t{s.store.width} << 4;
    r[load_value * stage_rows] = s.load.value;
    r[store_value * stage_rows] = s.store.value;
    r[next_pc * stage_rows] = s.next_pc;
    if (++staged_ == stage_rows) [[unlikely]] flow();
  }
  void merge(WitnessPolicy&& later) {
    unstage();
    later.unstage();
    if (later.spilled_) return merge_spilled(std::move(later));
    merge_rows(std::move(later));
  }
  // Appends `later`'s kept rows (no spilled groups).
  void merge_rows(WitnessPolicy&& later) {
    unstage();
    later.unstage();
    if (later.cols_[0].empty()) return;
    if (out_ && cols_[0].empty() && later.first_step_ % group_rows == 0) {
      // Nothing pending and the chunk starts a group: write its full groups straight from it.
      first_step_ = later.first_step_;
      const std::size_t full = later.cols_[0].size() / group_rows * group_rows;
      write_groups(later.cols_, 0, full);
      first_step_ += full;
      for (std::size_t c = 0; c < columns_count; ++c)
        cols_[c].assign(later.cols_[c].begin() + static_cast<std::ptrdiff_t>(full), later.cols_[c].end());
      later.recycle();
      return;
    }
    if (cols_[0].empty()) first_step_ = later.first_step_;
    for (std::size_t c = 0; c < columns_count; ++c)
      cols_[c].insert(cols_[c].end(), later.cols_[c].begin(), later.cols_[c].end());
    later.recycle();
    if (out_) drain(false);
  }
  // Writes the remaining rows (streaming instances).
  void finish() {
    unstage();
    if (out_) drain(true);
    if (out_ && std::fflush(out_) != 0) throw std::runtime_error("write error on the witness output");
  }

  // Partial results (partial.hpp) of a kept instance: first step, rows, then each column.
  static constexpr const char* partial_name = "witness";
  template <class W>
  void save_partial(W& w) const {
    unstage();
    w.put(first_step_);
    w.put(cols_[0].size());
    for (const auto& col : cols_) w.put(std::span<const std::uint64_t>(col));
  }
  template <class R>
  static WitnessPolicy load_partial(R& r) {
    WitnessPolicy p;
    p.first_step_ = r.get();
    const std::uint64_t rows = r.get_size(r.remaining() / columns_count, "row count");
    for (auto& col : p.cols_) {
      const auto words = r.get(rows);
      col.assign(words.begin(), words.end());
    }
    return p;
  }

  std::uint64_t rows() const { return cols_[0].size() + staged_; }
  std::uint64_t first_step() const { return first_step_; }
  const std::vector<std::uint64_t>& column(Column c) const {
    unstage();
    return cols_[c];
  }

 private:
  static constexpr std::size_t stage_rows = 256;  // 24 KiB of stage: stays in L1
  // Moves the staged rows to the columns (const: the staged rows already belong to the value, so
  // cols_ and staged_ are mutable).
  void unstage() const {
    if (staged_ == 0) return;
    if (cols_[0].empty() && cols_[0].capacity() < group_rows)
      for (auto& col : cols_) col = pool().take();
    for (std::size_t c = 0; c < columns_count; ++c)
      cols_[c].insert(cols_[c].end(), stage_.get() + c * stage_rows, stage_.get() + c * stage_rows + staged_);
    staged_ = 0;
  }
  // A full stage: to the columns, then stream or spill complete groups as on_step did after each row.
  void flow() {
    unstage();
    if (out_ && cols_[0].size() >= group_rows) drain(false);
    else if (!out_ && cols_[0].size() >= spill_rows) spill_groups();
  }
  // Column buffers of merged chunks are reused by later chunks (any thread): no page-fault churn.
  class Pool {
   public:
    std::vector<std::uint64_t> take() {
      {
        std::lock_guard lk(mu_);
        if (!free_.empty()) {
          auto v = std::move(free_.back());
          free_.pop_back();
          return v;
        }
      }
      std::vector<std::uint64_t> v;
      v.reserve(group_rows);
      return v;
    }
    void give(std::vector<std::uint64_t>&& v) {
      v.clear();
      std::lock_guard lk(mu_);
      if (free_.size() < 512 && v.capacity() >= group_rows) free_.push_back(std::move(v));
    }

   private:
    std::mutex mu_;
    std::vector<std::vector<std::uint64_t>> free_;
  };
  static Pool& pool() {
    static Pool p;
    return p;
  }
  // Per-chunk instance: moves its complete, step-aligned row groups to groups_ as final bytes.
  void spill_groups() {
    if (!spilled_) {  // the rows before the first group boundary stay apart, as the head
      const std::uint64_t boundary = (first_step_ + group_rows - 1) / group_rows * group_rows;
      const auto n = static_cast<std::ptrdiff_t>(boundary - first_step_);
      for (std::size_t c = 0; c < columns_count; ++c) {
        head_[c].assign(cols_[c].begin(), cols_[c].begin() + n);
        cols_[c].erase(cols_[c].begin(), cols_[c].begin() + n);
      }
      head_first_ = first_step_;
      first_step_ = boundary;
      spilled_ = true;
    }
    const std::size_t full = cols_[0].size() / group_rows * group_rows;
    for (std::size_t at = 0; at < full; at += group_rows) {
      const std::uint64_t h[2] = {first_step_ + at, group_rows};
      groups_.append({reinterpret_cast<const char*>(h), sizeof h});
      for (const auto& col : cols_) groups_.append({reinterpret_cast<const char*>(col.data() + at), group_rows * 8});
      groups_.maybe_flush();
    }
    for (auto& col : cols_) col.erase(col.begin(), col.begin() + static_cast<std::ptrdiff_t>(full));
    first_step_ += full;
  }
  // Appends a spilled chunk: its head rows, its groups (bytes), its tail rows.
  void merge_spilled(WitnessPolicy&& later) {
    WitnessPolicy head;
    head.cols_ = std::move(later.head_);
    head.first_step_ = later.head_first_;
    merge_rows(std::move(head));
    if (out_ && (cols_[0].empty() || first_step_ % group_rows == 0)) {
      drain(true);  // whole groups: the pending rows end at later's first group boundary
      later.groups_.consume([&](std::string_view piece) { write(piece.data(), piece.size()); });
    } else {  // an in-memory root, or one whose groups are not step-aligned: read the groups back
      std::string bytes;
      later.groups_.consume([&](std::string_view piece) { bytes.append(piece); });
      for (std::size_t at = 0; at < bytes.size();) {
        std::uint64_t h[2];
        std::memcpy(h, bytes.data() + at, sizeof h);
        at += sizeof h;
        if (cols_[0].empty()) first_step_ = h[0];
        for (auto& col : cols_) {
          const std::size_t old = col.size();
          col.resize(old + h[1]);
          std::memcpy(col.data() + old, bytes.data() + at, h[1] * 8);
          at += h[1] * 8;
        }
      }
    }
    if (cols_[0].empty()) first_step_ = later.first_step_;
    for (std::size_t c = 0; c < columns_count; ++c)
      cols_[c].insert(cols_[c].end(), later.cols_[c].begin(), later.cols_[c].end());
    later.recycle();
    if (out_) drain(false);
  }
  void recycle() {
    for (auto& col : cols_) pool().give(std::move(col));
    for (auto& col : cols_) col = {};
  }
  void write(const void* p, std::size_t n) {
    if (std::fwrite(p, 1, n, out_) != n) throw std::runtime_error("write error on the witness output");
  }
  void drain(bool all) {
    const std::size_t n = cols_[0].size();
    const std::size_t at = all ? n : n / group_rows * group_rows;
    write_groups(cols_, 0, at);
    if (at == 0) return;
    for (auto& col : cols_) col.erase(col.begin(), col.begin() + static_cast<std::ptrdiff_t>(at));
    first_step_ += at;
  }
  // Row groups of rows [from, to) of `cols` (whose row 0 is first_step_).
  void write_groups(const std::array<std::vector<std::uint64_t>, columns_count>& cols, std::size_t from, std::size_t to) {
    for (std::size_t at = from; at < to; at += group_rows) {
      const std::size_t rows = std::min<std::size_t>(group_rows, to - at);
      const std::uint64_t h[2] = {first_step_ + at, rows};
      write(h, sizeof h);
      for (const auto& col : cols) write(col.data() + at, rows * 8);
    }
  }
  void finish_noexcept() {
    try {
      finish();
    } catch (...) {
    }
  }

  std::FILE* out_ = nullptr;
  std::unique_ptr<std::uint64_t[]> stage_;  // column c's staged rows at [c * stage_rows, ...)
  mutable std::size_t staged_ = 0;
  mutable std::array<std::vector<std::uint64_t>, columns_count> cols_;
  std::uint64_t first_step_ = 0;
  // Per-chunk instances of long chunks (spill_groups): head rows, complete groups as bytes.
  std::array<std::vector<std::uint64_t>, columns_count> head_;
  std::uint64_t head_first_ = 0;
  OutputBuffer groups_;
  bool spilled_ = false;
};

}  // namespace rvtrace::trace
