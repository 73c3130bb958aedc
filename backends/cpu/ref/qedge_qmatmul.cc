// qedge QMatMul: X [..., K] times integer weights W [K, N] (or [N, K] with trans_b=1), exact accumulation and
// the requantizing epilogue of common/int_linear.h; Y [..., N]. Lowered from MatMul and Gemm.
// With xnor=1 both operands are bipolar (+-1) and each dot product is K - 2 * popcount(x_bits XOR w_bits).
#include "common/int_linear.h"
#include "common/xnor.h"

namespace qedge::ref {
namespace {

class QMatMulKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(check_int_linear_input(ctx));
    QEDGE_ASSIGN_OR_RETURN(const QMatMulShape shape, qmatmul_shape(ctx));
    trans_b_ = shape.trans_b, k_ = shape.k, n_ = shape.n;
    xnor_ = ctx.attr().get_int("xnor", 0) != 0;
    return epilogue_.read(ctx, n_, shape.out);
  }

  Status run(KernelContext& ctx) override {
    Tensor& y = *ctx.output(0);
    std::vector<double> xs, ws;
    read_linear_input(ctx, &xs);
    QEDGE_RETURN_IF_ERROR(read_int_weights(ctx, trans_b_ ? 0 : 1, &ws));
    const int64_t m = k_ > 0 ? static_cast<int64_t>(xs.size()) / k_ : y.numel() / std::max<int64_t>(n_, 1);
    // Weight element (k, n) sits at k * wk + n * wn.
    const int64_t wk = trans_b_ ? 1 : n_, wn = trans_b_ ? k_ : 1;
    if (xnor_) return run_xnor(y, xs, ws, m, wk, wn);
    ctx.parallel_for(m, [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        const double* xr = xs.data() + r * k_;
        for (int64_t c = 0; c < n_; ++c) {
          double acc = 0.0;
          for (int64_t j = 0; j < k_; ++j) acc += xr[j] * ws[static_cast<size_t>(j * wk + c * wn)];
          epilogue_.store(y, r * n_ + c, c, acc);
        }
      }
    });
    return Status::Ok();
  }

 private:
  Status run_xnor(Tensor& y, const std::vector<double>& xs, const std::vector<double>& ws, int64_t m, int64_t wk,
                  int64_t wn) {
    std::vector<XnorWord> xb, wb;
    QEDGE_RETURN_IF_ERROR(pack_sign_rows(xs, m, k_, k_, 1, "QMatMul X", &xb));
    QEDGE_RETURN_IF_ERROR(pack_sign_rows(ws, n_, k_, wn, wk, "QMatMul W", &wb));
    const int64_t words = xnor_words(k_);
    for (int64_t r = 0; r < m; ++r) {
      for (int64_t c = 0; c < n_; ++c) {
        const int64_t dot = xnor_dot(xb.data() + r * words, wb.data() + c * words, nullptr, words, k_);
        epilogue_.store(y, r * n_ + c, c, static_cast<double>(dot));
      }
    }
    return Status::Ok();
  }

  bool trans_b_ = false;
  bool xnor_ = false;
  int64_t k_ = 0, n_ = 0;
  IntLinearEpilogue epilogue_;
};

}  // namespace

void register_qedge_qmatmul(KernelRegistry& r) {
  r.add(kQedgeDomain, "QMatMul", [] { return std::make_unique<QMatMulKernel>(); });
}

}  // namespace qedge::ref
