#include "common/nn_compute.h"
#include "common/nn_matmul.h"

namespace qedge::ref {
namespace {

constexpr unsigned kMatMulTypes = kFloatTypes | kIntTypes;

class MatMulKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 2));
    const Tensor& a = *ctx.input(0);
    const Tensor& b = *ctx.input(1);
    QEDGE_RETURN_IF_ERROR(visit_dtype<kMatMulTypes>(a.dtype, "MatMul", [](auto) { return Status::Ok(); }));
    if (a.dtype != b.dtype) {
      return InvalidModel(std::string("MatMul operands have different types: ") + dtype_name(a.dtype) + " and " +
                          dtype_name(b.dtype));
    }
    QEDGE_RETURN_IF_ERROR(nn_matmul_shape("MatMul", a.shape, b.shape, &shape_));
    set_output(ctx, 0, a.dtype, shape_.out);
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& a = *ctx.input(0);
    Tensor& y = *ctx.output(0);
    return visit_dtype<kMatMulTypes>(a.dtype, "MatMul", [&](auto tag) {
      using T = typename decltype(tag)::type;
      using A = compute_t<T>;
      std::vector<A> ab, bb, yb;
      nn_matmul<A>(ctx, shape_, nn_as_compute<A, T>(a, &ab), nn_as_compute<A, T>(*ctx.input(1), &bb),
                   nn_compute_out<A, T>(y, &yb));
      nn_store<A, T>(y, yb);
      return Status::Ok();
    });
  }

 private:
  NnMatMulShape shape_;
};

}  // namespace

void register_mat_mul(KernelRegistry& r) {
  r.add("", "MatMul", [] { return std::make_unique<MatMulKernel>(); });
}

}  // namespace qedge::ref
