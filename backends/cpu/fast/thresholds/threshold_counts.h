// What the fast MultiThreshold and Thresholds kernels share: the count #{j : X[i] >= thresholds[c', j]} of every
// element (quant::multithreshold_count, layout rules in ref common/thresholds.h), handed out in runs of consecutive
// elements for each op to turn into its output type.
//   - Global thresholds, or NCHW planes: one thresholds row against a run of values (threshold_rows.h, lane_stride 0).
//   - Per-channel thresholds with the channel axis innermost (channel-last layouts, and [N, C] inputs): consecutive
//     channels per vector, from a transposed [S, C] copy of constant thresholds (else gathered).
//   - Constant thresholds with many steps per row (kSearchStepsPlane / kSearchStepsChannels or more), every row
//     sorted ascending without NaN (checked once at prepare): a binary search in NaN-padded copies of the rows.
// Work splits across threads by runs when the tensor is large.
#pragma once

#include <functional>
#include <vector>

#include "common/thresholds.h"
#include "thresholds/threshold_rows.h"

namespace qedge::fast {

class ThresholdCounts {
 public:
  // Rows of at least this many thresholds take the binary search when they can: where it overtook the linear count
  // in BM_MultiThreshold (AVX2, 64x56x56). Vectors along a plane search one table (the top levels by permute);
  // vectors across channels gather from eight tables, while their linear count loads adjacent thresholds.
  static constexpr int64_t kSearchStepsPlane = 32;
  static constexpr int64_t kSearchStepsChannels = 64;

  // X and thresholds are inputs 0 and 1 of ctx; the layout has been checked (ref::threshold_layout).
  Status prepare(const KernelContext& ctx);

  // emit(first, counts, n): elements [first, first + n) reach counts[0..n) thresholds. Called from ctx's threads,
  // for disjoint runs that cover X.
  using Emit = std::function<void(int64_t first, const int32_t* counts, int64_t n)>;
  void run(const KernelContext& ctx, const Emit& emit) const;

 private:
  // One run's inputs: X, the thresholds as given, and whether the tables made at prepare are theirs.
  struct Source {
    const float* x;
    const float* raw;
    bool tables;
  };
  // Counts of elements [first, first + n) (at most kChunk) against the thresholds of channel c (plane form), or of
  // channels c, c + 1, ... (channel form).
  void count_plane(const Source& s, int64_t c, int64_t first, int64_t n, const Emit& emit) const;
  void count_channels(const Source& s, int64_t c, int64_t first, int64_t n, const Emit& emit) const;

  ref::ThresholdLayout l_;
  bool channel_form_ = false;        // per-channel thresholds on an innermost channel axis
  int levels_ = 0;                   // > 0: search_ holds each row padded to 2^levels_ - 1 entries
  std::vector<float> search_;
  std::vector<float> by_step_;       // channel form, linear: the thresholds transposed to [S, C]
  const void* source_ = nullptr;     // the constant thresholds search_ / by_step_ were made from
  ThresholdRowKernels kernels_;
};

}  // namespace qedge::fast
