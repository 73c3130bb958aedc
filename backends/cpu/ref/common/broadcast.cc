#include "broadcast.h"

namespace qedge::ref {

std::vector<int64_t> broadcast_strides(const Dims& out, const Dims& in) {
  const size_t rank = out.size();
  std::vector<int64_t> strides(rank, 0);
  int64_t s = 1;
  for (size_t i = 0; i < in.size(); ++i) {
    const size_t in_axis = in.size() - 1 - i;
    const size_t out_axis = rank - 1 - i;
    strides[out_axis] = in[in_axis] == 1 ? 0 : s;
    s *= in[in_axis];
  }
  return strides;
}

}  // namespace qedge::ref
