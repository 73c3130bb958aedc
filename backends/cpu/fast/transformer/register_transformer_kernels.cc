// The fast kernels of transformer models that XNNPACK (Debian 2022) lacks.
#include "qedge/kernel_api/op_kernel.h"

namespace qedge::fast {

void register_fast_concat(KernelRegistry& r, const KernelRegistry& ref);
void register_fast_gelu(KernelRegistry& r, const KernelRegistry& ref);
void register_fast_layer_norm(KernelRegistry& r, const KernelRegistry& ref);
void register_fast_softmax(KernelRegistry& r, const KernelRegistry& ref);

void register_fast_transformer_kernels(KernelRegistry& r, const KernelRegistry& ref) {
  register_fast_concat(r, ref);
  register_fast_gelu(r, ref);
  register_fast_layer_norm(r, ref);
  register_fast_softmax(r, ref);
}

}  // namespace qedge::fast
