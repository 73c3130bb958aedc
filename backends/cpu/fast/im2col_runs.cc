#include "im2col_runs.h"

#include <algorithm>

#include "im2col.h"

namespace qedge::fast {
namespace {

// Bits [first, first + count) (first + count <= 64).
uint64_t bit_range(int64_t first, int64_t count) {
  return (count >= 64 ? ~uint64_t{0} : (uint64_t{1} << count) - 1) << first;
}

// The bits stride * j of `columns`' bits j (j < 32), for strides 1 and 2 (0 for others): stride 2 moves each half,
// quarter, ... of the bits to its place in five shift-and-mask steps.
uint64_t spread(uint64_t columns, int64_t stride) {
  if (stride != 2) return stride == 1 ? columns : 0;
  uint64_t x = columns & 0xFFFFFFFFu;
  x = (x | x << 16) & 0x0000FFFF0000FFFFu;
  x = (x | x << 8) & 0x00FF00FF00FF00FFu;
  x = (x | x << 4) & 0x0F0F0F0F0F0F0F0Fu;
  x = (x | x << 2) & 0x3333333333333333u;
  return (x | x << 1) & 0x5555555555555555u;
}

}  // namespace

void Im2colPanelRuns::plan(const ref::NnGeometry& g, int64_t j0, int64_t cols, int64_t tap0, int64_t count) {
  segments_.clear();
  int64_t o2 = j0 % g.out[2], o1 = j0 / g.out[2] % g.out[1], o0 = j0 / g.out[2] / g.out[1];
  for (int64_t col = 0; col < cols;) {
    const int64_t len = std::min(cols - col, g.out[2] - o2);
    segments_.push_back({o0, o1, o2, col, len});
    col += len, o2 = 0;
    if (++o1 == g.out[1]) o1 = 0, ++o0;
  }
  // A slot per tap and segment, left empty where the segment reads only padding for the tap.
  per_tap_ = static_cast<int64_t>(segments_.size());
  runs_.assign(static_cast<size_t>(count * per_tap_), Im2colRun{0, 0, 0, 0});
  inside_.assign(static_cast<size_t>(count), 0);
  const int64_t s = g.stride[2];
  // Tap (k0, k1, k2), counted on from tap0.
  int64_t k2 = tap0 % g.kernel[2], k1 = tap0 / g.kernel[2] % g.kernel[1], k0 = tap0 / g.kernel[2] / g.kernel[1];
  for (int64_t i = 0; i < count; ++i) {
    Im2colRun* run = runs_.data() + i * per_tap_;
    for (const Segment& seg : segments_) {
      const int64_t i0 = seg.o0 * g.stride[0] - g.pad_begin[0] + k0 * g.dilation[0];
      const int64_t i1 = seg.o1 * g.stride[1] - g.pad_begin[1] + k1 * g.dilation[1];
      if (i0 < 0 || i0 >= g.in[0] || i1 < 0 || i1 >= g.in[1]) continue;
      const int64_t off = seg.o2 * s - g.pad_begin[2] + k2 * g.dilation[2];
      const auto [lo, hi] = inside_outputs(off, s, g.in[2], seg.len);
      if (lo == hi) continue;
      // Panel column c of the segment reads (i0 * in1 + i1) * in2 + off + (c - seg.col) * s.
      const uint64_t columns = bit_range(seg.col + lo, hi - lo);
      *run++ = {(i0 * g.in[1] + i1) * g.in[2] + off - seg.col * s, spread(columns, s),
                static_cast<int32_t>(seg.col + lo), static_cast<int32_t>(hi - lo)};
      inside_[static_cast<size_t>(i)] |= static_cast<uint32_t>(columns);
    }
    if (++k2 == g.kernel[2]) {
      k2 = 0;
      if (++k1 == g.kernel[1]) k1 = 0, k0 = k0 + 1 == g.kernel[0] ? 0 : k0 + 1;
    }
  }
}

}  // namespace qedge::fast
