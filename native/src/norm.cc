// RMSNorm without gain (HRM's post-norm blocks), per row of D, rows spread over the threads; also fused
// with the residual add before it (add_rms_norm_forward: one pass, the sum never stored).
// forward: y = x·r, r = (mean(x²) + eps)^(-1/2)      backward: dx = r·(dy − y·mean(dy·y))
// inner > 1: x is [rows, D, inner] and the vectors run down D with stride inner (TRM's mlp_t normalises
// [B, T, D] over T); each task is one row and a block of up to 64 adjacent vectors, read a D-row at a time.
#include <algorithm>
#include <cmath>

#include "common.h"
#include "kernels.h"

namespace hrm {

namespace {
/** Σ a[i]·b[i] with 16 float partial sums (then summed in double). */
double dot(const float* a, const float* b, long D) {
  v8f s0 = splat8(0.f), s1 = splat8(0.f);
  long i = 0;
  for (; i + 16 <= D; i += 16) {
    s0 += load8(a + i) * load8(b + i);
    s1 += load8(a + i + 8) * load8(b + i + 8);
  }
  double s = static_cast<double>(hsum8(s0)) + hsum8(s1);
  for (; i < D; i++) s += static_cast<double>(a[i]) * b[i];
  return s;
}
constexpr long kColBlock = 64;

/**
 * fn(r, j0, j1) for every row r and block [j0, j1) of at most kColBlock vectors of a strided norm, spread
 * over the threads.
 */
template <typename F>
void column_blocks(long rows, long D, long inner, F&& fn) {
  const long blocks = (inner + kColBlock - 1) / kColBlock, tasks = rows * blocks;
#pragma omp parallel for schedule(static) if (static_cast<size_t>(rows) * D * inner >= kParallelMin)
  for (long t = 0; t < tasks; t++) {
    const long r = t / blocks, j0 = (t % blocks) * kColBlock;
    fn(r, j0, std::min(j0 + kColBlock, inner));
  }
}

/**
 * rstd of the vectors [j0, j1) of row r of x [rows, D, inner], then out = x·rstd for them. Each vector's sum
 * runs in float32 (vectorised across the block, a D-row at a time); its rstd in double.
 */
void norm_columns(float* out, float* rstd, const float* x, long r, long j0, long j1, long D, long inner, double eps) {
  float ss[kColBlock] = {};
  const long w = j1 - j0, base = r * D * inner + j0;
  for (long i = 0; i < D; i++) {
    const float* xi = x + base + i * inner;
#pragma omp simd
    for (long j = 0; j < w; j++) ss[j] += xi[j] * xi[j];
  }
  float s[kColBlock];
  for (long j = 0; j < w; j++) {
    s[j] = static_cast<float>(1.0 / std::sqrt(static_cast<double>(ss[j]) / D + eps));
    rstd[r * inner + j0 + j] = s[j];
  }
  for (long i = 0; i < D; i++) {
    const float* xi = x + base + i * inner;
    float* oi = out + base + i * inner;
#pragma omp simd
    for (long j = 0; j < w; j++) oi[j] = xi[j] * s[j];
  }
}
}  // namespace

void rms_norm_forward(float* out, float* rstd, const float* x, long rows, long D, long inner, double eps) {
  if (inner != 1) {
    column_blocks(rows, D, inner, [&](long r, long j0, long j1) { norm_columns(out, rstd, x, r, j0, j1, D, inner, eps); });
    return;
  }
#pragma omp parallel for schedule(static) if (static_cast<size_t>(rows) * D >= kParallelMin)
  for (long r = 0; r < rows; r++) {
    const float* xr = x + r * D;
    float* o = out + r * D;
    const double s = 1.0 / std::sqrt(dot(xr, xr, D) / D + eps);
    rstd[r] = static_cast<float>(s);
    for (long i = 0; i < D; i++) o[i] = static_cast<float>(xr[i] * s);
  }
}

void add_rms_norm_forward(float* out, float* rstd, const float* a, const float* b, long rows, long D, long inner,
                          double eps, bool roundSum) {
  if (inner != 1) {
    column_blocks(rows, D, inner, [&](long r, long j0, long j1) {
      const long base = r * D * inner + j0, w = j1 - j0;
      for (long i = 0; i < D; i++) {  // the block's sums first (add's float32 result), then their norm in place
        float* o = out + base + i * inner;
        for (long j = 0; j < w; j++) o[j] = a[base + i * inner + j] + b[base + i * inner + j];
        if (roundSum) round_bf16(o, o, w);  // one block row: below round_bf16's parallel threshold
      }
      norm_columns(out, rstd, out, r, j0, j1, D, inner, eps);
    });
    return;
  }
#pragma omp parallel for schedule(static) if (static_cast<size_t>(rows) * D >= kParallelMin)
  for (long r = 0; r < rows; r++) {
    float* o = out + r * D;  // the row's sum first (add's float32 result), then its norm in place
    for (long i = 0; i < D; i++) o[i] = a[r * D + i] + b[r * D + i];
    if (roundSum) round_bf16(o, o, D);  // one row: below round_bf16's parallel threshold
    const double s = 1.0 / std::sqrt(dot(o, o, D) / D + eps);
    rstd[r] = static_cast<float>(s);
    for (long i = 0; i < D; i++) o[i] = static_cast<float>(o[i] * s);
  }
}

void rms_norm_backward(float* dX, const float* dOut, const float* y, const float* rstd, long rows, long D,
                       long inner) {
  if (inner != 1) {
    column_blocks(rows, D, inner, [&](long r, long j0, long j1) {
      const long base = r * D * inner + j0, w = j1 - j0;
      double dot[kColBlock] = {}, mean[kColBlock], sc[kColBlock];  // in double: y·mean ≈ dy cancels
      for (long i = 0; i < D; i++) {
        const long o = base + i * inner;
#pragma omp simd
        for (long j = 0; j < w; j++) dot[j] += static_cast<double>(dOut[o + j]) * y[o + j];
      }
      for (long j = 0; j < w; j++) {
        mean[j] = dot[j] / D;
        sc[j] = rstd[r * inner + j0 + j];
      }
      for (long i = 0; i < D; i++) {
        const long o = base + i * inner;
#pragma omp simd
        for (long j = 0; j < w; j++) dX[o + j] = static_cast<float>(sc[j] * (dOut[o + j] - y[o + j] * mean[j]));
      }
    });
    return;
  }
#pragma omp parallel for schedule(static) if (static_cast<size_t>(rows) * D >= kParallelMin)
  for (long r = 0; r < rows; r++) {
    const long o = r * D;
    const double mean = dot(dOut + o, y + o, D) / D;
    const double s = rstd[r];
    for (long i = 0; i < D; i++) dX[o + i] = static_cast<float>(s * (dOut[o + i] - y[o + i] * mean));
  }
}

}  // namespace hrm
