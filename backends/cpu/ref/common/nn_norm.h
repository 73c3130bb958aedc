// Normalizations over contiguous rows: LayerNormalization and RMSNormalization (rows are the dims
// from `axis` on), GroupNormalization and InstanceNormalization (rows are a group of channels of one
// batch item). Statistics accumulate in double whatever the element type.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "broadcast.h"
#include "dispatch.h"
#include "kernel_util.h"
#include "qedge/kernel_api/op_kernel.h"

namespace qedge::ref {

template <typename T>
double nn_load(const T* p, int64_t i) {
  return static_cast<double>(static_cast<compute_t<T>>(p[i]));
}

// Mean and population variance of x[0, len), or mean 0 and the mean square when `rms`.
template <typename T>
void nn_row_stats(const T* x, int64_t len, bool rms, double* mean, double* var) {
  double sum = 0;
  if (!rms) {
    for (int64_t i = 0; i < len; ++i) sum += nn_load(x, i);
  }
  *mean = len > 0 ? sum / static_cast<double>(len) : 0.0;
  double sq = 0;
  for (int64_t i = 0; i < len; ++i) {
    const double d = nn_load(x, i) - *mean;
    sq += d * d;
  }
  *var = len > 0 ? sq / static_cast<double>(len) : 0.0;
}

// Requires input i (when present) to have x's type and a shape that broadcasts to `target`.
inline Status nn_check_broadcast_param(const KernelContext& ctx, int i, const Tensor& x, const Dims& target) {
  const Tensor* p = ctx.input(i);
  if (p == nullptr) return Status::Ok();
  Result<Dims> b = broadcast_shapes(p->shape, target);
  if (p->dtype != x.dtype || !b.ok() || b.value() != target) {
    return ShapeMismatch(std::string(ctx.op_type) + " input " + std::to_string(i) + " (" + dtype_name(p->dtype) + " " +
                         dims_to_string(p->shape) + ") must be " + dtype_name(x.dtype) + " broadcastable to " +
                         dims_to_string(target));
  }
  return Status::Ok();
}

// Y = (X - mean) * inv_std * scale + bias over rows made of the dims from `axis` on; scale and bias
// broadcast to those dims. LayerNormalization also has optional Mean and InvStdDev outputs of shape
// X.shape[:axis] + [1, ...]; RMSNormalization (Rms) skips the mean and has no bias.
template <bool Rms>
class NnLayerNormKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 2));
    const Tensor& x = *ctx.input(0);
    const std::string op(ctx.op_type);
    QEDGE_RETURN_IF_ERROR(visit_dtype<kFloatTypes>(x.dtype, op.c_str(), [](auto) { return Status::Ok(); }));
    QEDGE_ASSIGN_OR_RETURN(const int axis, normalize_axis(ctx.attr().get_int("axis", -1), x.rank(),
                                                          (op + " axis").c_str()));
    epsilon_ = ctx.attr().get_float("epsilon", 1e-5f);
    row_shape_.assign(x.shape.begin() + axis, x.shape.end());
    QEDGE_RETURN_IF_ERROR(nn_check_broadcast_param(ctx, 1, x, row_shape_));
    QEDGE_RETURN_IF_ERROR(nn_check_broadcast_param(ctx, 2, x, row_shape_));
    set_output(ctx, 0, x.dtype, x.shape);
    Dims stat_shape(x.shape.begin(), x.shape.begin() + axis);
    stat_shape.resize(x.shape.size(), 1);
    // Mean and InvStdDev use the stash type (float unless stash_type says double).
    const DType stash = ctx.attr().get_int("stash_type", 1) == 11 ? DType::kFloat64 : DType::kFloat32;
    for (int i = 1; i < ctx.num_outputs(); ++i) set_output(ctx, i, stash, stat_shape);
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    const Tensor& scale = *ctx.input(1);
    const Tensor* bias = Rms ? nullptr : ctx.input(2);
    return visit_dtype<kFloatTypes>(x.dtype, "normalization", [&](auto tag) {
      using T = typename decltype(tag)::type;
      const int64_t len = num_elements(row_shape_);
      const int64_t rows = len > 0 ? x.numel() / len : 0;
      const T* in = x.data_as<T>();
      T* out = ctx.output(0)->template data_as<T>();
      // Offsets of scale and bias for each position in a row.
      std::vector<int64_t> s_off(len), b_off(len, 0);
      for_each_broadcast<2>(row_shape_, {&scale.shape, bias ? &bias->shape : &scale.shape},
                            [&](int64_t j, const std::array<int64_t, 2>& off) {
                              s_off[j] = off[0];
                              b_off[j] = off[1];
                            });
      for (int64_t r = 0; r < rows; ++r) {
        double mean, var;
        nn_row_stats(in + r * len, len, Rms, &mean, &var);
        const double inv_std = 1.0 / std::sqrt(var + epsilon_);
        for (int64_t j = 0; j < len; ++j) {
          double v = (nn_load(in, r * len + j) - mean) * inv_std * nn_load(scale.data_as<T>(), s_off[j]);
          if (bias) v += nn_load(bias->data_as<T>(), b_off[j]);
          out[r * len + j] = to_storage<T>(v);
        }
        write_stat(ctx, 1, r, mean);
        write_stat(ctx, 2, r, inv_std);
      }
      return Status::Ok();
    });
  }

 private:
  static void write_stat(const KernelContext& ctx, int i, int64_t r, double v) {
    if (Rms || i >= ctx.num_outputs()) return;
    Tensor& t = *ctx.output(i);
    if (t.dtype == DType::kFloat64) {
      t.data_as<double>()[r] = v;
    } else {
      t.data_as<float>()[r] = static_cast<float>(v);
    }
  }

  Dims row_shape_;
  float epsilon_ = 1e-5f;
};

// x [N, C, ...] normalized per (n, group) over the group's channels and spatial dims, then
// y = norm * scale[c] + bias[c]. InstanceNormalization is the case of one channel per group;
// GroupNormalization before opset 21 takes scale and bias per group instead of per channel.
template <bool Instance>
class NnChannelNormKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 3));
    const Tensor& x = *ctx.input(0);
    const std::string op(ctx.op_type);
    QEDGE_RETURN_IF_ERROR(visit_dtype<kFloatTypes>(x.dtype, op.c_str(), [](auto) { return Status::Ok(); }));
    if (x.rank() < 2) return InvalidArgument(op + " input must be [N, C, ...], got " + dims_to_string(x.shape));
    const int64_t c = x.shape[1];
    groups_ = Instance ? c : ctx.attr().get_int("num_groups", 0);
    if (groups_ < 1 || c % groups_ != 0) {
      return InvalidModel(op + " num_groups " + std::to_string(groups_) + " does not divide the " + std::to_string(c) +
                          " channels");
    }
    param_per_group_ = !Instance && ctx.opset < 21;
    const Dims param{param_per_group_ ? groups_ : c};
    for (int i = 1; i <= 2; ++i) {
      const Tensor& p = *ctx.input(i);
      if (p.dtype != x.dtype || p.shape != param) {
        return ShapeMismatch(op + " input " + std::to_string(i) + " must be " + dtype_name(x.dtype) + " " +
                             dims_to_string(param) + ", got " + dtype_name(p.dtype) + " " + dims_to_string(p.shape));
      }
    }
    epsilon_ = ctx.attr().get_float("epsilon", 1e-5f);
    set_output(ctx, 0, x.dtype, x.shape);
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    return visit_dtype<kFloatTypes>(x.dtype, "normalization", [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* in = x.data_as<T>();
      const T* scale = ctx.input(1)->template data_as<T>();
      const T* bias = ctx.input(2)->template data_as<T>();
      T* out = ctx.output(0)->template data_as<T>();
      const int64_t c = x.shape[1];
      const int64_t spatial = c > 0 && x.shape[0] > 0 ? x.numel() / (x.shape[0] * c) : 0;
      const int64_t cpg = c / groups_, len = cpg * spatial;
      const int64_t rows = x.shape[0] * groups_;
      ctx.parallel_for(rows, [&](int64_t begin, int64_t end) {
        for (int64_t r = begin; r < end; ++r) {
          double mean, var;
          nn_row_stats(in + r * len, len, false, &mean, &var);
          const double inv_std = 1.0 / std::sqrt(var + epsilon_);
          for (int64_t j = 0; j < len; ++j) {
            const int64_t ch = (r % groups_) * cpg + j / spatial;
            const int64_t p = param_per_group_ ? r % groups_ : ch;
            out[r * len + j] =
                to_storage<T>((nn_load(in, r * len + j) - mean) * inv_std * nn_load(scale, p) + nn_load(bias, p));
          }
        }
      });
      return Status::Ok();
    });
  }

 private:
  int64_t groups_ = 1;
  bool param_per_group_ = false;
  float epsilon_ = 1e-5f;
};

}  // namespace qedge::ref
