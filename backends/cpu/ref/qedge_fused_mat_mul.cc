#include "common/fused.h"

namespace qedge::ref {

void register_mat_mul(KernelRegistry& r);

void register_qedge_fused_mat_mul(KernelRegistry& r) { register_fused(r, "FusedMatMul", register_mat_mul, "MatMul"); }

}  // namespace qedge::ref
