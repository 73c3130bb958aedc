// Calibration statistics for post-training quantization: an observer that summarizes a tensor's values over
// many batches, scale selection from those statistics (minmax, percentile, mse), per-channel weight scales, and
// the signal-to-quantization-noise ratio used to report accuracy loss. Symmetric quantization only (zero point 0):
// every method picks a clipping threshold T for |x|, and the scale maps T onto the largest integer level.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace qedge::quant {

enum class CalibrationMethod {
  kMinMax,      // T = max |x|: nothing clips
  kPercentile,  // T = the given percentile of |x|: rare outliers clip (max |x| if the percentile is an exact 0)
  kMse,         // T minimizing the expected squared error (rounding inside [-T, T] plus clipping outside)
};

// "minmax", "percentile" or "mse"; false for anything else.
bool parse_calibration_method(const std::string& text, CalibrationMethod* out);
const char* calibration_method_name(CalibrationMethod method);

// The integer grid a quantizer maps onto (QONNX Quant's bitwidth, signed and narrow attributes).
struct QuantGrid {
  int bits = 8;  // 1..32
  bool is_signed = true;
  bool narrow = false;
};

// The largest positive level of the grid (127 for signed 8-bit, 255 for unsigned 8-bit, 1 for bipolar).
int64_t grid_max_level(const QuantGrid& grid);

struct ScaleOptions {
  CalibrationMethod method = CalibrationMethod::kMinMax;
  double percentile = 99.99;  // of |x|, in (0, 100]; used by kPercentile
};

// Accumulates min, max, mean |x| and a histogram of |x| over any number of batches. The histogram has a fixed
// number of equal bins over [0, range); when a batch exceeds the range, the range doubles (as often as needed)
// and neighbouring bins merge, so no earlier value is re-binned approximately. Exact zeros are counted apart
// (they quantize without error) and non-finite values are counted and otherwise ignored.
class Observer {
 public:
  // `bins` is rounded up to an even number (>= 2).
  explicit Observer(int bins = 2048);

  void observe(const float* values, size_t n);

  uint64_t count() const { return count_; }  // finite values seen
  uint64_t zeros() const { return zeros_; }
  uint64_t non_finite() const { return non_finite_; }
  float min() const { return min_; }  // 0 when nothing was observed
  float max() const { return max_; }
  float max_abs() const { return max_abs_; }
  double mean_abs() const { return count_ ? sum_abs_ / static_cast<double>(count_) : 0.0; }
  // Bin i counts non-zero |x| in [i, i+1) * range() / bins (the last bin includes range()).
  const std::vector<uint64_t>& histogram() const { return hist_; }
  double range() const { return range_; }

 private:
  void grow_range(double needed);

  std::vector<uint64_t> hist_;
  double range_ = 0;
  uint64_t count_ = 0, zeros_ = 0, non_finite_ = 0;
  float min_ = 0, max_ = 0, max_abs_ = 0;
  double sum_abs_ = 0;
};

// The clipping threshold T for |x| chosen by `options.method` for `grid` (T <= max_abs; 0 when all values are 0).
double select_threshold(const Observer& observer, const QuantGrid& grid, const ScaleOptions& options);

// The Quant scale: T / grid_max_level(grid). A bipolar grid (1-bit signed) uses mean |x| instead, which
// minimizes the squared error of sign(x) * scale whatever the method. Always a positive normal float: an
// all-zero tensor gets 1.
float select_scale(const Observer& observer, const QuantGrid& grid, const ScaleOptions& options);

// max |w| for each index of `axis` (the output channel) of a row-major tensor of `shape`.
std::vector<float> channel_max_abs(const float* w, const std::vector<int64_t>& shape, int axis);

// One scale per index of `axis` (select_scale over that channel's values).
std::vector<float> channel_scales(const float* w, const std::vector<int64_t>& shape, int axis, const QuantGrid& grid,
                                  const ScaleOptions& options);

// Signal-to-quantization-noise ratio over any number of batches: 10 log10(sum ref^2 / sum (ref - test)^2).
class SqnrAccumulator {
 public:
  void add(const float* reference, const float* test, size_t n);
  // +inf when test equals reference exactly; -inf when the reference is all zero but the test is not.
  double db() const;

 private:
  double signal_ = 0, noise_ = 0;
};

// SQNR of one pair of tensors, in dB.
double sqnr_db(const float* reference, const float* test, size_t n);

}  // namespace qedge::quant
