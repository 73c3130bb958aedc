// Element types. The numbering is ONNX's TensorProto.DataType, so models, the file format
// and the C API all share one set of numbers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace qedge {

enum class DType : uint8_t {
  kUndefined = 0,
  kFloat32 = 1,
  kUint8 = 2,
  kInt8 = 3,
  kUint16 = 4,
  kInt16 = 5,
  kInt32 = 6,
  kInt64 = 7,
  kString = 8,
  kBool = 9,
  kFloat16 = 10,
  kFloat64 = 11,
  kUint32 = 12,
  kUint64 = 13,
  kComplex64 = 14,
  kComplex128 = 15,
  kBFloat16 = 16,
  kFloat8E4M3FN = 17,
  kFloat8E4M3FNUZ = 18,
  kFloat8E5M2 = 19,
  kFloat8E5M2FNUZ = 20,
  kUint4 = 21,
  kInt4 = 22,
};

constexpr int kMaxDTypeValue = 22;

// Bits one element occupies in storage (4 for int4/uint4, 0 for string/undefined).
int dtype_bits(DType t);
// Lower-case name as ONNX prints it ("float", "int64", "float16", ...).
const char* dtype_name(DType t);
bool dtype_is_valid(int value);
bool dtype_is_float(DType t);    // float16, bfloat16, float32, float64 (and float8 kinds)
bool dtype_is_integer(DType t);  // signed or unsigned integers including int4/uint4
bool dtype_is_signed(DType t);   // signed integers and floats

// Bytes for `count` elements, rounding sub-byte types up to whole bytes.
size_t dtype_storage_bytes(DType t, int64_t count);

}  // namespace qedge
