#include "dispatch.h"

#include <vector>

namespace qedge::ref {

double read_as_double(DType t, const void* data, int64_t i) {
  double v = 0;
  Status s = visit_dtype<kAllTypes>(t, "read", [&](auto tag) {
    using T = typename decltype(tag)::type;
    v = static_cast<double>(static_cast<compute_t<T>>(static_cast<const T*>(data)[i]));
    return Status::Ok();
  });
  return s.ok() ? v : 0.0;
}

Status read_int_values(DType t, const void* data, int64_t count, const char* what, std::vector<int64_t>* out) {
  out->resize(static_cast<size_t>(count));
  if (t == DType::kInt64) {
    const auto* p = static_cast<const int64_t*>(data);
    for (int64_t i = 0; i < count; ++i) (*out)[i] = p[i];
  } else if (t == DType::kInt32) {
    const auto* p = static_cast<const int32_t*>(data);
    for (int64_t i = 0; i < count; ++i) (*out)[i] = p[i];
  } else {
    return InvalidArgument(std::string(what) + " must be int32 or int64, got " + dtype_name(t));
  }
  return Status::Ok();
}

}  // namespace qedge::ref
