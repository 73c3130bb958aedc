#include "qedge/cpu_fast/fast_kernels.h"

#include "xnnpack/xnn_paths.h"

namespace qedge::fast {

void register_fast_conv(KernelRegistry& r, const KernelRegistry& ref);
void register_fast_gemm(KernelRegistry& r, const KernelRegistry& ref);
void register_fast_matmul(KernelRegistry& r, const KernelRegistry& ref);
void register_fast_max_pool(KernelRegistry& r, const KernelRegistry& ref);
void register_fast_multi_threshold(KernelRegistry& r, const KernelRegistry& ref);
void register_fast_nhwc_conv(KernelRegistry& r, const KernelRegistry& ref);
void register_fast_nhwc_global_average_pool(KernelRegistry& r, const KernelRegistry& ref);
void register_fast_qadd(KernelRegistry& r, const KernelRegistry& ref);
void register_fast_qconv(KernelRegistry& r, const KernelRegistry& ref);
void register_fast_qmatmul(KernelRegistry& r, const KernelRegistry& ref);
void register_fast_qedge_thresholds(KernelRegistry& r, const KernelRegistry& ref);
void register_fast_quantize(KernelRegistry& r, const KernelRegistry& ref);
void register_fast_quantize_linear(KernelRegistry& r, const KernelRegistry& ref);
void register_fast_transpose(KernelRegistry& r, const KernelRegistry& ref);
void register_fast_transformer_kernels(KernelRegistry& r, const KernelRegistry& ref);

void register_fast_kernels(KernelRegistry& fast, const KernelRegistry& ref) {
  register_fast_conv(fast, ref);
  register_fast_gemm(fast, ref);
  register_fast_matmul(fast, ref);
  register_fast_max_pool(fast, ref);
  register_fast_multi_threshold(fast, ref);
  register_fast_nhwc_conv(fast, ref);
  register_fast_nhwc_global_average_pool(fast, ref);
  register_fast_qadd(fast, ref);
  register_fast_qconv(fast, ref);
  register_fast_qmatmul(fast, ref);
  register_fast_qedge_thresholds(fast, ref);
  register_fast_quantize(fast, ref);
  register_fast_quantize_linear(fast, ref);
  register_fast_transpose(fast, ref);
  register_fast_transformer_kernels(fast, ref);
  register_xnnpack_kernels(fast, ref);
}

}  // namespace qedge::fast
