#pragma once
// The digest policy: a 128-bit hash over every step record, to compare runs (sequential
// interpreter vs replay, one engine vs another, a trace vs a re-recorded one).
//
// Each step's record (step index, pc, next pc, instruction word, rd and its value, load and store
// address/value/width) is hashed to a 128-bit value by 5 64x64->128-bit multiplications of
// field pairs xor-ed with constants (wyhash's "mum" mixing); the digest is the sum mod 2^128 of
// the step values, finalized with the step count. Because the step index is part of each record,
// the sum pins every record to its position, yet it is associative and commutative: per-chunk
// digests merge by addition, so the digest does not depend on the chunk size or thread count.
// Strength: made for accidental differences (a changed, missing, extra or reordered step changes
// it, except with probability about 2^-64..2^-128). It is NOT cryptographic: an adversary can
// construct collisions (the sum structure is linear).
#include <cstdint>
#include <cstdio>
#include <string>

#include "rvtrace/interp/step.hpp"

namespace rvtrace::trace {

class DigestPolicy {
 public:
  void on_step(const StepRecord& s) {
    const std::uint64_t fields = std::uint64_t{s.insn->word} | std::uint64_t{s.rd} << 32 |
                                 std::uint64_t{s.load.width} << 40 | std::uint64_t{s.store.width} << 48;
    const std::uint64_t u = mum(s.step ^ k[0], s.pc ^ k[1]);
    const std::uint64_t v = mum(fields ^ k[2], s.rd_value ^ k[3]);
    const std::uint64_t w = mum(s.load.addr ^ k[4], s.load.value ^ k[5]);
    const std::uint64_t z = mum(s.store.addr ^ k[6], s.store.value ^ k[7]);
    const unsigned __int128 p = static_cast<unsigned __int128>(u ^ w ^ k[8]) * (v ^ z ^ s.next_pc ^ k[9]);
    acc_ += p;
    ++steps_;
  }
  void merge(DigestPolicy&& later) {
    acc_ += later.acc_;
    steps_ += later.steps_;
  }

  std::uint64_t steps() const { return steps_; }
  // The 128-bit digest as two words (high, low).
  std::pair<std::uint64_t, std::uint64_t> value() const {
    const auto lo = static_cast<std::uint64_t>(acc_), hi = static_cast<std::uint64_t>(acc_ >> 64);
    const std::uint64_t a = mum(lo ^ k[10], hi ^ k[11] ^ steps_);
    const std::uint64_t b = mum(hi ^ k[12], lo ^ k[13] ^ steps_);
    return {mum(a ^ k[14], b ^ k[15]), mum(b ^ k[1], a ^ k[2])};
  }
  std::string hex() const {
    const auto [h, l] = value();
    char b[40];
    std::snprintf(b, sizeof b, "%016llx%016llx", (unsigned long long)h, (unsigned long long)l);
    return b;
  }
  void write(std::FILE* out) const {
    std::fprintf(out, "digest %s steps %llu\n", hex().c_str(), (unsigned long long)steps_);
  }
  // Partial results (partial.hpp): the sum and the step count.
  static constexpr const char* partial_name = "digest";
  template <class W>
  void save_partial(W& w) const {
    w.put(static_cast<std::uint64_t>(acc_));
    w.put(static_cast<std::uint64_t>(acc_ >> 64));
    w.put(steps_);
  }
  template <class R>
  static DigestPolicy load_partial(R& r) {
    DigestPolicy d;
    const std::uint64_t lo = r.get(), hi = r.get();
    d.acc_ = static_cast<unsigned __int128>(hi) << 64 | lo;
    d.steps_ = r.get();
    return d;
  }
  friend bool operator==(const DigestPolicy& a, const DigestPolicy& b) {
    return a.acc_ == b.acc_ && a.steps_ == b.steps_;
  }

 private:
  static std::uint64_t mum(std::uint64_t a, std::uint64_t b) {
    const unsigned __int128 p = static_cast<unsigned __int128>(a) * b;
    return static_cast<std::uint64_t>(p) ^ static_cast<std::uint64_t>(p >> 64);
  }
  static constexpr std::uint64_t k[16] = {
      0xa0761d6478bd642full, 0xe7037ed1a0b428dbull, 0x8ebc6af09c88c6e3ull, 0x589965cc75374cc3ull,
      0x1d8e4e27c47d124full, 0x9e3779b97f4a7c15ull, 0xbf58476d1ce4e5b9ull, 0x94d049bb133111ebull,
      0xd6e8feb86659fd93ull, 0xff51afd7ed558ccdull, 0xc4ceb9fe1a85ec53ull, 0x2545f4914f6cdd1dull,
      0x9fb21c651e98df25ull, 0xc2b2ae3d27d4eb4full, 0x165667b19e3779f9ull, 0x85ebca77c2b2ae63ull};
  unsigned __int128 acc_ = 0;
  std::uint64_t steps_ = 0;
};

}  // namespace rvtrace::trace
