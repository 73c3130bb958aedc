#include "qedge/quant/packing.h"

#include <cstring>

namespace qedge::quant {
namespace {

bool valid_pack_bits(int bits) { return bits >= 1 && bits <= 8; }

// Writes the low `bits` bits (at most 8) of `v` at bit offset `pos` of a zero-initialised stream: a value spans at
// most two bytes.
void put_bits(uint8_t* out, size_t pos, int bits, uint32_t v) {
  v &= (1u << bits) - 1;
  const size_t byte = pos / 8;
  const unsigned shift = pos % 8;
  out[byte] = static_cast<uint8_t>(out[byte] | (v << shift));
  if (shift + static_cast<unsigned>(bits) > 8) out[byte + 1] = static_cast<uint8_t>(out[byte + 1] | (v >> (8 - shift)));
}

// The `bits` bits (at most 8) at bit offset `pos`; the second byte is read only when the value reaches into it.
uint32_t get_bits(const uint8_t* in, size_t pos, int bits) {
  const size_t byte = pos / 8;
  const unsigned shift = pos % 8;
  uint32_t window = in[byte];
  if (shift + static_cast<unsigned>(bits) > 8) window |= static_cast<uint32_t>(in[byte + 1]) << 8;
  return (window >> shift) & ((1u << bits) - 1);
}

}  // namespace

bool pack_bits(const int32_t* values, size_t n, int bits, bool is_signed, uint8_t* out) {
  if (!valid_pack_bits(bits)) return false;
  // A 1-bit signed integer is the range [-1, 0] here, not bipolar: pack_bipolar handles that encoding.
  const int64_t lo = is_signed ? -(int64_t{1} << (bits - 1)) : 0;
  const int64_t hi = is_signed ? (int64_t{1} << (bits - 1)) - 1 : (int64_t{1} << bits) - 1;
  for (size_t i = 0; i < n; ++i) {
    if (values[i] < lo || values[i] > hi) return false;
  }
  if (n == 0) return true;  // out may be null (an empty tensor's storage): nothing to clear
  std::memset(out, 0, packed_size(n, bits));
  for (size_t i = 0; i < n; ++i) put_bits(out, i * bits, bits, static_cast<uint32_t>(values[i]));
  return true;
}

bool unpack_bits(const uint8_t* in, size_t n, int bits, bool is_signed, int32_t* out) {
  if (!valid_pack_bits(bits)) return false;
  const uint32_t sign_bit = 1u << (bits - 1);
  for (size_t i = 0; i < n; ++i) {
    const uint32_t v = get_bits(in, i * bits, bits);
    // Sign extension without shifting into the sign bit: v - 2^b when the top bit is set.
    out[i] = is_signed && (v & sign_bit) ? static_cast<int32_t>(v) - (int32_t{1} << bits) : static_cast<int32_t>(v);
  }
  return true;
}

bool pack_bipolar(const int32_t* values, size_t n, uint8_t* out) {
  for (size_t i = 0; i < n; ++i) {
    if (values[i] != 1 && values[i] != -1) return false;
  }
  if (n == 0) return true;
  std::memset(out, 0, packed_size(n, 1));
  for (size_t i = 0; i < n; ++i) put_bits(out, i, 1, values[i] == 1 ? 1u : 0u);
  return true;
}

void unpack_bipolar(const uint8_t* in, size_t n, int32_t* out) {
  for (size_t i = 0; i < n; ++i) out[i] = get_bits(in, i, 1) ? 1 : -1;
}

}  // namespace qedge::quant
