// Rotary embedding, rotate-half (NeoX) layout, on the Q and K heads of a fused qkv [B,T,3,NH,HD];
// V is copied. cos/sin are [T,HD]. Computed in double and rounded once, as the reference: bit-exact.
// forward: out1 = x1·cos1 − x2·sin1, out2 = x2·cos2 + x1·sin2 (halves of HD)
// backward (transpose): dx1 = dy1·cos1 + dy2·sin2, dx2 = dy2·cos2 − dy1·sin1
#include <cstring>

#include "common.h"
#include "kernels.h"

namespace hrm {

namespace {
typedef double v4d __attribute__((vector_size(32)));
typedef float v4f __attribute__((vector_size(16)));

inline v4d ld(const float* p) {
  v4f v;
  std::memcpy(&v, p, sizeof v);
  return __builtin_convertvector(v, v4d);
}
inline void st(float* p, v4d x) {
  const v4f v = __builtin_convertvector(x, v4f);
  std::memcpy(p, &v, sizeof v);
}

/**
 * One head: o1 = x1·ca + sgn·x2·sa, o2 = x2·cb − sgn·x1·sb over the halves (forward: ca = cos1, sa = sin1,
 * cb = cos2, sb = sin2, sgn = −1; backward: sa = sin2, sb = sin1, sgn = +1), in double, rounded once.
 */
template <bool Forward>
inline void rotate(float* o, const float* x, const float* c, const float* s, long half) {
  const float* sa = Forward ? s : s + half;  // multiplies x2 in the first half
  const float* sb = Forward ? s + half : s;  // multiplies x1 in the second half
  long i = 0;
  for (; i + 4 <= half; i += 4) {
    const v4d x1 = ld(x + i), x2 = ld(x + half + i);
    const v4d y1 = Forward ? x1 * ld(c + i) - x2 * ld(sa + i) : x1 * ld(c + i) + x2 * ld(sa + i);
    const v4d y2 = Forward ? x2 * ld(c + half + i) + x1 * ld(sb + i) : x2 * ld(c + half + i) - x1 * ld(sb + i);
    st(o + i, y1);
    st(o + half + i, y2);
  }
  for (; i < half; i++) {
    const double x1 = x[i], x2 = x[half + i];
    const double y1 = Forward ? x1 * c[i] - x2 * sa[i] : x1 * c[i] + x2 * sa[i];
    const double y2 = Forward ? x2 * c[half + i] + x1 * sb[i] : x2 * c[half + i] - x1 * sb[i];
    o[i] = static_cast<float>(y1);
    o[half + i] = static_cast<float>(y2);
  }
}
}  // namespace

void rope_forward(float* out, const float* qkv, const float* cos, const float* sin, long B, long T, long NH,
                  long HD) {
  const long half = HD / 2, tokens = B * T, stride = 3 * NH * HD;
#pragma omp parallel for schedule(static) if (static_cast<size_t>(tokens) * stride >= kParallelMin)
  for (long bt = 0; bt < tokens; bt++) {
    const long t = bt % T;
    const float* c = cos + t * HD;
    const float* s = sin + t * HD;
    for (long h = 0; h < 2 * NH; h++) rotate<true>(out + bt * stride + h * HD, qkv + bt * stride + h * HD, c, s, half);
    if (out != qkv) std::memcpy(out + bt * stride + 2 * NH * HD, qkv + bt * stride + 2 * NH * HD, sizeof(float) * NH * HD);
  }
}

void rope_backward(float* dQkv, const float* dOut, const float* cos, const float* sin, long B, long T, long NH,
                   long HD) {
  const long half = HD / 2, tokens = B * T, stride = 3 * NH * HD;
#pragma omp parallel for schedule(static) if (static_cast<size_t>(tokens) * stride >= kParallelMin)
  for (long bt = 0; bt < tokens; bt++) {
    const long t = bt % T;
    const float* c = cos + t * HD;
    const float* s = sin + t * HD;
    for (long h = 0; h < 2 * NH; h++) rotate<false>(dQkv + bt * stride + h * HD, dOut + bt * stride + h * HD, c, s, half);
    if (dQkv != dOut) std::memcpy(dQkv + bt * stride + 2 * NH * HD, dOut + bt * stride + 2 * NH * HD, sizeof(float) * NH * HD);
  }
}

}  // namespace hrm
