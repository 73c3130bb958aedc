#include <vector>

#include "common/contrib_quant.h"

namespace qedge::ref {

namespace {

// com.microsoft QGemm: inputs A, a_scale, a_zero_point, B, b_scale, b_zero_point, C (int32,
// optional), y_scale, y_zero_point (optional). Integer accumulation of (A' - za)(B' - zb) + C,
// A' = transA ? A^T : A (likewise B), then as ONNX Runtime's output processors:
//   with y_zero_point: Y = saturate(nearbyint(acc * (alpha * a_scale * b_scale[j] / y_scale)) + y_zp)
//   without:           Y = float(acc) * (alpha * a_scale * b_scale[j] [/ y_scale])   (float32 output)
// b_scale / b_zero_point are per tensor or per column of B' (N values).
class QGemmKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(contrib_check_q8(ctx, 0));
    QEDGE_RETURN_IF_ERROR(contrib_check_q8(ctx, 3));
    const Tensor& a = *ctx.input(0);
    const Tensor& b = *ctx.input(3);
    if (a.rank() != 2 || b.rank() != 2) {
      return ShapeMismatch("QGemm needs 2-D A and B, got " + dims_to_string(a.shape) + " and " +
                           dims_to_string(b.shape));
    }
    const AttrMap& at = ctx.attr();
    alpha_ = at.get_float("alpha", 1.0f);
    trans_a_ = at.get_int("transA", 0) != 0;
    trans_b_ = at.get_int("transB", 0) != 0;
    m_ = a.shape[trans_a_ ? 1 : 0];
    k_ = a.shape[trans_a_ ? 0 : 1];
    n_ = b.shape[trans_b_ ? 0 : 1];
    if (b.shape[trans_b_ ? 1 : 0] != k_) {
      return ShapeMismatch("QGemm inner dimensions differ: A " + dims_to_string(a.shape) + " (transA " +
                           std::to_string(trans_a_) + "), B " + dims_to_string(b.shape) + " (transB " +
                           std::to_string(trans_b_) + ")");
    }
    QEDGE_RETURN_IF_ERROR(contrib_check_qparam(ctx, 1, 2, a.dtype));
    QEDGE_RETURN_IF_ERROR(check_b_param(ctx, 4, DType::kFloat32));
    QEDGE_RETURN_IF_ERROR(check_b_param(ctx, 5, b.dtype));
    if (const Tensor* c = ctx.input(6)) {
      auto bc = broadcast_shapes(c->shape, {m_, n_});
      if (c->dtype != DType::kInt32 || c->rank() > 2 || !bc.ok() || bc.value() != Dims{m_, n_}) {
        return ShapeMismatch("QGemm C must be int32 and broadcast to [" + std::to_string(m_) + "," +
                             std::to_string(n_) + "], got " + dtype_name(c->dtype) + " " + dims_to_string(c->shape));
      }
    }
    const Tensor* y_zp = ctx.input(8);
    if (y_zp != nullptr) {
      if (ctx.input(7) == nullptr) return InvalidModel("QGemm y_zero_point needs y_scale");
      QEDGE_RETURN_IF_ERROR(contrib_check_qparam(ctx, 7, 8, a.dtype));
    } else if (const Tensor* ys = ctx.input(7); ys != nullptr && (ys->dtype != DType::kFloat32 || ys->numel() != 1)) {
      return InvalidArgument("QGemm y_scale must be a float32 scalar, got " + dims_to_string(ys->shape));
    }
    set_output(ctx, 0, y_zp != nullptr ? a.dtype : DType::kFloat32, {m_, n_});
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& a = *ctx.input(0);
    const Tensor& b = *ctx.input(3);
    const Tensor& b_scale = *ctx.input(4);
    const Tensor* b_zp = ctx.input(5);
    const Tensor* c = ctx.input(6);
    const Tensor* y_scale = ctx.input(7);
    Tensor& y = *ctx.output(0);
    const ContribQParam aq = contrib_qparam(ctx, 1, 2);
    const bool quantized = ctx.input(8) != nullptr;
    // Requantization is nearbyint(acc * scale) + y_zp: a unit-scale parameter with y's zero point.
    const ContribQParam yq{1.0f, quantized ? quant_read(y.dtype, ctx.input(8)->data, 0) : 0};
    std::vector<int64_t> c_strides;
    if (c != nullptr) c_strides = broadcast_strides({m_, n_}, c->shape);
    for (int64_t j = 0; j < n_; ++j) {
      const int64_t pj = b_scale.numel() == 1 ? 0 : j;
      float scale = alpha_ * aq.scale * b_scale.data_as<float>()[pj];
      if (y_scale != nullptr) scale /= *y_scale->data_as<float>();
      const int64_t zb = b_zp == nullptr ? 0 : quant_read(b_zp->dtype, b_zp->data, b_zp->numel() == 1 ? 0 : j);
      for (int64_t i = 0; i < m_; ++i) {
        int64_t acc = c != nullptr ? c->data_as<int32_t>()[i * c_strides[0] + j * c_strides[1]] : 0;
        for (int64_t k = 0; k < k_; ++k) {
          const int64_t av = quant_read(a.dtype, a.data, trans_a_ ? k * m_ + i : i * k_ + k) - aq.zero;
          const int64_t bv = quant_read(b.dtype, b.data, trans_b_ ? j * k_ + k : k * n_ + j) - zb;
          acc += av * bv;
        }
        const float v = static_cast<float>(acc) * scale;
        if (quantized) {
          quant_write(y.dtype, y.data, i * n_ + j, contrib_requant(y.dtype, v, yq));
        } else {
          y.data_as<float>()[i * n_ + j] = v;
        }
      }
    }
    return Status::Ok();
  }

 private:
  // b_scale (float32) and b_zero_point (B's type): one value or one per output column.
  Status check_b_param(const KernelContext& ctx, int i, DType t) const {
    const Tensor* p = ctx.input(i);
    if (p == nullptr) {
      return i == 4 ? InvalidModel("QGemm requires input b_scale") : Status::Ok();
    }
    if (p->dtype != t || p->rank() > 1 || (p->numel() != 1 && p->numel() != n_)) {
      return ShapeMismatch("QGemm input " + std::to_string(i) + " must be " + dtype_name(t) + " with 1 or " +
                           std::to_string(n_) + " values, got " + dtype_name(p->dtype) + " " +
                           dims_to_string(p->shape));
    }
    return Status::Ok();
  }

  float alpha_ = 1.0f;
  bool trans_a_ = false, trans_b_ = false;
  int64_t m_ = 0, k_ = 0, n_ = 0;
};

}  // namespace

void register_qgemm(KernelRegistry& r) {
  r.add(kMsDomain, "QGemm", [] { return std::make_unique<QGemmKernel>(); });
}

}  // namespace qedge::ref
