// Numpy-style broadcasting iteration shared by element-wise reference kernels.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "qedge/kernel_api/shape.h"

namespace qedge::ref {

// Strides (in elements) of `in` viewed through the broadcast shape `out`: 0 along broadcast dims.
std::vector<int64_t> broadcast_strides(const Dims& out, const Dims& in);

// Visits every element of `out` (row-major) with the flat offsets of N inputs broadcast to it:
// fn(out_index, std::array<int64_t, N> input_offsets).
template <size_t N, typename F>
void for_each_broadcast(const Dims& out, const std::array<const Dims*, N>& ins, F&& fn) {
  const int rank = static_cast<int>(out.size());
  const int64_t total = num_elements(out);
  if (total == 0) return;
  std::array<std::vector<int64_t>, N> strides;
  for (size_t k = 0; k < N; ++k) strides[k] = broadcast_strides(out, *ins[k]);
  if (rank == 0) {
    std::array<int64_t, N> off{};
    fn(int64_t{0}, off);
    return;
  }
  const int64_t inner = out[rank - 1];
  std::array<int64_t, N> inner_stride{};
  for (size_t k = 0; k < N; ++k) inner_stride[k] = strides[k][rank - 1];
  std::vector<int64_t> counter(rank, 0);
  std::array<int64_t, N> base{};
  for (int64_t o = 0; o < total; o += inner) {
    std::array<int64_t, N> off = base;
    for (int64_t i = 0; i < inner; ++i) {
      fn(o + i, off);
      for (size_t k = 0; k < N; ++k) off[k] += inner_stride[k];
    }
    // Advance the odometer over the outer dims.
    for (int d = rank - 2; d >= 0; --d) {
      ++counter[d];
      for (size_t k = 0; k < N; ++k) base[k] += strides[k][d];
      if (counter[d] < out[d]) break;
      for (size_t k = 0; k < N; ++k) base[k] -= strides[k][d] * out[d];
      counter[d] = 0;
    }
  }
}

}  // namespace qedge::ref
