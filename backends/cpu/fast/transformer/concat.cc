// Fast Concat of elements of whole bytes, any axis: each input contributes one contiguous block (its dims from the
// axis on) to each of the `outer` output rows, so the copy is one memcpy per (row, input). Tasks are (row, input)
// pairs, split across threads when there are enough bytes. Sub-byte and string tensors use the reference kernel.
#include <cstring>
#include <vector>

#include "common/shape_util.h"
#include "fallback_kernel.h"
#include "kernel_support.h"

namespace qedge::fast {
namespace {

class FastConcat : public FallbackKernel {
 public:
  explicit FastConcat(const KernelRegistry& ref) : FallbackKernel(ref, "Concat"), ref_(ref) {}

 protected:
  bool applies(const KernelContext& ctx) const override {
    for (int i = 0; i < ctx.num_inputs(); ++i) {
      const Tensor* t = ctx.input(i);
      if (!t || t->dtype == DType::kString || t->packed_bits || t->packed_bipolar || dtype_bits(t->dtype) % 8 != 0) {
        return false;
      }
    }
    return ctx.num_inputs() > 0;
  }

  Status prepare_fast(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(prepare_like_reference(ref_, ctx));
    const Dims& out = ctx.output(0)->shape;
    const Dims& first = ctx.input(0)->shape;
    // Outer rows are the output dims before the axis (which the reference prepare has checked).
    const int64_t esize = dtype_bits(ctx.input(0)->dtype) / 8;
    const int axis = *normalize_axis(ctx.attr().get_int("axis", 1), static_cast<int>(first.size()));
    outer_ = ref::dims_product(out, 0, axis);
    row_bytes_ = ref::dims_product(out, axis, out.size()) * esize;
    block_bytes_.clear();
    for (int i = 0; i < ctx.num_inputs(); ++i) {
      const Dims& s = ctx.input(i)->shape;
      block_bytes_.push_back(ref::dims_product(s, axis, s.size()) * esize);
    }
    return Status::Ok();
  }

  Status run_fast(KernelContext& ctx) override {
    auto* y = static_cast<uint8_t*>(ctx.output(0)->data);
    const int64_t inputs = static_cast<int64_t>(block_bytes_.size());
    std::vector<int64_t> offsets(block_bytes_.size(), 0);
    for (size_t i = 1; i < offsets.size(); ++i) offsets[i] = offsets[i - 1] + block_bytes_[i - 1];
    const auto copy = [&](int64_t begin, int64_t end) {
      for (int64_t task = begin; task < end; ++task) {
        const int64_t o = task / inputs, i = task % inputs;
        if (block_bytes_[i] == 0) continue;
        const auto* x = static_cast<const uint8_t*>(ctx.input(static_cast<int>(i))->data);
        std::memcpy(y + o * row_bytes_ + offsets[i], x + o * block_bytes_[i], static_cast<size_t>(block_bytes_[i]));
      }
    };
    const int64_t tasks = outer_ * inputs;
    if (outer_ * row_bytes_ >= kThreadBytes) {
      ctx.parallel_for(tasks, copy);
    } else {
      copy(0, tasks);
    }
    return Status::Ok();
  }

 private:
  // Output size from which the copy is split across threads.
  static constexpr int64_t kThreadBytes = 1 << 18;

  const KernelRegistry& ref_;
  int64_t outer_ = 0, row_bytes_ = 0;
  std::vector<int64_t> block_bytes_;  // bytes each input adds to an output row
};

}  // namespace

void register_fast_concat(KernelRegistry& r, const KernelRegistry& ref) {
  r.add("", "Concat", [&ref] { return std::make_unique<FastConcat>(ref); });
}

}  // namespace qedge::fast
