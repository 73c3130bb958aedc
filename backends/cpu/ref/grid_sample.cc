#include <cmath>

#include "common/reduce_resize.h"

namespace qedge::ref {

namespace {

enum class GridMode { kNearest, kLinear, kCubic };
enum class GridPadding { kZeros, kBorder, kReflection };

// Folds x into [lo, hi] by mirroring at the borders, as PyTorch's grid sampler does.
double reflect(double x, double lo, double hi) {
  const double range = hi - lo;
  if (!(range > 0.0)) return lo;
  if (x < lo || x > hi) {
    const double dx = x < lo ? lo - x : x - hi;
    const double n = std::floor(dx / range);
    const double r = dx - n * range;
    const bool even = std::fmod(n, 2.0) == 0.0;
    return (x < lo) == even ? lo + r : hi - r;
  }
  return x;
}

// X [N, C, D1..Dr] sampled at grid [N, H1..Hr, r] (normalized coordinates in [-1, 1], the last
// spatial axis first) gives Y [N, C, H1..Hr].
class GridSampleKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 2));
    const Tensor& x = *ctx.input(0);
    const Tensor& grid = *ctx.input(1);
    QEDGE_RETURN_IF_ERROR(visit_dtype<kFloatTypes>(x.dtype, "GridSample", [](auto) { return Status::Ok(); }));
    QEDGE_RETURN_IF_ERROR(visit_dtype<kFloatTypes>(grid.dtype, "GridSample", [](auto) { return Status::Ok(); }));
    const int r = x.rank() - 2;
    if (r < 1 || grid.rank() != r + 2 || grid.shape[0] != x.shape[0] || grid.shape[r + 1] != r) {
      return ShapeMismatch("GridSample needs X [N,C,D1..Dr] and grid [N,H1..Hr,r], got " + dims_to_string(x.shape) +
                           " and " + dims_to_string(grid.shape));
    }
    const AttrMap& a = ctx.attr();
    const std::string mode = a.get_string("mode", ctx.opset < 20 ? "bilinear" : "linear");
    if (mode == "nearest") {
      mode_ = GridMode::kNearest;
    } else if (mode == "linear" || mode == "bilinear") {
      mode_ = GridMode::kLinear;
    } else if (mode == "cubic" || mode == "bicubic") {
      mode_ = GridMode::kCubic;
    } else {
      return InvalidArgument("GridSample mode '" + mode + "' is not supported");
    }
    const std::string pad = a.get_string("padding_mode", "zeros");
    if (pad == "zeros") {
      padding_ = GridPadding::kZeros;
    } else if (pad == "border") {
      padding_ = GridPadding::kBorder;
    } else if (pad == "reflection") {
      padding_ = GridPadding::kReflection;
    } else {
      return InvalidArgument("GridSample padding_mode '" + pad + "' is not supported");
    }
    align_ = a.get_int("align_corners", 0) != 0;
    Dims out = {x.shape[0], x.shape[1]};
    out.insert(out.end(), grid.shape.begin() + 1, grid.shape.end() - 1);
    set_output(ctx, 0, x.dtype, std::move(out));
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    const Tensor& grid = *ctx.input(1);
    return visit_dtype<kFloatTypes>(x.dtype, "GridSample", [&](auto tag) {
      using T = typename decltype(tag)::type;
      compute<T>(x, grid, *ctx.output(0));
      return Status::Ok();
    });
  }

 private:
  // Taps along one spatial axis of `len` elements for the unnormalized coordinate v.
  void axis_taps(double v, int64_t len, std::vector<int64_t>* idx, std::vector<double>* w) const {
    const double lo = align_ ? 0.0 : -0.5;
    const double hi = align_ ? static_cast<double>(len - 1) : static_cast<double>(len) - 0.5;
    if (mode_ == GridMode::kNearest) v = std::nearbyint(v);  // half to even, as the ONNX test data has it
    if (v < lo || v > hi) {
      if (padding_ == GridPadding::kBorder) v = std::min(std::max(v, 0.0), static_cast<double>(len - 1));
      if (padding_ == GridPadding::kReflection) v = reflect(v, lo, hi);
    }
    // Far outside (or NaN) only reads padding: keep integer conversions in range.
    if (!(std::fabs(v) < static_cast<double>(len) + 4.0)) v = -4.0;
    idx->clear();
    w->clear();
    const double base = std::floor(v);
    const double t = v - base;
    auto add = [&](int64_t i, double weight) {
      if (padding_ == GridPadding::kBorder) i = std::min(std::max<int64_t>(i, 0), len - 1);
      if (padding_ == GridPadding::kReflection) i = static_cast<int64_t>(reflect(static_cast<double>(i), lo, hi));
      idx->push_back(i >= 0 && i < len ? i : -1);  // -1 reads as zero padding
      w->push_back(weight);
    };
    const int64_t b = static_cast<int64_t>(base);
    if (mode_ == GridMode::kNearest) {
      add(b, 1.0);
    } else if (mode_ == GridMode::kLinear) {
      add(b, 1.0 - t);
      add(b + 1, t);
    } else {
      for (int k = -1; k <= 2; ++k) add(b + k, resize_cubic_kernel(static_cast<double>(k) - t, -0.75));
    }
  }

  template <typename T>
  void compute(const Tensor& x, const Tensor& grid, Tensor& y) {
    const int r = x.rank() - 2;
    const Dims spatial(x.shape.begin() + 2, x.shape.end());
    const std::vector<int64_t> strides = row_major_strides(spatial);
    const int64_t plane = num_elements(spatial);
    const int64_t points = num_elements(Dims(grid.shape.begin() + 1, grid.shape.end() - 1));
    const int64_t channels = x.shape[1];
    const T* px = x.data_as<T>();
    T* py = y.data_as<T>();
    std::vector<std::vector<int64_t>> idx(r);
    std::vector<std::vector<double>> w(r);
    std::vector<const std::vector<int64_t>*> idx_p(r);
    std::vector<const std::vector<double>*> w_p(r);
    for (int d = 0; d < r; ++d) {
      idx_p[d] = &idx[d];
      w_p[d] = &w[d];
    }
    for (int64_t n = 0; n < x.shape[0]; ++n) {
      for (int64_t p = 0; p < points; ++p) {
        for (int d = 0; d < r; ++d) {
          // The grid lists coordinates innermost axis first.
          const double g = read_as_double(grid.dtype, grid.data, (n * points + p) * r + (r - 1 - d));
          const double len = static_cast<double>(spatial[d]);
          const double v = align_ ? (g + 1.0) / 2.0 * (len - 1.0) : ((g + 1.0) * len - 1.0) / 2.0;
          axis_taps(v, spatial[d], &idx[d], &w[d]);
        }
        for (int64_t c = 0; c < channels; ++c) {
          const T* src = px + (n * channels + c) * plane;
          const double v = separable_sum(idx_p, w_p, strides, [&](int64_t off) {
            return static_cast<double>(static_cast<compute_t<T>>(src[off]));
          });
          py[(n * channels + c) * points + p] = to_storage<T>(v);
        }
      }
    }
  }

  GridMode mode_ = GridMode::kLinear;
  GridPadding padding_ = GridPadding::kZeros;
  bool align_ = false;
};

}  // namespace

void register_grid_sample(KernelRegistry& r) {
  r.add("", "GridSample", [] { return std::make_unique<GridSampleKernel>(); });
}

}  // namespace qedge::ref
