// Non-causal softmax attention over a fused qkv [B,T,3,NH,HD] -> out [B,T,NH,HD], stats [B,NH,T,2]:
// fused kernels (attention_tiles.h: scores, softmax and P·V per block of query rows with the scores in
// cache; the backward recomputes the probabilities from the saved per-row max and sum), dispatched at run
// time to AVX-512 (attention_avx512.cc) where the CPU has it, else AVX2 (portable 8-wide vectors off x86).
// HRM_NATIVE_ISA=avx2 forces the AVX2 kernels (to compare both on an AVX-512 machine).
//
// Threads: the tasks are heads (batch, head); the forward splits heads into runs of query blocks when there
// are fewer heads than twice the threads. The backward's dK and dV sum over all of a head's query blocks.
#include <algorithm>
#include <cstdlib>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "attention_fused.h"
#include "attention_tiles.h"
#include "common.h"
#include "kernels.h"

namespace hrm {

namespace {

#if defined(__x86_64__)
/** AVX2 + FMA (binding.gyp builds the addon with -mavx2 -mfma). */
struct Avx2 {
  using V = __m256;
  static constexpr int W = 8;
  static constexpr int MRB = 3;  // 3 rows x up to 4 vectors: 12 accumulators of 16 registers
  static V zero() { return _mm256_setzero_ps(); }
  static V set1(float x) { return _mm256_set1_ps(x); }
  static V load(const float* p) { return _mm256_loadu_ps(p); }
  static void store(float* p, V v) { _mm256_storeu_ps(p, v); }
  static V bcast(const float* p) { return _mm256_broadcast_ss(p); }
  static V fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  static V add(V a, V b) { return _mm256_add_ps(a, b); }
  static V sub(V a, V b) { return _mm256_sub_ps(a, b); }
  static V mul(V a, V b) { return _mm256_mul_ps(a, b); }
  static V div(V a, V b) { return _mm256_div_ps(a, b); }
  static V max(V a, V b) { return _mm256_max_ps(a, b); }
  static V roundNearest(V x) { return _mm256_round_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  static V pow2(V n) {
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23));
  }
  static V zeroBelow(V x, V lo, V y) { return _mm256_andnot_ps(_mm256_cmp_ps(x, lo, _CMP_LT_OQ), y); }
  static V expNeg(V x) { return attn::expNegFma<Avx2>(x); }
};
using Base = Avx2;
constexpr const char* kBaseName = "avx2";
#else
/** Portable 8-wide vectors (GCC/Clang vector extensions); without FMA: a product and a sum, each rounded. */
struct Vec8 {
  using V = v8f;
  static constexpr int W = 8;
  static constexpr int MRB = 3;
  static V zero() { return splat8(0.f); }
  static V set1(float x) { return splat8(x); }
  static V load(const float* p) { return load8(p); }
  static void store(float* p, V v) { store8(p, v); }
  static V bcast(const float* p) { return splat8(*p); }
  static V fma(V a, V b, V c) { return a * b + c; }
  static V add(V a, V b) { return a + b; }
  static V sub(V a, V b) { return a - b; }
  static V mul(V a, V b) { return a * b; }
  static V div(V a, V b) { return a / b; }
  static V max(V a, V b) { return b > a ? b : a; }
  static V expNeg(V x) { return exp8(x); }
};
using Base = Vec8;
constexpr const char* kBaseName = "vec8";
#endif

const attn::Isa baseIsa = {kBaseName, &attn::forwardScratch<Base>, &attn::forwardRows<Base>,
                           &attn::backwardScratch<Base>, &attn::backwardHead<Base>};

const attn::Isa& isa() {
  static const attn::Isa* chosen = [] {
#if defined(__x86_64__)
    const char* force = std::getenv("HRM_NATIVE_ISA");
    if ((force == nullptr || std::strcmp(force, "avx2") != 0) && __builtin_cpu_supports("avx512f"))
      return &attn::avx512Isa;
#endif
    return &baseIsa;
  }();
  return *chosen;
}

// Query rows per block: a whole head up to kWholeHead tokens (HRM's T = 82, TRM's 97), else blocks whose
// scores (and, in the backward, P and dS) stay in L2 next to the head's packed K and V: 48 was the fastest
// of 24, 48 and 96 at T = 916, HD = 32 (one thread, best of 9).
constexpr long kWholeHead = 128;
constexpr long kForwardRows = 48;
constexpr long kBackwardRows = 48;

/** Below this many multiply-adds (B·NH·T²·HD) one thread runs it all. */
constexpr double kParallelMacs = 1 << 16;

}  // namespace

const char* attention_isa() { return isa().name; }

void attention_forward(float* out, float* stats, const float* qkv, long B, long T, long NH, long HD, float scale) {
  const attn::Isa& k = isa();
  const attn::Args a{qkv, out, stats, nullptr, nullptr, nullptr, B, T, NH, HD, scale};
  const long heads = B * NH, rows = T <= kWholeHead ? T : kForwardRows, blocks = (T + rows - 1) / rows;
  // whole heads per task (K and V packed once) when there are enough for the threads, else runs of blocks
  const long threads = num_threads();
  const long split = heads >= 2 * threads ? 1 : std::min(blocks, (2 * threads + heads - 1) / heads);
  const long span = (blocks + split - 1) / split * rows, tasks = heads * split;
  const size_t need = static_cast<size_t>(k.forwardScratch(T, HD, rows));
#pragma omp parallel for schedule(dynamic, 1) if (tasks > 1 && double(heads) * T * T * HD >= kParallelMacs)
  for (long t = 0; t < tasks; t++) {
    const long bh = t / split, r0 = (t % split) * span, r1 = std::min(T, r0 + span);
    if (r0 < r1) k.forwardRows(a, bh, r0, r1, rows, scratch<float>(0, need));
  }
}

void attention_backward(float* dQkv, const float* dOut, const float* qkv, const float* stats, long B, long T,
                        long NH, long HD, float scale) {
  const attn::Isa& k = isa();
  const attn::Args a{qkv, nullptr, nullptr, stats, dQkv, dOut, B, T, NH, HD, scale};
  const long tasks = B * NH, rows = T <= kWholeHead ? T : kBackwardRows;
  const size_t need = static_cast<size_t>(k.backwardScratch(T, HD, rows));
#pragma omp parallel for schedule(dynamic, 1) if (tasks > 1 && double(B) * NH * T * T * HD >= kParallelMacs)
  for (long bh = 0; bh < tasks; bh++) k.backwardHead(a, bh, rows, scratch<float>(0, need));
}

}  // namespace hrm
