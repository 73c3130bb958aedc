// Fast qedge QAdd for two 8-bit inputs of one shape (residual connections), in chunks split across threads,
// bit-identical to the reference: levels through the certified form where the epilogue has it (64 elements at a time
// on AVX-512, requant_certified_avx512.cc, else eight at a time, requant_certified_avx2.cc), else the reference's
// double arithmetic and epilogue with the same IEEE operations in the same order (requant_avx2.cc, float outputs
// too). Broadcasting and wider inputs use the reference kernel.
#include <algorithm>

#include "fallback_kernel.h"
#include "requant.h"

namespace qedge::fast {
namespace {

bool eight_bit(DType t) { return t == DType::kInt8 || t == DType::kUint8; }

class FastQAdd : public FallbackKernel {
 public:
  explicit FastQAdd(const KernelRegistry& ref) : FallbackKernel(ref, "QAdd") {}

 protected:
  bool applies(const KernelContext& ctx) const override {
    const Tensor* a = ctx.input(0);
    const Tensor* b = ctx.input(1);
    return a && b && eight_bit(a->dtype) && eight_bit(b->dtype) && a->shape == b->shape;
  }

  Status prepare_fast(KernelContext& ctx) override {
    const AttrMap& at = ctx.attr();
    a_.is_signed = ctx.input(0)->dtype == DType::kInt8;
    b_.is_signed = ctx.input(1)->dtype == DType::kInt8;
    a_.scale = at.get_float("a_scale", 1.0f), b_.scale = at.get_float("b_scale", 1.0f);
    a_.zero_point = at.get_int("a_zero_point", 0), b_.zero_point = at.get_int("b_zero_point", 0);
    QEDGE_RETURN_IF_ERROR(epilogue_.read(ctx, 1, ctx.input(0)->shape));
    certified_ = certify_qadd(epilogue_, a_, b_);
    return Status::Ok();
  }

  Status run_fast(KernelContext& ctx) override {
    QAddOperand a = a_, b = b_;
    a.data = static_cast<const uint8_t*>(ctx.input(0)->data);
    b.data = static_cast<const uint8_t*>(ctx.input(1)->data);
    Tensor& y = *ctx.output(0);
    const int64_t n = ctx.input(0)->numel();
    constexpr int64_t kChunk = 16384;
    ctx.parallel_for((n + kChunk - 1) / kChunk, [&](int64_t begin, int64_t end) {
      const int64_t lo = begin * kChunk, hi = std::min(n, end * kChunk);
#if defined(__x86_64__)
      int64_t done = certified_.on ? qadd_certified_avx512(epilogue_, certified_, a, b, hi - lo, y, lo) : 0;
      if (done == 0) {
        done = certified_.on ? qadd_certified_avx2(epilogue_, certified_, a, b, hi - lo, y, lo)
                             : qadd_avx2(epilogue_, a, b, hi - lo, y, lo);
      }
      int64_t i = lo + done;
#else
      int64_t i = lo;
#endif
      for (; i < hi; ++i) epilogue_.store(y, i, 0, qadd_value(a, b, i));
    });
    return Status::Ok();
  }

 private:
  QAddOperand a_, b_;
  ref::IntLinearEpilogue epilogue_;
  CertifiedQAdd certified_;
};

}  // namespace

void register_fast_qadd(KernelRegistry& r, const KernelRegistry& ref) {
  r.add(ref::kQedgeDomain, "QAdd", [&ref] { return std::make_unique<FastQAdd>(ref); });
}

}  // namespace qedge::fast
