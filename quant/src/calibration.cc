#include "qedge/quant/calibration.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>

#include "qedge/quant/int_range.h"

namespace qedge::quant {

bool parse_calibration_method(const std::string& text, CalibrationMethod* out) {
  if (text == "minmax") {
    *out = CalibrationMethod::kMinMax;
  } else if (text == "percentile") {
    *out = CalibrationMethod::kPercentile;
  } else if (text == "mse") {
    *out = CalibrationMethod::kMse;
  } else {
    return false;
  }
  return true;
}

const char* calibration_method_name(CalibrationMethod method) {
  switch (method) {
    case CalibrationMethod::kMinMax: return "minmax";
    case CalibrationMethod::kPercentile: return "percentile";
    case CalibrationMethod::kMse: return "mse";
  }
  return "?";
}

int64_t grid_max_level(const QuantGrid& grid) { return int_range(grid.bits, grid.is_signed, grid.narrow).max; }

Observer::Observer(int bins) : hist_(static_cast<size_t>(std::max(2, bins + (bins & 1))), 0) {}

// Doubling keeps every old bin boundary a boundary of the new histogram: bins 2i and 2i+1 become bin i exactly.
void Observer::grow_range(double needed) {
  if (range_ == 0) {
    range_ = needed;
    return;
  }
  const size_t n = hist_.size();
  while (range_ < needed) {
    for (size_t i = 0; i < n / 2; ++i) hist_[i] = hist_[2 * i] + hist_[2 * i + 1];
    std::fill(hist_.begin() + static_cast<std::ptrdiff_t>(n / 2), hist_.end(), 0);
    range_ *= 2;
  }
}

void Observer::observe(const float* values, size_t n) {
  float batch_max_abs = 0;
  for (size_t i = 0; i < n; ++i) {
    if (std::isfinite(values[i])) batch_max_abs = std::max(batch_max_abs, std::fabs(values[i]));
  }
  if (batch_max_abs > 0 && batch_max_abs > range_) grow_range(batch_max_abs);
  const double bins = static_cast<double>(hist_.size());
  for (size_t i = 0; i < n; ++i) {
    const float v = values[i];
    if (!std::isfinite(v)) {
      ++non_finite_;
      continue;
    }
    if (count_ == 0) min_ = max_ = v;
    min_ = std::min(min_, v);
    max_ = std::max(max_, v);
    ++count_;
    const float a = std::fabs(v);
    max_abs_ = std::max(max_abs_, a);
    sum_abs_ += a;
    if (a == 0) {
      ++zeros_;
      continue;
    }
    const size_t bin = std::min(hist_.size() - 1, static_cast<size_t>(a / range_ * bins));
    ++hist_[bin];
  }
}

namespace {

double percentile_threshold(const Observer& o, double percentile) {
  const double p = std::clamp(percentile, 0.0, 100.0) / 100.0;
  // The rank of the percentile value; the epsilon keeps 0.999 * 1000 from rounding up to 1000.
  const double target = std::max(1.0, std::ceil(p * static_cast<double>(o.count()) - 1e-6));
  double cumulative = static_cast<double>(o.zeros());
  // A percentile that lands on the exact zeros (a Relu output that is almost always 0) would leave no range for
  // the values that do occur; keep them all instead.
  if (cumulative >= target) return o.max_abs();
  const auto& h = o.histogram();
  const double width = o.range() / static_cast<double>(h.size());
  for (size_t i = 0; i < h.size(); ++i) {
    if (h[i] == 0) continue;
    if (cumulative + static_cast<double>(h[i]) >= target) {
      // Values are taken as spread evenly over the bin.
      const double t = (static_cast<double>(i) + (target - cumulative) / static_cast<double>(h[i])) * width;
      return std::min(t, static_cast<double>(o.max_abs()));
    }
    cumulative += static_cast<double>(h[i]);
  }
  return o.max_abs();
}

// Expected squared error of quantizing the histogram with threshold T and step s = T / qmax: a value inside
// [0, T] gets uniform rounding noise s^2 / 12, a value above T becomes T. Bins are represented by their centres;
// exact zeros cost nothing. Suffix sums make every candidate O(1), so the search over all bin edges is O(bins).
double mse_threshold(const Observer& o, int64_t qmax) {
  const auto& h = o.histogram();
  const size_t n = h.size();
  const double width = o.range() / static_cast<double>(n);
  std::vector<double> s0(n + 1, 0), s1(n + 1, 0), s2(n + 1, 0);  // sums over bins >= i of h, h*c, h*c^2
  for (size_t i = n; i-- > 0;) {
    const double c = (static_cast<double>(i) + 0.5) * width;
    const double hi = static_cast<double>(h[i]);
    s0[i] = s0[i + 1] + hi;
    s1[i] = s1[i + 1] + hi * c;
    s2[i] = s2[i + 1] + hi * c * c;
  }
  const double max_abs = o.max_abs();
  const double levels = static_cast<double>(qmax);
  double best_t = max_abs, best_err = std::numeric_limits<double>::infinity();
  for (size_t k = 0; k <= n; ++k) {
    // Candidates: every bin edge below max |x|, then max |x| itself.
    const double t = k < n ? std::min((static_cast<double>(k) + 1) * width, max_abs) : max_abs;
    const size_t first_clipped = k + 1;  // centres of bins 0..k lie below edge k+1
    const double step = t / levels;
    const double inside = s0[0] - s0[std::min(first_clipped, n)];
    double err = inside * step * step / 12.0;
    if (first_clipped < n) {
      err += s2[first_clipped] - 2 * t * s1[first_clipped] + t * t * s0[first_clipped];
    }
    if (err < best_err) {
      best_err = err;
      best_t = t;
    }
    if (t >= max_abs) break;
  }
  return best_t;
}

}  // namespace

double select_threshold(const Observer& observer, const QuantGrid& grid, const ScaleOptions& options) {
  if (observer.max_abs() == 0) return 0;
  switch (options.method) {
    case CalibrationMethod::kMinMax: return observer.max_abs();
    case CalibrationMethod::kPercentile: return percentile_threshold(observer, options.percentile);
    case CalibrationMethod::kMse: return mse_threshold(observer, grid_max_level(grid));
  }
  return observer.max_abs();
}

float select_scale(const Observer& observer, const QuantGrid& grid, const ScaleOptions& options) {
  const double t = is_bipolar(grid.bits, grid.is_signed) ? observer.mean_abs()
                                                         : select_threshold(observer, grid, options) /
                                                               static_cast<double>(grid_max_level(grid));
  const float scale = static_cast<float>(t);
  return std::isfinite(scale) && scale >= FLT_MIN ? scale : 1.0f;
}

namespace {

struct ChannelLayout {
  int64_t outer = 1, channels = 1, inner = 1;
};

ChannelLayout channel_layout(const std::vector<int64_t>& shape, int axis) {
  ChannelLayout l;
  for (int d = 0; d < static_cast<int>(shape.size()); ++d) {
    if (d < axis) l.outer *= shape[d];
    if (d == axis) l.channels = shape[d];
    if (d > axis) l.inner *= shape[d];
  }
  return l;
}

}  // namespace

std::vector<float> channel_max_abs(const float* w, const std::vector<int64_t>& shape, int axis) {
  const ChannelLayout l = channel_layout(shape, axis);
  std::vector<float> out(static_cast<size_t>(l.channels), 0.0f);
  for (int64_t o = 0; o < l.outer; ++o) {
    for (int64_t c = 0; c < l.channels; ++c) {
      const float* p = w + (o * l.channels + c) * l.inner;
      for (int64_t i = 0; i < l.inner; ++i) out[c] = std::max(out[c], std::fabs(p[i]));
    }
  }
  return out;
}

std::vector<float> channel_scales(const float* w, const std::vector<int64_t>& shape, int axis, const QuantGrid& grid,
                                  const ScaleOptions& options) {
  const ChannelLayout l = channel_layout(shape, axis);
  std::vector<float> scales;
  std::vector<float> values;
  for (int64_t c = 0; c < l.channels; ++c) {
    values.clear();
    for (int64_t o = 0; o < l.outer; ++o) {
      const float* p = w + (o * l.channels + c) * l.inner;
      values.insert(values.end(), p, p + l.inner);
    }
    Observer observer;
    observer.observe(values.data(), values.size());
    scales.push_back(select_scale(observer, grid, options));
  }
  return scales;
}

void SqnrAccumulator::add(const float* reference, const float* test, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const double r = reference[i], d = static_cast<double>(reference[i]) - test[i];
    signal_ += r * r;
    noise_ += d * d;
  }
}

double SqnrAccumulator::db() const {
  if (noise_ == 0) return std::numeric_limits<double>::infinity();
  if (signal_ == 0) return -std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(signal_ / noise_);
}

double sqnr_db(const float* reference, const float* test, size_t n) {
  SqnrAccumulator acc;
  acc.add(reference, test, n);
  return acc.db();
}

}  // namespace qedge::quant
