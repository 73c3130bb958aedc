#include <cmath>

#include "common/shape_util.h"

namespace qedge::ref {
namespace {

class OneHotKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 3));
    const Tensor& ind = *ctx.input(0);
    const Tensor& depth = *ctx.input(1);
    const Tensor& values = *ctx.input(2);
    QEDGE_ASSIGN_OR_RETURN(esize_, element_bytes(ctx, values.dtype));
    QEDGE_RETURN_IF_ERROR(visit_dtype<kNumericTypes>(ind.dtype, "OneHot indices", [](auto) { return Status::Ok(); }));
    QEDGE_RETURN_IF_ERROR(visit_dtype<kNumericTypes>(depth.dtype, "OneHot depth", [](auto) { return Status::Ok(); }));
    if (depth.numel() != 1) return InvalidModel("OneHot depth must hold one value, got " + dims_to_string(depth.shape));
    if (values.numel() != 2) return InvalidModel("OneHot values must hold [off, on], got " + dims_to_string(values.shape));
    QEDGE_RETURN_IF_ERROR(require_value(ctx, 1));
    const double d = read_as_double(depth.dtype, depth.data, 0);
    if (!(d >= 1 && d < static_cast<double>(kMaxElements))) {
      return InvalidArgument("OneHot depth " + std::to_string(d) + " is out of range");
    }
    depth_ = static_cast<int64_t>(d);
    QEDGE_ASSIGN_OR_RETURN(axis_, normalize_axis(ctx.attr().get_int("axis", -1), ind.rank() + 1, "OneHot axis"));
    Dims out = ind.shape;
    out.insert(out.begin() + axis_, depth_);
    QEDGE_RETURN_IF_ERROR(check_shape(ctx, out));
    set_output(ctx, 0, values.dtype, std::move(out));
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& ind = *ctx.input(0);
    const Tensor& values = *ctx.input(2);
    Tensor& y = *ctx.output(0);
    const int64_t outer = dims_product(ind.shape, 0, axis_);
    const int64_t inner = dims_product(ind.shape, axis_, ind.shape.size());
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t i = 0; i < inner; ++i) {
        // Indices in [-depth, depth) select a position (negative ones count from the back);
        // anything else, NaN included, leaves the whole row "off".
        const double v = std::trunc(read_as_double(ind.dtype, ind.data, o * inner + i));
        int64_t hot = -1;
        if (v >= -static_cast<double>(depth_) && v < static_cast<double>(depth_)) {
          hot = static_cast<int64_t>(v);
          if (hot < 0) hot += depth_;
        }
        for (int64_t d = 0; d < depth_; ++d) {
          copy_element(y.data, (o * depth_ + d) * inner + i, values.data, d == hot ? 1 : 0, esize_);
        }
      }
    }
    return Status::Ok();
  }

 private:
  size_t esize_ = 0;
  int64_t depth_ = 0;
  int axis_ = 0;
};

}  // namespace

void register_one_hot(KernelRegistry& r) {
  r.add("", "OneHot", [] { return std::make_unique<OneHotKernel>(); });
}

}  // namespace qedge::ref
