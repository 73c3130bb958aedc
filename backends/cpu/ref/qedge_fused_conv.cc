#include "common/fused.h"

namespace qedge::ref {

void register_conv(KernelRegistry& r);

void register_qedge_fused_conv(KernelRegistry& r) { register_fused(r, "FusedConv", register_conv, "Conv"); }

}  // namespace qedge::ref
