// CPU features the fast kernels dispatch on, detected once at run time.
#pragma once

namespace qedge::fast {

struct CpuFeatures {
  bool avx2_fma = false;  // x86-64 AVX2 + FMA3
};

const CpuFeatures& cpu_features();

}  // namespace qedge::fast
