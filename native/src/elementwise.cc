// Elementwise kernels, computed as the reference does (in double where it multiplies by a JS number,
// rounded once to float32), so they match it bit for bit. out may alias the inputs.
#include "common.h"
#include "kernels.h"

namespace hrm {

void add(float* out, const float* a, const float* b, long n) {
#pragma omp parallel for simd schedule(static) if (static_cast<size_t>(n) >= 4 * kParallelMin)
  for (long i = 0; i < n; i++) out[i] = a[i] + b[i];
}

void scale(float* out, const float* a, double alpha, long n) {
#pragma omp parallel for simd schedule(static) if (static_cast<size_t>(n) >= 4 * kParallelMin)
  for (long i = 0; i < n; i++) out[i] = static_cast<float>(a[i] * alpha);
}

void axpy(float* dst, const float* src, double alpha, long n) {
#pragma omp parallel for simd schedule(static) if (static_cast<size_t>(n) >= 4 * kParallelMin)
  for (long i = 0; i < n; i++) dst[i] = static_cast<float>(dst[i] + alpha * src[i]);
}

}  // namespace hrm
