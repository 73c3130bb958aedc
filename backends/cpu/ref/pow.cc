#include <cmath>
#include <string>
#include <type_traits>

#include "common/broadcast.h"
#include "common/dispatch.h"
#include "common/int_math.h"
#include "common/kernel_util.h"
#include "common/math_scalar.h"

namespace qedge::ref {
namespace {

// Integer power by squaring with wrap-around; negative exponents truncate 1/b^-e toward zero.
template <typename B, typename E>
B int_pow(B base, E exp) {
  if (exp < E(0)) {
    if (base == B(1)) return B(1);
    if constexpr (std::is_signed_v<B>) {
      if (base == B(-1)) return (exp % 2 == 0) ? B(1) : B(-1);
    }
    return B(0);
  }
  B result = 1;
  auto e = static_cast<std::make_unsigned_t<E>>(exp);
  while (e != 0) {
    if (e & 1u) result = wrap_mul(result, base);
    base = wrap_mul(base, base);
    e >>= 1;
  }
  return result;
}

template <typename TB, typename TE>
TB power(TB b, TE e) {
  using B = compute_t<TB>;
  using E = compute_t<TE>;
  if constexpr (std::is_integral_v<B> && std::is_integral_v<E>) {
    return int_pow(b, e);
  } else if constexpr (std::is_integral_v<B>) {
    return float_to_int<TB>(std::pow(static_cast<double>(b), static_cast<double>(static_cast<E>(e))));
  } else {
    return to_storage<TB>(std::pow(static_cast<B>(b), static_cast<B>(static_cast<E>(e))));
  }
}

// Base and exponent may have different types (T and T1); the output has the base's type.
constexpr unsigned kPowTypes = kNumericTypes;

Status prepare_pow(KernelContext& ctx) {
  QEDGE_RETURN_IF_ERROR(require_inputs(ctx, 2));
  const Tensor& x = *ctx.input(0);
  const Tensor& y = *ctx.input(1);
  QEDGE_RETURN_IF_ERROR(visit_dtype<kPowTypes>(x.dtype, "Pow base", [](auto) { return Status::Ok(); }));
  QEDGE_RETURN_IF_ERROR(visit_dtype<kPowTypes>(y.dtype, "Pow exponent", [](auto) { return Status::Ok(); }));
  QEDGE_ASSIGN_OR_RETURN(Dims shape, broadcast_shapes(x.shape, y.shape));
  set_output(ctx, 0, x.dtype, std::move(shape));
  return Status::Ok();
}

Status run_pow(KernelContext& ctx) {
  const Tensor& x = *ctx.input(0);
  const Tensor& y = *ctx.input(1);
  Tensor& z = *ctx.output(0);
  return visit_dtype<kPowTypes>(x.dtype, "Pow", [&](auto base_tag) {
    using TB = typename decltype(base_tag)::type;
    return visit_dtype<kPowTypes>(y.dtype, "Pow", [&](auto exp_tag) {
      using TE = typename decltype(exp_tag)::type;
      const TB* pb = x.data_as<TB>();
      const TE* pe = y.data_as<TE>();
      TB* out = z.data_as<TB>();
      for_each_broadcast<2>(z.shape, {&x.shape, &y.shape}, [&](int64_t i, const std::array<int64_t, 2>& off) {
        out[i] = power(pb[off[0]], pe[off[1]]);
      });
      return Status::Ok();
    });
  });
}

}  // namespace

void register_pow(KernelRegistry& r) { register_function_kernel(r, "Pow", prepare_pow, run_pow); }

}  // namespace qedge::ref
