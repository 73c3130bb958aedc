#include "common/nn_compute.h"
#include "common/nn_matmul.h"

namespace qedge::ref {
namespace {

// Y = alpha * A' * B' + beta * C, A' = transA ? A^T : A (M x K), B' = transB ? B^T : B (K x N), C
// broadcast to [M, N].
class GemmKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 2));
    const Tensor& a = *ctx.input(0);
    const Tensor& b = *ctx.input(1);
    const Tensor* c = ctx.input(2);
    QEDGE_RETURN_IF_ERROR(visit_dtype<kFloatTypes>(a.dtype, "Gemm", [](auto) { return Status::Ok(); }));
    if (a.rank() != 2 || b.rank() != 2 || b.dtype != a.dtype || (c != nullptr && c->dtype != a.dtype)) {
      return InvalidArgument("Gemm needs 2-D A and B of one type, got " + std::string(dtype_name(a.dtype)) + " " +
                             dims_to_string(a.shape) + " and " + dtype_name(b.dtype) + " " + dims_to_string(b.shape));
    }
    trans_a_ = ctx.attr().get_int("transA", 0) != 0;
    trans_b_ = ctx.attr().get_int("transB", 0) != 0;
    alpha_ = ctx.attr().get_float("alpha", 1.0f);
    beta_ = ctx.attr().get_float("beta", 1.0f);
    m_ = a.shape[trans_a_ ? 1 : 0];
    k_ = a.shape[trans_a_ ? 0 : 1];
    n_ = b.shape[trans_b_ ? 0 : 1];
    if (b.shape[trans_b_ ? 1 : 0] != k_) {
      return ShapeMismatch("Gemm inner dims differ: A " + dims_to_string(a.shape) + (trans_a_ ? " (transposed)" : "") +
                           ", B " + dims_to_string(b.shape) + (trans_b_ ? " (transposed)" : ""));
    }
    const Dims out{m_, n_};
    if (c != nullptr) {
      Result<Dims> bc = broadcast_shapes(c->shape, out);
      if (!bc.ok() || bc.value() != out) {
        return ShapeMismatch("Gemm C shape " + dims_to_string(c->shape) + " does not broadcast to " +
                             dims_to_string(out));
      }
    }
    set_output(ctx, 0, a.dtype, out);
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& a = *ctx.input(0);
    const Tensor* c = ctx.input(2);
    Tensor& y = *ctx.output(0);
    return visit_dtype<kFloatTypes>(a.dtype, "Gemm", [&](auto tag) {
      using T = typename decltype(tag)::type;
      using A = compute_t<T>;
      std::vector<A> ab, bb, cb, yb;
      const A* pa = nn_as_compute<A, T>(a, &ab);
      const A* pb = nn_as_compute<A, T>(*ctx.input(1), &bb);
      A* py = nn_compute_out<A, T>(y, &yb);
      const NnMatrix<A> ma = trans_a_ ? NnMatrix<A>{pa, 1, m_} : NnMatrix<A>{pa, k_, 1};
      const NnMatrix<A> mb = trans_b_ ? NnMatrix<A>{pb, 1, k_} : NnMatrix<A>{pb, n_, 1};
      const Dims out{m_, n_};
      std::fill(py, py + m_ * n_, A(0));
      ctx.parallel_for(m_, [&](int64_t begin, int64_t end) {
        nn_gemm_rows<A>(begin, end, n_, k_, ma, mb, py);
        for (int64_t i = begin * n_; i < end * n_; ++i) py[i] *= static_cast<A>(alpha_);
      });
      if (c != nullptr) {
        const A* pc = nn_as_compute<A, T>(*c, &cb);
        for_each_broadcast<1>(out, {&c->shape}, [&](int64_t i, const std::array<int64_t, 1>& off) {
          py[i] += static_cast<A>(beta_) * pc[off[0]];
        });
      }
      nn_store<A, T>(y, yb);
      return Status::Ok();
    });
  }

 private:
  bool trans_a_ = false, trans_b_ = false;
  float alpha_ = 1.0f, beta_ = 1.0f;
  int64_t m_ = 0, k_ = 0, n_ = 0;
};

}  // namespace

void register_gemm(KernelRegistry& r) {
  r.add("", "Gemm", [] { return std::make_unique<GemmKernel>(); });
}

}  // namespace qedge::ref
