#include "qedge/cpu_fast/cpu_features.h"

#include <cstdlib>
#include <sstream>
#include <string>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace qedge::fast {
namespace {

#if defined(__x86_64__) || defined(__i386__)
// AVX-512 F, BW, VL and VNNI from CPUID leaf 7, and XCR0 showing the OS saves the SSE, AVX, opmask and ZMM state
// (a CPU can have the instructions while the OS has them switched off).
bool detect_avx512_vnni() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & (1u << 27))) return false;  // OSXSAVE
  unsigned xcr0_lo = 0, xcr0_hi = 0;
  __asm__("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
  if ((xcr0_lo & 0xE6) != 0xE6) return false;  // XMM, YMM, opmask, ZMM_Hi256, Hi16_ZMM
  if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return false;
  const bool f = ebx & (1u << 16), bw = ebx & (1u << 30), vl = ebx & (1u << 31), vnni = ecx & (1u << 11);
  return f && bw && vl && vnni;
}
#endif

// Clears the features named in QEDGE_DISABLE_CPU_FEATURES; other names are ignored.
void apply_disabled(CpuFeatures* f) {
  const char* list = std::getenv("QEDGE_DISABLE_CPU_FEATURES");
  if (list == nullptr) return;
  std::istringstream names(list);
  for (std::string name; std::getline(names, name, ',');) {
    if (name == "avx2_fma") f->avx2_fma = false;
    if (name == "avx512_vnni") f->avx512_vnni = false;
  }
}

}  // namespace

const CpuFeatures& cpu_features() {
  static const CpuFeatures features = [] {
    CpuFeatures f;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    f.avx2_fma = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    f.avx512_vnni = detect_avx512_vnni();
#endif
    apply_disabled(&f);
    return f;
  }();
  return features;
}

}  // namespace qedge::fast
