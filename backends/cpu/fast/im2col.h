// im2col for the GEMM-based convolutions: col[(c * taps + tap), o] = x[c, input position of output o for that tap],
// `pad` (default 0) in the padding. Rows of unit stride along the innermost axis copy whole valid runs.
#pragma once

#include <algorithm>
#include <cstring>

#include "common/nn_geometry.h"
#include "qedge/kernel_api/op_kernel.h"

namespace qedge::fast {

// The outputs o in [lo, hi) of a row of n that read inside an input row of `in`, output o reading o * s + off
// (lo == hi when none do).
struct OutputRun {
  int64_t lo, hi;
};
inline OutputRun inside_outputs(int64_t off, int64_t s, int64_t in, int64_t n) {
  // ceil(a / s) for a > 0; stride 1 and 2 without a division (the implicit im2col asks per tap and panel).
  auto ceil_div = [s](int64_t a) { return s == 1 ? a : s == 2 ? (a + 1) >> 1 : (a + s - 1) / s; };
  const int64_t lo = std::min(n, off >= 0 ? 0 : ceil_div(-off));
  return {lo, std::max(lo, std::min(n, in - off <= 0 ? 0 : ceil_div(in - off)))};
}

// Rows [row_begin, row_end) of col (row c * taps + tap, taps = kernel positions), restricted to the output rows
// [o1_begin, o1_end) along the middle axis (all of them unless g.out[0] == 1), into col + row * ld.
template <typename T>
void im2col_block(const ref::NnGeometry& g, const T* x, int64_t row_begin, int64_t row_end, int64_t o1_begin,
                  int64_t o1_end, int64_t ld, T* col, T pad = T(0)) {
  const int64_t in_size = g.in_size(), taps = g.kernel_size();
  const int64_t k12 = g.kernel[1] * g.kernel[2];
  for (int64_t r = row_begin; r < row_end; ++r) {
    const T* plane = x + r / taps * in_size;
    const int64_t tap = r % taps, k0 = tap / k12, k1 = tap % k12 / g.kernel[2], k2 = tap % g.kernel[2];
    const int64_t off = k2 * g.dilation[2] - g.pad_begin[2];
    const int64_t s = g.stride[2];
    const auto [lo, hi] = inside_outputs(off, s, g.in[2], g.out[2]);
    T* row = col + r * ld;
    for (int64_t o0 = 0; o0 < g.out[0]; ++o0) {
      const int64_t i0 = o0 * g.stride[0] - g.pad_begin[0] + k0 * g.dilation[0];
      for (int64_t o1 = o1_begin; o1 < o1_end; ++o1, row += g.out[2]) {
        const int64_t i1 = o1 * g.stride[1] - g.pad_begin[1] + k1 * g.dilation[1];
        if (i0 < 0 || i0 >= g.in[0] || i1 < 0 || i1 >= g.in[1]) {
          std::fill(row, row + g.out[2], pad);
          continue;
        }
        const T* src = plane + (i0 * g.in[1] + i1) * g.in[2] + off;
        std::fill(row, row + lo, pad);
        if (s == 1) {
          std::memcpy(row + lo, src + lo, static_cast<size_t>(hi - lo) * sizeof(T));
        } else {
          for (int64_t o2 = lo; o2 < hi; ++o2) row[o2] = src[o2 * s];
        }
        std::fill(row + hi, row + g.out[2], pad);
      }
    }
  }
}

// Rows [row_begin, row_end) of col into col + row * out_size.
template <typename T>
void im2col_rows(const ref::NnGeometry& g, const T* x, int64_t row_begin, int64_t row_end, T* col, T pad = T(0)) {
  im2col_block(g, x, row_begin, row_end, 0, g.out[1], g.out_size(), col, pad);
}

template <typename T>
void im2col(const ref::NnGeometry& g, const T* x, int64_t channels, T* col, T pad = T(0)) {
  im2col_rows(g, x, 0, channels * g.kernel_size(), col, pad);
}

// A grouped convolution as GEMMs: per image and group, C[mg, out_size] = W[mg, k] * col[k, out_size], the group's
// input planes (cg of in_size) at (image * channels + group * cg) * in_size.
struct ConvGemmDims {
  int64_t batch, channels, maps, cg, mg, k, in_size, out_size;
  ConvGemmDims(const ref::NnGeometry& g, const Tensor& x, const Tensor& w, int64_t group)
      : batch(x.shape[0]), channels(x.shape[1]), maps(w.shape[0]), cg(channels / group), mg(maps / group),
        k(cg * g.kernel_size()), in_size(g.in_size()), out_size(g.out_size()) {}
};

// True for a 1x1 convolution with stride 1 and no padding: col is the input itself.
inline bool is_pointwise(const ref::NnGeometry& g) {
  for (int i = 0; i < 3; ++i) {
    if (g.kernel[i] != 1 || g.stride[i] != 1 || g.pad_begin[i] != 0 || g.in[i] != g.out[i]) return false;
  }
  return true;
}

// im2col with the rows split across ctx's threads: a serial im2col before a threaded GEMM left the other threads
// idle (resnet18's 7x7 stem writes 7 MB of columns).
template <typename T>
void im2col_parallel(const KernelContext& ctx, const ref::NnGeometry& g, const T* x, int64_t channels, T* col,
                     T pad = T(0)) {
  ctx.parallel_for(channels * g.kernel_size(),
                   [&](int64_t begin, int64_t end) { im2col_rows(g, x, begin, end, col, pad); });
}

}  // namespace qedge::fast
