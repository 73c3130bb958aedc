// Element-type dispatch for reference kernels: turns a runtime DType into a C++ type.
#pragma once

#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "qedge/kernel_api/dtype.h"
#include "qedge/kernel_api/float16.h"
#include "qedge/kernel_api/status.h"

namespace qedge::ref {

template <typename T>
struct TypeTag {
  using type = T;
};

// Type sets a kernel accepts (bit flags).
enum TypeSet : unsigned {
  kFloatTypes = 1u,        // float, double, float16, bfloat16
  kSignedIntTypes = 2u,    // int8..int64
  kUnsignedIntTypes = 4u,  // uint8..uint64
  kBoolType = 8u,
  kIntTypes = kSignedIntTypes | kUnsignedIntTypes,
  kNumericTypes = kFloatTypes | kIntTypes,
  kAllTypes = kNumericTypes | kBoolType,
};

// Arithmetic type for a storage type: float for the 16-bit floats, the type itself otherwise.
template <typename T>
using compute_t = std::conditional_t<std::is_same_v<T, Float16> || std::is_same_v<T, BFloat16>, float, T>;

template <typename T>
constexpr bool is_half_v = std::is_same_v<T, Float16> || std::is_same_v<T, BFloat16>;

template <typename T>
constexpr bool is_float_v = std::is_floating_point_v<T> || is_half_v<T>;

// Converts a computed value back to storage type T.
template <typename T, typename V>
inline T to_storage(V v) {
  if constexpr (is_half_v<T>) {
    return T(static_cast<float>(v));
  } else {
    return static_cast<T>(v);
  }
}

// Returns the C++ type set bit for T.
template <typename T>
constexpr unsigned type_set_of() {
  if constexpr (std::is_same_v<T, bool>) {
    return kBoolType;
  } else if constexpr (is_float_v<T>) {
    return kFloatTypes;
  } else if constexpr (std::is_signed_v<T>) {
    return kSignedIntTypes;
  } else {
    return kUnsignedIntTypes;
  }
}

inline Status unsupported_type(const char* op, DType t) {
  return Unsupported(std::string(op) + " does not support element type " + dtype_name(t));
}

// Calls fn(TypeTag<T>{}) for the C++ type of `t` if it is in `Set`; otherwise an Unsupported error
// naming `op`. fn returns Status.
template <unsigned Set, typename F>
Status visit_dtype(DType t, const char* op, F&& fn) {
#define QEDGE_VISIT_CASE(ENUM, TYPE)                                  \
  case DType::ENUM:                                                   \
    if constexpr ((type_set_of<TYPE>() & Set) != 0) {                 \
      return fn(TypeTag<TYPE>{});                                     \
    }                                                                 \
    break;
  switch (t) {
    QEDGE_VISIT_CASE(kFloat32, float)
    QEDGE_VISIT_CASE(kFloat64, double)
    QEDGE_VISIT_CASE(kFloat16, Float16)
    QEDGE_VISIT_CASE(kBFloat16, BFloat16)
    QEDGE_VISIT_CASE(kInt8, int8_t)
    QEDGE_VISIT_CASE(kInt16, int16_t)
    QEDGE_VISIT_CASE(kInt32, int32_t)
    QEDGE_VISIT_CASE(kInt64, int64_t)
    QEDGE_VISIT_CASE(kUint8, uint8_t)
    QEDGE_VISIT_CASE(kUint16, uint16_t)
    QEDGE_VISIT_CASE(kUint32, uint32_t)
    QEDGE_VISIT_CASE(kUint64, uint64_t)
    QEDGE_VISIT_CASE(kBool, bool)
    default:
      break;
  }
#undef QEDGE_VISIT_CASE
  return unsupported_type(op, t);
}

// Reads element i of a tensor of any numeric type as double (for index and shape inputs).
double read_as_double(DType t, const void* data, int64_t i);
// Reads an int32/int64 tensor's values as int64 (shape, axes, indices inputs).
Status read_int_values(DType t, const void* data, int64_t count, const char* what, std::vector<int64_t>* out);

}  // namespace qedge::ref
