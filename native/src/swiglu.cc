// SwiGLU activation over gateUp [rows, 2I] = [gate | up]: out = silu(gate)·up.
// silu(g) = g·σ(g), σ(g) = 1/(1 + exp(−g)); silu'(g) = σ(g)·(1 + g·(1 − σ(g))).
#include "common.h"
#include "kernels.h"

namespace hrm {

void swiglu_forward(float* out, const float* gateUp, long rows, long I) {
#pragma omp parallel for schedule(static) if (static_cast<size_t>(rows) * I >= kParallelMin)
  for (long r = 0; r < rows; r++) {
    const float* g = gateUp + r * 2 * I;
    const float* u = g + I;
    float* o = out + r * I;
    long i = 0;
    const v8f one = splat8(1.f);
    for (; i + 8 <= I; i += 8) {
      const v8f gv = load8(g + i);
      store8(o + i, gv / (one + exp8(-gv)) * load8(u + i));
    }
    for (; i < I; i++) o[i] = g[i] / (1.f + exp1(-g[i])) * u[i];
  }
}

void swiglu_backward(float* dGateUp, const float* dOut, const float* gateUp, long rows, long I) {
#pragma omp parallel for schedule(static) if (static_cast<size_t>(rows) * I >= kParallelMin)
  for (long r = 0; r < rows; r++) {
    const float* g = gateUp + r * 2 * I;
    const float* u = g + I;
    const float* dy = dOut + r * I;
    float* dg = dGateUp + r * 2 * I;
    float* du = dg + I;
    long i = 0;
    const v8f one = splat8(1.f);
    for (; i + 8 <= I; i += 8) {
      const v8f gv = load8(g + i), uv = load8(u + i), dv = load8(dy + i);
      const v8f s = one / (one + exp8(-gv));
      store8(dg + i, dv * uv * s * (one + gv * (one - s)));
      store8(du + i, dv * gv * s);
    }
    for (; i < I; i++) {
      const float s = 1.f / (1.f + exp1(-g[i]));
      const float gi = g[i], ui = u[i], di = dy[i];
      dg[i] = di * ui * s * (1.f + gi * (1.f - s));
      du[i] = di * gi * s;
    }
  }
}

}  // namespace hrm
