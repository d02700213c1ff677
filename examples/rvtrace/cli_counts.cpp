// The count grammar of the rvtrace CLI: see cli_counts.hpp.
#include "cli_counts.hpp"

#include <cctype>
#include <limits>
#include <stdexcept>

namespace rvtrace_cli {

namespace {

using u128 = unsigned __int128;
constexpr u128 max_count = std::numeric_limits<std::uint64_t>::max();

[[noreturn]] void bad(const std::string& text, const std::string& why) {
  throw std::invalid_argument("'" + text + "' " + why);
}
[[noreturn]] void too_large(const std::string& text) {
  bad(text, "is larger than the largest count, 18446744073709551615 (2^64-1)");
}

// Digits with '_' allowed between two digits; appends them to `digits`, returns the position after.
std::size_t read_digits(const std::string& text, std::size_t i, std::string& digits) {
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (std::isdigit(static_cast<unsigned char>(c))) digits += c;
    else if (c == '_' && i > 0 && std::isdigit(static_cast<unsigned char>(text[i - 1])) && i + 1 < text.size() &&
             std::isdigit(static_cast<unsigned char>(text[i + 1])))
      continue;
    else
      break;
  }
  return i;
}

// 2^N.
std::uint64_t power_of_two(const std::string& text) {
  std::string digits;
  const std::size_t end = read_digits(text, 2, digits);
  if (digits.empty() || end != text.size()) bad(text, "is not a count: 2^ takes a whole exponent, as in 2^18");
  if (digits.size() > 2 || std::stoi(digits) > 63) too_large(text);
  return std::uint64_t{1} << std::stoi(digits);
}

struct Suffix {
  const char* name;
  int decimal_exponent;  // 10^k
  int binary_exponent;   // 2^k
};
constexpr Suffix suffixes[] = {{"Ki", 0, 10}, {"Mi", 0, 20}, {"Gi", 0, 30}, {"Ti", 0, 40}, {"Pi", 0, 50},
                               {"k", 3, 0},   {"K", 3, 0},   {"M", 6, 0},   {"G", 9, 0},   {"T", 12, 0},
                               {"P", 15, 0}};

}  // namespace

std::uint64_t parse_count(const std::string& text) {
  if (text.empty()) throw std::invalid_argument("an empty count");
  if (text[0] == '-') bad(text, "is negative: a count is a whole number from 0 to 2^64-1");
  if (text.rfind("2^", 0) == 0) return power_of_two(text);
  // mantissa: DIGITS[.DIGITS]
  std::string digits;
  std::size_t i = read_digits(text, 0, digits);
  const std::size_t int_digits = digits.size();
  if (i < text.size() && text[i] == '.') i = read_digits(text, i + 1, digits);
  if (digits.empty())
    bad(text, "is not a count (digits, with an optional k/M/G/T or Ki/Mi/Gi/Ti suffix, 1e9, or 2^N)");
  int scale = -static_cast<int>(digits.size() - int_digits);  // value = digits * 10^scale
  // exponent: e[+]DIGITS or e-DIGITS
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    bool negative = false;
    if (++i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
    std::string exp;
    i = read_digits(text, i, exp);
    if (exp.empty()) bad(text, "is not a count: the exponent has no digits");
    if (exp.size() > 3) too_large(text);
    scale += negative ? -std::stoi(exp) : std::stoi(exp);
  }
  int binary = 0;
  if (i < text.size()) {
    const std::string rest = text.substr(i);
    const Suffix* s = nullptr;
    for (const Suffix& x : suffixes)
      if (rest == x.name) s = &x;
    if (!s) bad(text, "is not a count: unknown suffix '" + rest + "' (k, M, G, T, P, Ki, Mi, Gi, Ti, Pi)");
    scale += s->decimal_exponent;
    binary = s->binary_exponent;
  }
  // Significant digits only: strip leading zeros, and trailing zeros into the scale.
  const std::size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return 0;
  digits = digits.substr(first);
  while (digits.back() == '0') digits.pop_back(), ++scale;
  if (digits.size() > 20) too_large(text);  // 20 digits reach 2^64; more can only be larger or fractional
  u128 v = 0;
  for (char c : digits) v = v * 10 + static_cast<unsigned>(c - '0');
  v <<= binary;  // < 10^20 * 2^50 < 2^128
  for (; scale < 0; ++scale) {
    if (v % 10 != 0) bad(text, "is not a whole number");
    v /= 10;
  }
  for (; scale > 0; --scale)
    if ((v *= 10) > max_count) too_large(text);
  if (v > max_count) too_large(text);
  return static_cast<std::uint64_t>(v);
}

CLI::Option* add_count_option(CLI::App* cmd, const std::string& name, std::uint64_t& value, const std::string& help) {
  auto* opt = cmd->add_option_function<std::string>(
      name,
      [&value, name](const std::string& text) {
        try {
          value = parse_count(text);
        } catch (const std::invalid_argument& e) {
          throw CLI::ValidationError(name, e.what());
        }
      },
      help);
  opt->type_name("COUNT");
  return opt;
}

}  // namespace rvtrace_cli
