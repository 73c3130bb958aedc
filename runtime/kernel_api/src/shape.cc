#include "qedge/kernel_api/shape.h"

#include <algorithm>

namespace qedge {

Result<int64_t> checked_num_elements(const Dims& dims) {
  int64_t n = 1;
  for (int64_t d : dims) {
    if (d < 0) return InvalidArgument("negative dimension in shape " + dims_to_string(dims));
    if (d == 0) return int64_t{0};
  }
  for (int64_t d : dims) {
    if (n > kMaxElements / d) return InvalidArgument("shape " + dims_to_string(dims) + " has too many elements");
    n *= d;
  }
  return n;
}

int64_t num_elements(const Dims& dims) {
  // A zero anywhere makes the tensor empty even when other dims are huge (e.g. [2^40, 2^40, 0], which
  // checked_num_elements accepts); the product wraps instead of overflowing for unvalidated shapes.
  for (int64_t d : dims) {
    if (d == 0) return 0;
  }
  uint64_t n = 1;
  for (int64_t d : dims) n *= static_cast<uint64_t>(d);
  return static_cast<int64_t>(n);
}

std::string dims_to_string(const Dims& dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i) s += ",";
    s += dims[i] < 0 ? std::string("?") : std::to_string(dims[i]);
  }
  return s + "]";
}

Result<int> normalize_axis(int64_t axis, int rank, const char* what) {
  if (axis < -rank || axis >= rank) {
    return InvalidArgument(std::string(what) + " " + std::to_string(axis) + " is out of range for rank " +
                           std::to_string(rank));
  }
  return static_cast<int>(axis < 0 ? axis + rank : axis);
}

std::vector<int64_t> row_major_strides(const Dims& dims) {
  std::vector<int64_t> s(dims.size(), 1);
  for (int i = static_cast<int>(dims.size()) - 2; i >= 0; --i) s[i] = s[i + 1] * dims[i + 1];
  return s;
}

Result<Dims> broadcast_shapes(const Dims& a, const Dims& b) {
  const size_t rank = std::max(a.size(), b.size());
  Dims out(rank);
  for (size_t i = 0; i < rank; ++i) {
    const int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da == db || db == 1) {
      out[i] = da;
    } else if (da == 1) {
      out[i] = db;
    } else {
      return ShapeMismatch("shapes " + dims_to_string(a) + " and " + dims_to_string(b) + " cannot be broadcast");
    }
  }
  return out;
}

}  // namespace qedge
