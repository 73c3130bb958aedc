#include "common/shape_scatter.h"

namespace qedge::ref {

void register_scatter_elements(KernelRegistry& r) {
  r.add("", "ScatterElements", [] { return std::make_unique<ScatterElementsKernel>(); });
}

}  // namespace qedge::ref
