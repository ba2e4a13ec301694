// The fused attention kernels (attention_tiles.h) for AVX-512F: 16 lanes, 32 registers. This file alone is
// compiled for AVX-512 (the pragma below; the rest of the addon is AVX2) and its kernels run only where
// __builtin_cpu_supports("avx512f") says so (attention.cc). It includes no header with inline code shared
// with other files, so no AVX-512 copy of a shared function can end up in the AVX2 paths.
#if defined(__x86_64__)

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f"))), apply_to = function)
#else
#pragma GCC target("avx512f")
// GCC 12's avx512fintrin.h initialises its "undefined" vectors from themselves (__Y = __Y): a false alarm
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <immintrin.h>

#include "attention_fused.h"
#include "attention_tiles.h"

namespace hrm {
namespace attn {

namespace {

struct Avx512 {
  using V = __m512;
  static constexpr int W = 16;
  static constexpr int MRB = 6;  // 6 rows x up to 4 vectors: 24 accumulators of 32 registers
  static V zero() { return _mm512_setzero_ps(); }
  static V set1(float x) { return _mm512_set1_ps(x); }
  static V load(const float* p) { return _mm512_loadu_ps(p); }
  static void store(float* p, V v) { _mm512_storeu_ps(p, v); }
  static V bcast(const float* p) { return _mm512_set1_ps(*p); }
  static V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  static V add(V a, V b) { return _mm512_add_ps(a, b); }
  static V sub(V a, V b) { return _mm512_sub_ps(a, b); }
  static V mul(V a, V b) { return _mm512_mul_ps(a, b); }
  static V div(V a, V b) { return _mm512_div_ps(a, b); }
  static V max(V a, V b) { return _mm512_max_ps(a, b); }
  static V roundNearest(V x) { return _mm512_roundscale_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  static V pow2(V n) {
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127)), 23));
  }
  static V zeroBelow(V x, V lo, V y) { return _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(x, lo, _CMP_NLT_UQ), y); }
  static V expNeg(V x) { return expNegFma<Avx512>(x); }
};

}  // namespace

extern const Isa avx512Isa = {"avx512", &forwardScratch<Avx512>, &forwardRows<Avx512>, &backwardScratch<Avx512>,
                              &backwardHead<Avx512>};

}  // namespace attn
}  // namespace hrm

#if defined(__clang__)
#pragma clang attribute pop
#endif

#endif  // __x86_64__
