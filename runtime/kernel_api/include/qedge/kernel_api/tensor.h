// The tensor view kernels work on: element type, shape, and (when known) the data.
#pragma once

#include <cstdint>
#include <vector>

#include "qedge/kernel_api/dtype.h"
#include "qedge/kernel_api/shape.h"

namespace qedge {

struct Tensor {
  DType dtype = DType::kUndefined;
  Dims shape;
  // Element data, row-major. Sub-byte types are packed (element i in the low nibble of byte i/2 for
  // even i, as ONNX stores int4). Null for a tensor with no elements, or when only the shape is
  // known (converter shape inference).
  void* data = nullptr;
  // False during converter shape inference for tensors whose values are not constants.
  bool has_value = true;
  // True for a model constant: its data never changes while the session (or conversion) lives, so kernels may keep
  // what they derive from it (e.g. repacked weights) across runs.
  bool constant = false;
  // Non-zero for a bit-packed integer constant (format layout PACKED_BITS): element i occupies bits
  // [i*b, (i+1)*b) of the data, signed when dtype is int8. Only kernels whose backend says it reads packed
  // data (Backend::reads_packed_input) ever see one; every other kernel gets natural elements.
  uint8_t packed_bits = 0;
  bool packed_bipolar = false;  // 1-bit elements where bit 1 is +1 and bit 0 is -1

  int rank() const { return static_cast<int>(shape.size()); }
  int64_t numel() const { return num_elements(shape); }
  size_t nbytes() const { return dtype_storage_bytes(dtype, numel()); }
  template <typename T>
  T* data_as() {
    return static_cast<T*>(data);
  }
  template <typename T>
  const T* data_as() const {
    return static_cast<const T*>(data);
  }
};

// A tensor that owns its bytes: attribute values, folded constants, test fixtures.
struct TensorData {
  DType dtype = DType::kUndefined;
  Dims shape;
  std::vector<uint8_t> bytes;

  // A view for kernels; valid while this object lives and is not resized.
  Tensor view() const {
    Tensor t;
    t.dtype = dtype;
    t.shape = shape;
    t.data = const_cast<uint8_t*>(bytes.data());
    return t;
  }
};

}  // namespace qedge
