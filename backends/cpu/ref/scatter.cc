#include "common/shape_scatter.h"

namespace qedge::ref {

// Scatter is ScatterElements' name before opset 11 (no reduction attribute then).
void register_scatter(KernelRegistry& r) {
  r.add("", "Scatter", [] { return std::make_unique<ScatterElementsKernel>(); });
}

}  // namespace qedge::ref
