// RMSNorm without gain (HRM's post-norm blocks), per row of D, rows spread over the threads; also fused
// with the residual add before it (add_rms_norm_forward: one pass, the sum never stored).
// forward: y = x·r, r = (mean(x²) + eps)^(-1/2)      backward: dx = r·(dy − y·mean(dy·y))
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
}  // namespace

void rms_norm_forward(float* out, float* rstd, const float* x, long rows, long D, double eps) {
#pragma omp parallel for schedule(static) if (static_cast<size_t>(rows) * D >= kParallelMin)
  for (long r = 0; r < rows; r++) {
    const float* xr = x + r * D;
    float* o = out + r * D;
    const double s = 1.0 / std::sqrt(dot(xr, xr, D) / D + eps);
    rstd[r] = static_cast<float>(s);
    for (long i = 0; i < D; i++) o[i] = static_cast<float>(xr[i] * s);
  }
}

void add_rms_norm_forward(float* out, float* rstd, const float* a, const float* b, long rows, long D, double eps,
                          bool roundSum) {
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

void rms_norm_backward(float* dX, const float* dOut, const float* y, const float* rstd, long rows, long D) {
#pragma omp parallel for schedule(static) if (static_cast<size_t>(rows) * D >= kParallelMin)
  for (long r = 0; r < rows; r++) {
    const long o = r * D;
    const double mean = dot(dOut + o, y + o, D) / D;
    const double s = rstd[r];
    for (long i = 0; i < D; i++) dX[o + i] = static_cast<float>(s * (dOut[o + i] - y[o + i] * mean));
  }
}

}  // namespace hrm
