// Float MatMul (A [..., K] x B [K, N]) and Gemm (A [M, K] x B or B' + C [N]) as XNNPACK's fully connected operator:
// the leading dims of A are its batch, B its weights (packed into the operator), C its bias.
#include <cmath>

#include "xnn_paths.h"
#include "xnn_runtime.h"

namespace qedge::fast {
namespace {

bool is_float(const Tensor* t) { return t && t->dtype == DType::kFloat32; }

class XnnFullyConnected : public XnnPath {
 public:
  explicit XnnFullyConnected(bool weights_are_k_by_n) : k_by_n_(weights_are_k_by_n) {}

  Status run(KernelContext& ctx) override {
    const Tensor& a = *ctx.input(0);
    const Tensor& w = *ctx.input(1);
    const Tensor* bias = ctx.op_type == "Gemm" ? ctx.input(2) : nullptr;
    QEDGE_RETURN_IF_ERROR(xnn::ready());
    const auto k = static_cast<size_t>(a.shape.back());
    const auto n = static_cast<size_t>(k_by_n_ ? w.shape[1] : w.shape[0]);
    if (!op_ || !operands_.unchanged(&w, bias)) {
      xnn_operator_t op = nullptr;
      QEDGE_RETURN_IF_ERROR(xnn::check(
          xnn_create_fully_connected_nc_f32(k, n, k, n, w.data_as<float>(), bias ? bias->data_as<float>() : nullptr,
                                            -INFINITY, INFINITY, k_by_n_ ? XNN_FLAG_TRANSPOSE_WEIGHTS : 0, &op),
          "fully connected"));
      op_.reset(op);
      operands_.remember(&w, bias);
    }
    const auto rows = static_cast<size_t>(a.numel()) / k;
    if (rows == 0) return Status::Ok();
    QEDGE_RETURN_IF_ERROR(
        xnn::check(xnn_setup_fully_connected_nc_f32(op_.get(), rows, a.data_as<float>(),
                                                    ctx.output(0)->data_as<float>(), xnn::threadpool(ctx)),
                   "fully connected setup"));
    return xnn::run(op_, ctx, "fully connected");
  }

 private:
  bool k_by_n_;
  xnn::Operator op_;
  xnn::OperandSnapshot operands_;
};

// Gemm's C is a bias when it holds one value per output column and is added as it is.
bool gemm_fits(const KernelContext& ctx) {
  const Tensor* a = ctx.input(0);
  const Tensor* b = ctx.input(1);
  const Tensor* c = ctx.input(2);
  if (a->rank() != 2 || b->rank() != 2 || ctx.attr().get_int("transA", 0) != 0 ||
      ctx.attr().get_float("alpha", 1.0f) != 1.0f) {
    return false;
  }
  const bool trans_b = ctx.attr().get_int("transB", 0) != 0;
  const int64_t k = trans_b ? b->shape[1] : b->shape[0], n = trans_b ? b->shape[0] : b->shape[1];
  if (a->shape[1] != k || k < 1 || n < 1) return false;
  if (!c) return true;
  return is_float(c) && ctx.attr().get_float("beta", 1.0f) == 1.0f && (c->shape == Dims{n} || c->shape == Dims{1, n});
}

bool matmul_fits(const KernelContext& ctx) {
  const Tensor* a = ctx.input(0);
  const Tensor* b = ctx.input(1);
  return a->rank() >= 2 && b->rank() == 2 && a->shape.back() == b->shape[0] && b->shape[0] >= 1 && b->shape[1] >= 1;
}

}  // namespace

bool xnn_fully_connected_fits(const KernelContext& ctx) {
  if (!is_float(ctx.input(0)) || !is_float(ctx.input(1))) return false;
  if (ctx.op_type == "Gemm") return gemm_fits(ctx);
  return ctx.op_type == "MatMul" && matmul_fits(ctx);
}

std::unique_ptr<XnnPath> make_xnn_fully_connected(const KernelContext& ctx) {
  if (!xnn_fully_connected_fits(ctx)) return nullptr;
  const bool k_by_n = ctx.op_type == "MatMul" || ctx.attr().get_int("transB", 0) == 0;
  return std::make_unique<XnnFullyConnected>(k_by_n);
}

}  // namespace qedge::fast
