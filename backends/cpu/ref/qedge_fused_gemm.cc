#include "common/fused.h"

namespace qedge::ref {

void register_gemm(KernelRegistry& r);

void register_qedge_fused_gemm(KernelRegistry& r) { register_fused(r, "FusedGemm", register_gemm, "Gemm"); }

}  // namespace qedge::ref
