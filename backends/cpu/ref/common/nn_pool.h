// Pooling kernels: windowed (MaxPool, AveragePool, LpPool) and global (GlobalMaxPool,
// GlobalAveragePool, GlobalLpPool), one template each, parameterized by the reduction.
#pragma once

#include <cmath>
#include <string>

#include "dispatch.h"
#include "nn_geometry.h"

namespace qedge::ref {

enum class NnPool { kMax, kAverage, kLp };

// Lp pools read p as an int (float in LpPool-1).
inline double nn_pool_p(const AttrMap& a) {
  const Attr* p = a.find("p");
  if (p == nullptr) return 2.0;
  return p->kind == AttrKind::kFloat ? static_cast<double>(p->f) : static_cast<double>(p->i);
}

// Reads p into *p; for the Lp pools it must be positive.
inline Status nn_read_pool_p(const KernelContext& ctx, NnPool kind, double* p) {
  *p = nn_pool_p(ctx.attr());
  if (kind == NnPool::kLp && !(*p > 0)) return InvalidModel(nn_op(ctx) + " attribute p must be positive");
  return Status::Ok();
}

// Element types each pool accepts: MaxPool also takes int8/uint8.
inline Status nn_pool_check_type(const KernelContext& ctx, NnPool kind, DType t) {
  const bool ok = dtype_is_float(t) || (kind == NnPool::kMax && (t == DType::kInt8 || t == DType::kUint8));
  return ok ? visit_dtype<kFloatTypes | kIntTypes>(t, nn_op(ctx).c_str(), [](auto) { return Status::Ok(); })
            : unsupported_type(nn_op(ctx).c_str(), t);
}

// Checks pool input 0 ([N, C, spatial...] of a type `kind` accepts) and returns its spatial dims.
inline Status nn_pool_input(const KernelContext& ctx, NnPool kind, Dims* in_spatial) {
  QEDGE_RETURN_IF_ERROR(nn_spatial_input(ctx, 0, in_spatial));
  return nn_pool_check_type(ctx, kind, ctx.input(0)->dtype);
}

// Folds the values of one window: max, sum (divided by the count at the end) or sum of |v|^p
// (then the p-th root). A is float, or double for double tensors.
template <NnPool Kind, typename A>
class NnPoolReducer {
 public:
  explicit NnPoolReducer(double p) : p_(p) {}

  // Adds v; true when v became the maximum (where MaxPool's Indices point).
  bool add(A v) {
    if constexpr (Kind == NnPool::kMax) {
      if (count_++ > 0 && !(v > acc_)) return false;
      acc_ = v;
      return true;
    } else {
      ++count_;
      acc_ += Kind == NnPool::kAverage ? v : static_cast<A>(std::pow(std::fabs(v), p_));
      return false;
    }
  }

  int64_t count() const { return count_; }

  // The pooled value; `divisor` is the element count an average divides by. An empty max window
  // gives 0: -inf would not convert to the integer types MaxPool accepts.
  A result(int64_t divisor) const {
    if constexpr (Kind == NnPool::kMax) {
      return count_ > 0 ? acc_ : A(0);
    } else if constexpr (Kind == NnPool::kAverage) {
      return divisor > 0 ? acc_ / static_cast<A>(divisor) : A(0);
    } else {
      return static_cast<A>(std::pow(acc_, 1.0 / p_));
    }
  }

 private:
  double p_;
  A acc_ = A(0);
  int64_t count_ = 0;
};

template <NnPool Kind>
class NnPoolKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    Dims in_spatial;
    QEDGE_RETURN_IF_ERROR(nn_pool_input(ctx, Kind, &in_spatial));
    const Tensor& x = *ctx.input(0);
    if (!ctx.attr().has("kernel_shape")) return InvalidModel(nn_op(ctx) + " requires attribute kernel_shape");
    QEDGE_RETURN_IF_ERROR(nn_window_attrs(ctx, in_spatial, ctx.attr().get_ints("kernel_shape"), &g_));
    QEDGE_RETURN_IF_ERROR(nn_forward_output(ctx, ctx.attr().get_int("ceil_mode", 0) != 0, &g_));
    count_include_pad_ = ctx.attr().get_int("count_include_pad", 0) != 0;
    QEDGE_RETURN_IF_ERROR(nn_read_pool_p(ctx, Kind, &p_));
    column_major_ = ctx.attr().get_int("storage_order", 0) == 1;
    const Dims shape = nn_nc_shape(x.shape[0], x.shape[1], g_.out_dims());
    set_output(ctx, 0, x.dtype, shape);
    if (ctx.num_outputs() > 1) set_output(ctx, 1, DType::kInt64, shape);
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    return visit_dtype<kFloatTypes | kIntTypes>(x.dtype, nn_op(ctx).c_str(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      const int64_t planes = x.shape[0] * x.shape[1];
      const T* in = x.data_as<T>();
      T* out = ctx.output(0)->template data_as<T>();
      int64_t* indices = ctx.num_outputs() > 1 ? ctx.output(1)->template data_as<int64_t>() : nullptr;
      ctx.parallel_for(planes, [&](int64_t begin, int64_t end) {
        for (int64_t pl = begin; pl < end; ++pl) pool_plane<T>(in, pl, out + pl * g_.out_size(), indices);
      });
      return Status::Ok();
    });
  }

 private:
  template <typename T>
  void pool_plane(const T* in, int64_t plane, T* out, int64_t* indices) const {
    using A = std::conditional_t<std::is_same_v<T, double>, double, float>;
    const T* xp = in + plane * g_.in_size();
    int64_t o = 0;
    for (int64_t od = 0; od < g_.out[0]; ++od) {
      for (int64_t oh = 0; oh < g_.out[1]; ++oh) {
        for (int64_t ow = 0; ow < g_.out[2]; ++ow, ++o) {
          const NnDims3 start{od * g_.stride[0] - g_.pad_begin[0], oh * g_.stride[1] - g_.pad_begin[1],
                              ow * g_.stride[2] - g_.pad_begin[2]};
          NnPoolReducer<Kind, A> red(p_);
          int64_t best = -1, padded = 0;
          for (int64_t kd = 0; kd < g_.kernel[0]; ++kd) {
            const int64_t id = start[0] + kd * g_.dilation[0];
            for (int64_t kh = 0; kh < g_.kernel[1]; ++kh) {
              const int64_t ih = start[1] + kh * g_.dilation[1];
              for (int64_t kw = 0; kw < g_.kernel[2]; ++kw) {
                const int64_t iw = start[2] + kw * g_.dilation[2];
                const NnDims3 pos{id, ih, iw};
                bool inside = true, in_pad = true;
                for (int i = 0; i < kNnMaxSpatial; ++i) {
                  inside = inside && pos[i] >= 0 && pos[i] < g_.in[i];
                  in_pad = in_pad && pos[i] >= -g_.pad_begin[i] && pos[i] < g_.in[i] + g_.pad_end[i];
                }
                padded += in_pad ? 1 : 0;
                if (!inside) continue;
                const int64_t idx = (id * g_.in[1] + ih) * g_.in[2] + iw;
                if (red.add(static_cast<A>(static_cast<compute_t<T>>(xp[idx])))) {
                  best = column_major_ ? id + (ih + iw * g_.in[1]) * g_.in[0] : idx;
                }
              }
            }
          }
          out[o] = to_storage<T>(red.result(count_include_pad_ ? padded : red.count()));
          if (indices) indices[plane * g_.out_size() + o] = best < 0 ? -1 : plane * g_.in_size() + best;
        }
      }
    }
  }

  NnGeometry g_;
  bool count_include_pad_ = false;
  bool column_major_ = false;
  double p_ = 2.0;
};

// Global pools reduce every spatial position of each (n, c) plane to one value: [N, C, 1, ...].
template <NnPool Kind>
class NnGlobalPoolKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    Dims in_spatial;
    QEDGE_RETURN_IF_ERROR(nn_pool_input(ctx, NnPool::kAverage, &in_spatial));  // global pools take floats only
    const Tensor& x = *ctx.input(0);
    QEDGE_RETURN_IF_ERROR(nn_read_pool_p(ctx, Kind, &p_));
    set_output(ctx, 0, x.dtype, nn_nc_shape(x.shape[0], x.shape[1], Dims(in_spatial.size(), 1)));
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    return visit_dtype<kFloatTypes>(x.dtype, nn_op(ctx).c_str(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      using A = std::conditional_t<std::is_same_v<T, double>, double, float>;
      const int64_t planes = x.shape[0] * x.shape[1];
      const int64_t size = planes > 0 ? x.numel() / planes : 0;
      const T* in = x.data_as<T>();
      T* out = ctx.output(0)->template data_as<T>();
      for (int64_t pl = 0; pl < planes; ++pl) {
        NnPoolReducer<Kind, A> red(p_);
        for (int64_t i = 0; i < size; ++i) red.add(static_cast<A>(static_cast<compute_t<T>>(in[pl * size + i])));
        out[pl] = to_storage<T>(red.result(size));
      }
      return Status::Ok();
    });
  }

 private:
  double p_ = 2.0;
};

}  // namespace qedge::ref
