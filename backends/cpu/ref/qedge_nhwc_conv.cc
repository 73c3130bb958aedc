#include "common/contrib_wrap.h"
#include "common/int_quantize.h"

namespace qedge::ref {

void register_qedge_fused_conv(KernelRegistry& r);  // qedge_fused_conv.cc

// qedge.NhwcConv, made by the converter's layout pass (layout_nhwc): the float Conv in channels-last layout, x
// [N, spatial.., C] and weight [M, k.., C/group] in, y [N, spatial.., M] out, with the optional fused activation of
// qedge.FusedConv (attributes `activation`, `activation_params`). The reference moves the channels and runs FusedConv.
void register_qedge_nhwc_conv(KernelRegistry& r) {
  KernelRegistry fused;
  register_qedge_fused_conv(fused);
  const ContribWrapSpec spec{"FusedConv", *fused.find(kQedgeDomain, "FusedConv"), false, 2, {}, kQedgeDomain};
  r.add(kQedgeDomain, "NhwcConv", [spec] { return std::make_unique<ContribWrapKernel>(spec); });
}

}  // namespace qedge::ref
