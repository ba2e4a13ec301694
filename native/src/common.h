// Shared helpers of the native kernels: 8-wide float vectors (GCC/Clang vector extensions, lowered to
// AVX2 on x86-64), a vectorised expf, thread-local scratch and the thread setting.
//
// Numerics: no -ffast-math and -ffp-contract=off (see binding.gyp), so every loop computes what it says;
// the kernels match the TypeScript reference to ~1e-7 relative, elementwise kernels bit for bit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace hrm {

typedef float v8f __attribute__((vector_size(32)));
typedef int32_t v8i __attribute__((vector_size(32)));

inline v8f load8(const float* p) {
  v8f v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store8(float* p, v8f v) { std::memcpy(p, &v, sizeof v); }
inline v8f splat8(float x) { return v8f{x, x, x, x, x, x, x, x}; }

inline float hsum8(v8f v) {
  // pairwise, in double for the last steps
  double s = 0;
  for (int i = 0; i < 8; i++) s += v[i];
  return static_cast<float>(s);
}
inline float hmax8(v8f v) {
  float m = v[0];
  for (int i = 1; i < 8; i++) m = v[i] > m ? v[i] : m;
  return m;
}

/**
 * exp of 8 floats (Cephes expf: range reduction by ln2, degree-6 polynomial), about 1 ulp.
 * exp(x) = 0 below -87.3, +inf above 88.7, NaN stays NaN.
 */
inline v8f exp8(v8f x) {
  const v8f hi = splat8(88.72283935546875f), lo = splat8(-87.33654022216797f);
  v8f xc = x > hi ? hi : x;
  xc = xc < lo ? lo : xc;
  const v8f t = xc * splat8(1.44269504088896341f) + splat8(0.5f);
  v8i ni = __builtin_convertvector(t, v8i); // truncation toward zero
  v8f nf = __builtin_convertvector(ni, v8f);
  nf = nf > t ? nf - splat8(1.f) : nf; // floor
  ni = __builtin_convertvector(nf, v8i);
  v8f r = xc - nf * splat8(0.693359375f);
  r = r - nf * splat8(-2.12194440e-4f);
  v8f p = splat8(1.9875691500E-4f);
  p = p * r + splat8(1.3981999507E-3f);
  p = p * r + splat8(8.3334519073E-3f);
  p = p * r + splat8(4.1665795894E-2f);
  p = p * r + splat8(1.6666665459E-1f);
  p = p * r + splat8(5.0000001201E-1f);
  p = p * (r * r) + r + splat8(1.f);
  // 2^n: n in [-126, 128]; split to keep the exponent field in range at both ends
  const v8i n1 = ni / 2, n2 = ni - n1;
  v8f s1, s2;
  const v8i b1 = (n1 + 127) << 23, b2 = (n2 + 127) << 23;
  std::memcpy(&s1, &b1, sizeof s1);
  std::memcpy(&s2, &b2, sizeof s2);
  v8f y = p * s1 * s2;
  y = x < lo ? splat8(0.f) : y;
  y = x > hi ? splat8(__builtin_inff()) : y;
  return x != x ? x : y; // NaN in, NaN out
}

/** exp of n floats in place-safe fashion (out may alias x), via exp8 on every element (tail padded). */
inline void exp_n(float* out, const float* x, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) store8(out + i, exp8(load8(x + i)));
  if (i < n) {
    float buf[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    std::memcpy(buf, x + i, (n - i) * sizeof(float));
    store8(buf, exp8(load8(buf)));
    std::memcpy(out + i, buf, (n - i) * sizeof(float));
  }
}

/** Scalar exp with exactly the vector's arithmetic (for tails of fused loops). */
inline float exp1(float x) {
  float buf[8] = {x, 0, 0, 0, 0, 0, 0, 0};
  store8(buf, exp8(load8(buf)));
  return buf[0];
}

/**
 * Per-thread scratch that only grows (no allocation on the hot path once warm). Slot k is a separate
 * buffer, so one kernel can hold several at once.
 */
template <typename T>
T* scratch(int slot, size_t n) {
  thread_local std::vector<T> bufs[4];
  std::vector<T>& b = bufs[slot];
  if (b.size() < n) b.resize(n);
  return b.data();
}

/** Threads used by the kernels and by oneDNN (OpenMP); set from JS by setNumThreads. */
void set_num_threads(int n);
int num_threads();
/** Bumped on every thread-count change, so cached oneDNN primitives are rebuilt. */
unsigned thread_generation();

/** Minimum work (elements) per parallel region; below it loops run on one thread. */
constexpr size_t kParallelMin = 1 << 14;

}  // namespace hrm
