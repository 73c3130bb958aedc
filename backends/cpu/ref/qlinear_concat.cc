#include "common/contrib_quant.h"

namespace qedge::ref {

namespace {

// com.microsoft QLinearConcat: inputs Y_scale, Y_zero_point, then (X, X_scale, X_zero_point) per
// tensor to join along `axis`. Each element is requantized: quantize_Y(dequantize_X(x)).
class QLinearConcatKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    const int n = (ctx.num_inputs() - 2) / 3;
    if (n < 1 || ctx.num_inputs() != 2 + 3 * n) {
      return InvalidModel("QLinearConcat takes Y_scale, Y_zero_point and triples (X, X_scale, X_zero_point), got " +
                          std::to_string(ctx.num_inputs()) + " inputs");
    }
    QEDGE_RETURN_IF_ERROR(contrib_check_q8(ctx, 2));
    const Tensor& first = *ctx.input(2);
    QEDGE_RETURN_IF_ERROR(contrib_check_qparam(ctx, 0, 1, first.dtype));
    if (!ctx.attr().has("axis")) return InvalidModel("QLinearConcat requires attribute axis");
    QEDGE_ASSIGN_OR_RETURN(axis_, normalize_axis(ctx.attr().get_int("axis", 0), first.rank(), "QLinearConcat axis"));
    Dims out = first.shape;
    out[axis_] = 0;
    for (int k = 0; k < n; ++k) {
      const int xi = 2 + 3 * k;
      QEDGE_RETURN_IF_ERROR(contrib_check_q8(ctx, xi));
      const Tensor& x = *ctx.input(xi);
      QEDGE_RETURN_IF_ERROR(contrib_check_qparam(ctx, xi + 1, xi + 2, first.dtype));
      bool fits = x.dtype == first.dtype && x.rank() == first.rank();
      for (int d = 0; fits && d < x.rank(); ++d) fits = d == axis_ || x.shape[d] == first.shape[d];
      if (!fits) {
        return ShapeMismatch("QLinearConcat input " + std::to_string(xi) + " (" + dtype_name(x.dtype) + " " +
                             dims_to_string(x.shape) + ") does not fit input 2 (" + dtype_name(first.dtype) + " " +
                             dims_to_string(first.shape) + ") on axis " + std::to_string(axis_));
      }
      out[axis_] += x.shape[axis_];
    }
    set_output(ctx, 0, first.dtype, std::move(out));
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    Tensor& y = *ctx.output(0);
    const ContribQParam yq = contrib_qparam(ctx, 0, 1);
    int64_t outer = 1, inner = 1;
    for (int d = 0; d < axis_; ++d) outer *= y.shape[d];
    for (int d = axis_ + 1; d < y.rank(); ++d) inner *= y.shape[d];
    const int64_t y_row = y.shape[axis_] * inner;
    int64_t col = 0;  // start of the current input within an output row
    for (int xi = 2; xi < ctx.num_inputs(); xi += 3) {
      const Tensor& x = *ctx.input(xi);
      const ContribQParam xq = contrib_qparam(ctx, xi + 1, xi + 2);
      const int64_t x_row = x.shape[axis_] * inner;
      for (int64_t o = 0; o < outer; ++o) {
        for (int64_t i = 0; i < x_row; ++i) {
          const float v = contrib_dequant(x.dtype, x.data, o * x_row + i, xq);
          quant_write(y.dtype, y.data, o * y_row + col + i, contrib_requant(y.dtype, v, yq));
        }
      }
      col += x_row;
    }
    return Status::Ok();
  }

 private:
  int axis_ = 0;
};

}  // namespace

void register_qlinear_concat(KernelRegistry& r) {
  r.add(kMsDomain, "QLinearConcat", [] { return std::make_unique<QLinearConcatKernel>(); });
}

}  // namespace qedge::ref
