#include "thresholds/threshold_counts.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace qedge::fast {
namespace {

constexpr int64_t kChunk = 1024;           // counts per emit, from a buffer on the stack
constexpr int64_t kParallelValues = 8192;  // fewer values: waking threads costs more than it saves
constexpr int64_t kMaxSearchSteps = int64_t{1} << 20;  // keeps the search's int32 gather indices small

bool sorted_without_nan(const float* t, int64_t rows, int64_t steps) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* row = t + r * steps;
    for (int64_t j = 0; j < steps; ++j) {
      if (std::isnan(row[j]) || (j > 0 && !(row[j - 1] <= row[j]))) return false;
    }
  }
  return true;
}

}  // namespace

Status ThresholdCounts::prepare(const KernelContext& ctx) {
  QEDGE_ASSIGN_OR_RETURN(l_, ref::threshold_layout(ctx));
  channel_form_ = !l_.global && l_.inner == 1;
  kernels_ = threshold_row_kernels();
  levels_ = 0;
  search_.clear();
  by_step_.clear();
  source_ = nullptr;
  const Tensor& t = *ctx.input(1);
  if (!t.constant || !t.has_value || t.data == nullptr) return Status::Ok();
  const float* tv = t.data_as<float>();
  const int64_t rows = t.shape[0], steps = l_.steps;
  const int64_t search_steps = channel_form_ ? kSearchStepsChannels : kSearchStepsPlane;
  if (steps >= search_steps && steps <= kMaxSearchSteps && sorted_without_nan(tv, rows, steps)) {
    while ((int64_t{1} << levels_) - 1 < steps) ++levels_;
    const int64_t width = (int64_t{1} << levels_) - 1;
    search_.assign(static_cast<size_t>(rows * width), std::numeric_limits<float>::quiet_NaN());
    for (int64_t r = 0; r < rows; ++r) std::copy(tv + r * steps, tv + (r + 1) * steps, search_.begin() + r * width);
  } else if (channel_form_) {
    by_step_.resize(static_cast<size_t>(rows * steps));
    for (int64_t c = 0; c < rows; ++c) {
      for (int64_t j = 0; j < steps; ++j) by_step_[j * rows + c] = tv[c * steps + j];
    }
  }
  source_ = t.data;
  return Status::Ok();
}

void ThresholdCounts::run(const KernelContext& ctx, const Emit& emit) const {
  const Tensor& x = *ctx.input(0);
  const Tensor& t = *ctx.input(1);
  const int64_t n = x.numel();
  if (n == 0) return;
  const Source s{x.data_as<float>(), t.data_as<float>(), source_ != nullptr && t.data == source_};
  const int64_t channels = l_.channels;
  int64_t units = 0;
  std::function<void(int64_t, int64_t)> work;
  if (channel_form_) {
    units = n / channels;  // one unit per row of channels
    work = [&](int64_t begin, int64_t end) {
      for (int64_t p = begin; p < end; ++p) {
        for (int64_t c = 0; c < channels; c += kChunk) {
          count_channels(s, c, p * channels + c, std::min(kChunk, channels - c), emit);
        }
      }
    };
  } else {
    const int64_t plane = l_.global ? n : l_.inner;
    const int64_t pieces = (plane + kChunk - 1) / kChunk;  // one unit per piece of kChunk values of a plane
    units = n / plane * pieces;
    work = [&, plane, pieces](int64_t begin, int64_t end) {
      for (int64_t u = begin; u < end; ++u) {
        const int64_t p = u / pieces, offset = u % pieces * kChunk;
        count_plane(s, l_.global ? 0 : p % channels, p * plane + offset, std::min(kChunk, plane - offset), emit);
      }
    };
  }
  if (n >= kParallelValues) {
    ctx.parallel_for(units, work);
  } else {
    work(0, units);
  }
}

void ThresholdCounts::count_plane(const Source& s, int64_t c, int64_t first, int64_t n, const Emit& emit) const {
  int32_t counts[kChunk];
  if (levels_ > 0 && s.tables) {
    const int64_t width = (int64_t{1} << levels_) - 1;
    kernels_.search(s.x + first, n, search_.data() + c * width, 0, levels_, counts);
  } else {
    kernels_.linear(s.x + first, n, s.raw + c * l_.steps, 0, 1, l_.steps, counts);
  }
  emit(first, counts, n);
}

void ThresholdCounts::count_channels(const Source& s, int64_t c, int64_t first, int64_t n, const Emit& emit) const {
  int32_t counts[kChunk];
  if (levels_ > 0 && s.tables) {
    const int64_t width = (int64_t{1} << levels_) - 1;
    kernels_.search(s.x + first, n, search_.data() + c * width, width, levels_, counts);
  } else if (s.tables && !by_step_.empty()) {
    kernels_.linear(s.x + first, n, by_step_.data() + c, 1, l_.channels, l_.steps, counts);
  } else {
    kernels_.linear(s.x + first, n, s.raw + c * l_.steps, l_.steps, 1, l_.steps, counts);
  }
  emit(first, counts, n);
}

}  // namespace qedge::fast
