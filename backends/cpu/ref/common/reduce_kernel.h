// Reduce* and ArgMax/ArgMin: axis handling and the reduction loop, written once.
// Each operator file supplies only its accumulate / finish rule.
#pragma once

#include <cmath>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "broadcast.h"
#include "dispatch.h"
#include "int_math.h"
#include "kernel_util.h"
#include "qedge/kernel_api/op_kernel.h"

namespace qedge::ref {

// Accumulator type: floats accumulate in double (the half types and float lose precision on long
// sums otherwise), integers and bool in their own type with wrap-around.
template <typename T>
using reduce_acc_t = std::conditional_t<is_float_v<T>, double, T>;

// Marks the reduced axes of a rank-`rank` input. `axes` empty means all axes, unless `noop` is set
// (noop_with_empty_axes), in which case nothing is reduced.
inline Result<std::vector<bool>> reduce_axis_mask(const std::vector<int64_t>& axes, int rank, bool noop,
                                                  const std::string& op) {
  std::vector<bool> mask(rank, axes.empty() && !noop);
  for (int64_t a : axes) {
    if (a < -rank || a >= rank) {
      return InvalidArgument(op + " axis " + std::to_string(a) + " is out of range for rank " + std::to_string(rank));
    }
    const int n = static_cast<int>(a < 0 ? a + rank : a);
    if (mask[n]) return InvalidArgument(op + " axis " + std::to_string(a) + " appears twice");
    mask[n] = true;
  }
  return mask;
}

// Reads the axes of a Reduce* node: the `axes` attribute before `axes_input_opset`, input 1 from then on.
inline Status read_reduce_axes(const KernelContext& ctx, int axes_input_opset, std::vector<int64_t>* axes) {
  if (ctx.opset < axes_input_opset) {
    *axes = ctx.attr().get_ints("axes");
    return Status::Ok();
  }
  axes->clear();
  const Tensor* t = ctx.input(1);
  if (t == nullptr) return Status::Ok();
  QEDGE_RETURN_IF_ERROR(require_value(ctx, 1));
  if (t->rank() > 1) {
    return InvalidArgument(std::string(ctx.op_type) + " axes input must be 1-D, got " + dims_to_string(t->shape));
  }
  return read_int_values(t->dtype, t->data, t->numel(), "axes", axes);
}

// A Reduce* operator. Rule provides:
//   kTypes                           accepted element types
//   template <A> A init()            accumulator start (the identity value of an empty reduction)
//   template <A> A step(A acc, A x)  folds one element in
//   template <A> A finish(A acc, int64_t count)
template <typename Rule>
class ReduceKernel : public OpKernel {
 public:
  explicit ReduceKernel(int axes_input_opset) : axes_input_opset_(axes_input_opset) {}

  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 1));
    const Tensor& x = *ctx.input(0);
    const std::string op(ctx.op_type);
    QEDGE_RETURN_IF_ERROR(visit_dtype<Rule::kTypes>(x.dtype, op.c_str(), [](auto) { return Status::Ok(); }));
    std::vector<int64_t> axes;
    QEDGE_RETURN_IF_ERROR(read_reduce_axes(ctx, axes_input_opset_, &axes));
    const bool noop = ctx.attr().get_int("noop_with_empty_axes", 0) != 0;
    QEDGE_ASSIGN_OR_RETURN(std::vector<bool> mask, reduce_axis_mask(axes, x.rank(), noop, op));
    const bool keepdims = ctx.attr().get_int("keepdims", 1) != 0;
    kept_shape_ = x.shape;
    Dims out_shape;
    count_ = 1;
    for (int d = 0; d < x.rank(); ++d) {
      if (mask[d]) {
        count_ *= x.shape[d];
        kept_shape_[d] = 1;
        if (keepdims) out_shape.push_back(1);
      } else {
        out_shape.push_back(x.shape[d]);
      }
    }
    set_output(ctx, 0, x.dtype, std::move(out_shape));
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    Tensor& y = *ctx.output(0);
    return visit_dtype<Rule::kTypes>(x.dtype, "reduce", [&](auto tag) {
      using T = typename decltype(tag)::type;
      using A = reduce_acc_t<T>;
      const int64_t n_out = y.numel();
      std::vector<A> acc(static_cast<size_t>(n_out), Rule::template init<A>());
      const T* in = x.data_as<T>();
      // The output viewed with kept (size-1) reduced dims broadcasts onto the input: stride 0 there.
      for_each_broadcast<1>(x.shape, {&kept_shape_}, [&](int64_t i, const std::array<int64_t, 1>& off) {
        acc[off[0]] = Rule::template step<A>(acc[off[0]], static_cast<A>(static_cast<compute_t<T>>(in[i])));
      });
      T* out = y.data_as<T>();
      for (int64_t o = 0; o < n_out; ++o) out[o] = to_storage<T>(Rule::finish(acc[o], count_));
      return Status::Ok();
    });
  }

 private:
  int axes_input_opset_;
  Dims kept_shape_;
  int64_t count_ = 1;
};

// Registers Reduce<op>; axes moved from attribute to input at `axes_input_opset` (13 for ReduceSum, 18 otherwise).
template <typename Rule>
void register_reduce(KernelRegistry& r, const std::string& op, int axes_input_opset = 18) {
  r.add("", op, [axes_input_opset] { return std::make_unique<ReduceKernel<Rule>>(axes_input_opset); });
}

// Rules that only differ in what they fold: sum of f(x), then g(sum, count).
template <typename A>
A reduce_lowest() {
  if constexpr (std::is_same_v<A, bool>) {
    return false;
  } else if constexpr (std::is_floating_point_v<A>) {
    return -std::numeric_limits<A>::infinity();
  } else {
    return std::numeric_limits<A>::lowest();
  }
}

template <typename A>
A reduce_highest() {
  if constexpr (std::is_same_v<A, bool>) {
    return true;
  } else if constexpr (std::is_floating_point_v<A>) {
    return std::numeric_limits<A>::infinity();
  } else {
    return std::numeric_limits<A>::max();
  }
}

// Sum-shaped reductions: acc += Map(x); result = Finish(acc, count). Integers wrap.
template <unsigned Types, typename Map, typename Finish>
struct SumRule {
  static constexpr unsigned kTypes = Types;
  template <typename A>
  static A init() {
    return A{0};
  }
  template <typename A>
  static A step(A acc, A x) {
    return wrap_add(acc, static_cast<A>(Map{}(x)));
  }
  template <typename A>
  static A finish(A acc, int64_t count) {
    return static_cast<A>(Finish{}(acc, count));
  }
};

struct ReduceIdentity {
  template <typename A>
  A operator()(A x) const {
    return x;
  }
  template <typename A>
  A operator()(A acc, int64_t) const {
    return acc;
  }
};

// ReduceMax / ReduceMin: keeps the element `Better` prefers; NaN wins, as numpy propagates it.
// The empty reduction gives the worst value: -inf / lowest / false for max, the opposite for min.
template <typename Better, bool kIsMax>
struct ExtremeRule {
  static constexpr unsigned kTypes = kAllTypes;
  template <typename A>
  static A init() {
    return kIsMax ? reduce_lowest<A>() : reduce_highest<A>();
  }
  template <typename A>
  static A step(A acc, A x) {
    return (Better{}(x, acc) || x != x) ? x : acc;  // NOLINT: x != x tests NaN
  }
  template <typename A>
  static A finish(A acc, int64_t) {
    return acc;
  }
};

// ArgMax / ArgMin: index of the first (or, with select_last_index, last) extreme along `axis`.
// Better(a, b) says a beats b strictly.
template <typename Better>
class ArgReduceKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 1));
    const Tensor& x = *ctx.input(0);
    const std::string op(ctx.op_type);
    QEDGE_RETURN_IF_ERROR(visit_dtype<kNumericTypes>(x.dtype, op.c_str(), [](auto) { return Status::Ok(); }));
    QEDGE_ASSIGN_OR_RETURN(axis_, normalize_axis(ctx.attr().get_int("axis", 0), x.rank(), "axis"));
    if (x.shape[axis_] == 0) {
      return InvalidArgument(op + " cannot reduce the empty axis " + std::to_string(axis_) + " of " +
                             dims_to_string(x.shape));
    }
    last_ = ctx.attr().get_int("select_last_index", 0) != 0;
    Dims out = x.shape;
    if (ctx.attr().get_int("keepdims", 1) != 0) {
      out[axis_] = 1;
    } else {
      out.erase(out.begin() + axis_);
    }
    set_output(ctx, 0, DType::kInt64, std::move(out));
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    int64_t* out = ctx.output(0)->data_as<int64_t>();
    int64_t outer = 1;
    int64_t inner = 1;
    for (int d = 0; d < axis_; ++d) outer *= x.shape[d];
    for (int d = axis_ + 1; d < x.rank(); ++d) inner *= x.shape[d];
    const int64_t len = x.shape[axis_];
    return visit_dtype<kNumericTypes>(x.dtype, "arg reduce", [&](auto tag) {
      using T = typename decltype(tag)::type;
      using C = compute_t<T>;
      const T* in = x.data_as<T>();
      for (int64_t o = 0; o < outer; ++o) {
        for (int64_t i = 0; i < inner; ++i) {
          const T* p = in + o * len * inner + i;
          int64_t best = 0;
          for (int64_t k = 1; k < len; ++k) {
            const C v = static_cast<C>(p[k * inner]);
            const C b = static_cast<C>(p[best * inner]);
            if (Better{}(v, b) || (last_ && v == b)) best = k;
          }
          out[o * inner + i] = best;
        }
      }
      return Status::Ok();
    });
  }

 private:
  int axis_ = 0;
  bool last_ = false;
};

}  // namespace qedge::ref
