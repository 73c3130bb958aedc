// CPU features the fast kernels dispatch on, detected once at run time.
#pragma once

namespace qedge::fast {

struct CpuFeatures {
  bool avx2_fma = false;     // x86-64 AVX2 + FMA3
  bool avx512_vnni = false;  // x86-64 AVX-512 F/BW/VL + VNNI (vpdpbusd), with the OS saving the ZMM state
};

const CpuFeatures& cpu_features();

}  // namespace qedge::fast
