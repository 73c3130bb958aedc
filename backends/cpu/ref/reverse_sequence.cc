#include "common/shape_util.h"

namespace qedge::ref {
namespace {

class ReverseSequenceKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 2));
    const Tensor& x = *ctx.input(0);
    const Tensor& lens = *ctx.input(1);
    QEDGE_ASSIGN_OR_RETURN(esize_, element_bytes(ctx, x.dtype));
    QEDGE_RETURN_IF_ERROR(require_index_type(ctx, lens, "sequence_lens"));
    if (x.rank() < 2) return InvalidModel("ReverseSequence input must have rank >= 2");
    QEDGE_ASSIGN_OR_RETURN(batch_axis_, normalize_axis(ctx.attr().get_int("batch_axis", 1), 2, "ReverseSequence batch_axis"));
    QEDGE_ASSIGN_OR_RETURN(time_axis_, normalize_axis(ctx.attr().get_int("time_axis", 0), 2, "ReverseSequence time_axis"));
    if (batch_axis_ == time_axis_) return InvalidModel("ReverseSequence batch_axis and time_axis are equal");
    if (lens.shape != Dims{x.shape[batch_axis_]}) {
      return ShapeMismatch("ReverseSequence sequence_lens shape " + dims_to_string(lens.shape) +
                           " does not match the batch of input shape " + dims_to_string(x.shape));
    }
    set_output(ctx, 0, x.dtype, x.shape);
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    const Tensor& lens = *ctx.input(1);
    Tensor& y = *ctx.output(0);
    const int64_t steps = x.shape[time_axis_];
    std::vector<int64_t> len;
    QEDGE_RETURN_IF_ERROR(read_int_values(lens.dtype, lens.data, lens.numel(), "ReverseSequence sequence_lens", &len));
    for (int64_t l : len) {
      if (l < 0 || l > steps) {
        return InvalidArgument("ReverseSequence sequence length " + std::to_string(l) + " is outside [0, " +
                               std::to_string(steps) + "]");
      }
    }
    const std::vector<int64_t> strides = row_major_strides(x.shape);
    for_each_index(x.shape, [&](const std::vector<int64_t>& idx, int64_t o) {
      // The first len steps of each batch entry are reversed; the rest are copied.
      const int64_t l = len[idx[batch_axis_]];
      const int64_t t = idx[time_axis_];
      const int64_t src_t = t < l ? l - 1 - t : t;
      copy_element(y.data, o, x.data, o + (src_t - t) * strides[time_axis_], esize_);
    });
    return Status::Ok();
  }

 private:
  size_t esize_ = 0;
  int batch_axis_ = 1;
  int time_axis_ = 0;
};

}  // namespace

void register_reverse_sequence(KernelRegistry& r) {
  r.add("", "ReverseSequence", [] { return std::make_unique<ReverseSequenceKernel>(); });
}

}  // namespace qedge::ref
