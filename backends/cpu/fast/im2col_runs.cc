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
  const auto nseg = static_cast<int64_t>(segments_.size());
  const int64_t s = g.stride[2], kernel01 = g.kernel[0] * g.kernel[1];
  // A tap's run over a segment combines the segment's run along its input row for the tap's kernel column k2 with
  // that row's place in the plane for its kernel row (k0, k1): each computed once per panel, not per tap.
  along_.resize(static_cast<size_t>(g.kernel[2] * nseg));
  for (int64_t k2 = 0; k2 < g.kernel[2]; ++k2) {
    for (int64_t i = 0; i < nseg; ++i) {
      const Segment& seg = segments_[static_cast<size_t>(i)];
      const int64_t off = seg.o2 * s - g.pad_begin[2] + k2 * g.dilation[2];
      const auto [lo, hi] = inside_outputs(off, s, g.in[2], seg.len);
      // Panel column c of the segment reads input column off + (c - seg.col) * s of its row.
      const uint64_t columns = lo < hi ? bit_range(seg.col + lo, hi - lo) : 0;
      along_[static_cast<size_t>(k2 * nseg + i)] = {
          {off - seg.col * s, spread(columns, s), static_cast<int32_t>(seg.col + lo), static_cast<int32_t>(hi - lo)},
          static_cast<uint32_t>(columns)};
    }
  }
  rows_.resize(static_cast<size_t>(kernel01 * nseg));
  for (int64_t k01 = 0; k01 < kernel01; ++k01) {
    const int64_t k0 = k01 / g.kernel[1], k1 = k01 % g.kernel[1];
    for (int64_t i = 0; i < nseg; ++i) {
      const Segment& seg = segments_[static_cast<size_t>(i)];
      const int64_t i0 = seg.o0 * g.stride[0] - g.pad_begin[0] + k0 * g.dilation[0];
      const int64_t i1 = seg.o1 * g.stride[1] - g.pad_begin[1] + k1 * g.dilation[1];
      const bool inside = i0 >= 0 && i0 < g.in[0] && i1 >= 0 && i1 < g.in[1];
      rows_[static_cast<size_t>(k01 * nseg + i)] = inside ? (i0 * g.in[1] + i1) * g.in[2] : -1;
    }
  }
  // A slot per tap and segment, left empty where the segment reads only padding for the tap.
  per_tap_ = nseg;
  runs_.resize(static_cast<size_t>(count * nseg));
  inside_.resize(static_cast<size_t>(count));
  int64_t k2 = tap0 % g.kernel[2], k01 = tap0 / g.kernel[2];  // tap0 + i, counted on
  for (int64_t i = 0; i < count; ++i) {
    uint32_t inside = 0;
    for (int64_t j = 0; j < nseg; ++j) {
      const Along& a = along_[static_cast<size_t>(k2 * nseg + j)];
      const int64_t row = rows_[static_cast<size_t>(k01 * nseg + j)];
      const bool live = row >= 0 && a.columns != 0;
      runs_[static_cast<size_t>(i * nseg + j)] =
          live ? Im2colRun{row + a.run.start, a.run.reads, a.run.first, a.run.count} : Im2colRun{0, 0, 0, 0};
      inside |= live ? a.columns : 0;
    }
    inside_[static_cast<size_t>(i)] = inside;
    if (++k2 == g.kernel[2]) k2 = 0, k01 = k01 + 1 == kernel01 ? 0 : k01 + 1;
  }
}

}  // namespace qedge::fast
