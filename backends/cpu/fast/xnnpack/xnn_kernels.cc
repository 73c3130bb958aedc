#include "xnn_paths.h"

namespace qedge::fast {
namespace xnn {

void register_add(KernelRegistry& r, const KernelRegistry& ref);
void register_sub(KernelRegistry& r, const KernelRegistry& ref);
void register_mul(KernelRegistry& r, const KernelRegistry& ref);
void register_div(KernelRegistry& r, const KernelRegistry& ref);
void register_relu(KernelRegistry& r, const KernelRegistry& ref);
void register_hard_swish(KernelRegistry& r, const KernelRegistry& ref);
void register_sigmoid(KernelRegistry& r, const KernelRegistry& ref);
void register_leaky_relu(KernelRegistry& r, const KernelRegistry& ref);
void register_global_average_pool(KernelRegistry& r, const KernelRegistry& ref);

}  // namespace xnn

void register_xnnpack_kernels(KernelRegistry& fast, const KernelRegistry& ref) {
  xnn::register_add(fast, ref);
  xnn::register_sub(fast, ref);
  xnn::register_mul(fast, ref);
  xnn::register_div(fast, ref);
  xnn::register_relu(fast, ref);
  xnn::register_hard_swish(fast, ref);
  xnn::register_sigmoid(fast, ref);
  xnn::register_leaky_relu(fast, ref);
  xnn::register_global_average_pool(fast, ref);
}

}  // namespace qedge::fast
