#include "common/broadcast.h"
#include "common/reduce_quant.h"

namespace qedge::ref {

namespace {

// Per-tensor, or one value per row of a (M) / per column of b (N).
Status check_row_param(const Tensor* t, int64_t n, const char* what) {
  if (t != nullptr && t->numel() != 1 && t->numel() != n) {
    return ShapeMismatch(std::string("QLinearMatMul ") + what + " has shape " + dims_to_string(t->shape) +
                         ", expected one value or " + std::to_string(n));
  }
  return Status::Ok();
}

int64_t param_index(const Tensor& t, int64_t i) { return t.numel() == 1 ? 0 : i; }

// Inputs: a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale, y_zero_point. Integer
// accumulation of (a - za)(b - zb), rescaled by a_scale * b_scale / y_scale computed in the
// scales' type, as the ONNX reference does.
class QLinearMatMulKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 8));
    const Tensor& a = *ctx.input(0);
    const Tensor& b = *ctx.input(3);
    for (int i : {0, 2, 3, 5, 7}) {
      const DType t = ctx.input(i)->dtype;
      if (t != DType::kInt8 && t != DType::kUint8) return unsupported_type("QLinearMatMul", t);
    }
    const DType st = ctx.input(1)->dtype;
    for (int i : {1, 4, 6}) {
      if (ctx.input(i)->dtype != st || !dtype_is_float(st)) {
        return InvalidArgument("QLinearMatMul scales must share one float type");
      }
    }
    if (a.rank() < 2 || b.rank() < 2) {
      return Unsupported("QLinearMatMul needs inputs of rank >= 2, got " + dims_to_string(a.shape) + " and " +
                         dims_to_string(b.shape));
    }
    m_ = a.shape[a.rank() - 2];
    k_ = a.shape[a.rank() - 1];
    n_ = b.shape[b.rank() - 1];
    if (b.shape[b.rank() - 2] != k_) {
      return ShapeMismatch("QLinearMatMul inner dimensions differ: " + dims_to_string(a.shape) + " x " +
                           dims_to_string(b.shape));
    }
    QEDGE_RETURN_IF_ERROR(check_row_param(ctx.input(1), m_, "a_scale"));
    QEDGE_RETURN_IF_ERROR(check_row_param(ctx.input(2), m_, "a_zero_point"));
    QEDGE_RETURN_IF_ERROR(check_row_param(ctx.input(4), n_, "b_scale"));
    QEDGE_RETURN_IF_ERROR(check_row_param(ctx.input(5), n_, "b_zero_point"));
    QEDGE_RETURN_IF_ERROR(check_row_param(ctx.input(6), 1, "y_scale"));
    QEDGE_RETURN_IF_ERROR(check_row_param(ctx.input(7), 1, "y_zero_point"));
    a_batch_ = Dims(a.shape.begin(), a.shape.end() - 2);
    b_batch_ = Dims(b.shape.begin(), b.shape.end() - 2);
    QEDGE_ASSIGN_OR_RETURN(batch_, broadcast_shapes(a_batch_, b_batch_));
    Dims out = batch_;
    out.push_back(m_);
    out.push_back(n_);
    set_output(ctx, 0, ctx.input(7)->dtype, std::move(out));
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    return visit_dtype<kFloatTypes>(ctx.input(1)->dtype, "QLinearMatMul", [&](auto tag) {
      compute<typename decltype(tag)::type>(ctx);
      return Status::Ok();
    });
  }

 private:
  template <typename S>
  void compute(KernelContext& ctx) {
    const Tensor& a = *ctx.input(0);
    const Tensor& a_scale = *ctx.input(1);
    const Tensor& a_zp = *ctx.input(2);
    const Tensor& b = *ctx.input(3);
    const Tensor& b_scale = *ctx.input(4);
    const Tensor& b_zp = *ctx.input(5);
    const Tensor& y_zp = *ctx.input(7);
    const float y_scale = static_cast<float>(ctx.input(6)->data_as<S>()[0]);
    const double y_zero = static_cast<double>(quant_read(y_zp.dtype, y_zp.data, 0));
    Tensor& y = *ctx.output(0);
    for_each_broadcast<2>(batch_, {&a_batch_, &b_batch_}, [&](int64_t bi, const std::array<int64_t, 2>& off) {
      const int64_t a0 = off[0] * m_ * k_;
      const int64_t b0 = off[1] * k_ * n_;
      for (int64_t i = 0; i < m_; ++i) {
        const int64_t za = quant_read(a_zp.dtype, a_zp.data, param_index(a_zp, i));
        const float sa = static_cast<float>(a_scale.data_as<S>()[param_index(a_scale, i)]);
        for (int64_t j = 0; j < n_; ++j) {
          const int64_t zb = quant_read(b_zp.dtype, b_zp.data, param_index(b_zp, j));
          const float sb = static_cast<float>(b_scale.data_as<S>()[param_index(b_scale, j)]);
          int64_t acc = 0;
          for (int64_t k = 0; k < k_; ++k) {
            acc += (quant_read(a.dtype, a.data, a0 + i * k_ + k) - za) *
                   (quant_read(b.dtype, b.data, b0 + k * n_ + j) - zb);
          }
          const float factor = round_to<S>(round_to<S>(sa * sb) / y_scale);
          // numpy promotes int32 x float to float64 for the product and the zero point sum.
          const double v = static_cast<double>(acc) * static_cast<double>(factor) + y_zero;
          quant_write(y.dtype, y.data, (bi * m_ + i) * n_ + j, quant_saturate(y.dtype, v));
        }
      }
    });
  }

  int64_t m_ = 0, k_ = 0, n_ = 0;
  Dims a_batch_, b_batch_, batch_;
};

}  // namespace

void register_qlinear_matmul(KernelRegistry& r) {
  r.add("", "QLinearMatMul", [] { return std::make_unique<QLinearMatMulKernel>(); });
}

}  // namespace qedge::ref
