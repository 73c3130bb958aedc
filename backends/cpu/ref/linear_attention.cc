// LinearAttention (opset 27): a recurrent key-value state S [batch, kv_heads, d_k, d_v] updated per
// token by one of four rules and read by the queries:
//   gated:  S *= exp(decay_t)                           (gated, gated_delta)
//   delta:  v_t = beta_t * (v_t - S^T (erase_t * k_t))  (delta, gated_delta)
//   write:  S += k_t v_t^T;  read: o_t = scale * q_t^T S  (query heads share their KV head's state)
// Inputs are 3-D [batch, time, heads * dim]; decay is per head or per key dim, beta per head or shared.
#include <cmath>
#include <string>
#include <vector>

#include "common/dispatch.h"
#include "common/kernel_util.h"

namespace qedge::ref {
namespace {

class LinearAttentionKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 3));
    const Tensor& q = *ctx.input(0);
    const Tensor& k = *ctx.input(1);
    const Tensor& v = *ctx.input(2);
    QEDGE_RETURN_IF_ERROR(visit_dtype<kFloatTypes>(q.dtype, "LinearAttention", [](auto) { return Status::Ok(); }));
    const std::string rule = ctx.attr().get_string("update_rule", "gated_delta");
    if (rule != "linear" && rule != "gated" && rule != "delta" && rule != "gated_delta") {
      return InvalidModel("LinearAttention update_rule must be linear, gated, delta or gated_delta, got '" + rule +
                          "'");
    }
    gated_ = rule == "gated" || rule == "gated_delta";
    delta_ = rule == "delta" || rule == "gated_delta";
    q_heads_ = ctx.attr().get_int("q_num_heads", 0);
    kv_heads_ = ctx.attr().get_int("kv_num_heads", 0);
    if (q_heads_ <= 0 || kv_heads_ <= 0 || q_heads_ % kv_heads_ != 0) {
      return InvalidModel("LinearAttention q_num_heads (" + std::to_string(q_heads_) +
                          ") must be a positive multiple of kv_num_heads (" + std::to_string(kv_heads_) + ")");
    }
    if (q.rank() != 3 || k.rank() != 3 || v.rank() != 3 || k.dtype != q.dtype || v.dtype != q.dtype ||
        q.shape[2] % q_heads_ != 0 || v.shape[2] % kv_heads_ != 0) {
      return ShapeMismatch("LinearAttention query/key/value must be 3-D [batch, time, heads * dim] of one type, got " +
                           dims_to_string(q.shape) + ", " + dims_to_string(k.shape) + ", " + dims_to_string(v.shape));
    }
    batch_ = q.shape[0], time_ = q.shape[1];
    dk_ = q.shape[2] / q_heads_;
    dv_ = v.shape[2] / kv_heads_;
    if (k.shape != Dims{batch_, time_, kv_heads_ * dk_} || v.shape[0] != batch_ || v.shape[1] != time_) {
      return ShapeMismatch("LinearAttention key " + dims_to_string(k.shape) + " / value " + dims_to_string(v.shape) +
                           " do not match query " + dims_to_string(q.shape));
    }
    const Dims state{batch_, kv_heads_, dk_, dv_};
    const Tensor* past = ctx.input(3);
    if (past && (past->shape != state || !dtype_is_float(past->dtype))) {
      return ShapeMismatch("LinearAttention past_state must be " + dims_to_string(state) + ", got " +
                           dims_to_string(past->shape));
    }
    const Tensor* decay = ctx.input(4);
    const Tensor* beta = ctx.input(5);
    const Tensor* erase = ctx.input(6);
    if (gated_ != (decay != nullptr) || delta_ != (beta != nullptr) || (erase && !delta_)) {
      return InvalidModel("LinearAttention update_rule '" + rule + "' " + (gated_ ? "requires" : "forbids") +
                          " decay and " + (delta_ ? "requires" : "forbids") + " beta (erase_gate only with delta)");
    }
    if (decay && !side_input_ok(*decay, {kv_heads_, kv_heads_ * dk_}, q.dtype)) {
      return ShapeMismatch("LinearAttention decay must be [batch, time, kv_num_heads or kv_num_heads * d_k], got " +
                           dims_to_string(decay->shape));
    }
    if (beta && !side_input_ok(*beta, {kv_heads_, 1}, q.dtype)) {
      return ShapeMismatch("LinearAttention beta must be [batch, time, kv_num_heads or 1], got " +
                           dims_to_string(beta->shape));
    }
    if (erase && !side_input_ok(*erase, {kv_heads_ * dk_, kv_heads_ * dk_}, q.dtype)) {
      return ShapeMismatch("LinearAttention erase_gate must be [batch, time, kv_num_heads * d_k], got " +
                           dims_to_string(erase->shape));
    }
    const float scale = ctx.attr().get_float("scale", 0.0f);
    scale_ = scale == 0.0f ? 1.0 / std::sqrt(static_cast<double>(dk_)) : scale;
    set_output(ctx, 0, q.dtype, {batch_, time_, q_heads_ * dv_});
    // present_state keeps past_state's type (it may be wider than the activations).
    if (ctx.num_outputs() > 1) set_output(ctx, 1, past ? past->dtype : q.dtype, state);
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    std::vector<double> state(static_cast<size_t>(batch_ * kv_heads_ * dk_ * dv_), 0.0);
    if (const Tensor* past = ctx.input(3)) state = to_double(*past);
    const std::vector<double> q = to_double(*ctx.input(0)), k = to_double(*ctx.input(1)), v = to_double(*ctx.input(2));
    const std::vector<double> decay = ctx.input(4) ? to_double(*ctx.input(4)) : std::vector<double>();
    const std::vector<double> beta = ctx.input(5) ? to_double(*ctx.input(5)) : std::vector<double>();
    const std::vector<double> erase = ctx.input(6) ? to_double(*ctx.input(6)) : std::vector<double>();
    const int64_t decay_w = ctx.input(4) ? ctx.input(4)->shape[2] : 0;
    const int64_t beta_w = ctx.input(5) ? ctx.input(5)->shape[2] : 0;
    const int64_t group = q_heads_ / kv_heads_;
    std::vector<double> out(static_cast<size_t>(batch_ * time_ * q_heads_ * dv_), 0.0);
    std::vector<double> vt(static_cast<size_t>(dv_));
    for (int64_t b = 0; b < batch_; ++b) {
      for (int64_t t = 0; t < time_; ++t) {
        const int64_t token = b * time_ + t;
        for (int64_t h = 0; h < kv_heads_; ++h) {
          double* s = state.data() + (b * kv_heads_ + h) * dk_ * dv_;
          const double* kt = k.data() + (token * kv_heads_ + h) * dk_;
          if (gated_) {
            for (int64_t d = 0; d < dk_; ++d) {
              const double g = decay[token * decay_w + (decay_w == kv_heads_ ? h : h * dk_ + d)];
              for (int64_t m = 0; m < dv_; ++m) s[d * dv_ + m] *= std::exp(g);
            }
          }
          for (int64_t m = 0; m < dv_; ++m) vt[m] = v[(token * kv_heads_ + h) * dv_ + m];
          if (delta_) {
            const double bt = beta[token * beta_w + (beta_w == 1 ? 0 : h)];
            for (int64_t m = 0; m < dv_; ++m) {
              double retrieved = 0;
              for (int64_t d = 0; d < dk_; ++d) {
                const double ke = erase.empty() ? kt[d] : erase[(token * kv_heads_ + h) * dk_ + d] * kt[d];
                retrieved += s[d * dv_ + m] * ke;
              }
              vt[m] = bt * (vt[m] - retrieved);
            }
          }
          for (int64_t d = 0; d < dk_; ++d) {
            for (int64_t m = 0; m < dv_; ++m) s[d * dv_ + m] += kt[d] * vt[m];
          }
          for (int64_t qh = h * group; qh < (h + 1) * group; ++qh) {
            const double* qt = q.data() + (token * q_heads_ + qh) * dk_;
            for (int64_t m = 0; m < dv_; ++m) {
              double acc = 0;
              for (int64_t d = 0; d < dk_; ++d) acc += qt[d] * s[d * dv_ + m];
              out[(token * q_heads_ + qh) * dv_ + m] = scale_ * acc;
            }
          }
        }
      }
    }
    QEDGE_RETURN_IF_ERROR(store(out, ctx.output(0)));
    if (ctx.num_outputs() > 1) QEDGE_RETURN_IF_ERROR(store(state, ctx.output(1)));
    return Status::Ok();
  }

 private:
  // A [batch, time, width] side input whose width is one of two accepted values.
  bool side_input_ok(const Tensor& t, std::pair<int64_t, int64_t> widths, DType dtype) const {
    return t.dtype == dtype && t.rank() == 3 && t.shape[0] == batch_ && t.shape[1] == time_ &&
           (t.shape[2] == widths.first || t.shape[2] == widths.second);
  }

  static std::vector<double> to_double(const Tensor& t) {
    std::vector<double> v(static_cast<size_t>(t.numel()));
    for (int64_t i = 0, i_end = t.numel(); i < i_end; ++i) v[i] = read_as_double(t.dtype, t.data, i);
    return v;
  }

  static Status store(const std::vector<double>& v, Tensor* out) {
    return visit_dtype<kFloatTypes>(out->dtype, "LinearAttention", [&](auto tag) {
      using T = typename decltype(tag)::type;
      T* p = out->data_as<T>();
      for (size_t i = 0; i < v.size(); ++i) p[i] = to_storage<T>(static_cast<compute_t<T>>(v[i]));
      return Status::Ok();
    });
  }

  bool gated_ = false, delta_ = false;
  int64_t q_heads_ = 0, kv_heads_ = 0, batch_ = 0, time_ = 0, dk_ = 0, dv_ = 0;
  double scale_ = 1.0;
};

}  // namespace

void register_linear_attention(KernelRegistry& r) {
  r.add("", "LinearAttention", [] { return std::make_unique<LinearAttentionKernel>(); });
}

}  // namespace qedge::ref
