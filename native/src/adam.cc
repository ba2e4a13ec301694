// AdamATan2 (imoneoi/adam-atan2, as the official pretrain.py uses it), per element in float32:
//   p ← p·(1 − lr·λ)                      decoupled weight decay, first
//   m ← lerp(m, g, 1 − β1);  v ← lerp(v, g², 1 − β2)      (torch's lerp, two branches)
//   p ← p − (lr / (1 − β1^t)) · atan2(m, sqrt(v) / sqrt(1 − β2^t))
// Every operation is a float32 operation (no FMA contraction: -ffp-contract=off), which equals the
// reference's Math.fround of the exact double result. atan2 runs in double (a vectorised Cephes atan,
// ~1e-16 relative) and is rounded once to float32, as fround(Math.atan2(m, denom)): the two agree except
// when the true value lies within ~2 double ulps of a float32 rounding boundary (about 1 element in 10^8,
// then 1 float ulp apart). The scalars (decay, 1 − β, step size, sqrt of the bias correction) come from
// JS, computed exactly as the reference computes them.
#include <cmath>

#include "common.h"
#include "kernels.h"

namespace hrm {

namespace {

typedef double v4d __attribute__((vector_size(32)));
typedef float v4f __attribute__((vector_size(16)));

inline v4d splat4(double x) { return v4d{x, x, x, x}; }

/** atan(q) for 4 doubles (Cephes atan: reduction at tan(3π/8) and 0.66, rational P/Q). */
inline v4d atan4(v4d q) {
  const v4d a = q < 0 ? -q : q;
  const auto big = a > splat4(2.41421356237309504880);
  const auto mid = (a > splat4(0.66)) & ~big;
  v4d x = big ? splat4(-1.0) / a : (mid ? (a - splat4(1.0)) / (a + splat4(1.0)) : a);
  const v4d y0 = big ? splat4(1.57079632679489661923) : (mid ? splat4(0.78539816339744830962) : splat4(0.0));
  const v4d z = x * x;
  v4d num = splat4(-8.750608600031904122785E-1);
  num = num * z + splat4(-1.615753718733365076637E1);
  num = num * z + splat4(-7.500855792314704667340E1);
  num = num * z + splat4(-1.228866684490136173410E2);
  num = num * z + splat4(-6.485021904942025371773E1);
  v4d den = z + splat4(2.485846490142306297962E1);
  den = den * z + splat4(1.650270098316988542046E2);
  den = den * z + splat4(4.328810604912902668951E2);
  den = den * z + splat4(4.853903996359136964868E2);
  den = den * z + splat4(1.945506571482613964425E2);
  v4d r = z * num / den;
  r = x * r + x;
  const double morebits = 6.123233995736765886130E-17;
  r = r + (big ? splat4(morebits) : (mid ? splat4(0.5 * morebits) : splat4(0.0)));
  r = y0 + r;
  return q < 0 ? -r : r;
}

/**
 * out[i] = (float)atan2(y[i], x[i]) for x ≥ 0 (Adam's denominator). Lanes with x = 0 or a non-finite
 * input go through std::atan2.
 */
void atan2_pos(float* out, const float* y, const float* x, long n) {
  long i = 0;
  for (; i + 4 <= n; i += 4) {
    v4f yf, xf;
    std::memcpy(&yf, y + i, sizeof yf);
    std::memcpy(&xf, x + i, sizeof xf);
    const v4d yd = __builtin_convertvector(yf, v4d), xd = __builtin_convertvector(xf, v4d);
    const v4f r = __builtin_convertvector(atan4(yd / xd), v4f);
    std::memcpy(out + i, &r, sizeof r);
  }
  for (; i < n; i++) out[i] = static_cast<float>(std::atan2(static_cast<double>(y[i]), static_cast<double>(x[i])));
  for (long j = 0; j < n; j++) { // rare: denominators of 0, infinities, NaN
    const float xv = x[j], yv = y[j];
    if (!(xv > 0.f && xv <= 3.4028234663852886e38f && yv - yv == 0.f))
      out[j] = static_cast<float>(std::atan2(static_cast<double>(yv), static_cast<double>(xv)));
  }
}

template <bool LowW1, bool LowW2>
void adam_chunk(float* param, const float* grad, float* expAvg, float* expAvgSq, long n, float decay, float w1,
                float w2, float stepSize, float sqrtBc2) {
  constexpr long kChunk = 256;
  float denom[kChunk], at[kChunk];
  for (long c = 0; c < n; c += kChunk) {
    const long len = n - c < kChunk ? n - c : kChunk;
    float* p = param + c;
    const float* g = grad + c;
    float* m = expAvg + c;
    float* v = expAvgSq + c;
    for (long i = 0; i < len; i++) { // vectorised by the compiler: float ops, one rounding each
      p[i] = p[i] * decay;
      const float gi = g[i], g2 = gi * gi;
      // torch's lerp(start, end, w): start + w·(end − start) for w < 0.5, else end − (end − start)·(1 − w)
      m[i] = LowW1 ? m[i] + w1 * (gi - m[i]) : gi - (gi - m[i]) * (1.f - w1);
      v[i] = LowW2 ? v[i] + w2 * (g2 - v[i]) : g2 - (g2 - v[i]) * (1.f - w2);
      denom[i] = std::sqrt(v[i]) / sqrtBc2;
    }
    atan2_pos(at, m, denom, len);
    for (long i = 0; i < len; i++) p[i] = p[i] - stepSize * at[i];
  }
}

}  // namespace

void adam_atan2(float* param, const float* grad, float* expAvg, float* expAvgSq, long n, float decay, float w1,
                float w2, float stepSize, float sqrtBc2) {
  auto body = w1 < 0.5f ? (w2 < 0.5f ? adam_chunk<true, true> : adam_chunk<true, false>)
                        : (w2 < 0.5f ? adam_chunk<false, true> : adam_chunk<false, false>);
  const long block = 1 << 14;
  const long blocks = (n + block - 1) / block;
#pragma omp parallel for schedule(static) if (blocks > 1)
  for (long b = 0; b < blocks; b++) {
    const long start = b * block, len = n - start < block ? n - start : block;
    body(param + start, grad + start, expAvg + start, expAvgSq + start, len, decay, w1, w2, stepSize, sqrtBc2);
  }
}

}  // namespace hrm
