// The reference CPU kernels: portable, simple, and the oracle every other backend is checked against.
#pragma once

#include <string_view>

#include "qedge/kernel_api/op_kernel.h"

namespace qedge::ref {

// Registers every reference kernel (one per ONNX operator) into `r`.
void register_all(KernelRegistry& r);

// True for the kernels that read input `input` of (domain, op_type) in bit-packed form (Tensor::packed_bits).
bool reads_packed_input(std::string_view domain, std::string_view op_type, int input);

}  // namespace qedge::ref
