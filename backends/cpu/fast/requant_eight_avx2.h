// Shared by the AVX2 requantizing epilogues (requant_avx2.cc, requant_certified_avx2.cc): the stores of eight levels
// per output type and the loop over groups of eight. Internal linkage on purpose: each includer is compiled with its
// own target flags, and one shared out-of-line copy could carry its instructions into the other.
#pragma once

#include <immintrin.h>

#include <cstring>

#include "requant.h"

namespace qedge::fast {
namespace {

// Stores of eight levels (already within the output type's range, so the saturating packs are exact) at element
// base + at of y, one functor per output type so that the loops choose the type once per run.
struct StoreU8 {
  uint8_t* p;
  void operator()(int64_t at, __m256i levels) const {
    const __m128i w = _mm_packs_epi32(_mm256_castsi256_si128(levels), _mm256_extracti128_si256(levels, 1));
    _mm_storel_epi64(reinterpret_cast<__m128i*>(p + at), _mm_packus_epi16(w, _mm_setzero_si128()));
  }
};

struct StoreS8 {
  int8_t* p;
  void operator()(int64_t at, __m256i levels) const {
    const __m128i w = _mm_packs_epi32(_mm256_castsi256_si128(levels), _mm256_extracti128_si256(levels, 1));
    _mm_storel_epi64(reinterpret_cast<__m128i*>(p + at), _mm_packs_epi16(w, _mm_setzero_si128()));
  }
};

struct StoreS32 {
  int32_t* p;
  void operator()(int64_t at, __m256i levels) const {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(p + at), levels);
  }
};

struct StoreAny {
  Tensor* y;
  int64_t base;
  void operator()(int64_t at, __m256i levels) const {
    alignas(32) int32_t l[8];
    _mm256_store_si256(reinterpret_cast<__m256i*>(l), levels);
    for (int k = 0; k < 8; ++k) ref::set_int_element(*y, base + at + k, l[k]);
  }
};

// Calls loop(store) with the store functor of y's type for elements from base; returns what loop returns.
template <typename Loop>
int64_t with_store(Tensor& y, int64_t base, const Loop& loop) {
  switch (y.dtype) {
    case DType::kUint8: return loop(StoreU8{static_cast<uint8_t*>(y.data) + base});
    case DType::kInt8: return loop(StoreS8{static_cast<int8_t*>(y.data) + base});
    case DType::kInt32: return loop(StoreS32{static_cast<int32_t*>(y.data) + base});
    default: return loop(StoreAny{&y, base});
  }
}

// eight(p, i) on acc[i, i + 8) for each whole group of eight of acc[0, n), then, when the run has one channel
// (c_step 0), on the last partial group through a zero-padded copy (short rows such as 7x7 and 14x14 planes would
// otherwise leave up to 7 of every 49 or 196 values to the scalar epilogue); put(i, v, count) stores the first count
// of v at i. Returns how many values it stored.
template <typename Eight, typename Put>
int64_t each_eight(const int32_t* acc, int64_t n, int64_t c_step, const Eight& eight, const Put& put) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) put(i, eight(acc + i, i), 8);
  if (i == n || c_step != 0) return i;
  alignas(32) int32_t padded[8] = {};
  std::memcpy(padded, acc + i, static_cast<size_t>(n - i) * sizeof(int32_t));
  put(i, eight(padded, i), n - i);
  return n;
}

}  // namespace
}  // namespace qedge::fast
