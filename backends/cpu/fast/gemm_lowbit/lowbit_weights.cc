// Choosing and packing the low-bit weight layout (see gemm_lowbit.h and gemm_lowbit_microkernel.h).
#include <algorithm>
#include <cstdlib>

#include "gemm_lowbit/gemm_lowbit_microkernel.h"
#include "qedge/cpu_fast/gemm_lowbit.h"

namespace qedge::fast {
namespace {

// vpmaddubsw's int16 pair sum, and the int16 sums of `group` of them, must not exceed this.
constexpr int64_t kInt16Max = 32767;
// Largest activation (u8).
constexpr int64_t kMaxActivation = 255;

}  // namespace

std::optional<LowbitLayout> lowbit_layout(int64_t lo, int64_t hi, int64_t k) {
  if (lo > hi || k <= 0) return std::nullopt;
  // The int32 partial results (offset included) stay far from overflow.
  if (k * kMaxActivation * (hi - lo + std::abs(lo) + std::abs(hi)) >= (int64_t{1} << 30)) return std::nullopt;
  LowbitLayout l;
  const int64_t span = hi - lo;
  if (span <= 15) {
    // Nibbles hold w' - lo in [0, span]; group is even because the kernel takes k an octet (two quads) at a time.
    l.format = LowbitFormat::kS4;
    l.offset = static_cast<int32_t>(-lo);
    l.group = kInt16Max / (2 * kMaxActivation * std::max<int64_t>(span, 1)) / 2 * 2;
    return l;
  }
  const int64_t mag = std::max(std::abs(lo), std::abs(hi));
  if (2 * kMaxActivation * mag > kInt16Max) return std::nullopt;
  l.format = LowbitFormat::kS8;
  l.group = kInt16Max / (2 * kMaxActivation * mag);
  return l;
}

LowbitWeights pack_lowbit_weights(const LowbitLayout& layout, const int16_t* w, int64_t m, int64_t k,
                                  int64_t row_stride, int64_t k_stride) {
  LowbitWeights out;
  out.layout = layout;
  out.m = m, out.k = k, out.k_pad = (k + 7) / 8 * 8;
  const int64_t m_pad = (m + kLowbitMr - 1) / kLowbitMr * kLowbitMr;
  const bool nibbles = layout.format == LowbitFormat::kS4;
  const int64_t panel_bytes = kLowbitMr * (nibbles ? out.k_pad / 2 : out.k_pad);
  out.data.assign(static_cast<size_t>(m_pad / kLowbitMr * panel_bytes), 0);
  out.row_sums.assign(static_cast<size_t>(m), 0);
  for (int64_t i = 0; i < m_pad; ++i) {
    uint8_t* panel = out.data.data() + i / kLowbitMr * panel_bytes;
    const int64_t r = i % kLowbitMr;
    for (int64_t p = 0; p < out.k_pad; ++p) {
      const int32_t v = i < m && p < k ? w[i * row_stride + p * k_stride] : 0;
      if (i < m) out.row_sums[static_cast<size_t>(i)] += v;
      if (nibbles) {
        // Octet p / 8: position p % 4 of the row's 4 bytes, low nibble for the first quad, high for the second.
        uint8_t& byte = panel[p / 8 * 16 + r * 4 + p % 4];
        byte = static_cast<uint8_t>(byte | (v + layout.offset) << (p % 8 < 4 ? 0 : 4));
      } else {
        panel[p / 4 * 16 + r * 4 + p % 4] = static_cast<uint8_t>(static_cast<int8_t>(v));
      }
    }
  }
  return out;
}

}  // namespace qedge::fast
