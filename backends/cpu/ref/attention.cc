// Attention (opset 23, 24): softmax(softcap(Q K^T * scale) + bias) V with grouped-query heads,
// 3-D (hidden = heads * head_size) or 4-D inputs, a KV cache (past_key/past_value -> present_*),
// a bool or additive mask, causal masking and (opset 24) per-batch key padding (nonpad_kv_seqlen).
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "common/broadcast.h"
#include "common/dispatch.h"
#include "common/kernel_util.h"

namespace qedge::ref {
namespace {

class AttentionKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 3));
    const Tensor& q = *ctx.input(0);
    const Tensor& k = *ctx.input(1);
    const Tensor& v = *ctx.input(2);
    QEDGE_RETURN_IF_ERROR(visit_dtype<kFloatTypes>(q.dtype, "Attention", [](auto) { return Status::Ok(); }));
    if (k.dtype != q.dtype || v.dtype != q.dtype) {
      return InvalidModel(std::string("Attention Q, K and V must share one type, got ") + dtype_name(q.dtype) + ", " +
                          dtype_name(k.dtype) + ", " + dtype_name(v.dtype));
    }
    if (q.rank() != k.rank() || q.rank() != v.rank() || (q.rank() != 3 && q.rank() != 4)) {
      return ShapeMismatch("Attention Q, K, V must all be 3-D or all 4-D, got " + dims_to_string(q.shape) + ", " +
                           dims_to_string(k.shape) + ", " + dims_to_string(v.shape));
    }
    three_d_ = q.rank() == 3;
    batch_ = q.shape[0];
    if (three_d_) {
      q_heads_ = ctx.attr().get_int("q_num_heads", 0);
      kv_heads_ = ctx.attr().get_int("kv_num_heads", 0);
      if (q_heads_ <= 0 || kv_heads_ <= 0) {
        return InvalidModel("Attention with 3-D inputs needs positive q_num_heads and kv_num_heads attributes");
      }
      if (q.shape[2] % q_heads_ != 0 || k.shape[2] % kv_heads_ != 0 || v.shape[2] % kv_heads_ != 0) {
        return ShapeMismatch("Attention hidden sizes " + dims_to_string(q.shape) + ", " + dims_to_string(k.shape) +
                             ", " + dims_to_string(v.shape) + " are not divisible by q_num_heads " +
                             std::to_string(q_heads_) + " / kv_num_heads " + std::to_string(kv_heads_));
      }
      q_len_ = q.shape[1];
      kv_len_ = k.shape[1];
      head_ = q.shape[2] / q_heads_;
      v_head_ = v.shape[2] / kv_heads_;
      if (k.shape[2] / kv_heads_ != head_ || v.shape[1] != kv_len_) {
        return ShapeMismatch("Attention K " + dims_to_string(k.shape) + " / V " + dims_to_string(v.shape) +
                             " do not match Q " + dims_to_string(q.shape));
      }
    } else {
      q_heads_ = q.shape[1];
      kv_heads_ = k.shape[1];
      q_len_ = q.shape[2];
      kv_len_ = k.shape[2];
      head_ = q.shape[3];
      v_head_ = v.shape[3];
      if (k.shape[3] != head_ || v.shape[1] != kv_heads_ || v.shape[2] != kv_len_) {
        return ShapeMismatch("Attention K " + dims_to_string(k.shape) + " / V " + dims_to_string(v.shape) +
                             " do not match Q " + dims_to_string(q.shape));
      }
    }
    if (k.shape[0] != batch_ || v.shape[0] != batch_ || kv_heads_ <= 0 || q_heads_ % kv_heads_ != 0) {
      return ShapeMismatch("Attention needs equal batch sizes and q heads divisible by kv heads: Q " +
                           dims_to_string(q.shape) + ", K " + dims_to_string(k.shape));
    }
    past_len_ = 0;
    const Tensor* past_k = ctx.input(4);
    const Tensor* past_v = ctx.input(5);
    if ((past_k == nullptr) != (past_v == nullptr)) {
      return InvalidModel("Attention needs both past_key and past_value or neither");
    }
    if (past_k) {
      past_len_ = past_k->rank() == 4 ? past_k->shape[2] : -1;
      if (past_k->dtype != q.dtype || past_v->dtype != q.dtype ||
          past_k->shape != Dims{batch_, kv_heads_, past_len_, head_} ||
          past_v->shape != Dims{batch_, kv_heads_, past_len_, v_head_}) {
        return ShapeMismatch("Attention past_key " + dims_to_string(past_k->shape) + " / past_value " +
                             dims_to_string(past_v->shape) + " do not match K " + dims_to_string(k.shape) + " and V " +
                             dims_to_string(v.shape));
      }
    }
    total_ = past_len_ + kv_len_;
    QEDGE_RETURN_IF_ERROR(check_mask(ctx));
    const Tensor* nonpad = ctx.input(6);
    if (nonpad && (nonpad->dtype != DType::kInt64 || nonpad->shape != Dims{batch_})) {
      return ShapeMismatch("Attention nonpad_kv_seqlen must be int64 [" + std::to_string(batch_) + "], got " +
                           dtype_name(nonpad->dtype) + " " + dims_to_string(nonpad->shape));
    }
    mode_ = ctx.attr().get_int("qk_matmul_output_mode", 0);
    if (mode_ < 0 || mode_ > 3) {
      return InvalidModel("Attention qk_matmul_output_mode must be 0..3, got " + std::to_string(mode_));
    }
    causal_ = ctx.attr().get_int("is_causal", 0) != 0;
    softcap_ = ctx.attr().get_float("softcap", 0.0f);
    scale_ =
        ctx.attr().has("scale") ? ctx.attr().get_float("scale", 1.0f) : 1.0 / std::sqrt(static_cast<double>(head_));

    set_output(ctx, 0, q.dtype,
               three_d_ ? Dims{batch_, q_len_, q_heads_ * v_head_} : Dims{batch_, q_heads_, q_len_, v_head_});
    if (ctx.num_outputs() > 1) set_output(ctx, 1, q.dtype, {batch_, kv_heads_, total_, head_});
    if (ctx.num_outputs() > 2) set_output(ctx, 2, q.dtype, {batch_, kv_heads_, total_, v_head_});
    if (ctx.num_outputs() > 3) set_output(ctx, 3, q.dtype, {batch_, q_heads_, q_len_, total_});
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor* nonpad = ctx.input(6);
    if (nonpad) {
      for (int64_t b = 0; b < batch_; ++b) {
        const int64_t n = nonpad->data_as<int64_t>()[b];
        if (n < 0 || n > total_) {
          return InvalidArgument("Attention nonpad_kv_seqlen[" + std::to_string(b) + "] = " + std::to_string(n) +
                                 " is outside [0, " + std::to_string(total_) + "]");
        }
      }
    }
    return visit_dtype<kFloatTypes>(ctx.input(0)->dtype, "Attention", [&](auto tag) {
      using T = typename decltype(tag)::type;
      compute<T>(ctx);
      return Status::Ok();
    });
  }

 private:
  // The mask broadcasts to [batch, q_heads, q_len, L] with L <= total; keys at L and beyond are masked out.
  Status check_mask(const KernelContext& ctx) {
    const Tensor* mask = ctx.input(3);
    if (mask == nullptr) return Status::Ok();
    if (mask->dtype != DType::kBool && mask->dtype != ctx.input(0)->dtype) {
      return InvalidModel(std::string("Attention attn_mask must be bool or ") + dtype_name(ctx.input(0)->dtype) +
                          ", got " + dtype_name(mask->dtype));
    }
    const Dims full{batch_, q_heads_, q_len_, total_};
    bool ok = mask->rank() >= 1 && mask->rank() <= 4 && mask->shape.back() <= total_;
    for (int i = 0; ok && i < mask->rank() - 1; ++i) {
      const int64_t d = mask->shape[mask->rank() - 1 - i - 1];
      const int64_t want = full[3 - i - 1];
      ok = d == 1 || d == want;
    }
    if (!ok) {
      return ShapeMismatch("Attention attn_mask " + dims_to_string(mask->shape) + " does not broadcast to " +
                           dims_to_string(full));
    }
    mask_strides_ = broadcast_strides({batch_, q_heads_, q_len_, mask->shape.back()}, mask->shape);
    return Status::Ok();
  }

  // Element (b, h, s, d) of Q/K/V/Y in their 3-D ([b, s, h*dim]) or 4-D ([b, h, s, dim]) layout.
  int64_t index(int64_t b, int64_t h, int64_t s, int64_t d, int64_t heads, int64_t len, int64_t dim) const {
    return three_d_ ? ((b * len + s) * heads + h) * dim + d : ((b * heads + h) * len + s) * dim + d;
  }

  template <typename T>
  void compute(KernelContext& ctx) const {
    using C = compute_t<T>;
    const T* q = ctx.input(0)->data_as<T>();
    const T* k = ctx.input(1)->data_as<T>();
    const T* v = ctx.input(2)->data_as<T>();
    const Tensor* mask = ctx.input(3);
    const Tensor* nonpad = ctx.input(6);
    const double kNegInf = -std::numeric_limits<double>::infinity();

    // Keys and values with the cache prepended: [batch, kv_heads, total, dim].
    std::vector<T> keys(static_cast<size_t>(batch_ * kv_heads_ * total_ * head_));
    std::vector<T> values(static_cast<size_t>(batch_ * kv_heads_ * total_ * v_head_));
    const T* past_k = ctx.input(4) ? ctx.input(4)->data_as<T>() : nullptr;
    const T* past_v = ctx.input(5) ? ctx.input(5)->data_as<T>() : nullptr;
    for (int64_t b = 0; b < batch_; ++b) {
      for (int64_t h = 0; h < kv_heads_; ++h) {
        for (int64_t t = 0; t < total_; ++t) {
          const int64_t base = (b * kv_heads_ + h) * total_ + t;
          const bool cached = t < past_len_;
          const int64_t pt = (b * kv_heads_ + h) * past_len_ + t;
          for (int64_t d = 0; d < head_; ++d) {
            keys[base * head_ + d] =
                cached ? past_k[pt * head_ + d] : k[index(b, h, t - past_len_, d, kv_heads_, kv_len_, head_)];
          }
          for (int64_t d = 0; d < v_head_; ++d) {
            values[base * v_head_ + d] =
                cached ? past_v[pt * v_head_ + d] : v[index(b, h, t - past_len_, d, kv_heads_, kv_len_, v_head_)];
          }
        }
      }
    }
    if (ctx.num_outputs() > 1) std::copy(keys.begin(), keys.end(), ctx.output(1)->data_as<T>());
    if (ctx.num_outputs() > 2) std::copy(values.begin(), values.end(), ctx.output(2)->data_as<T>());

    T* y = ctx.output(0)->data_as<T>();
    T* qk_out = ctx.num_outputs() > 3 ? ctx.output(3)->data_as<T>() : nullptr;
    const int64_t group = q_heads_ / kv_heads_;
    std::vector<double> raw(static_cast<size_t>(total_)), biased(static_cast<size_t>(total_));
    for (int64_t b = 0; b < batch_; ++b) {
      // Causal masking is aligned to the end of the keys: query i sees keys j <= i + offset.
      const int64_t valid = nonpad ? nonpad->data_as<int64_t>()[b] : total_;
      const int64_t offset = past_len_ > 0 || nonpad == nullptr ? past_len_ : valid - q_len_;
      for (int64_t h = 0; h < q_heads_; ++h) {
        const int64_t kh = h / group;
        for (int64_t i = 0; i < q_len_; ++i) {
          for (int64_t j = 0; j < total_; ++j) {
            double dot = 0;
            for (int64_t d = 0; d < head_; ++d) {
              dot += static_cast<double>(static_cast<C>(q[index(b, h, i, d, q_heads_, q_len_, head_)])) *
                     static_cast<double>(static_cast<C>(keys[((b * kv_heads_ + kh) * total_ + j) * head_ + d]));
            }
            raw[j] = dot * scale_;
            // Softcap comes before the bias so that masked (-inf) scores stay -inf.
            if (softcap_ > 0) raw[j] = softcap_ * std::tanh(raw[j] / softcap_);
            double bias = 0;
            if (mask) bias = mask_value<T>(*mask, b, h, i, j);
            if (causal_ && j > i + offset) bias = kNegInf;
            if (j >= valid) bias = kNegInf;
            biased[j] = raw[j] + bias;
          }
          double mx = kNegInf;
          for (double s : biased) mx = std::max(mx, s);
          double sum = 0;
          std::vector<double> prob(biased.size());
          for (size_t j = 0; j < prob.size(); ++j) sum += prob[j] = std::exp(biased[j] - mx);
          for (double& p : prob) p /= sum;
          if (qk_out) {
            const std::vector<double>& src = mode_ == 3 ? prob : mode_ == 2 ? biased : raw;
            for (int64_t j = 0; j < total_; ++j) {
              qk_out[((b * q_heads_ + h) * q_len_ + i) * total_ + j] = to_storage<T>(static_cast<C>(src[j]));
            }
          }
          for (int64_t d = 0; d < v_head_; ++d) {
            double acc = 0;
            for (int64_t j = 0; j < total_; ++j) {
              acc += prob[j] *
                     static_cast<double>(static_cast<C>(values[((b * kv_heads_ + kh) * total_ + j) * v_head_ + d]));
            }
            y[index(b, h, i, d, q_heads_, q_len_, v_head_)] = to_storage<T>(static_cast<C>(acc));
          }
        }
      }
    }
  }

  // Additive bias from the mask at (b, h, i, j): bool true means attend; keys past the mask are masked.
  template <typename T>
  double mask_value(const Tensor& mask, int64_t b, int64_t h, int64_t i, int64_t j) const {
    const double kNegInf = -std::numeric_limits<double>::infinity();
    if (j >= mask.shape.back()) return kNegInf;
    const int64_t off = b * mask_strides_[0] + h * mask_strides_[1] + i * mask_strides_[2] + j * mask_strides_[3];
    if (mask.dtype == DType::kBool) return mask.data_as<bool>()[off] ? 0.0 : kNegInf;
    return static_cast<double>(static_cast<compute_t<T>>(mask.data_as<T>()[off]));
  }

  bool three_d_ = false, causal_ = false;
  int64_t batch_ = 0, q_heads_ = 0, kv_heads_ = 0, q_len_ = 0, kv_len_ = 0, past_len_ = 0, total_ = 0;
  int64_t head_ = 0, v_head_ = 0, mode_ = 0;
  double scale_ = 1.0, softcap_ = 0.0;
  std::vector<int64_t> mask_strides_;
};

}  // namespace

void register_attention(KernelRegistry& r) {
  r.add("", "Attention", [] { return std::make_unique<AttentionKernel>(); });
}

}  // namespace qedge::ref
