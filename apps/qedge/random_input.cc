#include "random_input.h"

#include <cstring>

#include "qedge/kernel_api/float16.h"

namespace qedge::cli {

TensorData random_tensor(const qedge_tensor& info, std::mt19937& rng) {
  TensorData t;
  t.dtype = static_cast<DType>(info.dtype);
  for (int d = 0; d < info.rank; ++d) t.shape.push_back(info.dims[d] < 0 ? 1 : info.dims[d]);
  const int64_t n = num_elements(t.shape);
  t.bytes.assign(dtype_storage_bytes(t.dtype, n), 0);
  std::uniform_real_distribution<float> uni(-1.0f, 1.0f);
  std::uniform_int_distribution<int> bits(0, 255);
  for (int64_t i = 0; i < n; ++i) {
    switch (t.dtype) {
      case DType::kFloat32: { float v = uni(rng); std::memcpy(&t.bytes[4 * i], &v, 4); break; }
      case DType::kFloat64: { double v = uni(rng); std::memcpy(&t.bytes[8 * i], &v, 8); break; }
      case DType::kFloat16: { uint16_t v = float_to_half(uni(rng)); std::memcpy(&t.bytes[2 * i], &v, 2); break; }
      case DType::kBool: t.bytes[i] = bits(rng) & 1; break;
      default: break;
    }
  }
  return t;
}

}  // namespace qedge::cli
