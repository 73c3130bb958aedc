// The fast CPU kernels: float32 Conv, MatMul and Gemm on the blocked GEMM (gemm_f32.h), and the integer qedge QConv
// and QMatMul on 8-bit levels on the exact int16 GEMM (gemm_s16.h), and MaxPool. Each handles its common forms itself and hands every other form (other dtypes, shapes it does not cover) to the reference
// kernel of the same op, so registering them never narrows what the cpu backend runs.
#pragma once

#include "qedge/kernel_api/op_kernel.h"

namespace qedge::fast {

// Adds the fast kernels to `fast`; `ref` supplies the reference kernels they fall back to and must outlive them.
void register_fast_kernels(KernelRegistry& fast, const KernelRegistry& ref);

}  // namespace qedge::fast
