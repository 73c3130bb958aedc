// Packing of 1..8-bit integers into the little-endian bit stream of format/README.md (layout PACKED_BITS):
// element i occupies bits [i*b, (i+1)*b), bit j being bit j % 8 of byte j / 8. Elements may straddle bytes;
// the trailing bits of the last byte are zero. Values are stored as their low b bits (two's complement when
// signed). Bipolar values are 1 bit each: 1 = +1, 0 = -1.
#pragma once

#include <cstddef>
#include <cstdint>

namespace qedge::quant {

// Bytes needed for n elements of `bits` bits: ceil(n * bits / 8).
constexpr size_t packed_size(size_t n, int bits) { return (n * static_cast<size_t>(bits) + 7) / 8; }

// Packs n values into out[0, packed_size(n, bits)). Returns false (out untouched) when bits is outside
// 1..8 or a value does not fit the signed/unsigned b-bit range.
bool pack_bits(const int32_t* values, size_t n, int bits, bool is_signed, uint8_t* out);

// Unpacks n values, sign-extending when is_signed. Returns false when bits is outside 1..8.
bool unpack_bits(const uint8_t* in, size_t n, int bits, bool is_signed, int32_t* out);

// Bipolar: each value must be -1 or +1 (false otherwise).
bool pack_bipolar(const int32_t* values, size_t n, uint8_t* out);
void unpack_bipolar(const uint8_t* in, size_t n, int32_t* out);

}  // namespace qedge::quant
