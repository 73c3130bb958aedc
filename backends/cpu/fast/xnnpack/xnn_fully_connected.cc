// Float MatMul (A [..., K] x B [K, N]) and Gemm (A [M, K] x B or B' + C [N]) as XNNPACK's fully connected operator:
// the leading dims of A are its batch, B its weights (packed into the operator), C its bias. The node's fused
// activation (qedge.FusedMatMul / FusedGemm) is applied here too: Relu as the operator's output clamp to [0, inf),
// inside its GEMM store (NaN becomes 0 there as in the reference, x > 0 ? x : 0); the others in one more pass.
#include <algorithm>
#include <cmath>
#include <vector>

#include "activation_epilogue.h"
#include "xnn_paths.h"
#include "xnn_runtime.h"

namespace qedge::fast {
namespace {

bool is_float(const Tensor* t) { return t && t->dtype == DType::kFloat32; }

// Gemm or qedge.FusedGemm (else MatMul or qedge.FusedMatMul).
bool is_gemm(const KernelContext& ctx) { return ctx.op_type == "Gemm" || ctx.op_type == "FusedGemm"; }

// Output columns are independent, so each part of the threads' split is an operator over a column range: those
// columns' weights (a [K, N] B is copied per range, as XNNPACK reads weights at their own width) and bias, writing
// at the full row stride.
class XnnFullyConnected : public XnnPath {
 public:
  XnnFullyConnected(bool weights_are_k_by_n, const ref::Activation& act) : k_by_n_(weights_are_k_by_n), act_(act) {}

  Status run(KernelContext& ctx) override {
    const Tensor& a = *ctx.input(0);
    const Tensor& w = *ctx.input(1);
    const Tensor* bias = is_gemm(ctx) ? ctx.input(2) : nullptr;
    QEDGE_RETURN_IF_ERROR(xnn::ready());
    const int64_t k = a.shape.back(), n = k_by_n_ ? w.shape[1] : w.shape[0];
    const int64_t parts = xnn::part_count(ctx, n, kMinColumnsPerPart);
    if (static_cast<int64_t>(ops_.size()) != parts || !operands_.unchanged(&w, bias)) {
      ops_.clear();
      for (int64_t p = 0; p < parts; ++p) {
        QEDGE_RETURN_IF_ERROR(create(w, bias, k, n, xnn::part_begin(p, parts, n), xnn::part_begin(p + 1, parts, n)));
      }
      operands_.remember(&w, bias);
    }
    const auto rows = static_cast<size_t>(a.numel() / k);
    if (rows == 0) return Status::Ok();
    float* y = ctx.output(0)->data_as<float>();
    QEDGE_RETURN_IF_ERROR(xnn::run_parts(ctx, parts, [&](int64_t p) {
      QEDGE_RETURN_IF_ERROR(xnn::check(xnn_setup_fully_connected_nc_f32(ops_[p].get(), rows, a.data_as<float>(),
                                                                        y + xnn::part_begin(p, parts, n), nullptr),
                                       "fully connected setup"));
      return xnn::run(ops_[p], "fully connected");
    }));
    if (!clamps()) activation_rows_parallel(ctx, act_, y, static_cast<int64_t>(rows), n);
    return Status::Ok();
  }

 private:
  static constexpr int64_t kMinColumnsPerPart = 64;

  bool clamps() const { return act_.kind == ref::ActivationKind::kRelu; }

  // An operator over output columns [n0, n1) of n.
  Status create(const Tensor& w, const Tensor* bias, int64_t k, int64_t n, int64_t n0, int64_t n1) {
    const int64_t width = n1 - n0;
    const float* weights = w.data_as<float>() + n0 * k;
    std::vector<float> columns;
    if (k_by_n_) {
      columns.resize(static_cast<size_t>(k * width));
      for (int64_t i = 0; i < k; ++i) {
        std::copy_n(w.data_as<float>() + i * n + n0, width, columns.data() + i * width);
      }
      weights = columns.data();
    }
    xnn_operator_t op = nullptr;
    QEDGE_RETURN_IF_ERROR(xnn::check(
        xnn_create_fully_connected_nc_f32(static_cast<size_t>(k), static_cast<size_t>(width), static_cast<size_t>(k),
                                          static_cast<size_t>(n), weights, bias ? bias->data_as<float>() + n0 : nullptr,
                                          clamps() ? 0.0f : -INFINITY, INFINITY,
                                          k_by_n_ ? XNN_FLAG_TRANSPOSE_WEIGHTS : 0, &op),
        "fully connected"));
    ops_.emplace_back(op);
    return Status::Ok();
  }

  bool k_by_n_;
  ref::Activation act_;
  std::vector<xnn::Operator> ops_;
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
  if (!is_float(ctx.input(0)) || !is_float(ctx.input(1)) || !xnn::available()) return false;
  if (is_gemm(ctx)) return gemm_fits(ctx);
  return (ctx.op_type == "MatMul" || ctx.op_type == "FusedMatMul") && matmul_fits(ctx);
}

Result<std::unique_ptr<XnnPath>> make_xnn_fully_connected(const KernelContext& ctx) {
  if (!xnn_fully_connected_fits(ctx)) return std::unique_ptr<XnnPath>();
  QEDGE_ASSIGN_OR_RETURN(const ref::Activation act, fused_activation(ctx));
  const bool k_by_n = !is_gemm(ctx) || ctx.attr().get_int("transB", 0) == 0;
  return std::unique_ptr<XnnPath>(std::make_unique<XnnFullyConnected>(k_by_n, act));
}

}  // namespace qedge::fast
