#include "common/nn_compute.h"
#include "common/nn_matmul.h"

namespace qedge::ref {
namespace {

// int32 matmul of int8/uint8 operands minus their zero points: a's is per tensor or per row (M
// values), b's per tensor or per column (N values).
class MatMulIntegerKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 2));
    QEDGE_RETURN_IF_ERROR(nn_matmul_shape("MatMulInteger", ctx.input(0)->shape, ctx.input(1)->shape, &shape_));
    QEDGE_RETURN_IF_ERROR(nn_check_int8_input(ctx, 0, 2, shape_.m));
    QEDGE_RETURN_IF_ERROR(nn_check_int8_input(ctx, 1, 3, shape_.n));
    set_output(ctx, 0, DType::kInt32, shape_.out);
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    std::vector<int32_t> a, b;
    nn_int8_minus_zero_point(*ctx.input(0), ctx.input(2), shape_.k, &a);
    nn_int8_minus_zero_point(*ctx.input(1), ctx.input(3), 1, &b);
    nn_matmul<int32_t>(ctx, shape_, a.data(), b.data(), ctx.output(0)->data_as<int32_t>());
    return Status::Ok();
  }

 private:
  NnMatMulShape shape_;
};

}  // namespace

void register_mat_mul_integer(KernelRegistry& r) {
  r.add("", "MatMulInteger", [] { return std::make_unique<MatMulIntegerKernel>(); });
}

}  // namespace qedge::ref
