#include <cmath>

#include "common/nn_norm.h"

namespace qedge::ref {
namespace {

// Y = (X - mean[c]) / sqrt(var[c] + epsilon) * scale[c] + B[c] over x [N, C, ...].
// With training_mode (opset 14+) mean and var are the batch statistics (population variance) and
// the optional outputs are the updated running statistics, input * momentum + batch * (1 - momentum).
// Older opsets are computed in inference mode; their optional outputs get the input statistics.
class BatchNormKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 5));
    const Tensor& x = *ctx.input(0);
    QEDGE_RETURN_IF_ERROR(visit_dtype<kFloatTypes>(x.dtype, "BatchNormalization", [](auto) { return Status::Ok(); }));
    if (x.rank() < 2) {
      return InvalidArgument("BatchNormalization input must be [N, C, ...], got " + dims_to_string(x.shape));
    }
    const Dims param{x.shape[1]};
    for (int i = 1; i < 5; ++i) {
      const Tensor& p = *ctx.input(i);
      if (!dtype_is_float(p.dtype) || p.shape != param) {
        return ShapeMismatch("BatchNormalization input " + std::to_string(i) + " must be a float vector of shape " +
                             dims_to_string(param) + ", got " + dtype_name(p.dtype) + " " + dims_to_string(p.shape));
      }
      QEDGE_RETURN_IF_ERROR(visit_dtype<kFloatTypes>(p.dtype, "BatchNormalization", [](auto) { return Status::Ok(); }));
    }
    training_ = ctx.opset >= 14 && ctx.attr().get_int("training_mode", 0) != 0;
    epsilon_ = ctx.attr().get_float("epsilon", 1e-5f);
    momentum_ = ctx.attr().get_float("momentum", 0.9f);
    set_output(ctx, 0, x.dtype, x.shape);
    for (int i = 1; i < ctx.num_outputs(); ++i) set_output(ctx, i, ctx.input(3)->dtype, param);
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    const int64_t n = x.shape[0], c = x.shape[1];
    const int64_t spatial = n * c > 0 ? x.numel() / (n * c) : 0;
    std::vector<double> scale, bias, mean, var;
    read(*ctx.input(1), &scale);
    read(*ctx.input(2), &bias);
    read(*ctx.input(3), &mean);
    read(*ctx.input(4), &var);
    std::vector<double> use_mean = mean, use_var = var;
    return visit_dtype<kFloatTypes>(x.dtype, "BatchNormalization", [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* in = x.data_as<T>();
      if (training_) {
        for (int64_t ch = 0; ch < c; ++ch) {
          double sum = 0, sq = 0;
          for (int64_t b = 0; b < n; ++b) {
            for (int64_t s = 0; s < spatial; ++s) sum += nn_load(in, (b * c + ch) * spatial + s);
          }
          const double count = static_cast<double>(n * spatial);
          use_mean[ch] = count > 0 ? sum / count : 0.0;
          for (int64_t b = 0; b < n; ++b) {
            for (int64_t s = 0; s < spatial; ++s) {
              const double d = nn_load(in, (b * c + ch) * spatial + s) - use_mean[ch];
              sq += d * d;
            }
          }
          use_var[ch] = count > 0 ? sq / count : 0.0;
        }
      }
      T* out = ctx.output(0)->template data_as<T>();
      for (int64_t b = 0; b < n; ++b) {
        for (int64_t ch = 0; ch < c; ++ch) {
          const double k = scale[ch] / std::sqrt(use_var[ch] + epsilon_);
          const int64_t base = (b * c + ch) * spatial;
          for (int64_t s = 0; s < spatial; ++s) {
            out[base + s] = to_storage<T>((nn_load(in, base + s) - use_mean[ch]) * k + bias[ch]);
          }
        }
      }
      for (int i = 1; i < ctx.num_outputs(); ++i) {
        const std::vector<double>& stat = i % 2 == 1 ? mean : var;
        const std::vector<double>& batch = i % 2 == 1 ? use_mean : use_var;
        write(ctx.output(i), stat, batch);
      }
      return Status::Ok();
    });
  }

 private:
  static void read(const Tensor& t, std::vector<double>* v) {
    v->resize(static_cast<size_t>(t.numel()));
    for (int64_t i = 0, i_end = t.numel(); i < i_end; ++i) (*v)[i] = read_as_double(t.dtype, t.data, i);
  }

  // Running statistic: input * momentum + batch * (1 - momentum) (the input itself in inference).
  void write(Tensor* t, const std::vector<double>& input, const std::vector<double>& batch) const {
    (void)visit_dtype<kFloatTypes>(t->dtype, "BatchNormalization", [&](auto tag) {
      using T = typename decltype(tag)::type;
      for (size_t i = 0; i < input.size(); ++i) {
        const double v = training_ ? input[i] * momentum_ + batch[i] * (1.0 - momentum_) : input[i];
        t->data_as<T>()[i] = to_storage<T>(v);
      }
      return Status::Ok();
    });
  }

  bool training_ = false;
  float epsilon_ = 1e-5f;
  float momentum_ = 0.9f;
};

}  // namespace

void register_batch_normalization(KernelRegistry& r) {
  r.add("", "BatchNormalization", [] { return std::make_unique<BatchNormKernel>(); });
}

}  // namespace qedge::ref
