// NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss share everything but the log-softmax that
// SoftmaxCrossEntropyLoss applies to its scores first; both are this one kernel.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "dispatch.h"
#include "kernel_util.h"
#include "qedge/kernel_api/op_kernel.h"

namespace qedge::ref {

class SeqLossKernel : public OpKernel {
 public:
  explicit SeqLossKernel(bool softmax_first) : softmax_first_(softmax_first) {}

  Status prepare(KernelContext& ctx) override {
    const std::string op(ctx.op_type);
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 2));
    const Tensor& x = *ctx.input(0);
    const Tensor& target = *ctx.input(1);
    QEDGE_RETURN_IF_ERROR(visit_dtype<kFloatTypes>(x.dtype, op.c_str(), [](auto) { return Status::Ok(); }));
    if (target.dtype != DType::kInt32 && target.dtype != DType::kInt64) {
      return InvalidModel(op + " target must be int32 or int64, got " + dtype_name(target.dtype));
    }
    if (x.rank() < 2)
      return ShapeMismatch(op + " input must have rank >= 2 (N, C, ...), got " + dims_to_string(x.shape));
    Dims expect = x.shape;
    expect.erase(expect.begin() + 1);
    if (target.shape != expect) {
      return ShapeMismatch(op + " target shape " + dims_to_string(target.shape) + " does not match input shape " +
                           dims_to_string(x.shape) + " without its class axis");
    }
    const Tensor* w = ctx.input(2);
    if (w != nullptr && (w->dtype != x.dtype || w->shape != Dims{x.shape[1]})) {
      return ShapeMismatch(op + " weight must be a " + dtype_name(x.dtype) + " vector of " +
                           std::to_string(x.shape[1]) + " classes, got " + dtype_name(w->dtype) + " " +
                           dims_to_string(w->shape));
    }
    reduction_ = ctx.attr().get_string("reduction", "mean");
    if (reduction_ != "none" && reduction_ != "sum" && reduction_ != "mean") {
      return InvalidModel(op + " reduction must be none, sum or mean, got '" + reduction_ + "'");
    }
    has_ignore_ = ctx.attr().has("ignore_index");
    ignore_index_ = ctx.attr().get_int("ignore_index", 0);
    set_output(ctx, 0, x.dtype, reduction_ == "none" ? expect : Dims{});
    // SoftmaxCrossEntropyLoss's optional second output is the log-probabilities.
    if (softmax_first_ && ctx.num_outputs() > 1) set_output(ctx, 1, x.dtype, x.shape);
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    const Tensor& target = *ctx.input(1);
    const Tensor* w = ctx.input(2);
    const int64_t n = x.shape[0];
    const int64_t c = x.shape[1];
    int64_t d = 1;  // the spatial dims d1..dk flattened
    for (int i = 2; i < x.rank(); ++i) d *= x.shape[i];
    std::vector<int64_t> labels;
    QEDGE_RETURN_IF_ERROR(read_int_values(target.dtype, target.data, target.numel(), "loss target", &labels));
    return visit_dtype<kFloatTypes>(x.dtype, "loss", [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* in = x.data_as<T>();
      std::vector<double> logp(static_cast<size_t>(x.numel()));
      for (int64_t i = 0, i_end = x.numel(); i < i_end; ++i) logp[i] = static_cast<double>(static_cast<compute_t<T>>(in[i]));
      if (softmax_first_) log_softmax_axis1(&logp, n, c, d);
      if (softmax_first_ && ctx.num_outputs() > 1) {
        T* lp = ctx.output(1)->data_as<T>();
        for (int64_t i = 0, i_end = x.numel(); i < i_end; ++i) lp[i] = to_storage<T>(static_cast<compute_t<T>>(logp[i]));
      }
      const T* weight = w ? w->data_as<T>() : nullptr;
      T* out = ctx.output(0)->data_as<T>();
      double total = 0, weight_sum = 0;
      for (int64_t b = 0; b < n; ++b) {
        for (int64_t k = 0; k < d; ++k) {
          const int64_t idx = b * d + k;
          const int64_t label = labels[idx];
          double loss = 0, wt = 0;
          if (!(has_ignore_ && label == ignore_index_)) {
            if (label < 0 || label >= c) {
              return InvalidArgument(std::string(ctx.op_type) + " target value " + std::to_string(label) +
                                     " is outside [0, " + std::to_string(c) + ")");
            }
            wt = weight ? static_cast<double>(static_cast<compute_t<T>>(weight[label])) : 1.0;
            loss = -logp[(b * c + label) * d + k] * wt;
          }
          if (reduction_ == "none") out[idx] = to_storage<T>(static_cast<compute_t<T>>(loss));
          total += loss;
          weight_sum += wt;
        }
      }
      if (reduction_ == "sum") out[0] = to_storage<T>(static_cast<compute_t<T>>(total));
      // Mean divides by the total weight of the non-ignored targets (0/0 gives NaN, as in ONNX).
      if (reduction_ == "mean") out[0] = to_storage<T>(static_cast<compute_t<T>>(total / weight_sum));
      return Status::Ok();
    });
  }

 private:
  // In-place log-softmax over the class axis of an [n, c, d] array.
  static void log_softmax_axis1(std::vector<double>* v, int64_t n, int64_t c, int64_t d) {
    for (int64_t b = 0; b < n; ++b) {
      for (int64_t k = 0; k < d; ++k) {
        double* base = v->data() + b * c * d + k;
        double mx = -INFINITY;
        for (int64_t j = 0; j < c; ++j) mx = std::max(mx, base[j * d]);
        double sum = 0;
        for (int64_t j = 0; j < c; ++j) sum += std::exp(base[j * d] - mx);
        const double lse = mx + std::log(sum);
        for (int64_t j = 0; j < c; ++j) base[j * d] -= lse;
      }
    }
  }

  bool softmax_first_;
  std::string reduction_;
  bool has_ignore_ = false;
  int64_t ignore_index_ = 0;
};

}  // namespace qedge::ref
