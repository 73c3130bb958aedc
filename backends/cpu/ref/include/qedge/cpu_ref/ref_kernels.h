// The reference CPU kernels: portable, simple, and the oracle every other backend is checked against.
#pragma once

#include "qedge/kernel_api/op_kernel.h"

namespace qedge::ref {

// Registers every reference kernel (one per ONNX operator) into `r`.
void register_all(KernelRegistry& r);

}  // namespace qedge::ref
