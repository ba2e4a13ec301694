// Non-causal softmax attention over a fused qkv [B,T,3,NH,HD] -> out [B,T,NH,HD], probs [B,NH,T,T].
// One (batch, head) pair per task, spread over the threads; within a task the products are
// single-threaded oneDNN sgemm calls (row-major, with the fused layout's leading dimensions, no packing
// copies here), which beat one threaded batched matmul at T=82, HD=64 (see native/bench/onednn_bench.cc).
//
// forward:  S = scale·Q·Kᵀ, P = softmax(S), O = P·V
// backward: dV = Pᵀ·dO, dP = dO·Vᵀ, dS = P ⊙ (dP − rowsum(P ⊙ dP)), dQ = scale·dS·K, dK = scale·dSᵀ·Q
#include <oneapi/dnnl/dnnl.h>

#include <stdexcept>
#include <string>

#include "common.h"
#include "kernels.h"

namespace hrm {

namespace {
// Row-major C[M,N] = alpha·op(A)·op(B) + beta·C; throws on a oneDNN error (never expected: sizes are checked).
void sgemm(char ta, char tb, long M, long N, long K, float alpha, const float* A, long lda, const float* B, long ldb,
           float beta, float* C, long ldc) {
  const dnnl_status_t st = dnnl_sgemm(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
  if (st != dnnl_success) throw std::runtime_error("attention: dnnl_sgemm failed with status " + std::to_string(st));
}
}  // namespace

void attention_forward(float* out, float* probs, const float* qkv, long B, long T, long NH, long HD, float scale) {
  const long D = NH * HD, ld = 3 * D;
  const long tasks = B * NH;
  bool failed = false;
#pragma omp parallel for schedule(dynamic, 1) if (tasks > 1 && static_cast<size_t>(T) * T * HD >= 4096)
  for (long bh = 0; bh < tasks; bh++) {
    const long b = bh / NH, h = bh % NH;
    const float* q = qkv + b * T * ld + h * HD;
    const float* k = q + D;
    const float* v = q + 2 * D;
    float* P = probs + bh * T * T;
    if (dnnl_sgemm('N', 'T', T, T, HD, scale, q, ld, k, ld, 0.f, P, T) != dnnl_success) failed = true;
    for (long t = 0; t < T; t++) softmax_row(P + t * T, P + t * T, T);
    if (dnnl_sgemm('N', 'N', T, HD, T, 1.f, P, T, v, ld, 0.f, out + b * T * D + h * HD, D) != dnnl_success)
      failed = true;
  }
  if (failed) throw std::runtime_error("attentionForward: dnnl_sgemm failed");
}

void attention_backward(float* dQkv, const float* dOut, const float* qkv, const float* probs, long B, long T,
                        long NH, long HD, float scale) {
  const long D = NH * HD, ld = 3 * D;
  const long tasks = B * NH;
  bool failed = false;
#pragma omp parallel for schedule(dynamic, 1) if (tasks > 1 && static_cast<size_t>(T) * T * HD >= 4096)
  for (long bh = 0; bh < tasks; bh++) {
    const long b = bh / NH, h = bh % NH;
    const long base = b * T * ld + h * HD;
    const float* q = qkv + base;
    const float* k = q + D;
    const float* v = q + 2 * D;
    float* dq = dQkv + base;
    float* dk = dq + D;
    float* dv = dq + 2 * D;
    const float* dO = dOut + b * T * D + h * HD;
    const float* P = probs + bh * T * T;
    float* dS = scratch<float>(0, static_cast<size_t>(T) * T);
    try {
      sgemm('T', 'N', T, HD, T, 1.f, P, T, dO, D, 0.f, dv, ld);  // dV = Pᵀ·dO
      sgemm('N', 'T', T, T, HD, 1.f, dO, D, v, ld, 0.f, dS, T);  // dP = dO·Vᵀ
      for (long t = 0; t < T; t++) {                             // dS = P ⊙ (dP − rowsum(P ⊙ dP))
        const float* pr = P + t * T;
        float* ds = dS + t * T;
        double rowDot = 0;
        for (long j = 0; j < T; j++) rowDot += static_cast<double>(pr[j]) * ds[j];
        const float rd = static_cast<float>(rowDot);
        for (long j = 0; j < T; j++) ds[j] = pr[j] * (ds[j] - rd);
      }
      sgemm('N', 'N', T, HD, T, scale, dS, T, k, ld, 0.f, dq, ld);  // dQ = scale·dS·K
      sgemm('T', 'N', T, HD, T, scale, dS, T, q, ld, 0.f, dk, ld);  // dK = scale·dSᵀ·Q
    } catch (const std::exception&) {
      failed = true;
    }
  }
  if (failed) throw std::runtime_error("attentionBackward: dnnl_sgemm failed");
}

}  // namespace hrm
