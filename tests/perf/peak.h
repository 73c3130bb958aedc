// Peak-rate loops: enough independent accumulators to keep every FMA / multiply-add port busy.
#pragma once

#include <cstdint>

namespace qedge::perf {

// Floating-point operations one iteration of peak_fma_f32 performs (12 FMAs x 8 lanes x 2).
constexpr double kPeakFmaFlopsPerCall = 12 * 8 * 2;
// int8 multiply-adds one iteration of peak_madd_i8 performs, counted as 2 ops each (4 x vpmaddubsw: 32 products).
constexpr double kPeakMaddOpsPerCall = 4 * 32 * 2;

// int8 multiply-adds one iteration of peak_dpbusd_i8 performs, counted as 2 ops each (12 x vpdpbusd on 512 bits:
// 768 products).
constexpr double kPeakVnniOpsPerCall = 12 * 64 * 2;

float peak_fma_f32(int64_t iterations);
int32_t peak_madd_i8(int64_t iterations);
// Needs AVX-512 VNNI (cpu_features().avx512_vnni).
int32_t peak_dpbusd_i8(int64_t iterations);

}  // namespace qedge::perf
