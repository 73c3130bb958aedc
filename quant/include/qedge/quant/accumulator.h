// Accumulator width analysis: the smallest signed integer width that holds a dot product without overflow.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace qedge::quant {

// Largest magnitude of a b-bit integer (b in 1..32): 2^(b-1) when signed, 2^b - 1 when unsigned.
constexpr uint64_t max_magnitude(int bits, bool is_signed) {
  return is_signed ? uint64_t{1} << (bits - 1) : (uint64_t{1} << bits) - 1;
}

// Smallest signed width w with -2^(w-1) <= -m and m <= 2^(w-1) - 1; nullopt above 64 bits.
constexpr std::optional<int> signed_bits_for_magnitude(uint64_t m) {
  int w = 1;
  while (w < 64 && m > (uint64_t{1} << (w - 1)) - 1) ++w;
  if (w == 64 && m > uint64_t{0x7fffffffffffffff}) return std::nullopt;
  return w;
}

// m1 * m2 when it fits in 64 bits.
constexpr std::optional<uint64_t> checked_mul(uint64_t m1, uint64_t m2) {
  if (m1 != 0 && m2 > UINT64_MAX / m1) return std::nullopt;
  return m1 * m2;
}

// Width for a dot product of k terms of a-bit x w-bit operands (bits 1..32 each), whatever their values:
// k * max|a| * max|w| must fit. nullopt when that needs more than 64 bits.
constexpr std::optional<int> accumulator_bits(uint64_t k, int a_bits, bool a_signed, int w_bits, bool w_signed) {
  const auto term = checked_mul(max_magnitude(a_bits, a_signed), max_magnitude(w_bits, w_signed));
  if (!term) return std::nullopt;
  const auto total = checked_mul(*term, k);
  if (!total) return std::nullopt;
  return signed_bits_for_magnitude(*total);
}

// Width for a dot product with known integer weights w[0..k) and any a-bit activation:
// sum |w_i| * max|a| must fit (tighter than accumulator_bits when weights are small or sparse).
inline std::optional<int> accumulator_bits_for_weights(const int64_t* w, size_t k, int a_bits, bool a_signed) {
  uint64_t sum = 0;
  for (size_t i = 0; i < k; ++i) {
    const uint64_t mag = w[i] < 0 ? uint64_t{0} - static_cast<uint64_t>(w[i]) : static_cast<uint64_t>(w[i]);
    if (sum > UINT64_MAX - mag) return std::nullopt;
    sum += mag;
  }
  const auto total = checked_mul(sum, max_magnitude(a_bits, a_signed));
  if (!total) return std::nullopt;
  return signed_bits_for_magnitude(*total);
}

}  // namespace qedge::quant
