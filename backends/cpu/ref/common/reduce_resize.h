// Resize and Upsample: separable N-D interpolation as the ONNX reference defines it.
// Each output coordinate along each axis maps to a small set of (input index, weight) taps;
// an output element is the sum over the cartesian product of its per-axis taps.
#pragma once

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "dispatch.h"
#include "kernel_util.h"
#include "qedge/kernel_api/op_kernel.h"
#include "reduce_saturate.h"

namespace qedge::ref {

struct ResizeParams {
  enum class Mode { kNearest, kLinear, kCubic } mode = Mode::kNearest;
  std::string coord = "half_pixel";  // coordinate_transformation_mode
  std::string nearest = "round_prefer_floor";
  double cubic_a = -0.75;
  bool exclude_outside = false;
  double extrapolation = 0.0;
  bool antialias = false;
};

// Taps of every output index along one axis; `outside[x]` marks tf_crop_and_resize extrapolation.
struct ResizeAxisTaps {
  std::vector<std::vector<int64_t>> index;
  std::vector<std::vector<double>> weight;
  std::vector<bool> outside;
};

// Input coordinate of output index x along an axis of `in` elements resized to `out`;
// `scale` is the axis scale and `roi_start/roi_end` the tf_crop_and_resize window.
inline double resize_source_coord(const ResizeParams& p, double x, int64_t in, int64_t out, double scale,
                                  double roi_start, double roi_end) {
  const double out_f = scale * static_cast<double>(in);  // the reference uses the unrounded size
  if (p.coord == "align_corners") return out_f == 1.0 ? 0.0 : x * static_cast<double>(in - 1) / (out_f - 1.0);
  if (p.coord == "asymmetric") return x / scale;
  if (p.coord == "tf_crop_and_resize") {
    const double span = (roi_end - roi_start) * static_cast<double>(in - 1);
    const double base = roi_start * static_cast<double>(in - 1);
    return base + (out_f == 1.0 ? span / 2.0 : x * span / (out_f - 1.0));
  }
  if (p.coord == "pytorch_half_pixel") return out_f == 1.0 ? -0.5 : (x + 0.5) / scale - 0.5;
  if (p.coord == "half_pixel_symmetric") {
    const double offset = static_cast<double>(in) / 2.0 * (1.0 - static_cast<double>(out) / out_f);
    return offset + (x + 0.5) / scale - 0.5;
  }
  return (x + 0.5) / scale - 0.5;  // half_pixel
}

inline double resize_cubic_kernel(double x, double a) {
  x = std::fabs(x);
  if (x <= 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0;
  if (x < 2.0) return ((a * x - 5.0 * a) * x + 8.0 * a) * x - 4.0 * a;
  return 0.0;
}

inline ResizeAxisTaps resize_axis_taps(const ResizeParams& p, int64_t in, int64_t out, double scale, double roi_start,
                                       double roi_end) {
  ResizeAxisTaps t;
  t.index.resize(out);
  t.weight.resize(out);
  t.outside.assign(out, false);
  for (int64_t x = 0; x < out; ++x) {
    const double src = resize_source_coord(p, static_cast<double>(x), in, out, scale, roi_start, roi_end);
    if (p.coord == "tf_crop_and_resize" && (src < 0.0 || src > static_cast<double>(in - 1))) {
      t.outside[x] = true;
      continue;
    }
    // Integer coordinates take the tap on the left with ratio 1, as the reference does.
    const double base = std::floor(src) == src ? src - 1.0 : std::floor(src);
    const double ratio = src - base;  // in (0, 1]
    if (p.mode == ResizeParams::Mode::kNearest) {
      bool up;  // take base + 1 rather than base
      if (ratio == 1.0 || p.nearest == "ceil") {
        up = true;
      } else if (p.nearest == "floor") {
        up = false;
      } else if (p.nearest == "round_prefer_ceil") {
        up = ratio >= 0.5;
      } else {
        up = ratio > 0.5;
      }
      const int64_t i = static_cast<int64_t>(base) + (up ? 1 : 0);
      t.index[x] = {std::min(std::max<int64_t>(i, 0), in - 1)};
      t.weight[x] = {1.0};
      continue;
    }
    // Linear and cubic kernels; antialias stretches the kernel by 1/scale when downsampling.
    const double support = p.mode == ResizeParams::Mode::kLinear ? 1.0 : 2.0;
    const double s = p.antialias ? std::min(scale, 1.0) : 1.0;
    const int64_t start = static_cast<int64_t>(std::floor(-support / s)) + 1;
    const int64_t n = 2 - 2 * start;
    double sum = 0.0;
    for (int64_t k = 0; k < n; ++k) {
      const double d = (static_cast<double>(start + k) - ratio) * s;
      double w =
          p.mode == ResizeParams::Mode::kLinear ? std::max(0.0, 1.0 - std::fabs(d)) : resize_cubic_kernel(d, p.cubic_a);
      const int64_t i = static_cast<int64_t>(base) + start + k;
      if (p.exclude_outside && (i < 0 || i >= in)) w = 0.0;
      if (w == 0.0) continue;
      t.index[x].push_back(std::min(std::max<int64_t>(i, 0), in - 1));  // edge padding
      t.weight[x].push_back(w);
      sum += w;
    }
    if (t.weight[x].empty()) {  // every tap excluded: fall back to the nearest edge element
      t.index[x] = {std::min(std::max<int64_t>(static_cast<int64_t>(std::lround(src)), 0), in - 1)};
      t.weight[x] = {1.0};
      sum = 1.0;
    }
    for (double& w : t.weight[x]) w /= sum;
  }
  return t;
}

// Sum over the cartesian product of per-axis taps of (product of tap weights) * value(offset),
// where offset = sum of tap index * stride. A tap index of -1 stands for a zero (padding) value.
// `tap` is scratch, so that callers looping over many elements allocate it once.
template <typename Value>
double separable_sum(const std::vector<const std::vector<int64_t>*>& index,
                     const std::vector<const std::vector<double>*>& weight, const std::vector<int64_t>& strides,
                     std::vector<size_t>& tap, Value&& value) {
  const size_t rank = index.size();
  tap.assign(rank, 0);
  for (size_t d = 0; d < rank; ++d) {
    if (index[d]->empty()) return 0.0;
  }
  double acc = 0.0;
  while (true) {
    double w = 1.0;
    int64_t off = 0;
    bool zero = false;
    for (size_t d = 0; d < rank; ++d) {
      const int64_t i = (*index[d])[tap[d]];
      zero = zero || i < 0;
      w *= (*weight[d])[tap[d]];
      off += i * strides[d];
    }
    if (!zero) acc += w * value(off);
    size_t d = rank;
    while (d > 0 && ++tap[d - 1] == index[d - 1]->size()) tap[--d] = 0;
    if (d == 0) return acc;
  }
}

// Resizes x into y (shapes already set) given per-axis scales and the roi (2*rank values or empty).
template <typename T>
void resize_nd(const ResizeParams& p, const Tensor& x, Tensor& y, const std::vector<double>& scales,
               const std::vector<double>& roi) {
  const int rank = x.rank();
  std::vector<ResizeAxisTaps> taps(rank);
  for (int d = 0; d < rank; ++d) {
    const double r0 = roi.empty() ? 0.0 : roi[d];
    const double r1 = roi.empty() ? 1.0 : roi[rank + d];
    taps[d] = resize_axis_taps(p, x.shape[d], y.shape[d], scales[d], r0, r1);
  }
  const std::vector<int64_t> strides = row_major_strides(x.shape);
  const T* in = x.data_as<T>();
  T* out = y.data_as<T>();
  const int64_t total = y.numel();
  std::vector<int64_t> pos(rank, 0);
  std::vector<const std::vector<int64_t>*> tap_index(rank);
  std::vector<const std::vector<double>*> tap_weight(rank);
  std::vector<size_t> tap;
  for (int64_t o = 0; o < total; ++o) {
    bool outside = false;
    for (int d = 0; d < rank; ++d) outside = outside || taps[d].outside[pos[d]];
    double acc = p.extrapolation;
    if (!outside) {
      for (int d = 0; d < rank; ++d) {
        tap_index[d] = &taps[d].index[pos[d]];
        tap_weight[d] = &taps[d].weight[pos[d]];
      }
      acc = separable_sum(tap_index, tap_weight, strides, tap,
                          [&](int64_t off) { return static_cast<double>(static_cast<compute_t<T>>(in[off])); });
    }
    out[o] = saturate_round<T>(acc);
    for (int d = rank - 1; d >= 0; --d) {
      if (++pos[d] < y.shape[d]) break;
      pos[d] = 0;
    }
  }
}

// Reads a float tensor (scales, roi) of any float type as doubles.
inline std::vector<double> read_doubles(const Tensor& t) {
  std::vector<double> v(static_cast<size_t>(t.numel()));
  for (int64_t i = 0, i_end = t.numel(); i < i_end; ++i) v[i] = read_as_double(t.dtype, t.data, i);
  return v;
}

// Output size for a scale: floor(in * scale), computed in double like the reference.
inline Result<int64_t> resize_scaled_size(int64_t in, double scale, const std::string& op) {
  const double v = std::floor(static_cast<double>(in) * scale);
  if (!(scale > 0.0) || !(v < static_cast<double>(kMaxElements))) {
    return InvalidArgument(op + " scale " + std::to_string(scale) + " is not a positive finite value");
  }
  return static_cast<int64_t>(v);
}

}  // namespace qedge::ref
