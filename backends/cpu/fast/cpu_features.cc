#include "qedge/cpu_fast/cpu_features.h"

namespace qedge::fast {

const CpuFeatures& cpu_features() {
  static const CpuFeatures features = [] {
    CpuFeatures f;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    f.avx2_fma = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
    return f;
  }();
  return features;
}

}  // namespace qedge::fast
