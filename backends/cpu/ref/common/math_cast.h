// Element-type conversion shared by Cast and CastLike: every pair of numeric, 16-bit float, bool and
// packed 4-bit integer types, with a defined result for every value.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "dispatch.h"
#include "math_scalar.h"
#include "qedge/kernel_api/tensor.h"

namespace qedge::ref {

inline bool is_nibble_type(DType t) { return t == DType::kInt4 || t == DType::kUint4; }

// True when Cast can read or write `t`.
inline bool castable(DType t) {
  return is_nibble_type(t) || visit_dtype<kAllTypes>(t, "Cast", [](auto) { return Status::Ok(); }).ok();
}

// Rounds a double to float with round-to-odd, so that a second rounding to a 16-bit float gives the
// correctly rounded result (a plain double->float->half chain can round twice).
inline float round_to_odd_float(double d) {
  float f = static_cast<float>(d);
  if (!std::isfinite(f) || static_cast<double>(f) == d) return f;
  if (std::fabs(static_cast<double>(f)) > std::fabs(d)) f = std::nextafter(f, 0.0f);
  return bits_float(float_bits(f) | 1u);
}

template <typename Dst, typename Src>
Dst convert_element(Src s) {
  using SC = compute_t<Src>;
  const SC v = static_cast<SC>(s);
  if constexpr (std::is_same_v<Dst, bool>) {
    return v != SC(0);
  } else if constexpr (is_half_v<Dst> && std::is_same_v<SC, double>) {
    return Dst(round_to_odd_float(v));
  } else if constexpr (is_half_v<Dst> && std::is_integral_v<SC> && sizeof(SC) > 2) {
    return Dst(round_to_odd_float(static_cast<double>(v)));
  } else if constexpr (is_float_v<Dst>) {
    return to_storage<Dst>(static_cast<compute_t<Dst>>(v));
  } else if constexpr (std::is_floating_point_v<SC>) {
    return float_to_int<Dst>(v);
  } else {
    return static_cast<Dst>(v);  // integer to integer keeps the low bits, as numpy's astype
  }
}

// Converts x into y (same element count); y.dtype is the target type. Both must satisfy castable().
inline Status cast_tensor(const Tensor& x, Tensor& y) {
  const int64_t n = x.numel();
  // 4-bit types travel through int8/uint8: unpack the input, pack the output (low nibble first).
  Tensor src = x;
  std::vector<uint8_t> unpacked;
  if (is_nibble_type(x.dtype)) {
    unpacked.resize(static_cast<size_t>(n));
    const auto* p = x.data_as<uint8_t>();
    for (int64_t i = 0; i < n; ++i) {
      int v = (p[i / 2] >> (4 * (i % 2))) & 0xf;
      if (x.dtype == DType::kInt4 && v >= 8) v -= 16;
      unpacked[i] = static_cast<uint8_t>(v);
    }
    src.dtype = x.dtype == DType::kInt4 ? DType::kInt8 : DType::kUint8;
    src.data = unpacked.data();
  }
  Tensor dst = y;
  std::vector<uint8_t> to_pack;
  if (is_nibble_type(y.dtype)) {
    to_pack.resize(static_cast<size_t>(n));
    dst.dtype = y.dtype == DType::kInt4 ? DType::kInt8 : DType::kUint8;
    dst.data = to_pack.data();
  }
  QEDGE_RETURN_IF_ERROR(visit_dtype<kAllTypes>(src.dtype, "Cast", [&](auto src_tag) {
    using S = typename decltype(src_tag)::type;
    return visit_dtype<kAllTypes>(dst.dtype, "Cast", [&](auto dst_tag) {
      using D = typename decltype(dst_tag)::type;
      const S* in = src.data_as<S>();
      D* out = dst.data_as<D>();
      for (int64_t i = 0; i < n; ++i) out[i] = convert_element<D>(in[i]);
      return Status::Ok();
    });
  }));
  if (!to_pack.empty()) {
    auto* p = y.data_as<uint8_t>();
    for (int64_t i = 0; i < n; ++i) {
      const uint8_t nib = to_pack[i] & 0xf;
      p[i / 2] = static_cast<uint8_t>(i % 2 == 0 ? nib : (p[i / 2] | (nib << 4)));
    }
  }
  return Status::Ok();
}

}  // namespace qedge::ref
