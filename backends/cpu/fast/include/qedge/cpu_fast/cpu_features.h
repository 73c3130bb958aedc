// CPU features the fast kernels dispatch on, detected once at run time. The environment variable
// QEDGE_DISABLE_CPU_FEATURES (a comma-separated list of the field names below, e.g. "avx512_vnni" or
// "avx512_vnni,avx2_fma") turns detected features off, so that one machine can run, test and benchmark every path.
#pragma once

namespace qedge::fast {

struct CpuFeatures {
  bool avx2_fma = false;     // x86-64 AVX2 + FMA3
  bool avx512_vnni = false;  // x86-64 AVX-512 F/BW/VL + VNNI (vpdpbusd), with the OS saving the ZMM state
};

const CpuFeatures& cpu_features();

}  // namespace qedge::fast
