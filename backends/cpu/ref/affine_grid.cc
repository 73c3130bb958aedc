#include <vector>

#include "common/dispatch.h"
#include "common/kernel_util.h"

namespace qedge::ref {

namespace {

// theta [N, 2, 3] with size (N, C, H, W) -> grid [N, H, W, 2]; theta [N, 3, 4] with size
// (N, C, D, H, W) -> grid [N, D, H, W, 3]. Each grid point is theta times the normalized base
// coordinate (x, y[, z], 1), x running along the last axis.
class AffineGridKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 2));
    const Tensor& theta = *ctx.input(0);
    QEDGE_RETURN_IF_ERROR(visit_dtype<kFloatTypes>(theta.dtype, "AffineGrid", [](auto) { return Status::Ok(); }));
    QEDGE_RETURN_IF_ERROR(require_value(ctx, 1));
    const Tensor& sizes = *ctx.input(1);
    QEDGE_RETURN_IF_ERROR(read_int_values(sizes.dtype, sizes.data, sizes.numel(), "AffineGrid size", &size_));
    const int64_t s = static_cast<int64_t>(size_.size()) - 2;  // spatial rank
    if ((s != 2 && s != 3) || theta.rank() != 3 || theta.shape[0] != size_[0] || theta.shape[1] != s ||
        theta.shape[2] != s + 1) {
      return ShapeMismatch("AffineGrid needs theta [N,2,3] with size of 4 values or [N,3,4] with 5, got theta " +
                           dims_to_string(theta.shape) + " and " + std::to_string(size_.size()) + " sizes");
    }
    Dims out = {size_[0]};
    out.insert(out.end(), size_.begin() + 2, size_.end());
    out.push_back(s);
    for (int64_t d : out) {
      if (d < 0) return InvalidArgument("AffineGrid size has a negative dimension");
    }
    QEDGE_RETURN_IF_ERROR(checked_num_elements(out).status());
    align_ = ctx.attr().get_int("align_corners", 0) != 0;
    set_output(ctx, 0, theta.dtype, std::move(out));
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& theta = *ctx.input(0);
    Tensor& y = *ctx.output(0);
    const int s = static_cast<int>(size_.size()) - 2;
    // Normalized base coordinate of index i along an axis of length len.
    auto base = [&](int64_t i, int64_t len) {
      if (align_) return len == 1 ? -1.0 : -1.0 + 2.0 * static_cast<double>(i) / static_cast<double>(len - 1);
      return (2.0 * static_cast<double>(i) + 1.0) / static_cast<double>(len) - 1.0;
    };
    return visit_dtype<kFloatTypes>(theta.dtype, "AffineGrid", [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* pt = theta.data_as<T>();
      T* py = y.data_as<T>();
      const Dims spatial(size_.begin() + 2, size_.end());
      const int64_t points = num_elements(spatial);
      std::vector<double> coord(s + 1, 1.0);
      for (int64_t n = 0; n < size_[0]; ++n) {
        const T* th = pt + n * s * (s + 1);
        for (int64_t p = 0; p < points; ++p) {
          int64_t rem = p;
          for (int d = s - 1; d >= 0; --d) {  // coord[0] is x (last axis), coord[1] y, coord[2] z
            coord[s - 1 - d] = base(rem % spatial[d], spatial[d]);
            rem /= spatial[d];
          }
          for (int r = 0; r < s; ++r) {
            double v = 0.0;
            for (int c = 0; c <= s; ++c) v += static_cast<double>(static_cast<compute_t<T>>(th[r * (s + 1) + c])) * coord[c];
            py[(n * points + p) * s + r] = to_storage<T>(v);
          }
        }
      }
      return Status::Ok();
    });
  }

 private:
  std::vector<int64_t> size_;
  bool align_ = false;
};

}  // namespace

void register_affine_grid(KernelRegistry& r) {
  r.add("", "AffineGrid", [] { return std::make_unique<AffineGridKernel>(); });
}

}  // namespace qedge::ref
