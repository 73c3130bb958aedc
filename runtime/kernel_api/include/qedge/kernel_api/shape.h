// Tensor shapes and the arithmetic on them that must not overflow.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "qedge/kernel_api/status.h"

namespace qedge {

using Dims = std::vector<int64_t>;

// Largest element count we accept for one tensor (2^48): far beyond any edge model,
// small enough that count * 16 bytes cannot overflow 64 bits.
constexpr int64_t kMaxElements = int64_t{1} << 48;

// Product of dims; an error if any dim is negative or the product exceeds kMaxElements.
Result<int64_t> checked_num_elements(const Dims& dims);
// Product of dims for shapes already validated (exact there; never UB for others).
int64_t num_elements(const Dims& dims);
// "[1,3,224,224]"
std::string dims_to_string(const Dims& dims);
// Normalizes a possibly negative axis against rank; error names `what`.
Result<int> normalize_axis(int64_t axis, int rank, const char* what = "axis");
// Row-major strides in elements.
std::vector<int64_t> row_major_strides(const Dims& dims);
// Numpy-style broadcast of two shapes; error message shows both shapes.
Result<Dims> broadcast_shapes(const Dims& a, const Dims& b);

}  // namespace qedge
