// RotaryEmbedding (opset 23): rotates the first rotary_embedding_dim features of every head by the
// angles whose cos/sin come from the caches, indexed by position_ids or, without them, by (batch, seq).
#include <string>

#include "common/dispatch.h"
#include "common/kernel_util.h"

namespace qedge::ref {
namespace {

class RotaryEmbeddingKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 3));
    const Tensor& x = *ctx.input(0);
    const Tensor& cos = *ctx.input(1);
    const Tensor& sin = *ctx.input(2);
    const Tensor* pos = ctx.input(3);
    QEDGE_RETURN_IF_ERROR(visit_dtype<kFloatTypes>(x.dtype, "RotaryEmbedding", [](auto) { return Status::Ok(); }));
    if (cos.dtype != x.dtype || sin.dtype != x.dtype || cos.shape != sin.shape) {
      return InvalidModel("RotaryEmbedding cos_cache " + dims_to_string(cos.shape) + " and sin_cache " +
                          dims_to_string(sin.shape) + " must match each other and X's type");
    }
    if (x.rank() == 4) {
      // [batch, heads, seq, head_size]
      batch_ = x.shape[0], heads_ = x.shape[1], seq_ = x.shape[2], head_size_ = x.shape[3];
      four_d_ = true;
    } else if (x.rank() == 3) {
      // [batch, seq, heads * head_size]
      batch_ = x.shape[0], seq_ = x.shape[1];
      four_d_ = false;
      heads_ = ctx.attr().get_int("num_heads", 0);
      if (heads_ <= 0 && cos.rank() >= 1 && cos.shape.back() > 0) heads_ = x.shape[2] / (2 * cos.shape.back());
      if (heads_ <= 0 || x.shape[2] % heads_ != 0) {
        return InvalidModel("RotaryEmbedding 3-D input " + dims_to_string(x.shape) +
                            " needs a num_heads attribute dividing its hidden size");
      }
      head_size_ = x.shape[2] / heads_;
    } else {
      return ShapeMismatch("RotaryEmbedding X must be 3-D or 4-D, got " + dims_to_string(x.shape));
    }
    rotary_dim_ = ctx.attr().get_int("rotary_embedding_dim", 0);
    if (rotary_dim_ == 0) rotary_dim_ = head_size_;
    if (rotary_dim_ < 0 || rotary_dim_ > head_size_ || rotary_dim_ % 2 != 0) {
      return InvalidModel("RotaryEmbedding rotary_embedding_dim " + std::to_string(rotary_dim_) +
                          " must be even and at most the head size " + std::to_string(head_size_));
    }
    const Dims want =
        pos ? Dims{cos.rank() == 2 ? cos.shape[0] : -1, rotary_dim_ / 2} : Dims{batch_, seq_, rotary_dim_ / 2};
    if (cos.shape != want) {
      return ShapeMismatch("RotaryEmbedding cos/sin cache must be " +
                           std::string(pos ? "[max_position, " : "[batch, seq, ") + std::to_string(rotary_dim_ / 2) +
                           "], got " + dims_to_string(cos.shape));
    }
    if (pos && (pos->dtype != DType::kInt64 || pos->shape != Dims{batch_, seq_})) {
      return ShapeMismatch("RotaryEmbedding position_ids must be int64 [" + std::to_string(batch_) + "," +
                           std::to_string(seq_) + "], got " + dims_to_string(pos->shape));
    }
    interleaved_ = ctx.attr().get_int("interleaved", 0) != 0;
    set_output(ctx, 0, x.dtype, x.shape);
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    const Tensor& cos = *ctx.input(1);
    const Tensor* pos = ctx.input(3);
    const int64_t half = rotary_dim_ / 2;
    return visit_dtype<kFloatTypes>(x.dtype, "RotaryEmbedding", [&](auto tag) {
      using T = typename decltype(tag)::type;
      using C = compute_t<T>;
      const T* in = x.data_as<T>();
      const T* cs = cos.data_as<T>();
      const T* sn = ctx.input(2)->data_as<T>();
      T* out = ctx.output(0)->data_as<T>();
      for (int64_t b = 0; b < batch_; ++b) {
        for (int64_t s = 0; s < seq_; ++s) {
          int64_t row = b * seq_ + s;  // cache row without position ids
          if (pos) {
            row = pos->data_as<int64_t>()[b * seq_ + s];
            if (row < 0 || row >= cos.shape[0]) {
              return InvalidArgument("RotaryEmbedding position id " + std::to_string(row) + " is outside [0, " +
                                     std::to_string(cos.shape[0]) + ")");
            }
          }
          for (int64_t h = 0; h < heads_; ++h) {
            const int64_t base = four_d_ ? ((b * heads_ + h) * seq_ + s) * head_size_ : (row_of(b, s) + h) * head_size_;
            for (int64_t d = rotary_dim_; d < head_size_; ++d) out[base + d] = in[base + d];
            for (int64_t i = 0; i < half; ++i) {
              // The pair rotated together: adjacent features, or one from each half of the rotary part.
              const int64_t i1 = interleaved_ ? 2 * i : i;
              const int64_t i2 = interleaved_ ? 2 * i + 1 : i + half;
              const C c = static_cast<C>(cs[row * half + i]);
              const C sv = static_cast<C>(sn[row * half + i]);
              const C x1 = static_cast<C>(in[base + i1]);
              const C x2 = static_cast<C>(in[base + i2]);
              out[base + i1] = to_storage<T>(x1 * c - x2 * sv);
              out[base + i2] = to_storage<T>(x2 * c + x1 * sv);
            }
          }
        }
      }
      return Status::Ok();
    });
  }

 private:
  // First head's index (in head units) of token (b, s) in the 3-D layout.
  int64_t row_of(int64_t b, int64_t s) const { return (b * seq_ + s) * heads_; }

  bool four_d_ = true, interleaved_ = false;
  int64_t batch_ = 0, heads_ = 0, seq_ = 0, head_size_ = 0, rotary_dim_ = 0;
};

}  // namespace

void register_rotary_embedding(KernelRegistry& r) {
  r.add("", "RotaryEmbedding", [] { return std::make_unique<RotaryEmbeddingKernel>(); });
}

}  // namespace qedge::ref
