// Fast float32 MatMul, A [..., M, K] times B [..., K, N]:
// - a 2-D B: all leading dims of A fold into the rows of one blocked GEMM (threads split its columns);
// - batched B (attention's Q K^T and P V): one GEMM per broadcast batch, with numpy broadcasting of the batch dims;
//   as many threads as the work pays for (gemm_parts) take equal shares of the products, split into row blocks
//   where there are fewer products than threads or they do not divide evenly.
// A constant 2-D B goes to XNNPACK's fully connected operator when it is built in (xnnpack/xnn_fully_connected.cc).
// 1-D operands and fewer than 6 rows per product (a GEMV, where packing does not pay) use the reference kernel.
// A constant A (its matrices, when batched) is packed once, by the first run.
#include <algorithm>
#include <numeric>
#include <vector>

#include "activation_epilogue.h"
#include "common/broadcast.h"
#include "common/nn_matmul.h"
#include "fallback_kernel.h"
#include "gemm/gemm_f32_microkernel.h"
#include "qedge/cpu_fast/gemm_f32.h"
#include "xnnpack/xnn_paths.h"

namespace qedge::fast {
namespace {

class FastMatMul : public FallbackKernel {
 public:
  explicit FastMatMul(const KernelRegistry& ref) : FallbackKernel(ref, "MatMul") {}

 protected:
  bool applies(const KernelContext& ctx) const override {
    const Tensor* a = ctx.input(0);
    const Tensor* b = ctx.input(1);
    if (!a || !b || a->dtype != DType::kFloat32 || b->dtype != DType::kFloat32 || a->rank() < 2 || b->rank() < 2) {
      return false;
    }
    if (xnn_fully_connected_fits(ctx)) return true;
    const int64_t k = a->shape.back();
    const int64_t rows = b->rank() == 2 ? a->numel() / std::max<int64_t>(k, 1) : a->shape[a->rank() - 2];
    return k == b->shape[b->rank() - 2] && k > 0 && rows >= 6;
  }

  Status prepare_fast(KernelContext& ctx) override {
    const Tensor& a = *ctx.input(0);
    const Tensor& b = *ctx.input(1);
    QEDGE_RETURN_IF_ERROR(ref::nn_matmul_shape("MatMul", a.shape, b.shape, &shape_));
    QEDGE_ASSIGN_OR_RETURN(act_, fused_activation(ctx));
    a_strides_ = ref::broadcast_strides(shape_.batch, shape_.a_batch);
    b_strides_ = ref::broadcast_strides(shape_.batch, shape_.b_batch);
    ctx.output(0)->dtype = DType::kFloat32;
    ctx.output(0)->shape = shape_.out;
    QEDGE_ASSIGN_OR_RETURN(xnn_, make_xnn_fully_connected(ctx));
    if (b.rank() == 2) {
      packed_a_.prepare(xnn_ ? Tensor{} : a, 1, a.numel() / std::max<int64_t>(shape_.k, 1), shape_.k);
    } else {
      packed_a_.prepare(a, num_elements(shape_.a_batch), shape_.m, shape_.k);
    }
    return Status::Ok();
  }

  Status run_fast(KernelContext& ctx) override {
    if (xnn_) return xnn_->run(ctx);
    const float* a = ctx.input(0)->data_as<float>();
    const float* b = ctx.input(1)->data_as<float>();
    float* y = ctx.output(0)->data_as<float>();
    packed_a_.pack_once(ctx.threads);
    GemmShape s;
    s.k = shape_.k;
    s.n = shape_.n;
    s.lda = s.k, s.ldb = s.n, s.ldc = s.n;
    if (ctx.input(1)->rank() == 2) {
      s.m = ctx.input(0)->numel() / s.k;
      gemm_f32(s, a, packed_a_.matrix(0), b, y, false, ctx.threads);
      bias_activation_rows(act_, nullptr, y, s.m, s.n);
      return Status::Ok();
    }
    s.m = shape_.m;
    const int64_t batches = num_elements(shape_.batch);
    const int64_t parts = gemm_parts(batches * s.m * s.n * s.k, ctx.threads);
    const bool packed = packed_a_.matrix(0) != nullptr;
    if (parts > batches && packed) {
      // Fewer products than parts, each with its A packed whole once: every product splits itself.
      run_products(a, b, y, s, 0, batches, 1, ctx.threads);
      return Status::Ok();
    }
    // Products (attention's heads) split into row blocks when there are fewer of them than parts or they do not
    // divide evenly among the parts; a packed A stays whole.
    const int64_t row_blocks =
        parts < 2 || packed ? 1 : std::min(parts / std::gcd(batches, parts), (s.m + kGemmMr - 1) / kGemmMr);
    const int64_t items = batches * row_blocks;
    if (parts < 2) {
      run_products(a, b, y, s, 0, items, row_blocks, nullptr);
      return Status::Ok();
    }
    ctx.parallel_for(parts, [&](int64_t begin, int64_t end) {
      run_products(a, b, y, s, items * begin / parts, items * end / parts, row_blocks, nullptr);
    });
    return Status::Ok();
  }

 private:
  // Items [begin, end) of the batched product y = a b (each product `whole`), each one of `row_blocks` blocks of
  // whole 6-row panels of a product: item i is block i % row_blocks of product i / row_blocks. `gemm_threads` splits
  // each GEMM.
  void run_products(const float* a, const float* b, float* y, const GemmShape& whole, int64_t begin, int64_t end,
                    int64_t row_blocks, ThreadPool* gemm_threads) {
    const int64_t panels = (whole.m + kGemmMr - 1) / kGemmMr;
    const auto first_row = [&](int64_t block) { return std::min(whole.m, panels * block / row_blocks * kGemmMr); };
    for (int64_t item = begin; item < end; ++item) {
      const int64_t i = item / row_blocks, block = item % row_blocks;
      int64_t a_off = 0, b_off = 0, rest = i;
      for (int d = static_cast<int>(shape_.batch.size()) - 1; d >= 0; --d) {
        const int64_t idx = rest % shape_.batch[d];
        rest /= shape_.batch[d];
        a_off += idx * a_strides_[d];
        b_off += idx * b_strides_[d];
      }
      const int64_t r0 = first_row(block), r1 = first_row(block + 1);
      if (r0 == r1) continue;
      GemmShape s = whole;
      s.m = r1 - r0;
      float* c = y + (i * whole.m + r0) * whole.n;
      gemm_f32(s, a + (a_off * whole.m + r0) * whole.k, row_blocks == 1 ? packed_a_.matrix(a_off) : nullptr,
               b + b_off * whole.k * whole.n, c, false, gemm_threads);
      bias_activation_rows(act_, nullptr, c, s.m, whole.n);
    }
  }

  ref::NnMatMulShape shape_;
  std::vector<int64_t> a_strides_, b_strides_;  // element strides of each batch index, in matrices (0 if broadcast)
  ref::Activation act_;
  std::unique_ptr<XnnPath> xnn_;
  GemmF32ConstantA packed_a_;  // A's matrices, when A is a constant
};

}  // namespace

void register_fast_matmul(KernelRegistry& r, const KernelRegistry& ref) {
  r.add("", "MatMul", [&ref] { return std::make_unique<FastMatMul>(ref); });
  r.add("qedge", "FusedMatMul", [&ref] { return std::make_unique<FastMatMul>(ref); });
}

}  // namespace qedge::fast
