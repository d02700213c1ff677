#pragma once
// Checksums of the minimal trace: a fast, non-cryptographic 64-bit hash over 64-bit words
// (XXH64's round and avalanche functions applied to whole words). It detects accidental
// corruption (any single changed bit or byte changes it; random changes collide with probability
// ~2^-64); it is NOT a defence against deliberate forgery.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <utility>

namespace rvtrace::trace {

class WordHash {
 public:
  static constexpr std::uint64_t p1 = 0x9E3779B185EBCA87ull, p2 = 0xC2B2AE3D27D4EB4Full,
                                 p3 = 0x165667B19E3779F9ull, p4 = 0x85EBCA77C2B2AE63ull,
                                 p5 = 0x27D4EB2F165667C5ull;

  explicit constexpr WordHash(std::uint64_t seed = 0) : acc_(seed + p5) {}

  constexpr void add(std::uint64_t w) {
    acc_ ^= round(w);
    acc_ = rotl(acc_, 27) * p1 + p4;
    ++n_;
  }
  void add(std::span<const std::uint64_t> ws) {
    // Four independent lanes (words i mod 4) keep the multipliers busy; folded into acc_ at the end.
    std::uint64_t a = acc_, b = acc_ ^ p3, c = acc_ + p2, d = acc_ - p1;
    const std::uint64_t* p = ws.data();
    std::size_t n = ws.size(), i = 0;
    for (; i + 4 <= n; i += 4) {
      a = rotl(a ^ round(p[i]), 27) * p1 + p4;
      b = rotl(b ^ round(p[i + 1]), 27) * p1 + p4;
      c = rotl(c ^ round(p[i + 2]), 27) * p1 + p4;
      d = rotl(d ^ round(p[i + 3]), 27) * p1 + p4;
    }
    acc_ = a ^ rotl(b, 31) * p2 ^ rotl(c, 17) * p3 ^ rotl(d, 41) * p5;
    n_ += i;
    for (; i < n; ++i) add(p[i]);
  }
  // Words stored in a byte buffer (file mapping), little-endian host.
  void add_bytes_as_words(const void* data, std::size_t nwords) {
    const auto* b = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < nwords; ++i) {
      std::uint64_t w;
      std::memcpy(&w, b + 8 * i, 8);
      add(w);
    }
  }
  constexpr std::uint64_t digest() const {
    std::uint64_t h = acc_ + n_ * 8;
    h ^= h >> 33;
    h *= p2;
    h ^= h >> 29;
    h *= p3;
    h ^= h >> 32;
    return h;
  }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }
  static constexpr std::uint64_t round(std::uint64_t w) { return rotl(w * p2, 31) * p1; }
  std::uint64_t acc_;
  std::uint64_t n_ = 0;
};

inline std::uint64_t hash_words(std::span<const std::uint64_t> ws, std::uint64_t seed = 0) {
  WordHash h(seed);
  h.add(ws);
  return h.digest();
}

// A byte stream hashed as little-endian words (the last one zero-padded), then its length in bytes:
// how a trace binds the guest's input (docs/trace-format.md, "Input hash"). Bytes may come in
// pieces of any size.
class ByteStreamHash {
 public:
  explicit ByteStreamHash(std::uint64_t seed) : h_(seed) {}
  void add(const std::uint8_t* p, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      pending_ |= std::uint64_t{p[i]} << (8 * (bytes_ % 8));
      if (++bytes_ % 8 == 0) h_.add(std::exchange(pending_, 0));
    }
  }
  std::uint64_t bytes() const { return bytes_; }
  std::uint64_t digest() const {
    WordHash h = h_;
    if (bytes_ % 8) h.add(pending_);
    h.add(bytes_);
    return h.digest();
  }

 private:
  WordHash h_;
  std::uint64_t pending_ = 0, bytes_ = 0;
};

inline constexpr std::uint64_t input_hash_seed = 0x52564d54'494e5031ull;  // "RVMTINP1"
inline constexpr std::uint64_t args_hash_seed = 0x52564d54'41524731ull;   // "RVMTARG1"

// The guest's arguments and environment: each list's length, then each string as a byte stream
// (its digest).
template <class Strings>
std::uint64_t hash_arguments(const Strings& argv, const Strings& envp) {
  WordHash h(args_hash_seed);
  for (const auto* list : {&argv, &envp}) {
    h.add(static_cast<std::uint64_t>(list->size()));
    for (const auto& s : *list) {
      ByteStreamHash b(args_hash_seed);
      b.add(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
      h.add(b.digest());
    }
  }
  return h.digest();
}

}  // namespace rvtrace::trace
