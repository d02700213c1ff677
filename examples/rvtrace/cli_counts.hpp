// Counts on the rvtrace command line (--max-steps, --chunk-steps, --max-bytes, --threads, --top):
// one grammar everywhere, so `--max-steps 1e9` and `--max-bytes 4Gi` mean what they say.
//   1000000   1_000_000   digits, '_' between digits for readability
//   4k 1M 2G 3T 5P         SI multiples (10^3, 10^6, 10^9, 10^12, 10^15), k or K
//   4Ki 1Mi 2Gi 3Ti 5Pi    binary multiples (2^10, 2^20, 2^30, 2^40, 2^50)
//   1e9 2.5e6 1.5M         a decimal fraction or exponent, when the value is a whole number
//   2^18                   a power of two, 2^0..2^63
// The value must be a whole number from 0 to 2^64-1: "-1", "1.5", "1e-3" and 2^64 are errors that
// say why (a count is never "unlimited" by accident).
#pragma once
#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

namespace rvtrace_cli {

// The count `text` stands for; throws std::invalid_argument with a one-line reason otherwise.
std::uint64_t parse_count(const std::string& text);

// A count option: parses with parse_count into `value`; a bad count is a parse error naming the option.
CLI::Option* add_count_option(CLI::App* cmd, const std::string& name, std::uint64_t& value, const std::string& help);

// What the grammar accepts, for --help footers.
inline constexpr const char* count_grammar =
    "COUNT: 1000000, 1_000_000, 4k/1M/2G/1T (10^3..), 4Ki/1Mi/2Gi/1Ti (2^10..), 1e9, 1.5M, 2^18; a whole number "
    "from 0 to 2^64-1";

}  // namespace rvtrace_cli
