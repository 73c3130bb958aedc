// qedge QAdd: the sum of two integer tensors on different grids, y = (a - a_zero_point) * a_scale +
// (b - b_zero_point) * b_scale in double (numpy broadcasting), then the epilogue of common/int_linear.h with one
// channel: y * mult + add, clamp, and the float, requantized or threshold output. Lowered from Add of two
// quantized activations (residual connections).
#include <array>

#include "common/broadcast.h"
#include "common/int_linear.h"

namespace qedge::ref {
namespace {

class QAddKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 2));
    const Tensor& a = *ctx.input(0);
    const Tensor& b = *ctx.input(1);
    if (!is_int_storage(a.dtype) || !is_int_storage(b.dtype)) {
      return Unsupported("QAdd inputs must be integer types, got " + std::string(dtype_name(a.dtype)) + " and " +
                         dtype_name(b.dtype));
    }
    auto shape = broadcast_shapes(a.shape, b.shape);
    if (!shape.ok()) return ShapeMismatch("QAdd inputs " + dims_to_string(a.shape) + " and " + dims_to_string(b.shape) + " do not broadcast");
    const AttrMap& at = ctx.attr();
    a_scale_ = at.get_float("a_scale", 1.0f), b_scale_ = at.get_float("b_scale", 1.0f);
    a_zp_ = at.get_int("a_zero_point", 0), b_zp_ = at.get_int("b_zero_point", 0);
    return epilogue_.read(ctx, 1, *shape);
  }

  Status run(KernelContext& ctx) override {
    const Tensor& a = *ctx.input(0);
    const Tensor& b = *ctx.input(1);
    Tensor& y = *ctx.output(0);
    for_each_broadcast<2>(y.shape, {&a.shape, &b.shape}, [&](int64_t i, const std::array<int64_t, 2>& off) {
      const double v = static_cast<double>(int_element(a, off[0]) - a_zp_) * a_scale_ +
                       static_cast<double>(int_element(b, off[1]) - b_zp_) * b_scale_;
      epilogue_.store(y, i, 0, v);
    });
    return Status::Ok();
  }

 private:
  double a_scale_ = 1.0, b_scale_ = 1.0;
  int64_t a_zp_ = 0, b_zp_ = 0;
  IntLinearEpilogue epilogue_;
};

}  // namespace

void register_qedge_qadd(KernelRegistry& r) {
  r.add(kQedgeDomain, "QAdd", [] { return std::make_unique<QAddKernel>(); });
}

}  // namespace qedge::ref
