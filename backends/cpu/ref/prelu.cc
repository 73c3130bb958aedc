#include <memory>
#include <string>

#include "common/broadcast.h"
#include "common/dispatch.h"
#include "common/int_math.h"
#include "common/kernel_util.h"

namespace qedge::ref {
namespace {

// Y = X < 0 ? slope * X : X with the slope broadcast to X (unidirectionally: Y keeps X's shape).
class PReluKernel : public OpKernel {
 public:
  Status prepare(KernelContext& ctx) override {
    QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 2));
    const Tensor& x = *ctx.input(0);
    const Tensor& slope = *ctx.input(1);
    if (x.dtype != slope.dtype) {
      return InvalidModel(std::string("PRelu X and slope have different types: ") + dtype_name(x.dtype) + " and " +
                          dtype_name(slope.dtype));
    }
    QEDGE_RETURN_IF_ERROR(visit_dtype<kTypes>(x.dtype, "PRelu", [](auto) { return Status::Ok(); }));
    slope_shape_ = slope.shape;
    // Before opset 7 there was no broadcasting: a 1-D slope of size C applies per channel (axis 1).
    if (ctx.opset < 7 && slope.rank() == 1 && x.rank() >= 2 && slope.shape[0] == x.shape[1]) {
      slope_shape_ = Dims(x.rank() - 1, 1);
      slope_shape_[0] = slope.shape[0];
    }
    auto shape = broadcast_shapes(x.shape, slope_shape_);
    if (!shape.ok() || *shape != x.shape) {
      return ShapeMismatch("PRelu slope of shape " + dims_to_string(slope.shape) +
                           " does not broadcast to X of shape " + dims_to_string(x.shape));
    }
    set_output(ctx, 0, x.dtype, x.shape);
    return Status::Ok();
  }

  Status run(KernelContext& ctx) override {
    const Tensor& x = *ctx.input(0);
    const Tensor& slope = *ctx.input(1);
    return visit_dtype<kTypes>(x.dtype, "PRelu", [&](auto tag) {
      using T = typename decltype(tag)::type;
      using C = compute_t<T>;
      const T* px = x.data_as<T>();
      const T* ps = slope.data_as<T>();
      T* out = ctx.output(0)->data_as<T>();
      for_each_broadcast<2>(x.shape, {&x.shape, &slope_shape_}, [&](int64_t i, const std::array<int64_t, 2>& off) {
        const C v = static_cast<C>(px[off[0]]);
        out[i] = to_storage<T>(v < C(0) ? wrap_mul(v, static_cast<C>(ps[off[1]])) : v);
      });
      return Status::Ok();
    });
  }

 private:
  static constexpr unsigned kTypes = kFloatTypes | kSignedIntTypes;
  Dims slope_shape_;
};

}  // namespace

void register_prelu(KernelRegistry& r) {
  r.add("", "PRelu", [] { return std::make_unique<PReluKernel>(); });
}

}  // namespace qedge::ref
